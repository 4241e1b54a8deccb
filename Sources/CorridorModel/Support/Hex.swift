import Crypto

/// Lowercase hexadecimal, as the audit chain, signatures and checksums print digests.
package func sha256Hex(_ bytes: [UInt8]) -> String {
  hex(SHA256.hash(data: bytes))
}

package func hex<D: Sequence>(_ digest: D, prefix: String = "") -> String where D.Element == UInt8 {
  let digest = Array(digest)
  var prefix = prefix
  return prefix.withUTF8 { head in
    String(unsafeUninitializedCapacity: head.count + 2 * digest.count) { out in
      let digits: StaticString = "0123456789abcdef"
      var i = head.count
      _ = out.initialize(fromContentsOf: head)
      for byte in digest {
        out[i] = digits.utf8Start[Int(byte >> 4)]
        out[i + 1] = digits.utf8Start[Int(byte & 0x0F)]
        i += 2
      }
      return i
    }
  }
}
