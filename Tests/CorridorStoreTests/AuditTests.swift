import CSQLite
import CorridorInterchange
import CorridorPresentation
import CorridorTestSupport
import Foundation
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// Changes the file the way an intruder would: through the raw SQLite C API, outside
/// Corridor's own code.
func tamper(_ path: String, _ sql: String) {
  var db: OpaquePointer?
  sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil)
  var message: UnsafeMutablePointer<CChar>?
  let rc = sqlite3_exec(db, sql, nil, nil, &message)
  if rc != SQLITE_OK { Issue.record("tamper SQL failed: \(message.map { String(cString: $0) } ?? "?")") }
  sqlite3_free(message)
  sqlite3_close_v2(db)
}

/// The same on either engine: on PostgreSQL with its triggers off (`TestLedger.tamperOnPostgres`),
/// so no trigger is dropped there; `postgres` is the change where SQLite's text (its trigger DDL)
/// differs.
func tamper(_ ledger: TestLedger, _ sql: String, postgres: String? = nil) throws {
  guard ledger.postgres != nil else { return tamper(ledger.location, sql) }
  try ledger.tamperOnPostgres(postgres ?? sql)
}

/// A journey with events, a retraction, tariffs, policies and rates: something worth auditing.
func auditedJourney() throws -> Journey {
  let j = try Journey()
  try j.departChongqing()
  guard case .recorded(let id, _, _) = try j.record(.INSP, "2024-03-05T09:00:00+08:00", "CNCQI") else { throw CorridorError(.internal, "") }
  try j.db.eventStore.retract(eventID: id, reason: "wrong box", operator: "auditor-test")
  return j
}

@Suite struct AuditTests {
  /// List fields (a location's aliases, a route's legs) are rendered in Swift, not by SQLite's
  /// JSON functions, yet must be the very text those functions wrote into every state recorded
  /// before: SQLite itself is the reference here, on text with every kind of character.
  @Test(.sqliteOnly) func listFieldsRenderAsSQLitesJSONFunctionsDid() throws {
    let db = try freshDatabase()
    let c = try db.connection.sqlite(for: "this test")
    try c.execute("CREATE TEMP TABLE t(k TEXT, seq INTEGER, a INTEGER, b TEXT, c TEXT)")
    let texts = [
      "plain", "quote \" and backslash \\", "tab\tnewline\ncr\rformfeed\u{0C}backspace\u{08}", "bell\u{07} unit\u{1F} nul-free",
      "DEL\u{7F} slash / é Małaszewicze 🚚", "", "\u{2028}\u{202E}",
    ]
    for (index, text) in texts.enumerated() {
      try c.execute(
        "INSERT INTO t VALUES ('k', ?, ?, ?, ?)",
        [.integer(Int64(index)), .integer(Int64(index) * -7), .text(text), index % 2 == 0 ? .null : .text(text)])
    }
    let arrays = AuditedList(
      name: "x", query: "SELECT seq, a, b, c FROM t WHERE k = ? ORDER BY seq", itemIsArray: true, lastElementOmittedWhenNull: true)
    let expected = try #require(
      try c.scalarText(
        """
        SELECT json_group_array(CASE WHEN c IS NULL THEN json_array(seq, a, b) ELSE json_array(seq, a, b, c) END)
        FROM (SELECT * FROM t WHERE k = 'k' ORDER BY seq)
        """))
    #expect(try arrays.render(key: "k", from: SQLiteAuditSource(connection: c)) == expected)
    let scalars = AuditedList(name: "y", query: "SELECT b FROM t WHERE k = ? ORDER BY seq", itemIsArray: false)
    #expect(
      try scalars.render(key: "k", from: SQLiteAuditSource(connection: c))
        == (try c.scalarText("SELECT json_group_array(b) FROM (SELECT b FROM t WHERE k = 'k' ORDER BY seq)")))
    #expect(try scalars.render(key: "none", from: SQLiteAuditSource(connection: c)) == "[]")
  }

  @Test func cleanTrailVerifies() throws {
    let j = try auditedJourney()
    let result = try j.db.auditTrail.verifyAudit()
    #expect(result.intact, "\(result.findings)")
    #expect(result.entries == (try j.db.connection.scalarInt("SELECT count(*) FROM audit_log")))
    #expect(result.head == (try j.db.connection.scalarText("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")))
    // Every kind of write left an entry.
    let entities = Set(try j.db.auditTrail.auditLog().map(\.entity))
    #expect(
      entities.isSuperset(of: [
        "location", "corridor", "route", "tariff", "policy", "fxRate", "container", "shipment", "assignment", "event", "retraction",
      ]))
  }

  @Test func entryIsWrittenInTheSameTransactionAsTheChange() throws {
    let j = try Journey()
    let before = try j.db.auditTrail.auditLog().count
    #expect(throws: CorridorError.self) { try j.record(.GTOT, "2024-03-04T09:00:00+08:00", "CNCQI") }  // refused
    #expect(try j.db.auditTrail.auditLog().count == before)
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    let last = try #require(try j.db.auditTrail.auditLog().last)
    #expect(last.entity == "event" && last.operatorName == "test" && last.state.contains("\"code\":\"GTIN\""))
  }

  func expectFinding(_ j: Journey, kind: String, seq: Int64?, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try j.db.auditTrail.verifyAudit()
    let finding = result.findings.first
    #expect(finding?.kind == kind, "\(result.findings)", sourceLocation: sourceLocation)
    if let seq { #expect(finding?.seq == seq, "\(result.findings)", sourceLocation: sourceLocation) }
    #expect(finding?.message.contains(text) == true, "\(finding?.message ?? "")", sourceLocation: sourceLocation)
  }

  func auditSeq(_ j: Journey, _ entity: String, _ key: String) throws -> Int64 {
    try #require(try j.db.auditTrail.auditLog(entity: entity, key: key).last?.seq)
  }

  @Test func editedEventIsDetectedEvenWithTheTriggerRestored() throws {
    let j = try auditedJourney()
    let event = try #require(try j.db.eventStore.events(container: j.box).first { $0.code == .LOAD })
    try tamper(
      j.ledger,
      """
      DROP TRIGGER events_no_update;
      UPDATE events SET location = 'CNKNM' WHERE id = '\(event.id)';
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;
      """, postgres: "UPDATE events SET location = 'CNKNM' WHERE id = '\(event.id)'")
    try expectFinding(j, kind: "row-changed", seq: try auditSeq(j, "event", event.id), containing: "location audited \"CNCQI\", now \"CNKNM\"")
  }

  @Test func droppedTriggerIsDetected() throws {
    let j = try auditedJourney()
    try tamper(j.ledger, "DROP TRIGGER audit_log_no_delete;", postgres: "DROP TRIGGER audit_log_no_delete ON audit_log")
    let result = try j.db.auditTrail.verifyAudit()
    #expect(result.findings.map(\.kind) == ["trigger"])
    #expect(result.findings.first?.message.contains("audit_log_no_delete") == true)
  }

  @Test(arguments: [
    ("shipment", "UPDATE shipments SET consignee = 'Someone Else'", "consignee"),
    (
      "tariff",
      "UPDATE tariffs SET amount_minor = amount_minor - 1 WHERE component = 'base' AND equipment = '40' AND valid_from = '2024-08-01' AND route = 'CQ-AKL-DUI'",
      "amountMinor"
    ),
    ("policy", "UPDATE policies SET value = '50' WHERE name = 'ILSTC rail freight reduction'", "value"),
    ("fxRate", "UPDATE fx_rates SET rate = '7.0000' WHERE date = '2024-12-31' AND base = 'USD'", "rate"),
    ("container", "UPDATE containers SET max_gross_kg = 40000", "maxGrossKg"),
  ])
  func editedRowsAreDetected(entity: String, sql: String, field: String) throws {
    let j = try auditedJourney()
    try tamper(j.ledger, sql)
    let result = try j.db.auditTrail.verifyAudit()
    let finding = try #require(result.findings.first)
    #expect(finding.kind == "row-changed")
    #expect(finding.message.hasPrefix(entity + " "), "\(finding.message)")
    #expect(finding.message.contains(field))
    #expect(finding.seq != nil)
  }

  @Test func rowWrittenOutsideCorridorIsDetected() throws {
    let j = try auditedJourney()
    try tamper(
      j.ledger,
      """
      INSERT INTO shipments(ref, route, shipper, consignee, commodity, value_minor, currency, booked_on, created_at, operator)
      VALUES ('GHOST', 'CQ-AKL-DUI', 'x', 'y', 'general', 0, 'CNY', '2024-01-01', '2024-01-01T00:00:00Z', 'nobody');
      """)
    try expectFinding(j, kind: "row-unaudited", seq: nil, containing: "shipment GHOST has no audit entry")
  }

  @Test func rowDeletedOutsideCorridorIsDetected() throws {
    let j = try auditedJourney()
    try tamper(j.ledger, "DELETE FROM fx_rates WHERE date = '2024-12-31';")
    try expectFinding(
      j, kind: "row-deleted", seq: try auditSeq(j, "fxRate", "2024-12-31/USD/CNY"), containing: "fxRate 2024-12-31/USD/CNY was deleted")
  }

  @Test func deletedAuditEntryIsDetected() throws {
    let j = try auditedJourney()
    try tamper(
      j.ledger,
      """
      DROP TRIGGER audit_log_no_delete;
      DELETE FROM audit_log WHERE seq = 5;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END;
      """, postgres: "DELETE FROM audit_log WHERE seq = 5")
    try expectFinding(j, kind: "chain", seq: 5, containing: "entries 5…5 are missing")
  }

  @Test func insertedAuditEntryIsDetected() throws {
    let j = try auditedJourney()
    try tamper(
      j.ledger,
      """
      INSERT INTO audit_log(seq, recorded_at, operator, action, entity, key, state, prev_hash, hash)
      SELECT seq + 1, recorded_at, 'intruder', 'insert', 'note', 'x', 'null', hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1;
      """)
    let last = try #require(try j.db.connection.scalarInt("SELECT max(seq) FROM audit_log"))
    try expectFinding(j, kind: "hash", seq: last, containing: "was edited")
  }

  @Test func reorderedAuditEntriesAreDetected() throws {
    let j = try auditedJourney()
    // Swap entries 3 and 4 wholesale (hashes included), as a reordering would.
    let swap = """
      UPDATE audit_log SET seq = -3 WHERE seq = 3;
      UPDATE audit_log SET seq = 3 WHERE seq = 4;
      UPDATE audit_log SET seq = 4 WHERE seq = -3;
      """
    try tamper(j.ledger, "DROP TRIGGER audit_log_no_update;\n" + swap, postgres: "DROP TRIGGER audit_log_no_update ON audit_log;\n" + swap)
    let result = try j.db.auditTrail.verifyAudit()
    #expect(result.findings.contains { $0.kind == "chain" && $0.seq == 3 }, "\(result.findings)")
    #expect(result.findings.contains { $0.kind == "trigger" })
  }

  @Test func editedAuditEntryIsDetected() throws {
    let j = try auditedJourney()
    try tamper(
      j.ledger,
      """
      DROP TRIGGER audit_log_no_update;
      UPDATE audit_log SET operator = 'someone-else' WHERE seq = 7;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END;
      """, postgres: "UPDATE audit_log SET operator = 'someone-else' WHERE seq = 7")
    try expectFinding(j, kind: "hash", seq: 7, containing: "audit entry 7")
  }

  @Test func triggersRefuseEditsThroughTheShell() throws {
    let j = try auditedJourney()
    #expect(throws: (any Error).self) { try j.db.connection.execute("UPDATE audit_log SET operator = 'x'") }
    #expect(throws: (any Error).self) { try j.db.connection.execute("DELETE FROM audit_log") }
  }

  @Test(arguments: [AuditExportFormat.ndjson, .csv])
  func exportRoundTripAndAModifiedByte(format: AuditExportFormat) throws {
    let j = try auditedJourney()
    let path = temporaryFolder() + "/audit.\(format.rawValue)"
    let manifest = try j.db.auditTrail.exportAudit(from: nil, to: nil, format: format, path: path)
    #expect(manifest.entries == (try j.db.auditTrail.verifyAudit().entries))
    #expect(manifest.firstSeq == 1)
    #expect(manifest.prevHash == AuditEntry.genesis)
    #expect(try AuditExportVerifier.verify(path: path) == manifest)

    // Flip one byte in the middle of the file.
    var bytes = try #require(FileManager.default.contents(atPath: path))
    let middle = bytes.count / 2
    bytes[middle] = bytes[middle] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
    try bytes.write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: CorridorError.self) { try AuditExportVerifier.verify(path: path) }
    #expect(error?.rule == .exportDigest)
  }

  @Test func editedExportWithARecomputedDigestFailsTheChain() throws {
    let j = try auditedJourney()
    let path = temporaryFolder() + "/audit.ndjson"
    let manifest = try j.db.auditTrail.exportAudit(from: nil, to: nil, format: .ndjson, path: path)
    // A forger who edits a line and updates the manifest's digest still breaks the chain.
    let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"operator\":\"test\"", with: "\"operator\":\"forger\"")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    var forged = manifest
    forged.sha256 = sha256Hex(Array(text.utf8))
    try forged.json.write(toFile: path + ".manifest.json", atomically: true, encoding: .utf8)
    let error = #expect(throws: CorridorError.self) { try AuditExportVerifier.verify(path: path) }
    #expect(error?.rule == .exportChain)
  }

  @Test func partialExportChainsFromItsPrevHash() throws {
    let j = try auditedJourney()
    let today = j.now.day
    let path = temporaryFolder() + "/today.ndjson"
    let manifest = try j.db.auditTrail.exportAudit(from: today, to: today, format: .ndjson, path: path)
    #expect(manifest.entries > 0)
    #expect(try AuditExportVerifier.verify(path: path).headHash == manifest.headHash)
    let empty = try j.db.auditTrail.exportAudit(
      from: Day(year: 2000, month: 1, day: 1), to: Day(year: 2000, month: 1, day: 2), format: .csv, path: path + ".csv")
    #expect(empty.entries == 0)
    #expect(try AuditExportVerifier.verify(path: path + ".csv").entries == 0)
  }

  @Test func canonicalJSONMatchesPythonsEscaping() {
    let value = CanonicalJSON.object([
      "b": .string("quote \" backslash \\ newline \n tab \t bell \u{07} 重庆 ł"), "a": .int(-5), "c": .array([.null, .bool(true)]),
    ])
    #expect(value.text == #"{"a":-5,"b":"quote \" backslash \\ newline \n tab \t bell \u0007 重庆 ł","c":[null,true]}"#)
  }
}

/// The byte writers bulk imports use render exactly what the String writer renders.
@Suite struct CanonicalBytesTests {
  @Test(arguments: ["plain", "", "quote \" and \\ back", "tab\tnew\nline\r", "\u{01}\u{1F}\u{08}\u{0C}", "中文 é"])
  func stringsMatchTheStringWriter(_ value: String) {
    var bytes: [UInt8] = []
    CanonicalJSON.writeString(value, to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == CanonicalJSON.string(value).text)
  }

  @Test func integersMatchTheStringWriter() {
    for value: Int64 in [0, 7, -1, 1_672_534_980_000, .max, .min] {
      var bytes: [UInt8] = []
      CanonicalJSON.writeInt(value, to: &bytes)
      #expect(String(decoding: bytes, as: UTF8.self) == String(value))
    }
    var escaped = ""
    CanonicalJSON.writeString("\u{01}", to: &escaped)
    #expect(escaped == "\"\\u0001\"")
  }
}
