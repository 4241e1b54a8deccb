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

/// An open Corridor database: a SQLite connection whose schema this binary has checked and
/// brought up to date.
public final class CorridorDatabase {
  public let connection: Connection
  public let path: String

  /// How to treat the file on open.
  public enum OpenMode: Sendable {
    /// Create the file and its folders when missing (`corridor init`).
    case create
    /// The file must exist (every other command).
    case existing
  }

  /// Opens and validates the database, then applies pending migrations. `notice` receives one
  /// line per migration applied (the CLI prints them on stderr).
  public init(
    path: String, mode: OpenMode = .existing, migrate: Bool = true, migrator: Migrator = Migrator(),
    notice: (String) -> Void = { _ in }
  ) throws {
    self.path = path
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
      connection = try Connection(path: path, options: .init(create: mode == .create, enableWAL: false))
    } catch let error as SQLiteError {
      if error.code == 14 /* SQLITE_CANTOPEN */ {
        throw CorridorError(mode == .create ? .cannotCreate : .io, "cannot open \(path): \(error.message)")
      }
      throw CorridorError(error, context: path)
    }
    try migrator.validate(connection, path: path)
    try mapSQLiteErrors { try connection.enableWAL() }
    if migrate {
      for migration in try migrator.migrate(connection, path: path) {
        notice("applied migration \(migration.name) to \(path)")
      }
    }
  }
}
