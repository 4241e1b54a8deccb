import CSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One result row, read by column name.
///
/// Reading by position with fallbacks (`row[3].text ?? ""`) turned a damaged value into a
/// plausible one: a wrong cost or a wrong position with no error. Here every read names its
/// column, and a value that is NULL, of another storage class or outside what the caller
/// accepts throws a `RowDecodingError` naming the table, the column, the value and the SQL.
/// (The idea is GRDB's `Row` and `RowDecodingError`.)
public struct Row: Sendable {
  /// Column names and the tables they come from, shared by every row of one statement.
  public final class Columns: Sendable {
    let index: [String: Int]
    let tables: [String?]
    let sql: String

    init(statement: Statement) {
      var index: [String: Int] = [:]
      var tables: [String?] = []
      for i in 0..<statement.columnCount {
        // The first column of a name wins: `SELECT e.*, r.id` keeps `e.id` as `id`.
        if index[statement.columnName(at: i)] == nil { index[statement.columnName(at: i)] = Int(i) }
        tables.append(sqlite3_column_table_name(statement.handle, i).map { String(cString: $0) })
      }
      self.index = index
      self.tables = tables
      sql = statement.sql
    }

    /// The columns of a result another engine gave (PostgreSQL's rows decode through the same
    /// checked accessors). The first column of a name wins, as above.
    public init(names: [String], sql: String) {
      var index: [String: Int] = [:]
      for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
      self.index = index
      tables = Array(repeating: nil, count: names.count)
      self.sql = sql
    }
  }

  public let values: [SQLValue]
  public let columns: Columns

  init(statement: Statement, columns: Columns) {
    values = (0..<statement.columnCount).map { statement.value(at: $0) }
    self.columns = columns
  }

  /// A row of another engine's result, one value per column of `columns`.
  public init(values: [SQLValue], columns: Columns) {
    self.values = values
    self.columns = columns
  }

  /// The raw value of `column`; throws when the query has no such column (a programming error
  /// that must not read as NULL).
  public func value(_ column: String) throws(RowDecodingError) -> SQLValue {
    guard let i = columns.index[column] else { throw failure(column, nil, "the query has no such column") }
    return values[i]
  }

  public func isNull(_ column: String) throws(RowDecodingError) -> Bool { try value(column) == .null }

  public func text(_ column: String) throws(RowDecodingError) -> String {
    let value = try value(column)
    guard case .text(let text) = value else { throw failure(column, value, "expected text") }
    return text
  }

  public func optionalText(_ column: String) throws(RowDecodingError) -> String? {
    let value = try value(column)
    if value == .null { return nil }
    guard case .text(let text) = value else { throw failure(column, value, "expected text or NULL") }
    return text
  }

  public func blob(_ column: String) throws(RowDecodingError) -> [UInt8] {
    let value = try value(column)
    guard case .blob(let bytes) = value else { throw failure(column, value, "expected a blob") }
    return bytes
  }

  public func int64(_ column: String, in range: ClosedRange<Int64> = .min ... .max) throws(RowDecodingError) -> Int64 {
    let value = try value(column)
    guard case .integer(let number) = value else { throw failure(column, value, "expected an integer") }
    guard range.contains(number) else { throw failure(column, value, "outside \(range.lowerBound)…\(range.upperBound)") }
    return number
  }

  public func optionalInt64(_ column: String, in range: ClosedRange<Int64> = .min ... .max) throws(RowDecodingError) -> Int64? {
    try isNull(column) ? nil : try int64(column, in: range)
  }

  public func int(_ column: String, in range: ClosedRange<Int>) throws(RowDecodingError) -> Int {
    Int(try int64(column, in: Int64(range.lowerBound)...Int64(range.upperBound)))
  }

  public func optionalInt(_ column: String, in range: ClosedRange<Int>) throws(RowDecodingError) -> Int? {
    try isNull(column) ? nil : try int(column, in: range)
  }

  /// A 0/1 flag.
  public func bool(_ column: String) throws(RowDecodingError) -> Bool { try int64(column, in: 0...1) == 1 }

  public func optionalDouble(_ column: String) throws(RowDecodingError) -> Double? {
    let value = try value(column)
    switch value {
    case .null: return nil
    case .real(let number): return number
    case .integer(let number): return Double(number)
    default: throw failure(column, value, "expected a number or NULL")
    }
  }

  /// A code stored as its raw text (`GTIN`, `rail`).
  public func code<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws(RowDecodingError) -> T
  where T.RawValue == String {
    let text = try text(column)
    guard let code = T(rawValue: text) else { throw failure(column, .text(text), "not a valid \(T.self)") }
    return code
  }

  public func optionalCode<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws(RowDecodingError) -> T?
  where T.RawValue == String {
    try isNull(column) ? nil : try code(column, as: type)
  }

  /// Codes stored as a comma-separated list (`group_concat`); NULL is none. A code that is not
  /// one fails loudly, as a single code does.
  public func codes<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws(RowDecodingError) -> [T]
  where T.RawValue == String {
    guard let text = try optionalText(column) else { return [] }
    var codes: [T] = []
    for part in text.split(separator: ",") {
      guard let code = T(rawValue: String(part)) else { throw failure(column, .text(text), "not a list of \(T.self)") }
      codes.append(code)
    }
    return codes
  }

  /// Text the caller parses (a date, a code with rules): `parse` returns nil when it is invalid.
  public func parsed<T>(_ column: String, _ what: String, _ parse: (String) -> T?) throws(RowDecodingError) -> T {
    let text = try text(column)
    guard let value = parse(text) else { throw failure(column, .text(text), "not a valid \(what)") }
    return value
  }

  public func optionalParsed<T>(_ column: String, _ what: String, _ parse: (String) -> T?) throws(RowDecodingError) -> T? {
    try isNull(column) ? nil : try parsed(column, what, parse)
  }

  func failure(_ column: String, _ value: SQLValue?, _ reason: String) -> RowDecodingError {
    let table = columns.index[column].flatMap { columns.tables[$0] }
    return RowDecodingError(table: table, column: column, value: value, reason: reason, sql: columns.sql)
  }
}

/// A stored value the code cannot use. Never turned into a default: the command stops.
public struct RowDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
  public let table: String?
  public let column: String
  public let value: SQLValue?
  public let reason: String
  public let sql: String

  public var description: String {
    let shown: String
    switch value {
    case nil: shown = "-"
    case .null?: shown = "NULL"
    case .integer(let v)?: shown = String(v)
    case .real(let v)?: shown = String(v)
    case .text(let v)?: shown = v.debugDescription
    case .blob(let v)?: shown = "a \(v.count)-byte blob"
    }
    return
      "\(table.map { "\($0)." } ?? "")\(column) holds \(shown): \(reason) (in: \(sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")))"
  }
}

extension Connection {
  /// All rows of a query, read by name; for small result sets off the hot path.
  public func rows(_ sql: String, _ arguments: [SQLValue] = []) throws -> [Row] {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    defer { statement.reset() }
    let columns = statement.rowColumns
    var rows: [Row] = []
    while try statement.step() { rows.append(Row(statement: statement, columns: columns)) }
    return rows
  }

  /// Calls `body` with each row of a query, read by name, without holding them all: for passes
  /// over many rows.
  public func forEachRow(_ sql: String, _ arguments: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    try statement.forEachNamedRow(body)
  }

  /// The first row, or nil.
  public func row(_ sql: String, _ arguments: [SQLValue] = []) throws -> Row? {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    defer { statement.reset() }
    guard try statement.step() else { return nil }
    return Row(statement: statement, columns: statement.rowColumns)
  }
}

extension Statement {
  /// Calls `body` with each row, read by name; the statement is reset afterwards.
  public func forEachNamedRow(_ body: (Row) throws -> Void) throws {
    let columns = rowColumns
    try forEachRow { try body(Row(statement: $0, columns: columns)) }
  }
}

extension Statement {
  /// The position of a result column, by name: for loops over millions of rows, which read each
  /// row through the checked accessors below instead of making a `Row` (an allocation and a name
  /// lookup per value). Throws when the query has no such column.
  public func columnIndex(_ name: String) throws(RowDecodingError) -> Int32 {
    guard let index = rowColumns.index[name] else {
      throw RowDecodingError(table: nil, column: name, value: nil, reason: "the query has no such column", sql: sql)
    }
    return Int32(index)
  }

  /// The integer in column `index`; anything else throws, naming the table and column.
  @inlinable
  public func requiredInt64(at index: Int32) throws(RowDecodingError) -> Int64 {
    guard sqlite3_column_type(handle, index) == SQLITE_INTEGER else { throw columnFailure(index, "expected an integer") }
    return sqlite3_column_int64(handle, index)
  }

  /// The UTF-8 bytes of the text in column `index`, valid only inside `body` (no `String` is
  /// made); anything but text throws, naming the table and column.
  @inlinable
  public func withRequiredText<R>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
    guard sqlite3_column_type(handle, index) == SQLITE_TEXT, let bytes = sqlite3_column_text(handle, index) else {
      throw columnFailure(index, "expected text")
    }
    return try body(UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))))
  }

  @usableFromInline func columnFailure(_ index: Int32, _ reason: String) -> RowDecodingError {
    RowDecodingError(
      table: rowColumns.tables[Int(index)], column: columnName(at: index), value: value(at: index), reason: reason, sql: sql)
  }
}

extension Statement {
  /// Whether column `index` holds exactly `bytes` as text: a comparison without a `String`, for
  /// telling whether a row still belongs to the group of the row before it. NULL is never equal.
  @inlinable
  public func text(at index: Int32, equals bytes: [UInt8]) -> Bool {
    guard let text = sqlite3_column_text(handle, index) else { return false }
    let count = Int(sqlite3_column_bytes(handle, index))
    return count == bytes.count && bytes.withUnsafeBytes { $0.baseAddress.map { memcmp(text, $0, count) == 0 } ?? true }
  }
}
