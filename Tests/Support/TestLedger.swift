import CorridorModel
import CorridorStore
import CorridorStorePostgres
import Foundation
import Synchronization

/// The engine the storage, acceptance and server suites run on: `CORRIDOR_TEST_ENGINE=postgres`
/// selects PostgreSQL (the server `CORRIDOR_TEST_POSTGRES` names; `.ci/run` runs those suites a
/// second time so), anything else a SQLite file. One switch for every suite, so that the same
/// assertions hold on both engines rather than a PostgreSQL copy of each test.
public enum TestEngine: String, Sendable {
  case sqlite
  case postgres

  public static let selected: TestEngine = ProcessInfo.processInfo.environment["CORRIDOR_TEST_ENGINE"] == "postgres" ? .postgres : .sqlite
}

/// The PostgreSQL server the tests use: `CORRIDOR_TEST_POSTGRES` (a superuser's URL; `.ci/run`
/// starts a throwaway cluster and sets it). With `CORRIDOR_REQUIRE_POSTGRES=1` (CI) a missing
/// server fails instead of skipping.
public enum TestPostgres {
  static let environment = ProcessInfo.processInfo.environment
  public static let admin: PostgresLocation? = environment["CORRIDOR_TEST_POSTGRES"].flatMap {
    try? PostgresLocation(parsing: $0, environment: environment)
  }
  public static var available: Bool { admin != nil }
  public static var required: Bool { environment["CORRIDOR_REQUIRE_POSTGRES"] == "1" }

  /// The server, or a failure that says how to name one.
  static func server() throws -> PostgresLocation {
    guard let admin else {
      throw CorridorError(
        .usage, "the PostgreSQL tests need a server: CORRIDOR_TEST_POSTGRES is not set or not a postgres:// URL",
        hint: "export CORRIDOR_TEST_POSTGRES=$(.ci/postgres start /tmp/corridor-pg 55432)")
    }
    return admin
  }

  /// A new, empty database with byte-order collation, as `docs/postgres.md` says to make one
  /// (`template0`), or a copy of `template`; dropped when the test process exits.
  public static func freshDatabase(collation: String = "C", template: String? = nil) throws -> PostgresLocation {
    let admin = try server()
    let name = "corridor_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    let source = template.map { "TEMPLATE \($0)" } ?? "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE '\(collation)' LC_CTYPE '\(collation)'"
    try PostgresSession(admin).execute("CREATE DATABASE \(name) \(source)")
    made.withLock { $0.append(name) }
    dropAtExit
    return admin.database(name)
  }

  public static func drop(_ location: PostgresLocation) {
    guard let admin else { return }
    try? PostgresSession(admin).execute("DROP DATABASE IF EXISTS \(location.database) WITH (FORCE)")
    made.withLock { $0.removeAll { $0 == location.database } }
  }

  /// The URL `corridor` takes for `location`, with the tests' password.
  public static func url(_ location: PostgresLocation) -> String {
    let password = environment["CORRIDOR_TEST_POSTGRES"].flatMap { URLComponents(string: $0)?.password } ?? ""
    return "postgres://\(location.user):\(password)@\(location.host):\(location.port)/\(location.database)"
  }

  /// The databases this process made and has not dropped.
  private static let made = Mutex<[String]>([])

  /// Drops what is left when the process ends: a suite's ledger has no end of its own (Swift
  /// Testing has no teardown for a value), and a few hundred left behind would fill a developer's
  /// cluster run after run. A process that crashes leaves its databases (`corridor_t_…`).
  private static let dropAtExit: Void = {
    atexit {
      let names = TestPostgres.made.withLock { $0 }
      guard let admin = TestPostgres.admin, !names.isEmpty, let session = try? PostgresSession(admin) else { return }
      for name in names { try? session.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }
  }()

  /// A migrated, empty ledger that each test's ledger copies (`CREATE DATABASE … TEMPLATE`):
  /// the 27 migrations once per process rather than once per test.
  static let migratedTemplate: Result<String, any Error> = Result {
    let location = try freshDatabase()
    // The session closes when it goes: a template may have no connection while it is copied.
    _ = try PostgresLedger.open(location)
    return location.database
  }
}

/// A fresh, migrated ledger (no reference data) on the selected engine, and how to open it again.
public struct TestLedger {
  public let db: CorridorDatabase
  /// What `--db` takes for it: the file's path, or a `postgres://` URL with the password.
  public let location: String
  /// Where it is on PostgreSQL (nil on a file): for what a test does behind Corridor's back.
  public let postgres: PostgresLocation?

  public static func create(clock: Clock = .system) throws -> TestLedger {
    switch TestEngine.selected {
    case .sqlite:
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-kit-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let path = folder + "/corridor.db"
      return TestLedger(db: try CorridorDatabase(path: path, mode: .create, clock: clock), location: path, postgres: nil)
    case .postgres:
      return try opened(TestPostgres.freshDatabase(template: try TestPostgres.migratedTemplate.get()), clock: clock)
    }
  }

  /// A fresh ledger with the shipped reference data loaded by `operator`, its clock fixed at
  /// `time` (the system's without one). On SQLite it is loaded into each new file, as a test did
  /// itself; on PostgreSQL each is a copy of one loaded ledger a process for each time and
  /// operator (loading it takes seconds through the debug build's driver, against milliseconds
  /// for a copy), whose entries then carry the time of that first load when the clock is the
  /// system's.
  public static func shipped(at time: EventTime? = nil, operator: String) throws -> TestLedger {
    let clock = time.map(Clock.fixed) ?? .system
    guard TestEngine.selected == .postgres else {
      let ledger = try create(clock: clock)
      _ = try ledger.db.loadShippedReference(operator: `operator`)
      return ledger
    }
    let key = "\(`operator`)@\(time.map { String($0.milliseconds) } ?? "system")"
    let template = try shippedTemplates.withLock { templates in
      if let made = templates[key] { return made }
      let made = Result { try Self.template(clock: clock) { _ = try $0.loadShippedReference(operator: `operator`) } }
      templates[key] = made
      return made
    }.get()
    return try copy(of: template, clock: clock)
  }

  private static let shippedTemplates = Mutex<[String: Result<Template, any Error>]>([:])

  /// A ledger built once by `build` and copied for each test that starts from it (the file
  /// copied, or `CREATE DATABASE … TEMPLATE` on PostgreSQL): a table of cases over one history.
  public static func template(clock: Clock = .system, _ build: (CorridorDatabase) throws -> Void) throws -> Template {
    // Closed when this returns: SQLite then moves its log into the file (the copy is of the
    // file alone), and PostgreSQL copies no database that has a connection.
    let ledger = try create(clock: clock)
    try build(ledger.db)
    return Template(location: ledger.location, postgres: ledger.postgres)
  }

  /// A ledger `template` built, closed: only copies of it are opened.
  public struct Template: Sendable {
    let location: String
    let postgres: PostgresLocation?
  }

  /// A copy of `template`, open with `clock`.
  public static func copy(of template: Template, clock: Clock = .system) throws -> TestLedger {
    if let source = template.postgres {
      return try opened(TestPostgres.freshDatabase(template: source.database), clock: clock)
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-kit-\(UUID().uuidString).db").path
    try FileManager.default.copyItem(atPath: template.location, toPath: path)
    return TestLedger(db: try CorridorDatabase(path: path, clock: clock), location: path, postgres: nil)
  }

  /// The PostgreSQL ledger at `location`, open with `clock`.
  private static func opened(_ location: PostgresLocation, clock: Clock) throws -> TestLedger {
    TestLedger(db: try PostgresLedger.database(location, clock: clock), location: TestPostgres.url(location), postgres: location)
  }

  /// Another connection to the same ledger, with its own clock (a second writer, a later day).
  public func reopened(clock: Clock = .system) throws -> CorridorDatabase {
    guard let postgres else { return try CorridorDatabase(path: location, clock: clock) }
    return try PostgresLedger.database(postgres, clock: clock)
  }

  /// Runs `sql` on the PostgreSQL ledger as an intruder with the server's keys would, outside
  /// Corridor's code: a superuser's session of its own with the triggers off
  /// (`session_replication_role = replica`), so no trigger need be dropped first.
  public func tamperOnPostgres(_ sql: String) throws {
    guard let postgres else { throw CorridorError(.usage, "\(location) is a file, not a PostgreSQL ledger") }
    let session = try PostgresSession(postgres)
    try session.execute("SET session_replication_role = replica")
    try session.execute(sql)
  }

  /// How `corridor serve` opens it (`ServerConfiguration.open`): nil for a file, which the
  /// server opens by its path.
  public func serverOpener(clock: Clock) -> ServerDatabase.Opener? {
    postgres.map { PostgresLedger.opener($0, clock: clock) }
  }

  /// The read sessions and threads `corridor serve` gives a server on it (nil: a file's
  /// defaults).
  public var serverThreads: Int? { postgres == nil ? nil : PostgresLedger.serverThreads }
}
