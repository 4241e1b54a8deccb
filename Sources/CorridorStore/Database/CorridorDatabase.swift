import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

/// Where the database lives when the user does not say: `--db`, else `$CORRIDOR_DB`, else
/// `$XDG_DATA_HOME/corridor/corridor.db`, else `~/.local/share/corridor/corridor.db`.
public enum DatabaseLocation {
  public static func resolve(explicit: String?, environment: [String: String]) -> String {
    if let explicit, !explicit.isEmpty { return explicit }
    if let path = environment["CORRIDOR_DB"], !path.isEmpty { return path }
    if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/corridor/corridor.db" }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return home + "/.local/share/corridor/corridor.db"
  }
}

extension CorridorDatabase {
  /// The database file and the files SQLite keeps beside it, which no output may overwrite.
  public static func files(at path: String) -> [OutputFile.Protected] {
    [
      .init(path: path, role: "the database"), .init(path: path + "-wal", role: "the database's write-ahead log"),
      .init(path: path + "-shm", role: "the database's shared-memory index"),
      .init(path: path + "-journal", role: "the database's rollback journal"),
    ]
  }
}

/// An open Corridor ledger: a connection (a SQLite file, or a PostgreSQL database through
/// CorridorStorePostgres) whose schema this binary has checked and brought up to date, and the
/// stores over it.
public final class CorridorDatabase {
  package let connection: any StoreConnection
  public let path: String
  /// "Now" for every write (`recorded_at`, audit entries) and for the future-event rule.
  public let clock: Clock
  /// The live subscriptions as every write matches its events against them, kept between writes
  /// and read again after any audited change to subscriptions or keys (`enqueueNotifications`).
  var notificationTargets: (version: String, targets: [NotificationTarget])?

  /// How to treat the file on open.
  public enum OpenMode: Sendable {
    /// Create the file and its folders when missing (`corridor init`).
    case create
    /// The file must exist (every other command).
    case existing
  }

  /// A ledger on another engine, opened and migrated by that engine's side
  /// (`PostgresLedger.database`); `name` names it in messages, without a password.
  package init(connection: any StoreConnection, name: String, clock: Clock) {
    self.connection = connection
    path = name
    self.clock = clock
  }

  /// Opens and validates the database, then applies pending migrations. `notice` receives one
  /// line per migration applied (the CLI prints them on stderr).
  public init(
    path: String, mode: OpenMode = .existing, migrate: Bool = true, migrator: Migrator = Migrator(), clock: Clock = .system,
    notice: (String) -> Void = { _ in }
  ) throws {
    self.path = path
    self.clock = clock
    let fileManager = FileManager.default
    var isDirectory: ObjCBool = false
    let exists = fileManager.fileExists(atPath: path, isDirectory: &isDirectory)
    if isDirectory.boolValue {
      throw CorridorError(.cannotCreate, "\(path) is a directory, not a database file", hint: "pass a file path with --db")
    }
    if !exists {
      guard mode == .create else {
        throw CorridorError(
          .missingInput, "no database at \(path)",
          hint: "run `corridor init` (or pass --db / set CORRIDOR_DB)")
      }
      let folder = (path as NSString).deletingLastPathComponent
      if !folder.isEmpty {
        do {
          try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
          throw CorridorError(.cannotCreate, "cannot create the folder \(folder) for the database")
        }
      }
    }
    do {
      // WAL waits until the file is known to be ours: switching writes the header.
      let sqlite = try Connection(path: path, options: .init(create: mode == .create, enableWAL: false))
      connection = sqlite
      try migrator.validate(sqlite, path: path)
      try sqlite.enableWAL()
      if migrate {
        for migration in try migrator.migrate(sqlite, path: path, now: clock.nowUTC, waiting: notice) {
          notice("applied migration \(migration.name) to \(path)")
        }
      }
    } catch let error as SQLiteError {
      if let folder = Self.unwritableFolder(of: path), error.isCannotOpen || error.isReadOnly || error.isIOError {
        throw CorridorError(
          .io, "cannot use \(path): its folder \(folder) is not writable, and SQLite keeps \(path)-wal and \(path)-shm beside it",
          hint: "make the folder writable, or copy the database to a writable folder")
      }
      if error.isCannotOpen {
        throw CorridorError(mode == .create ? .cannotCreate : .io, "cannot open \(path): \(error.message)")
      }
      throw CorridorError(error, context: path)
    }
  }

  /// The database's folder when this process cannot create files in it.
  static func unwritableFolder(of path: String) -> String? {
    let folder = (path as NSString).deletingLastPathComponent
    let shown = folder.isEmpty ? "." : folder
    return access(shown, W_OK) == 0 ? nil : shown
  }

  /// What `db check` reports: the migration ledger, `PRAGMA integrity_check` and
  /// `PRAGMA foreign_key_check`, on a read-only connection that neither migrates nor changes
  /// anything, so that a damaged file is described instead of refused. Empty when healthy.
  /// See <https://sqlite.org/pragma.html#pragma_integrity_check>.
  public static func check(path: String, migrator: Migrator = Migrator()) throws -> [String] {
    guard FileManager.default.fileExists(atPath: path) else {
      throw CorridorError(.missingInput, "no database at \(path)", hint: "run `corridor init` (or pass --db / set CORRIDOR_DB)")
    }
    let connection: Connection
    do {
      connection = try Connection(path: path, options: .init(readOnly: true, enableWAL: false))
    } catch let error as SQLiteError {
      return ["open: \(error.message)"]
    }
    var findings: [String] = []
    func collect(_ label: String, _ body: () throws -> Void) {
      do { try body() } catch let error as CorridorError { findings.append("\(label): \(error.message)") } catch let error as SQLiteError {
        findings.append("\(label): \(error.isNotADatabase ? "not a SQLite database (the header is damaged)" : error.message)")
      } catch { findings.append("\(label): \(error)") }
    }
    collect("schema") { try migrator.validate(connection, path: path) }
    collect("integrity") {
      for row in try connection.fetchAll("PRAGMA integrity_check") {
        if let text = row.first?.text, text != "ok" { findings.append("integrity: \(text)") }
      }
    }
    collect("foreign key") {
      for row in try connection.rows("PRAGMA foreign_key_check") {
        let rowid = try row.optionalInt64("rowid").map(String.init) ?? "(no rowid)"
        findings.append("foreign key: \(try row.text("table")) row \(rowid) refers to a missing \(try row.text("parent")) row")
      }
    }
    return findings
  }
}

extension CorridorDatabase {
  /// A write transaction for a caller outside the store (the server's group commit); SQLite's
  /// failures come out as `CorridorError`s (a full disk, a busy file), so the edge maps them.
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try mapSQLiteErrors { try connection.transaction(.immediate, body) }
  }

  /// A savepoint inside the caller's transaction: a body that throws undoes only its own work.
  public func savepoint<T>(_ body: () throws -> T) throws -> T {
    try mapSQLiteErrors { try connection.savepoint(body) }
  }
}
