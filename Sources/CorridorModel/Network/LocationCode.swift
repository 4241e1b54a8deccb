/// A UN/LOCODE: ISO 3166 country (2 letters) + 3 letters or digits 2–9, e.g. `CNCQI`.
public struct LocationCode: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let text: String
  public var description: String { text }
  public var country: String { String(text.prefix(2)) }
  public static func < (a: LocationCode, b: LocationCode) -> Bool { a.text < b.text }

  /// True when `text` has the shape of a UN/LOCODE (not whether the place exists).
  public static func isWellFormed(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { isWellFormed($0) }
  }

  package static func isWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count == 5 else { return false }
    let isLetter = { (b: UInt8) in b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
    return bytes[0..<2].allSatisfy(isLetter)
      && bytes[2..<5].allSatisfy { isLetter($0) || ($0 >= UInt8(ascii: "2") && $0 <= UInt8(ascii: "9")) }
  }

  /// Parses operator input (`cn cqi`, `CN-CQI` → `CNCQI`). Whether the place is known is the
  /// network's question, not this type's.
  public init(parsing input: String) throws(CorridorError) {
    if Self.isWellFormed(input) {
      self.text = input
      return
    }
    let text = String(input.uppercased().unicodeScalars.filter { $0 != " " && $0 != "-" })
    guard Self.isWellFormed(text) else {
      throw .invalid(
        "invalid UN/LOCODE \(input.debugDescription): expected 2 country letters and 3 letters or digits 2-9 (e.g. CNCQI)",
        rule: .unlocode)
    }
    self.text = text
  }

  /// Parses a field of a file: the canonical form without a String detour, anything else as
  /// operator input.
  package init(parsing bytes: UnsafeBufferPointer<UInt8>) throws(CorridorError) {
    guard Self.isWellFormed(bytes) else {
      try self.init(parsing: String(decoding: bytes, as: UTF8.self))
      return
    }
    self.init(trusted: String(decoding: bytes, as: UTF8.self))
  }

  package init(trusted text: String) { self.text = text }
}
