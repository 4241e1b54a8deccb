import CSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One open SQLite database file.
///
/// Threading rule: a `Connection` and every `Statement` prepared from it belong to one thread
/// (or one task) at a time. It is deliberately not `Sendable`; SQLite is opened in multi-thread
/// mode (no per-call mutex), so sharing it across threads without external serialisation would be
/// a data race. Use one connection per process or per worker; SQLite's file locking, WAL and the
/// busy timeout coordinate between connections and processes.
///
/// ```swift
/// let db = try Connection(path: "corridor.db")
/// try db.transaction {
///   try db.execute("INSERT INTO t(x) VALUES (?)", [.integer(1)])
/// }
/// ```
public final class Connection {
  /// How the file is opened.
  public struct Options: Sendable {
    /// Create the file when it is missing. Off by default so a mistyped path is an error, not a
    /// new empty database.
    public var create: Bool
    public var readOnly: Bool
    /// How long a write waits for another connection's lock before `SQLITE_BUSY`.
    public var busyTimeoutMilliseconds: Int32
    /// Switch the file to WAL on open. Callers that must inspect a file before changing it
    /// (switching to WAL writes the header) open with `false` and call `enableWAL()` later.
    public var enableWAL: Bool

    public init(
      create: Bool = false, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5_000,
      enableWAL: Bool = true
    ) {
      self.create = create
      self.readOnly = readOnly
      self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
      self.enableWAL = enableWAL
    }
  }

  /// The raw `sqlite3*`, for the rare call the layer does not wrap (tests use it to tamper).
  public let handle: OpaquePointer
  public let path: String
  private var statementCache: [String: Statement] = [:]
  private var savepointDepth = 0

  /// Opens the database at `path` with foreign keys on, extended result codes, a busy timeout,
  /// `synchronous=NORMAL` and (by default) WAL. See <https://sqlite.org/c3ref/open.html>.
  public init(path: String, options: Options = Options()) throws {
    var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
    if options.readOnly {
      flags |= SQLITE_OPEN_READONLY
    } else {
      flags |= SQLITE_OPEN_READWRITE
      if options.create { flags |= SQLITE_OPEN_CREATE }
    }
    var db: OpaquePointer?
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let error = SQLiteError(connection: db, code: rc, sql: nil)
      sqlite3_close_v2(db)
      throw error
    }
    handle = db
    self.path = path
    sqlite3_extended_result_codes(db, 1)
    // Not sqlite3_busy_timeout: its handler sleeps up to 100 ms between attempts, so a writer
    // waiting behind a bulk import keeps missing the short gaps between the import's batches.
    // This one tries every 1 to 3 ms until the timeout.
    sqlite3_busy_handler(db, Self.busyHandler, UnsafeMutableRawPointer(bitPattern: Int(max(1, options.busyTimeoutMilliseconds))))
    try execute("PRAGMA foreign_keys = ON")
    if !options.readOnly {
      try execute("PRAGMA synchronous = NORMAL")
      // Statement journals and sorts stay in memory: opening a temporary file per INSERT cost
      // more than the INSERT itself in bulk imports.
      try execute("PRAGMA temp_store = MEMORY")
      if options.enableWAL { try enableWAL() }
    }
  }

  /// Sleeps 1, 2 or 3 ms (varied, so waiting processes do not move in step) and asks SQLite to
  /// try again, until about the timeout (passed as the context pointer's bit pattern) has passed.
  private static let busyHandler: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = { context, attempts in
    let timeoutMilliseconds = Int(bitPattern: context)
    guard Int(attempts) * 2 < timeoutMilliseconds else { return 0 }
    usleep(UInt32(1_000 + 1_000 * (Int(attempts) % 3)))
    return 1
  }

  deinit {
    statementCache.removeAll()
    sqlite3_close_v2(handle)
  }

  /// Switches the file to write-ahead logging, so readers never block the writer.
  /// See <https://sqlite.org/wal.html>.
  public func enableWAL() throws {
    _ = try scalarText("PRAGMA journal_mode = WAL")
  }

  // MARK: - Executing SQL

  /// Runs one or more statements without arguments (schema scripts, pragmas).
  public func execute(_ sql: String) throws {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
    if rc != SQLITE_OK {
      let message = errorMessage.map { String(cString: $0) }
      sqlite3_free(errorMessage)
      let extended = sqlite3_extended_errcode(handle)
      throw SQLiteError(
        extendedCode: (extended & 0xFF) == (rc & 0xFF) ? extended : rc,
        message: message ?? String(cString: sqlite3_errstr(rc)), sql: sql)
    }
  }

  /// Runs one statement with arguments through the statement cache.
  public func execute(_ sql: String, _ arguments: [SQLValue]) throws {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    try statement.run()
  }

  /// Compiles a statement that the caller owns.
  public func prepare(_ sql: String) throws -> Statement {
    try Statement(connection: self, sql: sql)
  }

  /// Returns a compiled statement for `sql`, compiling it on first use only. The statement comes
  /// back reset with its bindings cleared. Hot paths (imports, replays) run the same few
  /// statements millions of times; compiling once is most of the win.
  public func cachedStatement(_ sql: String) throws -> Statement {
    if let statement = statementCache[sql] {
      statement.reset()
      return statement
    }
    let statement = try Statement(connection: self, sql: sql)
    statementCache[sql] = statement
    return statement
  }

  /// How many statements the cache holds (tests assert reuse through it).
  public var cachedStatementCount: Int { statementCache.count }

  // MARK: - Fetching

  /// All rows of a query as values; for small result sets off the hot path.
  public func fetchAll(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    var rows: [[SQLValue]] = []
    while try statement.step() {
      rows.append((0..<statement.columnCount).map { statement.value(at: $0) })
    }
    statement.reset()
    return rows
  }

  /// The first row, or nil.
  public func fetchOne(_ sql: String, _ arguments: [SQLValue] = []) throws -> [SQLValue]? {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    defer { statement.reset() }
    guard try statement.step() else { return nil }
    return (0..<statement.columnCount).map { statement.value(at: $0) }
  }

  /// The first column of the first row as an integer (counts, flags), or nil.
  public func scalarInt(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64? {
    try fetchOne(sql, arguments)?.first?.int64
  }

  /// The first column of the first row as text, or nil.
  public func scalarText(_ sql: String, _ arguments: [SQLValue] = []) throws -> String? {
    try fetchOne(sql, arguments)?.first?.text
  }

  /// The rowid of the last successful INSERT.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  public var changes: Int { Int(sqlite3_changes64(handle)) }
  /// True outside any transaction.
  public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

  // MARK: - Backup

  /// Copies the whole database into a new file at `path` with SQLite's online backup API, in one
  /// step: under WAL the copy is the snapshot of one read transaction, so it is consistent while
  /// other connections and processes write. See <https://sqlite.org/backup.html>.
  public func backup(toPath path: String) throws {
    let target = try Connection(path: path, options: .init(create: true, enableWAL: false))
    guard let backup = sqlite3_backup_init(target.handle, "main", handle, "main") else {
      throw SQLiteError(extendedCode: sqlite3_extended_errcode(target.handle), message: String(cString: sqlite3_errmsg(target.handle)), sql: "backup")
    }
    let step = sqlite3_backup_step(backup, -1)
    let finish = sqlite3_backup_finish(backup)
    guard step == SQLITE_DONE, finish == SQLITE_OK else {
      let code = step == SQLITE_DONE ? finish : step
      throw SQLiteError(extendedCode: code, message: String(cString: sqlite3_errstr(code)), sql: "backup")
    }
  }

  // MARK: - Transactions

  /// When a top-level transaction takes its lock. Writes use `.immediate`: taking the write lock
  /// up front means the busy timeout applies, instead of a deferred transaction failing with
  /// `SQLITE_BUSY` when it later tries to upgrade. See <https://sqlite.org/lang_transaction.html>.
  public enum TransactionKind: String, Sendable {
    case deferred = "DEFERRED"
    case immediate = "IMMEDIATE"
    case exclusive = "EXCLUSIVE"
  }

  /// Runs `body` in a transaction: commits when it returns, rolls back when it throws. Called
  /// inside another transaction it becomes a savepoint, so a throwing inner block undoes only its
  /// own work.
  @discardableResult
  public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
    try transaction(kind, committingIf: { _ in true }, body)
  }

  /// Runs `body` in a transaction that is committed when `commit` accepts what it returned and
  /// rolled back otherwise (or when it throws): for a body whose result says its work must be
  /// done again another way, without an error thrown for the purpose.
  public func transaction<T>(_ kind: TransactionKind = .immediate, committingIf commit: (T) -> Bool, _ body: () throws -> T) throws -> T {
    if !isAutocommit { return try savepoint(committingIf: commit, body) }
    try execute("BEGIN \(kind.rawValue) TRANSACTION")
    do {
      let result = try body()
      try execute(commit(result) ? "COMMIT TRANSACTION" : "ROLLBACK TRANSACTION")
      return result
    } catch {
      // Some errors (SQLITE_FULL, SQLITE_IOERR) make SQLite roll back by itself.
      if !isAutocommit { try? execute("ROLLBACK TRANSACTION") }
      throw error
    }
  }

  /// Runs `body` inside a named savepoint. See <https://sqlite.org/lang_savepoint.html>.
  @discardableResult
  public func savepoint<T>(_ body: () throws -> T) throws -> T {
    try savepoint(committingIf: { _ in true }, body)
  }

  /// A savepoint released when `keep` accepts the body's result and rolled back otherwise.
  private func savepoint<T>(committingIf keep: (T) -> Bool, _ body: () throws -> T) throws -> T {
    savepointDepth += 1
    defer { savepointDepth -= 1 }
    let name = "corridor_sp\(savepointDepth)"
    try execute("SAVEPOINT \(name)")
    do {
      let result = try body()
      if !keep(result) { try execute("ROLLBACK TO SAVEPOINT \(name)") }
      try execute("RELEASE SAVEPOINT \(name)")
      return result
    } catch {
      if !isAutocommit {
        try? execute("ROLLBACK TO SAVEPOINT \(name)")
        try? execute("RELEASE SAVEPOINT \(name)")
      }
      throw error
    }
  }
}
