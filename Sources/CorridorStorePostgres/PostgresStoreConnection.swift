import CorridorModel
import CorridorStore
import SQLite

/// The stores' connection on PostgreSQL: the stores' own SQL (written once for both engines),
/// its `?` placeholders numbered, its rows handed back as `Row`s that decode by name as
/// SQLite's do.
///
/// Writes hold `LOCK TABLE audit_log IN EXCLUSIVE MODE` from their first statement: the audit
/// chain is one sequence (each entry hashes the one before), so two writers may not append at
/// once, and every write is audited. Taken first, before the engine reads its facts, the lock
/// makes each write decide over the ledger as the previous write left it, as SQLite's
/// `BEGIN IMMEDIATE` does: two servers can never accept contradictory events for one box, nor
/// fork the chain. Reads (plain `SELECT`s, `ACCESS SHARE`) are never blocked by it; `audit
/// checkpoint` takes the same lock.
final class PostgresStoreConnection: StoreConnection {
  let session: PostgresSession
  /// Each text's numbered form, made once: the stores run the same few texts many times.
  private var numbered: [String: String] = [:]
  private var depth = 0

  init(_ session: PostgresSession) { self.session = session }

  var dialect: SQLDialect { .postgresql }
  var auditSource: PostgresAuditSource { PostgresAuditSource(session: session) }

  private func postgres(_ sql: String) -> String {
    if let known = numbered[sql] { return known }
    let text = PostgresAuditSource.numbered(sql)
    if numbered.count < 4096 { numbered[sql] = text }
    return text
  }

  func execute(_ sql: String) throws { try session.execute(sql) }

  func execute(_ sql: String, _ arguments: [SQLValue]) throws { _ = try session.rows(postgres(sql), arguments) }

  func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [Row] {
    let result = try session.namedRows(postgres(sql), arguments)
    let columns = Row.Columns(names: result.columns, sql: sql)
    return result.rows.map { Row(values: $0, columns: columns) }
  }

  func row(_ sql: String, _ arguments: [SQLValue]) throws -> Row? { try rows(sql, arguments).first }

  func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [[SQLValue]] { try session.rows(postgres(sql), arguments) }

  func fetchOne(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLValue]? { try fetchAll(sql, arguments).first }

  /// All rows fetched, then handed over: a report's rows on PostgreSQL are held in memory once
  /// (a cursor would need the caller's transaction).
  func stream(_ sql: String, _ arguments: [SQLValue], _ body: (Row) throws -> Void) throws {
    for row in try rows(sql, arguments) { try body(row) }
  }

  func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (Row) throws -> Void) throws { try stream(sql, arguments, body) }

  func transaction<T>(_ kind: Connection.TransactionKind, committingIf commit: (T) -> Bool, _ body: () throws -> T) throws -> T {
    if depth > 0 { return try savepoint(committingIf: commit, body) }
    depth += 1
    defer { depth -= 1 }
    switch kind {
    case .deferred:
      // A read: one snapshot for all its statements, as SQLite's read transaction.
      try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    case .immediate, .exclusive:
      try session.execute("BEGIN")
      try session.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
    }
    do {
      let result = try body()
      try session.execute(commit(result) ? "COMMIT" : "ROLLBACK")
      return result
    } catch {
      try? session.execute("ROLLBACK")
      throw error
    }
  }

  func savepoint<T>(_ body: () throws -> T) throws -> T { try savepoint(committingIf: { _ in true }, body) }

  func append(into table: String, columns: [String], rows: [[SQLValue]]) throws {
    try session.copy(into: table, columns: columns, rows: rows)
  }

  private func savepoint<T>(committingIf keep: (T) -> Bool, _ body: () throws -> T) throws -> T {
    depth += 1
    defer { depth -= 1 }
    let name = "corridor_sp\(depth)"
    try session.execute("SAVEPOINT \(name)")
    do {
      let result = try body()
      if !keep(result) { try session.execute("ROLLBACK TO SAVEPOINT \(name)") }
      try session.execute("RELEASE SAVEPOINT \(name)")
      return result
    } catch {
      // A failed statement leaves PostgreSQL's transaction aborted until this rollback.
      try? session.execute("ROLLBACK TO SAVEPOINT \(name)")
      try? session.execute("RELEASE SAVEPOINT \(name)")
      throw error
    }
  }
}

extension PostgresLedger {
  /// The ledger on PostgreSQL as the stores use it, migrated (each migration told through
  /// `notice`): the same `CorridorDatabase`, the same stores and rules as on SQLite, over
  /// this engine's connection.
  public static func database(_ location: PostgresLocation, clock: Clock = .system, notice: (String) -> Void = { _ in }) throws
    -> CorridorDatabase
  {
    CorridorDatabase(connection: PostgresStoreConnection(try open(location, notice: notice)), name: location.description, clock: clock)
  }
}

extension PostgresLedger {
  /// The threads and read sessions of a server on PostgreSQL (see `ServerConfiguration.threads`).
  public static let serverThreads = 8

  /// How `corridor serve` opens its connections to the ledger at `location`: the writer migrates
  /// it first; each reader is a session of its own.
  public static func opener(_ location: PostgresLocation, clock: Clock) -> ServerDatabase.Opener {
    { migrate, notice in
      migrate
        ? try database(location, clock: clock, notice: notice)
        : CorridorDatabase(connection: PostgresStoreConnection(try PostgresSession(location)), name: location.description, clock: clock)
    }
  }
}

extension PostgresFailure: EngineFailure {
  /// SQLSTATE class 23 is an integrity constraint violation; 23505, a unique one.
  package var schemaRefusal: SchemaRefusal? {
    guard let sqlState, sqlState.hasPrefix("23") else { return nil }
    return sqlState == "23505" ? .uniqueness : .otherConstraint
  }
}
