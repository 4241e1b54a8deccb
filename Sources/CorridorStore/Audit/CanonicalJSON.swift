import CorridorInterchange
import CorridorModel
import SQLite

extension CanonicalJSON {
  /// A column value in canonical form, into bytes (see `init(_: SQLValue)`).
  static func write(_ value: SQLValue, to out: inout [UInt8]) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .integer(let v): writeInt(v, to: &out)
    case .real(let v): writeString(String(v), to: &out)
    case .text(let v): writeString(v, to: &out)
    case .blob(let v): writeString(hex(v), to: &out)
    }
  }

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
