import CorridorInterchange
import CorridorModel
import Crypto
import Dispatch
import Foundation
import SQLite

/// One schema change, as shipped in `migrations/NNNN_description.sql`.
public struct Migration: Sendable, Equatable {
  public let version: Int
  public let name: String
  public let sql: String

  public init(version: Int, name: String, sql: String) {
    self.version = version
    self.name = name
    self.sql = sql
  }

  /// SHA-256 of the file's bytes, lower-case hex: what `schema_migrations.sha256` records.
  public var checksum: String { sha256Hex(Array(sql.utf8)) }

  /// The migrations compiled into this binary, in version order. Files not named
  /// `NNNN_description.sql` are left out (a test asserts there are none).
  public static let embedded: [Migration] = named(EmbeddedMigrations.files)

  /// The files named `NNNN_description.sql`, as migrations in version order: SQLite's
  /// (`embedded`) and PostgreSQL's own copies (CorridorStorePostgres) are read the same way.
  public static func named(_ files: [(name: String, text: String)]) -> [Migration] {
    files.compactMap { file in
      let parts = file.name.split(separator: "_", maxSplits: 1)
      guard file.name.hasSuffix(".sql"), parts.count == 2, parts[0].count == 4, let version = Int(parts[0]) else { return nil }
      return Migration(version: version, name: file.name, sql: file.text)
    }.sorted { $0.version < $1.version }
  }

  /// The tables whose rows the migrations themselves insert (the cursor's secret, the ETA's
  /// watermark): every other table of a freshly migrated database is empty, on either engine.
  /// `db copy` replaces these rows and refuses a target with rows in any other table.
  public static let seededTables: Set<String> = ["server_secrets", "eta_watermark"]

  /// How many migration files the build embedded, named correctly or not.
  static var embeddedFileCount: Int { EmbeddedMigrations.files.count }
}

/// Applies migrations forward, each in its own transaction, and refuses databases it cannot
/// vouch for. It never edits a database it refuses.
public struct Migrator {
  public typealias Status = MigrationStatus

  public let migrations: [Migration]

  public init(migrations: [Migration] = Migration.embedded) {
    self.migrations = migrations
  }

  /// Versions and checksums recorded in the database; empty for a fresh file.
  func applied(in db: Connection) throws -> [(version: Int, name: String, sha256: String, appliedAt: String)] {
    guard try hasLedger(db) else { return [] }
    do {
      return try db.rows("SELECT version, name, sha256, applied_at FROM schema_migrations ORDER BY version").map {
        row throws(RowDecodingError) in
        (try row.int("version", in: Int(Int32.min)...Int(Int32.max)), try row.text("name"), try row.text("sha256"), try row.text("applied_at"))
      }
    } catch let error as RowDecodingError {
      throw CorridorError.damaged(nil, "the migration ledger cannot be read: \(error)")
    }
  }

  func hasLedger(_ db: Connection) throws -> Bool {
    try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'") == 1
  }

  /// Refuses the file unless it is a fresh database or a Corridor database whose applied
  /// migrations all match this binary's copies. Reads only.
  public func validate(_ db: Connection, path: String) throws {
    let objectCount: Int64
    do {
      objectCount = try db.scalarInt("SELECT count(*) FROM sqlite_schema") ?? 0
    } catch let error as SQLiteError where error.isNotADatabase {
      throw CorridorError(
        .invalidData, "\(path) is not a SQLite database; it was left untouched",
        hint: "check --db / CORRIDOR_DB, or run `corridor init --db NEWFILE`")
    }
    if objectCount > 0, try !hasLedger(db) {
      throw CorridorError(
        .invalidData, "\(path) is a SQLite database but not a Corridor database (no schema_migrations); it was left untouched",
        hint: "point --db at a Corridor database, or run `corridor init --db NEWFILE`")
    }
    try checkLedger(try applied(in: db).map { ($0.version, $0.name, $0.sha256) }, otherObjects: objectCount - 1, place: path)
  }

  /// The ledger's rule, on either engine: a ledger that is empty while other schema objects
  /// exist is damaged; every recorded version must be one a release shipped, not newer than this
  /// binary, with this binary's checksum of its file. `place` names the database in messages.
  public func checkLedger(_ ledger: [(version: Int, name: String, sha256: String)], otherObjects: Int64, place path: String) throws {
    let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
    // Tables but an empty ledger: someone emptied schema_migrations. Migrating would try to
    // create tables that exist; the file needs a look, not a migration.
    if ledger.isEmpty, otherObjects > 0 {
      throw CorridorError.damaged(path, "schema_migrations is empty but the database has \(otherObjects) other schema objects")
    }
    let latest = migrations.last?.version ?? 0
    for row in ledger {
      if row.version < 1 || (row.version <= latest && known[row.version] == nil) {
        throw CorridorError.damaged(path, "schema_migrations records version \(row.version) (\(row.name)), which no corridor release has")
      }
      guard let migration = known[row.version] else {
        throw CorridorError(
          .invalidData,
          "\(path) is at schema version \(row.version) (\(row.name)), newer than this corridor binary knows (\(migrations.last?.version ?? 0)); it was left untouched",
          hint: "use a newer corridor")
      }
      if migration.checksum != row.sha256 {
        throw CorridorError(
          .invalidData,
          "migration \(row.name) was edited after it was applied to \(path) (recorded sha256 \(row.sha256.prefix(12))…, this binary has \(migration.checksum.prefix(12))…); the database was left untouched",
          hint: "shipped migrations are never edited: add a new migration instead")
      }
    }
  }

  public func status(_ db: Connection) throws -> [Status] {
    let applied = Dictionary(uniqueKeysWithValues: try applied(in: db).map { ($0.version, $0.appliedAt) })
    return migrations.map { Status(version: $0.version, name: $0.name, appliedAt: applied[$0.version]) }
  }

  /// Applies every pending migration in order, each in its own IMMEDIATE transaction together
  /// with its ledger row, so a failing migration leaves the database at the previous version.
  ///
  /// Several processes may start together on a database one migration behind (after an
  /// upgrade): each migration is applied under the write lock, and whoever takes the lock first
  /// re-reads the ledger, so the others find it applied, wait for it (`waitSeconds` at most,
  /// saying so through `waiting`) and carry on.
  ///
  /// Foreign keys are off while migrations run, as SQLite's procedure for rebuilding a table
  /// requires, and `foreign_key_check` must be clean before each one commits.
  @discardableResult
  public func migrate(
    _ db: Connection, path: String, now: () -> String = Clock.system.nowUTC, waitSeconds: Int = 600,
    waiting: (String) -> Void = { _ in }
  ) throws -> [Migration] {
    try validate(db, path: path)
    let pending = Set(migrations.map(\.version)).subtracting(try applied(in: db).map(\.version))
    guard !pending.isEmpty else { return [] }
    try db.execute("PRAGMA foreign_keys = OFF")
    defer { try? db.execute("PRAGMA foreign_keys = ON") }
    var appliedNow: [Migration] = []
    for migration in migrations where pending.contains(migration.version) {
      var toldWaiting = false
      let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(waitSeconds) * 1_000_000_000
      while true {
        do {
          let applied = try db.transaction(.immediate) { () throws -> Bool in
            if try hasLedger(db),
              try db.scalarInt("SELECT count(*) FROM schema_migrations WHERE version = ?", [.integer(Int64(migration.version))]) == 1
            {
              return false
            }
            try db.execute(migration.sql)
            if let orphan = try db.row("PRAGMA foreign_key_check") {
              throw CorridorError(
                .internal,
                "migration \(migration.name) would leave a \((try? orphan.text("table")) ?? "?") row referring to a missing \((try? orphan.text("parent")) ?? "?") row; the database stays at the previous version",
                hint: "run `corridor db check` and report it")
            }
            try db.execute(
              "INSERT INTO schema_migrations(version, name, sha256, applied_at) VALUES (?, ?, ?, ?)",
              [.integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum), .text(now())])
            return true
          }
          if applied { appliedNow.append(migration) }
          break
        } catch let error as SQLiteError where error.isBusy && DispatchTime.now().uptimeNanoseconds < deadline {
          if !toldWaiting {
            waiting("waiting for another corridor process to finish with \(path) before migrating it")
            toldWaiting = true
          }
          usleep(100_000)
        } catch let error as SQLiteError {
          if error.isBusy || error.isIOError || error.isReadOnly || error.isCorrupt { throw CorridorError(error, context: path) }
          throw CorridorError(
            .internal, "migration \(migration.name) failed: \(error.message); the database stays at the previous version",
            hint: "run `corridor db check` to see whether the database holds values this version refuses")
        }
      }
    }
    return appliedNow
  }
}
