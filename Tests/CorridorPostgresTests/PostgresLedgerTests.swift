import CorridorModel
import CorridorStore
import CorridorTestSupport
import Foundation
import SQLite
import Testing

@testable import CorridorStorePostgres

/// PostgreSQL's migrations and `db copy`, against a real server (`CORRIDOR_TEST_POSTGRES`).
@Suite(.serialized) struct PostgresLedgerTests {
  @Test func theServerIsThereWhenCIRequiresIt() {
    if TestPostgres.required { #expect(TestPostgres.available, "CORRIDOR_REQUIRE_POSTGRES=1 but CORRIDOR_TEST_POSTGRES is not a usable URL") }
  }

  @Test(.enabled(if: TestPostgres.available)) func theMigrationsBuildTheSchemaWithItsRules() throws {
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    let session = try PostgresSession(location)
    let migrator = PostgresMigrator()
    #expect(try migrator.migrate(session).count == 27)
    #expect(try migrator.migrate(session).isEmpty)
    #expect(try migrator.status(session).allSatisfy { $0.appliedAt != nil })

    // The same CHECKs: a malformed UN/LOCODE, an event code DCSA does not have.
    func refusal(_ sql: String) -> PostgresFailure? {
      do {
        _ = try session.rows(sql)
        return nil
      } catch let failure as PostgresFailure {
        return failure
      } catch {
        return nil
      }
    }
    #expect(refusal("INSERT INTO locations(code, name, country, kind, time_zone) VALUES ('cnckg', 'x', 'cn', 'city', 'UTC')")?.sqlState == "23514")
    #expect(refusal("INSERT INTO containers(number, size_type, created_at, operator) VALUES ('CSQU305438', '42G1', 't', 'o')")?.sqlState == "23514")
    // Append-only, TRUNCATE included.
    let hash = String(repeating: "a", count: 64)
    _ = try session.rows(
      "INSERT INTO audit_log(recorded_at, operator, action, entity, key, state, prev_hash, hash) VALUES ('t', 'o', 'a', 'e', 'k', '{}', $1, $1)",
      [.text(hash)])
    #expect(refusal("UPDATE audit_log SET state = '[]'")?.message == "the audit trail is append-only")
    #expect(refusal("DELETE FROM audit_log")?.message == "the audit trail is append-only")
    #expect(refusal("TRUNCATE audit_log")?.message == "the audit trail is append-only")
    #expect(try session.scalarInt("SELECT count(*) FROM audit_log") == 1)

    // An edited migration is refused, as on SQLite, and nothing is changed.
    _ = try session.rows("UPDATE schema_migrations SET sha256 = $1 WHERE version = 3", [.text(hash)])
    #expect(throws: CorridorError.self) { try migrator.validate(session) }
    do {
      try migrator.validate(session)
    } catch let error as CorridorError {
      #expect(error.kind == .invalidData && error.message.contains("0003_shipments_events.sql was edited"))
    }
  }

  @Test(.enabled(if: TestPostgres.available)) func aDatabaseThatIsNotALedgerOrMissingIsRefused() throws {
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    let session = try PostgresSession(location)
    try session.execute("CREATE TABLE someone_elses (x int)")
    #expect(throws: CorridorError.self) { try PostgresMigrator().migrate(session) }
    #expect(try session.scalarInt("SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'") == 0)
    do {
      _ = try PostgresSession(location.database("corridor_t_absent"))
      Issue.record("a missing database was opened")
    } catch let error as CorridorError {
      #expect(error.kind == .missingInput)
    }
  }

  @Test(.enabled(if: TestPostgres.available)) func aWrongPasswordIsRefusedWithoutEchoingIt() throws {
    let admin = try #require(TestPostgres.admin)
    let wrong = try PostgresLocation(
      parsing: "postgres://\(admin.user):zq9-not-it@\(admin.host):\(admin.port)/\(admin.database)", environment: [:])
    do {
      _ = try PostgresSession(wrong)
      Issue.record("a wrong password was accepted")
    } catch let error as CorridorError {
      #expect(error.kind == .io)
      #expect(!"\(error.message) \(error.hint ?? "")".contains("zq9-not-it"))
    }
  }

  /// The demo's ledger to PostgreSQL and back to a new file: every table holds the same rows,
  /// and the audit chain verifies with the same head. A second copy into the same database is
  /// refused and changes nothing.
  @Test(.enabled(if: TestPostgres.available)) func theDemoGoesToPostgreSQLAndBackRowForRow() throws {
    let folder = temporaryFolder()
    let (demo, _) = try Demo().build(path: folder + "/demo.db")
    let sourceHead = try demo.auditTrail.verifyAudit()
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }

    let there = try LedgerCopy.run(from: .sqlite(folder + "/demo.db"), to: .postgres(location))
    #expect(there.auditHead == AuditAnchor(seq: sourceHead.headSeq, hash: sourceHead.head))
    let back = try LedgerCopy.run(from: .postgres(location), to: .sqlite(folder + "/back.db"))
    #expect(back.rows == there.rows && back.auditHead == there.auditHead)

    let a = try Connection(path: folder + "/demo.db")
    let b = try Connection(path: folder + "/back.db")
    let tables = try a.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'schema_migrations' ORDER BY name")
      .compactMap { $0.first?.text }
    #expect(tables.count >= 25)
    for table in tables {
      let left = try a.fetchAll("SELECT * FROM \(table)").map { "\($0)" }.sorted()
      let right = try b.fetchAll("SELECT * FROM \(table)").map { "\($0)" }.sorted()
      #expect(left == right, "\(table) differs after the round trip")
    }
    let verified = try CorridorDatabase(path: folder + "/back.db").auditTrail.verifyAudit()
    #expect(verified.intact && verified.head == sourceHead.head && verified.entries == sourceHead.entries)

    // PostgreSQL's own sequences continue after the copied rows.
    let session = try PostgresSession(location)
    let next = try session.scalarInt("SELECT nextval(pg_get_serial_sequence('events', 'seq'))")
    #expect(next == (try session.scalarInt("SELECT max(seq) FROM events") ?? 0) + 1)

    let events = try session.scalarInt("SELECT count(*) FROM events")
    do {
      _ = try LedgerCopy.run(from: .sqlite(folder + "/demo.db"), to: .postgres(location))
      Issue.record("a second copy into a ledger was accepted")
    } catch let error as CorridorError {
      #expect(error.kind == .invalidData && error.message.contains("holds a ledger already"))
    }
    #expect(try session.scalarInt("SELECT count(*) FROM events") == events)
  }

  /// A source whose chain was tampered with is not copied: the target stays empty.
  @Test(.enabled(if: TestPostgres.available)) func aBrokenChainIsNotCopied() throws {
    let folder = temporaryFolder()
    let path = folder + "/t.db"
    _ = try CorridorDatabase(path: path, mode: .create).loadShippedReference(operator: "t")
    let connection = try Connection(path: path)
    try connection.execute("DROP TRIGGER audit_log_no_update")
    try connection.execute("UPDATE audit_log SET operator = 'someone else' WHERE seq = 3")
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    do {
      _ = try LedgerCopy.run(from: .sqlite(path), to: .postgres(location))
      Issue.record("a broken chain was copied")
    } catch let error as CorridorError {
      #expect(error.kind == .invalidData && error.message.contains("audit entry 3"))
    }
    let session = try PostgresSession(location)
    #expect(try session.scalarInt("SELECT count(*) FROM audit_log") == 0)
    #expect(try session.scalarInt("SELECT count(*) FROM locations") == 0)
  }

  @Test func copyingBetweenTwoFilesOrTwoServersIsRefused() throws {
    let local = try PostgresLocation(parsing: "postgres://u@127.0.0.1:1/a", environment: [:])
    for (from, to) in [(LedgerLocation.sqlite("a.db"), LedgerLocation.sqlite("b.db")), (.postgres(local), .postgres(local.database("b")))] {
      do {
        _ = try LedgerCopy.run(from: from, to: to)
        Issue.record("\(from) to \(to) was accepted")
      } catch let error as CorridorError {
        #expect(error.kind == .usage)
      }
    }
  }
}
