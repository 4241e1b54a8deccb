import CSQLite

/// The one error type of the SQLite layer.
///
/// It carries everything needed to act on a failure without a debugger: the primary result code
/// (what kind of failure), the extended code (which constraint, which I/O call), SQLite's own
/// message, and the SQL that failed. See <https://sqlite.org/rescode.html>.
public struct SQLiteError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The primary result code (`SQLITE_CONSTRAINT` = 19, `SQLITE_BUSY` = 5, …).
  public var code: Int32 { extendedCode & 0xFF }
  /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE` = 2067, …).
  public let extendedCode: Int32
  /// SQLite's message, e.g. `UNIQUE constraint failed: containers.number`.
  public let message: String
  /// The statement that failed, when there was one.
  public let sql: String?

  public init(extendedCode: Int32, message: String, sql: String? = nil) {
    self.extendedCode = extendedCode
    self.message = message
    self.sql = sql
  }

  @usableFromInline init(connection handle: OpaquePointer?, code: Int32, sql: String? = nil) {
    let extended = handle.map { sqlite3_extended_errcode($0) } ?? code
    let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
    self.init(
      extendedCode: (extended & 0xFF) == (code & 0xFF) ? extended : code,
      message: message ?? String(cString: sqlite3_errstr(code)),
      sql: sql
    )
  }

  public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }
  /// `SQLITE_CONSTRAINT_UNIQUE` (a macro Swift does not import).
  public var isUniqueViolation: Bool { extendedCode == SQLITE_CONSTRAINT | (8 << 8) }
  public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
  public var isDiskFull: Bool { code == SQLITE_FULL }
  public var isNotADatabase: Bool { code == SQLITE_NOTADB }
  public var isReadOnly: Bool { code == SQLITE_READONLY }
  /// The file is damaged: `SQLITE_CORRUPT`, or `SQLITE_NOTADB` on a file that was a database.
  public var isCorrupt: Bool { code == SQLITE_CORRUPT }
  public var isCannotOpen: Bool { code == SQLITE_CANTOPEN }
  public var isIOError: Bool { code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_FULL }

  public var description: String {
    var text = "SQLite error \(code) (extended \(extendedCode)): \(message)"
    if let sql { text += " — in: \(sql)" }
    return text
  }
}
