import CorridorModel
import CorridorStore
import CorridorStorePostgres
import CorridorTestSupport
import Foundation
import SQLite
import Testing

/// `audit verify` on PostgreSQL (issue 33): the store's one verification over PostgreSQL's
/// cursors gives the same entries, head and findings as on SQLite for the same history, however
/// the rows were tampered with; the append-only rule is checked as PostgreSQL states it.
@Suite(.serialized) struct PostgresAuditVerifyTests {
  /// The demo with a checkpoint and a write after it, on both engines: the same verification,
  /// full and since the checkpoint, and the same refusal of an anchor past the end.
  @Test(.enabled(if: TestPostgres.available)) func theSameHistoryVerifiesAlikeOnBothEngines() throws {
    let folder = temporaryFolder()
    let (demo, _) = try Demo().build(path: folder + "/demo.db")
    #expect(try demo.auditTrail.checkpointAudit(operator: "t").intact)
    let box = try #require(try demo.containerStore.containers().first)
    #expect(
      try demo.containerStore.addContainer(
        box.number, sizeType: box.sizeType, tareKg: box.tareKg, maxGrossKg: box.maxGrossKg, owner: .shipper, operator: "t"))
    let file = try demo.auditTrail.verifyAudit()
    let fileSince = try demo.auditTrail.verifyAudit(sinceCheckpoint: true)
    #expect(file.intact && fileSince.intact)

    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    _ = try LedgerCopy.run(from: .sqlite(folder + "/demo.db"), to: .postgres(location))
    let there = try PostgresLedger.database(location).auditTrail.verifyAudit()
    #expect(there.intact, "\(there.findings)")
    #expect(there.entries == file.entries && there.head == file.head && there.headSeq == file.headSeq)
    let thereSince = try PostgresLedger.database(location).auditTrail.verifyAudit(sinceCheckpoint: true)
    #expect(thereSince.intact && thereSince.entries == fileSince.entries && thereSince.head == fileSince.head)
    #expect(thereSince.entries < there.entries)

    let beyond = AuditAnchor(seq: file.headSeq + 2, hash: file.head)
    let fileBeyond = try demo.auditTrail.verifyAudit(anchor: beyond, sinceCheckpoint: true)
    let thereBeyond = try PostgresLedger.database(location).auditTrail.verifyAudit(anchor: beyond, sinceCheckpoint: true)
    #expect(!fileBeyond.intact && thereBeyond.findings == fileBeyond.findings)
  }

  /// `audit checkpoint` and `audit log` on PostgreSQL: the checkpoint entry is chained as
  /// SQLite chains one (the ledger copied back verifies since it, with the same head), and the
  /// log's filters select the same entries on both engines.
  @Test(.enabled(if: TestPostgres.available)) func aCheckpointWrittenOnPostgreSQLVerifiesOnSQLite() throws {
    let folder = temporaryFolder()
    _ = try CorridorDatabase(path: folder + "/ref.db", mode: .create).loadShippedReference(operator: "ref")
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    _ = try LedgerCopy.run(from: .sqlite(folder + "/ref.db"), to: .postgres(location))
    let clock = Clock.fixed(try EventTime(parsing: "2026-12-07T09:00:00Z"))
    let checked = try PostgresLedger.database(location, clock: clock).auditTrail.checkpointAudit(operator: "night shift")
    #expect(checked.intact && checked.headSeq == 587)
    let since = try PostgresLedger.database(location).auditTrail.verifyAudit(sinceCheckpoint: true)
    #expect(since.intact && since.entries == 1 && since.headSeq == 588)

    _ = try LedgerCopy.run(from: .postgres(location), to: .sqlite(folder + "/back.db"))
    let back = try CorridorDatabase(path: folder + "/back.db")
    let here = try back.auditTrail.verifyAudit(sinceCheckpoint: true)
    #expect(here.intact && here.head == since.head && here.headSeq == 588)
    #expect(try back.auditTrail.auditCheckpoint() == AuditAnchor(seq: 587, hash: checked.head))

    let filters: [(String?, String?, String?, Day?, Day?, Int?)] = [
      (nil, nil, nil, nil, nil, nil), ("location", nil, nil, nil, nil, 5), (nil, "CNCQI", nil, nil, nil, nil),
      (nil, nil, "night shift", nil, nil, nil), (nil, nil, nil, try Day(parsing: "2026-12-07"), try Day(parsing: "2026-12-07"), -1),
      ("route", nil, nil, nil, nil, 0),
    ]
    for (entity, key, op, from, to, limit) in filters {
      let there = try PostgresLedger.database(location).auditTrail.auditLog(entity: entity, key: key, operator: op, from: from, to: to, limit: limit)
      let here = try back.auditTrail.auditLog(entity: entity, key: key, operator: op, from: from, to: to, limit: limit)
      #expect(there == here, "\(String(describing: entity)) \(String(describing: key)) \(String(describing: limit))")
    }
    #expect(try PostgresLedger.database(location).auditTrail.auditLog(operator: "night shift").map(\.entity) == ["audit-checkpoint"])
    #expect(try PostgresLedger.database(location).auditTrail.auditLog(entity: "location", limit: 5).count == 5)
  }

  /// The same edits made behind Corridor's back on both engines (SQLite's append-only triggers
  /// dropped and put back as they were; PostgreSQL's bypassed as a replica session does) are
  /// found alike, finding for finding: rows of every shape (compound keys with NULL parts, list
  /// fields, imported and recorded events), a row nobody audited, and the chain itself.
  @Test(.enabled(if: TestPostgres.available)) func tamperingIsFoundAlikeOnBothEngines() throws {
    let folder = temporaryFolder()
    let path = folder + "/demo.db"
    _ = try Demo().build(path: path)
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    _ = try LedgerCopy.run(from: .sqlite(path), to: .postgres(location))

    // Portable SQL: each statement means the same on both engines.
    let edits = [
      "UPDATE containers SET tare_kg = 3800 WHERE number = (SELECT min(number) FROM containers)",
      "UPDATE location_aliases SET alias = 'CNZZZ'",
      """
      UPDATE tariffs SET amount_minor = amount_minor + 1
      WHERE leg IS NULL AND route = (SELECT min(route) FROM tariffs WHERE leg IS NULL) AND component = 'customs'
      """,
      "UPDATE emission_factors SET source = source || ' (edited)' WHERE region IS NULL AND mode = (SELECT min(mode) FROM emission_factors WHERE region IS NULL)",
      "DELETE FROM declaration_history WHERE declaration = (SELECT min(declaration) FROM declaration_history) AND seq > 1",
      "INSERT INTO corridors(code, name, source) VALUES ('ZZ', 'Nowhere', 'written behind corridor''s back')",
      "UPDATE events SET note = 'edited' WHERE id = (SELECT min(key) FROM audit_log WHERE entity = 'event')",
      """
      UPDATE events SET vehicle = 'X 1' WHERE seq = (SELECT min(seq) FROM events e
        WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'event' AND a.key = e.id))
      """,
      "UPDATE audit_log SET operator = 'someone else' WHERE seq = 100",
    ]
    let file = try Connection(path: path)
    let triggers = try file.fetchAll("SELECT sql FROM sqlite_schema WHERE type = 'trigger'").compactMap { $0.first?.text }
    let names = try file.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'trigger'").compactMap { $0.first?.text }
    for name in names { try file.execute("DROP TRIGGER \(name)") }
    for edit in edits { try file.execute(edit) }
    for trigger in triggers { try file.execute(trigger) }
    let session = try PostgresSession(location)
    try session.execute("SET session_replication_role = replica")
    for edit in edits { try session.execute(edit) }
    try session.execute("RESET session_replication_role")

    let here = try CorridorDatabase(path: path).auditTrail.verifyAudit()
    let there = try PostgresLedger.database(location).auditTrail.verifyAudit()
    #expect(!here.intact)
    let kinds = Set(here.findings.map(\.kind))
    #expect(kinds.isSuperset(of: ["row-changed", "row-unaudited", "batch", "hash"]), "\(here.findings)")
    #expect(!kinds.contains("trigger"))
    for entity in ["container", "location", "tariff", "emissionFactor", "declaration", "event"] {
      #expect(here.findings.contains { $0.kind == "row-changed" && $0.message.hasPrefix("\(entity) ") }, "no finding for \(entity)")
    }
    #expect(there.findings == here.findings, "PostgreSQL: \(there.findings)\nSQLite: \(here.findings)")
    #expect(there.entries == here.entries && there.head == here.head)
  }

  /// The append-only rule on PostgreSQL: a trigger disabled, dropped, redefined or added, and
  /// the function they call replaced, are each a finding.
  @Test(.enabled(if: TestPostgres.available)) func theAppendOnlyRuleIsCheckedAsPostgreSQLStatesIt() throws {
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    let session = try PostgresLedger.open(location)
    let empty = try PostgresLedger.database(location).auditTrail.verifyAudit()
    #expect(empty.intact && empty.entries == 0, "\(empty.findings)")

    try session.execute("ALTER TABLE events DISABLE TRIGGER events_no_update")
    try session.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
    try session.execute("DROP TRIGGER audit_log_no_delete ON audit_log")
    try session.execute(
      """
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW WHEN (false)
        EXECUTE FUNCTION corridor_append_only('the audit trail is append-only')
      """)
    try session.execute(
      "CREATE TRIGGER events_log BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION corridor_append_only('x')")
    try session.execute(
      "CREATE OR REPLACE FUNCTION corridor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")
    let messages = try PostgresLedger.database(location).auditTrail.verifyAudit().findings.map(\.message)
    let expected = [
      "trigger audit_log_no_delete was replaced by another definition",
      "trigger audit_log_no_truncate was dropped: the table is no longer append-only",
      "trigger events_log was not created by corridor",
      "trigger events_no_update is disabled",
      "function corridor_append_only was replaced or dropped",
    ]
    for text in expected { #expect(messages.contains { $0.hasPrefix(text) }, "missing \(text): \(messages)") }
    #expect(messages.count == expected.count, "\(messages)")
  }

  /// `db check` on PostgreSQL: healthy is no finding (and says whether amcheck looked at the
  /// indexes); rows whose parent is missing, a table whose foreign keys were switched off and a
  /// constraint added NOT VALID are findings, read without changing anything.
  @Test(.enabled(if: TestPostgres.available)) func dbCheckFindsWhatForeignKeysAndConstraintsNoLongerHold() throws {
    let folder = temporaryFolder()
    _ = try CorridorDatabase(path: folder + "/ref.db", mode: .create).loadShippedReference(operator: "ref")
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    _ = try LedgerCopy.run(from: .sqlite(folder + "/ref.db"), to: .postgres(location))
    let healthy = try PostgresLedger.check(location)
    #expect(healthy.findings.isEmpty && !healthy.indexesChecked, "\(healthy.findings)")
    let session = try PostgresSession(location)
    try session.execute("CREATE EXTENSION amcheck")
    let indexed = try PostgresLedger.check(location)
    #expect(indexed.findings.isEmpty && indexed.indexesChecked, "\(indexed.findings)")

    try session.execute("ALTER TABLE location_aliases DISABLE TRIGGER ALL")
    try session.execute("INSERT INTO location_aliases(alias, code) VALUES ('ZZZZZ', 'ZZNOP')")
    try session.execute("ALTER TABLE legs ADD CONSTRAINT short_legs CHECK (distance_km < 10) NOT VALID")
    let aliases = try session.scalarInt("SELECT count(*) FROM location_aliases")
    let findings = try PostgresLedger.check(location).findings
    #expect(
      findings == [
        "foreign key: location_aliases row (code ZZNOP) refers to a missing locations row",
        "constraint: legs has short_legs NOT VALID: rows written before it were never checked",
        "foreign key: location_aliases's foreign keys are not enforced (its triggers were disabled)",
      ], "\(findings)")
    #expect(try session.scalarInt("SELECT count(*) FROM location_aliases") == aliases)
  }
}
