/// The canonical JSON the audit trail hashes: object keys sorted by code point, no
/// insignificant whitespace, UTF-8, integers as digits, everything else (money, rates,
/// coordinates, timestamps) as strings in fixed formats, and strings escaped exactly as
/// Python's `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` does,
/// so a third party can re-verify an export with a few lines of Python.
public indirect enum CanonicalJSON: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int64)
  case string(String)
  case array([CanonicalJSON])
  case object([String: CanonicalJSON])

  public var text: String {
    var out = ""
    write(to: &out)
    return out
  }

  public func write(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let value): out += value ? "true" : "false"
    case .int(let value): out += String(value)
    case .string(let value): Self.writeString(value, to: &out)
    case .array(let items):
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        item.write(to: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      // Code-point order equals UTF-8 byte order.
      for (index, key) in members.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).enumerated() {
        if index > 0 { out += "," }
        Self.writeString(key, to: &out)
        out += ":"
        members[key]?.write(to: &out)
      }
      out += "}"
    }
  }

  package static func writeString(_ value: String, to out: inout String) {
    // Most strings need no escaping at all: copy them whole.
    if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
      out += "\""
      out += value
      out += "\""
      return
    }
    var bytes: [UInt8] = []
    writeString(value, to: &bytes)
    out += String(decoding: bytes, as: UTF8.self)
  }

  /// The same escaping into bytes (bulk imports render every row's state this way). Only `"`,
  /// `\` and control characters are escaped: everything else, non-ASCII included, is copied.
  package static func writeString(_ value: String, to out: inout [UInt8]) {
    out.append(0x22)
    // Most strings need no escaping: one pass over the contiguous bytes, then one copy.
    var plain = value
    let copied = plain.withUTF8 { bytes -> Bool in
      for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C { return false }
      out.append(contentsOf: bytes)
      return true
    }
    if copied {
      out.append(0x22)
      return
    }
    for byte in value.utf8 {
      switch byte {
      case 0x22: out.append(contentsOf: [0x5C, 0x22])
      case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
      case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
      case ..<0x20: out.append(contentsOf: hex([byte], prefix: "\\u00").utf8)
      default: out.append(byte)
      }
    }
    out.append(0x22)
  }

  /// An integer in canonical form (decimal digits), into bytes.
  package static func writeInt(_ value: Int64, to out: inout [UInt8]) {
    // Digits written from the right into a buffer on the stack, then appended at once: no
    // `String` (a bulk import writes four integers a row). 20 bytes hold Int64.min.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
      var magnitude = value.magnitude
      var start = 20
      repeat {
        start -= 1
        buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      if value < 0 {
        start -= 1
        buffer[start] = UInt8(ascii: "-")
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<20]))
    }
  }

  /// The canonical form of a parsed JSON value (for re-verifying exports). Numbers must be
  /// integers: the trail writes every other number as a string.
  public init?(_ node: JSONNode) {
    switch node.value {
    case .null: self = .null
    case .bool(let value): self = .bool(value)
    case .number(let text):
      guard let value = Int64(text) else { return nil }
      self = .int(value)
    case .string(let value): self = .string(value)
    case .array(let items):
      var out: [CanonicalJSON] = []
      for item in items {
        guard let value = CanonicalJSON(item) else { return nil }
        out.append(value)
      }
      self = .array(out)
    case .object(let members):
      var out: [String: CanonicalJSON] = [:]
      for (key, item) in members {
        guard let value = CanonicalJSON(item) else { return nil }
        out[key] = value
      }
      self = .object(out)
    }
  }
}
