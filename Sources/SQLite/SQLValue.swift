/// A value in one of SQLite's five storage classes. See <https://sqlite.org/datatype3.html>.
public enum SQLValue: Equatable, Hashable, Sendable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])

  public var int64: Int64? {
    if case .integer(let v) = self { return v }
    return nil
  }

  public var int: Int? { int64.map { Int($0) } }

  public var text: String? {
    if case .text(let v) = self { return v }
    return nil
  }

  public var double: Double? {
    switch self {
    case .real(let v): return v
    case .integer(let v): return Double(v)
    default: return nil
    }
  }

  public var isNull: Bool { self == .null }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
  public init(stringLiteral value: String) { self = .text(value) }
  public init(integerLiteral value: Int64) { self = .integer(value) }
  public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
  /// `.text` or `.null`.
  public init(_ text: String?) { self = text.map { .text($0) } ?? .null }
  /// `.integer` or `.null`.
  public init(_ int: Int64?) { self = int.map { .integer($0) } ?? .null }
  public init(_ int: Int?) { self = int.map { .integer(Int64($0)) } ?? .null }
  public init(_ bool: Bool) { self = .integer(bool ? 1 : 0) }
}
