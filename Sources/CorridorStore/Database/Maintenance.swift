import CorridorInterchange
import CorridorModel
import SQLite

extension CorridorDatabase {
  public func migrationStatus() throws -> [Migrator.Status] {
    try mapSQLiteErrors { try Migrator().status(try connection.sqlite(for: "this migration status")) }
  }
}
