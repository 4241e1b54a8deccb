import CorridorInterchange
import CorridorPresentation
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

@Suite(.sqliteOnly) struct MigratorTests {
  let shipped = Migration.embedded

  @Test func freshDatabaseGetsEveryMigration() throws {
    let db = try freshDatabase()
    let status = try db.migrationStatus()
    #expect(status.count == shipped.count)
    #expect(status.allSatisfy { $0.appliedAt != nil })
    let checksums = try db.connection.fetchAll("SELECT sha256 FROM schema_migrations ORDER BY version").map { $0[0].text }
    #expect(checksums == shipped.map(\.checksum))
  }

  @Test func secondRunIsANoOp() throws {
    let path = temporaryDatabasePath()
    _ = try CorridorDatabase(path: path, mode: .create)
    var notices: [String] = []
    _ = try CorridorDatabase(path: path) { notices.append($0) }
    #expect(notices.isEmpty)
  }

  @Test func migrationsAreNumberedInOrder() {
    #expect(shipped.map(\.version) == Array(1...shipped.count))
    #expect(shipped.first?.name == "0001_schema_migrations.sql")
    #expect(shipped.count == Migration.embeddedFileCount)
  }

  @Test func editedMigrationIsRefusedAndFileUntouched() throws {
    let path = temporaryDatabasePath()
    _ = try CorridorDatabase(path: path, mode: .create)
    let before = fileBytes(path)
    var edited = shipped
    let last = edited.removeLast()
    edited.append(Migration(version: last.version, name: last.name, sql: last.sql + "\n-- edited"))
    let error = #expect(throws: CorridorError.self) { _ = try CorridorDatabase(path: path, migrator: Migrator(migrations: edited)) }
    #expect(error?.kind == .invalidData)
    #expect(error?.text.contains("was edited") == true)
    #expect(fileBytes(path) == before)
  }

  @Test func newerDatabaseIsRefused() throws {
    let path = temporaryDatabasePath()
    _ = try CorridorDatabase(path: path, mode: .create)
    let older = Migrator(migrations: Array(shipped.dropLast()))
    let error = #expect(throws: CorridorError.self) { _ = try CorridorDatabase(path: path, migrator: older) }
    #expect(error?.text.contains("newer than this corridor binary") == true)
  }

  @Test func nonSQLiteFileIsRefusedAndLeftByteIdentical() throws {
    let path = temporaryDatabasePath()
    let junk = Data("this is a spreadsheet, not a database\n".utf8) + Data(repeating: 7, count: 5000)
    #expect(FileManager.default.createFile(atPath: path, contents: junk))
    let error = #expect(throws: CorridorError.self) { _ = try CorridorDatabase(path: path) }
    #expect(error?.kind == .invalidData)
    #expect(error?.text.contains("not a SQLite database") == true)
    #expect(fileBytes(path) == junk)
    #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
  }

  @Test func foreignSQLiteDatabaseIsRefusedUntouched() throws {
    let path = temporaryDatabasePath()
    do {
      let other = try Connection(path: path, options: .init(create: true, enableWAL: false))
      try other.execute("CREATE TABLE invoices(id INTEGER)")
    }
    let before = fileBytes(path)
    let error = #expect(throws: CorridorError.self) { _ = try CorridorDatabase(path: path) }
    #expect(error?.text.contains("not a Corridor database") == true)
    #expect(fileBytes(path) == before)
  }

  @Test func failingMigrationLeavesThePreviousVersion() throws {
    let path = temporaryDatabasePath()
    let broken =
      shipped + [
        Migration(version: shipped.count + 1, name: "9999_broken.sql", sql: "CREATE TABLE half(x); INSERT INTO nowhere VALUES (1);")
      ]
    let error = #expect(throws: CorridorError.self) {
      _ = try CorridorDatabase(path: path, mode: .create, migrator: Migrator(migrations: broken))
    }
    #expect(error?.text.contains("9999_broken.sql") == true)
    let db = try Connection(path: path)
    #expect(try db.scalarInt("SELECT max(version) FROM schema_migrations") == Int64(shipped.count))
    #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'half'") == 0)
  }

  @Test func missingDatabaseIsExit66WithHint() {
    let error = #expect(throws: CorridorError.self) { _ = try CorridorDatabase(path: temporaryFolder() + "/none.db") }
    #expect(error?.kind == .missingInput)
    #expect(error?.hint?.contains("corridor init") == true)
  }

  @Test func databaseLocationFollowsTheDocumentedOrder() {
    #expect(DatabaseLocation.resolve(explicit: "x.db", environment: ["CORRIDOR_DB": "y.db"]) == "x.db")
    #expect(DatabaseLocation.resolve(explicit: nil, environment: ["CORRIDOR_DB": "y.db", "XDG_DATA_HOME": "/d"]) == "y.db")
    #expect(DatabaseLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/d"]) == "/d/corridor/corridor.db")
    #expect(DatabaseLocation.resolve(explicit: nil, environment: ["HOME": "/h"]) == "/h/.local/share/corridor/corridor.db")
  }
}
