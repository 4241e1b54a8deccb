import Crypto

/// A row in 16 bytes: 64-bit hashes of its id and of its content (everything but the id: the
/// first 8 bytes of the SHA-256 its derived id comes from). Boxes remember their rows this way,
/// so that thousands of boxes fit in a few megabytes. (32-bit halves were tried: over millions
/// of rows an id collision, read as a conflict, became likely.)
package struct EventRowHash: Sendable {
  package let id: UInt64
  package let content: UInt64
  package init(id: String, report: EventReport) { self.init(id: id, contentDigest: report.contentDigest) }
  package init(id: String, contentDigest: SHA256.Digest) {
    self.id = UInt64(truncatingIfNeeded: id.hashValue)
    content = contentDigest.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
  }
  package init(id: UInt64, content: UInt64) {
    self.id = id
    self.content = content
  }
}
