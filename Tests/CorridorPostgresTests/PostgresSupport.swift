import CorridorModel
import CorridorStore
import CorridorStorePostgres
import Foundation
import Testing

/// The PostgreSQL server the tests use: `CORRIDOR_TEST_POSTGRES` (a superuser's URL; `.ci/run`
/// starts a throwaway cluster and sets it). Each test gets a database of its own, dropped after.
/// With `CORRIDOR_REQUIRE_POSTGRES=1` (CI) a missing server fails instead of skipping.
enum TestPostgres {
  static let environment = ProcessInfo.processInfo.environment
  static let admin: PostgresLocation? = environment["CORRIDOR_TEST_POSTGRES"].flatMap {
    try? PostgresLocation(parsing: $0, environment: environment)
  }
  static var available: Bool { admin != nil }
  static var required: Bool { environment["CORRIDOR_REQUIRE_POSTGRES"] == "1" }

  /// A new, empty database with byte-order collation, as `docs/postgres.md` says to make one.
  static func freshDatabase(collation: String = "C") throws -> PostgresLocation {
    let admin = try #require(admin)
    let name = "corridor_t_" + UUID().uuidString.prefix(8).lowercased()
    let session = try PostgresSession(admin)
    try session.execute(
      "CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE '\(collation)' LC_CTYPE '\(collation)'")
    return admin.database(name)
  }

  static func drop(_ location: PostgresLocation) {
    guard let admin else { return }
    try? PostgresSession(admin).execute("DROP DATABASE IF EXISTS \(location.database) WITH (FORCE)")
  }

  static func url(_ location: PostgresLocation) -> String {
    // The tests' cluster: user and password `corridor` (.ci/postgres).
    let password = environment["CORRIDOR_TEST_POSTGRES"].flatMap { URLComponents(string: $0)?.password } ?? ""
    return "postgres://\(location.user):\(password)@\(location.host):\(location.port)/\(location.database)"
  }
}

func temporaryFolder() -> String {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-pg-\(UUID().uuidString)").path
  try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  return folder
}
