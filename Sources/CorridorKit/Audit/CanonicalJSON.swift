import SQLite

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

  static func writeString(_ value: String, to out: inout String) {
    out += "\""
    // Most strings need no escaping at all: copy them whole.
    if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
      out += value
      out += "\""
      return
    }
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
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

extension CanonicalJSON {
  /// A column value: integers stay integers; REAL (coordinates) becomes the shortest
  /// round-trip text; text and NULL as they are.
  init(_ value: SQLValue) {
    switch value {
    case .null: self = .null
    case .integer(let v): self = .int(v)
    case .real(let v): self = .string(String(v))
    case .text(let v): self = .string(v)
    case .blob(let v): self = .string(hex(v))
    }
  }
}
