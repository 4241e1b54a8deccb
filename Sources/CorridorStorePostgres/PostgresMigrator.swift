import CorridorModel
import CorridorStore
import SQLite

/// PostgreSQL's migrations (`migrations/postgres/NNNN_*.sql`): the same numbers, names and
/// meaning as SQLite's, each written for PostgreSQL, kept in their own ledger table
/// `schema_migrations` under the same rule (`Migrator.checkLedger`).
public struct PostgresMigrator {
  public static let migrations = Migration.named(EmbeddedPostgresMigrations.files)
  let ledger = Migrator(migrations: PostgresMigrator.migrations)

  public init() {}

  /// An arbitrary key for PostgreSQL's advisory lock that serialises migrators: several
  /// `corridor` processes may start together against one database after an upgrade.
  static let lockKey: Int64 = 0x436F_7272_6964_6F72

  /// Refuses a database that is not a fresh one or a Corridor ledger this binary can vouch for,
  /// and one whose collation would sort text differently from SQLite (ORDER BY must give the
  /// same bytes on both engines). Reads only.
  public func validate(_ session: PostgresSession) throws {
    let collation = try session.scalarText("SELECT datcollate::text FROM pg_database WHERE datname = current_database()") ?? "?"
    guard ["C", "POSIX", "C.UTF-8", "C.utf8"].contains(collation) else {
      throw CorridorError(
        .invalidData,
        "\(session.location) sorts text by the collation \(collation), not byte by byte as SQLite does; it was left untouched",
        hint:
          "create the database with CREATE DATABASE \(session.location.database) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    }
    let objects =
      try session.scalarInt(
        """
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
        """) ?? 0
    let hasLedger = try hasLedger(session)
    if objects > 0, !hasLedger {
      throw CorridorError(
        .invalidData, "\(session.location) holds tables but is not a Corridor database (no schema_migrations); it was left untouched",
        hint: "point --db at a Corridor database or an empty one")
    }
    try ledger.checkLedger(try applied(session).map { ($0.version, $0.name, $0.sha256) }, otherObjects: objects - 1, place: "\(session.location)")
  }

  func hasLedger(_ session: PostgresSession) throws -> Bool {
    try session.scalarInt("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'") == 1
  }

  func applied(_ session: PostgresSession) throws -> [(version: Int, name: String, sha256: String, appliedAt: String)] {
    guard try hasLedger(session) else { return [] }
    return try session.rows("SELECT version, name, sha256, applied_at FROM schema_migrations ORDER BY version").map { row in
      guard row.count == 4, let version = row[0].int64, let name = row[1].text, let sha = row[2].text, let at = row[3].text,
        let small = Int(exactly: version)
      else { throw CorridorError.damaged(nil, "the migration ledger of the PostgreSQL database cannot be read") }
      return (small, name, sha, at)
    }
  }

  public func status(_ session: PostgresSession) throws -> [MigrationStatus] {
    let applied = Dictionary(uniqueKeysWithValues: try applied(session).map { ($0.version, $0.appliedAt) })
    return Self.migrations.map { MigrationStatus(version: $0.version, name: $0.name, appliedAt: applied[$0.version]) }
  }

  /// Applies every pending migration in order, each in its own transaction with its ledger
  /// row, under the advisory lock (whoever takes it first applies; the others find it applied).
  @discardableResult
  public func migrate(_ session: PostgresSession, now: () -> String = Clock.system.nowUTC) throws -> [Migration] {
    try validate(session)
    var appliedNow: [Migration] = []
    for migration in Self.migrations {
      let applied = try session.transaction {
        _ = try session.rows("SELECT 1 FROM pg_advisory_xact_lock($1)", [.integer(Self.lockKey)])
        if try hasLedger(session),
          try session.scalarInt("SELECT count(*) FROM schema_migrations WHERE version = $1", [.integer(Int64(migration.version))]) == 1
        {
          return false
        }
        do {
          try session.execute(migration.sql)
        } catch let failure as PostgresFailure {
          throw CorridorError(
            .internal, "migration \(migration.name) failed on \(session.location): \(failure); the database stays at the previous version",
            hint: "report it with the server's version (SELECT version())")
        }
        _ = try session.rows(
          "INSERT INTO schema_migrations(version, name, sha256, applied_at) VALUES ($1, $2, $3, $4)",
          [.integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum), .text(now())])
        return true
      }
      if applied { appliedNow.append(migration) }
    }
    return appliedNow
  }
}
