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

  /// The primary result code as a type, so callers compare named codes, not numbers.
  public var resultCode: ResultCode { ResultCode(rawValue: code) }

  public var isConstraintViolation: Bool { resultCode == .constraint }
  /// `SQLITE_CONSTRAINT_UNIQUE` (a macro Swift does not import).
  public var isUniqueViolation: Bool { extendedCode == SQLITE_CONSTRAINT | (8 << 8) }
  public var isBusy: Bool { resultCode == .busy || resultCode == .locked }
  public var isDiskFull: Bool { resultCode == .full }
  public var isNotADatabase: Bool { resultCode == .notADatabase }
  public var isReadOnly: Bool { resultCode == .readOnly }
  /// The file is damaged (`SQLITE_CORRUPT`).
  public var isCorrupt: Bool { resultCode == .corrupt }
  public var isCannotOpen: Bool { resultCode == .cannotOpen }
  public var isIOError: Bool { resultCode == .ioError || resultCode == .cannotOpen || resultCode == .full }

  public var description: String {
    var text = "SQLite error \(code) (extended \(extendedCode)): \(message)"
    if let sql { text += " — in: \(sql)" }
    return text
  }
}

/// SQLite's primary result codes that Corridor acts on. See <https://sqlite.org/rescode.html>.
public struct ResultCode: RawRepresentable, Hashable, Sendable {
  public let rawValue: Int32
  public init(rawValue: Int32) { self.rawValue = rawValue }

  public static let busy = ResultCode(rawValue: SQLITE_BUSY)
  public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
  public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
  public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
  public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
  public static let full = ResultCode(rawValue: SQLITE_FULL)
  public static let cannotOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
  public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
  public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
  public static let range = ResultCode(rawValue: SQLITE_RANGE)
  public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
}
