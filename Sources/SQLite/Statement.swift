import CSQLite

/// `SQLITE_TRANSIENT`: SQLite copies the bound bytes before the call returns, so the Swift
/// buffer may go away right after. The C macro does not import into Swift.
@usableFromInline let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A compiled SQL statement.
///
/// Binding and column access go straight to the C API: the typed `bind` overloads allocate
/// nothing (a native Swift string's UTF-8 storage is handed to SQLite as is), which keeps bulk
/// inserts as fast as raw C. Indexes are 1-based for parameters (as in SQLite) and 0-based for
/// columns. Same threading rule as `Connection`.
public final class Statement {
  public let sql: String
  @usableFromInline let handle: OpaquePointer
  /// The `sqlite3*` this statement belongs to, for error messages. Deliberately not a reference
  /// to `Connection`: the connection's statement cache holds statements, so a strong reference
  /// back would be a retain cycle that never closes the database. `sqlite3_close_v2` defers the
  /// close until the last statement is finalized, so a statement outliving its connection stays
  /// memory-safe.
  @usableFromInline let database: OpaquePointer
  /// The result columns' names and tables, worked out on first use: they do not change for a
  /// compiled statement, and asking SQLite for a column's table is not cheap.
  lazy var rowColumns = Row.Columns(statement: self)

  /// Compiles exactly one statement: SQL with a second statement after the first is refused
  /// (SQLite would silently ignore it), as is SQL with none.
  init(connection: Connection, sql: String) throws {
    var statement: OpaquePointer?
    var rest = ""
    let rc = sql.withCString { text in
      var tail: UnsafePointer<CChar>?
      let rc = sqlite3_prepare_v3(connection.handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
      if let tail { rest = String(cString: tail) }
      return rc
    }
    guard rc == SQLITE_OK, let statement else {
      if rc == SQLITE_OK { throw SQLiteError(extendedCode: SQLITE_MISUSE, message: "no SQL statement", sql: sql) }
      throw SQLiteError(connection: connection.handle, code: rc, sql: sql)
    }
    guard rest.allSatisfy({ $0.isWhitespace || $0 == ";" }) else {
      sqlite3_finalize(statement)
      throw SQLiteError(
        extendedCode: SQLITE_MISUSE, message: "a second statement follows the first: \(String(rest.drop { $0.isWhitespace || $0 == ";" }))",
        sql: sql)
    }
    self.database = connection.handle
    self.sql = sql
    self.handle = statement
  }

  deinit { sqlite3_finalize(handle) }

  // MARK: - Binding

  @usableFromInline func check(_ rc: Int32) throws {
    if rc != SQLITE_OK { throw SQLiteError(connection: database, code: rc, sql: sql) }
  }

  @inlinable
  public func bind(_ value: Int64, at index: Int32) throws {
    try check(sqlite3_bind_int64(handle, index, value))
  }

  @inlinable
  public func bind(_ value: Int, at index: Int32) throws {
    try check(sqlite3_bind_int64(handle, index, Int64(value)))
  }

  @inlinable
  public func bind(_ value: Double, at index: Int32) throws {
    try check(sqlite3_bind_double(handle, index, value))
  }

  public func bind(_ value: Bool, at index: Int32) throws {
    try check(sqlite3_bind_int64(handle, index, value ? 1 : 0))
  }

  @inlinable
  public func bind(_ value: String, at index: Int32) throws {
    let rc =
      value.utf8.withContiguousStorageIfAvailable { bytes -> Int32 in
        // A zero-length text is still text, not NULL: SQLite needs a non-null pointer for it.
        guard let base = bytes.baseAddress else {
          return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
        }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
          sqlite3_bind_text(handle, index, $0, Int32(bytes.count), sqliteTransient)
        }
      } ?? sqlite3_bind_text(handle, index, value, -1, sqliteTransient)
    try check(rc)
  }

  public func bind(_ value: [UInt8], at index: Int32) throws {
    let rc = value.withUnsafeBytes { bytes in
      // A zero-length blob is still a blob, not NULL.
      sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), sqliteTransient)
    }
    try check(rc)
  }

  @inlinable
  public func bindNull(at index: Int32) throws {
    try check(sqlite3_bind_null(handle, index))
  }

  public func bind(_ value: String?, at index: Int32) throws {
    if let value { try bind(value, at: index) } else { try bindNull(at: index) }
  }

  public func bind(_ value: Int64?, at index: Int32) throws {
    if let value { try bind(value, at: index) } else { try bindNull(at: index) }
  }

  public func bind(_ value: SQLValue, at index: Int32) throws {
    switch value {
    case .null: try bindNull(at: index)
    case .integer(let v): try bind(v, at: index)
    case .real(let v): try bind(v, at: index)
    case .text(let v): try bind(v, at: index)
    case .blob(let v): try bind(v, at: index)
    }
  }

  /// Binds `values` to parameters 1…n after clearing earlier bindings. The count must match the
  /// statement's parameters: a missing argument would silently be NULL.
  public func bind(_ values: [SQLValue]) throws {
    let parameters = Int(sqlite3_bind_parameter_count(handle))
    guard values.count == parameters else {
      throw SQLiteError(extendedCode: SQLITE_RANGE, message: "\(values.count) arguments for \(parameters) parameters", sql: sql)
    }
    sqlite3_clear_bindings(handle)
    for (offset, value) in values.enumerated() {
      try bind(value, at: Int32(offset + 1))
    }
  }

  // MARK: - Stepping

  /// Advances to the next row: true when a row is ready, false when done.
  @inlinable
  public func step() throws -> Bool {
    let rc = sqlite3_step(handle)
    switch rc {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default:
      let error = SQLiteError(connection: database, code: rc, sql: sql)
      sqlite3_reset(handle)
      throw error
    }
  }

  /// Runs a statement that returns no rows (INSERT, UPDATE, DELETE) and resets it for reuse.
  @inlinable
  public func run() throws {
    defer { sqlite3_reset(handle) }
    while try step() {}
  }

  /// Rewinds the statement, keeping its bindings (`clearBindings()` drops them).
  public func reset() {
    sqlite3_reset(handle)
  }

  public func clearBindings() {
    sqlite3_clear_bindings(handle)
  }

  /// Calls `body` once per row; the statement is reset afterwards.
  @inlinable
  public func forEachRow(_ body: (Statement) throws -> Void) throws {
    defer { sqlite3_reset(handle) }
    while try step() { try body(self) }
  }

  // MARK: - Columns

  public var columnCount: Int32 { sqlite3_column_count(handle) }

  public func columnName(at index: Int32) -> String {
    sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
  }

  @inlinable
  public func isNull(at index: Int32) -> Bool {
    sqlite3_column_type(handle, index) == SQLITE_NULL
  }

  @inlinable
  public func int64(at index: Int32) -> Int64 {
    sqlite3_column_int64(handle, index)
  }

  @inlinable
  public func int(at index: Int32) -> Int {
    Int(sqlite3_column_int64(handle, index))
  }

  @inlinable
  public func double(at index: Int32) -> Double {
    sqlite3_column_double(handle, index)
  }

  /// Text of the column; NULL reads as the empty string (use `optionalString` to tell them apart).
  @inlinable
  public func string(at index: Int32) -> String {
    guard let bytes = sqlite3_column_text(handle, index) else { return "" }
    let count = Int(sqlite3_column_bytes(handle, index))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  @inlinable
  public func optionalString(at index: Int32) -> String? {
    isNull(at: index) ? nil : string(at: index)
  }

  @inlinable
  public func optionalInt64(at index: Int32) -> Int64? {
    isNull(at: index) ? nil : int64(at: index)
  }

  public func blob(at index: Int32) -> [UInt8] {
    let count = Int(sqlite3_column_bytes(handle, index))
    guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return [] }
    return [UInt8](UnsafeRawBufferPointer(start: bytes, count: count))
  }

  /// The column as a dynamically typed value.
  public func value(at index: Int32) -> SQLValue {
    switch sqlite3_column_type(handle, index) {
    case SQLITE_INTEGER: return .integer(int64(at: index))
    case SQLITE_FLOAT: return .real(double(at: index))
    case SQLITE_TEXT: return .text(string(at: index))
    case SQLITE_BLOB: return .blob(blob(at: index))
    default: return .null
    }
  }
}
