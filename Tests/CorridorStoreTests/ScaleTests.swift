import CorridorInterchange
import CorridorPresentation
import CorridorTestSupport
import Foundation
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// What keeps the everyday questions fast at a year's volume (issue 14): the hot queries go
/// through their indexes, and lists page in a stable order.
@Suite struct ScaleTests {
  /// `EXPLAIN QUERY PLAN` lines that read the whole events table (a scan of a partial index
  /// reads only the rows it holds, and is fine).
  func fullScansOfEvents(_ sql: String, _ db: CorridorDatabase) throws -> [String] {
    try db.connection.fetchAll("EXPLAIN QUERY PLAN " + sql, Array(repeating: .text("x"), count: sql.filter { $0 == "?" }.count))
      .compactMap { $0.last?.text }
      .filter { $0.hasPrefix("SCAN events") && !$0.contains("USING INDEX") && !$0.contains("USING COVERING INDEX") }
  }

  @Test(.sqliteOnly) func theHotQueriesUseTheirIndexes() throws {
    let db = try shippedLedger(operator: "t")
    let queries = [
      ExceptionQueries.flagged, ExceptionQueries.silent, ExceptionQueries.openHolds,
      "SELECT status FROM shipment_status WHERE ref = ?", ExceptionQueries.statuses,
      "SELECT * FROM live_events WHERE container = ? ORDER BY at_ms, seq",
    ]
    for sql in queries {
      #expect(try fullScansOfEvents(sql, db).isEmpty, "\(sql)")
    }
    // And the test can fail: a question no index answers is a full scan.
    #expect(try !fullScansOfEvents("SELECT * FROM events WHERE note = ?", db).isEmpty)
  }

  @Test func listsPageInBookedOrder() throws {
    let db = try shippedLedger(operator: "t")
    for (ref, day) in [("B", "2024-01-02"), ("A", "2024-01-02"), ("C", "2024-01-01"), ("E", "2024-02-01"), ("D", "2024-01-15")] {
      try db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: ref, route: "CQ-AKL-DUI", shipper: "s", consignee: "c", commodity: .laptops, hsCode: nil, value: .zero(.cny),
          bookedOn: try Day(parsing: day)), operator: "t")
    }
    let all = try db.shipmentStore.shipments().map(\.ref)
    #expect(all == ["C", "A", "B", "D", "E"])
    var pages: [[String]] = []
    var after: String?
    repeat {
      let page = try db.shipmentStore.shipments(ShipmentFilter(limit: 2, after: after)).map(\.ref)
      if page.isEmpty { break }
      pages.append(page)
      after = page.last
    } while true
    #expect(pages == [["C", "A"], ["B", "D"], ["E"]])
    #expect(throws: CorridorError.self) { try db.shipmentStore.shipments(ShipmentFilter(after: "NOPE")) }
  }

  @Test func containersPageInNumberOrder() throws {
    let db = try freshDatabase()
    let numbers = try ["CSQU3054383", "MSCU1234566", "TGHU9876542", "TGHU1000002"].map { try ContainerNumber(parsing: $0) }
    for number in numbers { try db.containerStore.addContainer(number, sizeType: try SizeType(parsing: "22G1"), operator: "t") }
    let first = try db.containerStore.containers(after: nil, limit: 3).map(\.number.text)
    #expect(first == ["CSQU3054383", "MSCU1234566", "TGHU1000002"])
    #expect(try db.containerStore.containers(after: try ContainerNumber(parsing: "TGHU1000002"), limit: 3).map(\.number.text) == ["TGHU9876542"])
    #expect(try db.containerStore.containers().count == 4)
  }
}

@Suite struct AuditCheckpointTests {
  func ledger() throws -> CorridorDatabase {
    let db = try shippedLedger(operator: "t")
    return db
  }

  @Test func aDailyVerifyReadsOnlyWhatCameAfterTheCheckpoint() throws {
    let db = try ledger()
    #expect(throws: CorridorError.self) { try db.auditTrail.verifyAudit(sinceCheckpoint: true) }
    let full = try db.auditTrail.checkpointAudit(operator: "t")
    #expect(full.intact)
    #expect(try db.auditTrail.auditCheckpoint() == AuditAnchor(seq: full.headSeq, hash: full.head))
    try db.containerStore.addContainer(try ContainerNumber(parsing: "CSQU3054383"), sizeType: try SizeType(parsing: "42G1"), operator: "t")
    let daily = try db.auditTrail.verifyAudit(sinceCheckpoint: true)
    // The checkpoint entry and the container: nothing before them is read again.
    #expect(daily.intact && daily.entries == 2 && daily.headSeq == full.headSeq + 2)
    #expect(try db.auditTrail.verifyAudit().head == daily.head)
  }

  @Test func tamperingAfterTheCheckpointIsCaughtByBoth() throws {
    let db = try ledger()
    _ = try db.auditTrail.checkpointAudit(operator: "t")
    try db.containerStore.addContainer(try ContainerNumber(parsing: "CSQU3054383"), sizeType: try SizeType(parsing: "42G1"), operator: "t")
    try db.connection.execute("UPDATE containers SET tare_kg = 5")
    #expect(try db.auditTrail.verifyAudit(sinceCheckpoint: true).findings.map(\.kind) == ["row-changed"])
    #expect(try db.auditTrail.verifyAudit().findings.map(\.kind) == ["row-changed"])
  }

  @Test func tamperingBeforeTheCheckpointIsCaughtByTheFullVerify() throws {
    let db = try ledger()
    _ = try db.auditTrail.checkpointAudit(operator: "t")
    try db.connection.execute("UPDATE locations SET name = 'X' WHERE code = 'CNCQI'")
    #expect(try db.auditTrail.verifyAudit(sinceCheckpoint: true).intact)  // what a daily check does not read
    #expect(try db.auditTrail.verifyAudit().findings.map(\.kind) == ["row-changed"])
    // Rewriting the checkpointed entry itself (triggers dropped to do it) is caught by both.
    let checkpoint = try #require(try db.auditTrail.auditCheckpoint())
    try db.connection.execute(TestEngine.selected == .postgres ? "DROP TRIGGER audit_log_no_update ON audit_log" : "DROP TRIGGER audit_log_no_update")
    try db.connection.execute("UPDATE audit_log SET hash = replace(hash, substr(hash, 1, 1), 'x') WHERE seq = \(checkpoint.seq)")
    #expect(try db.auditTrail.verifyAudit(sinceCheckpoint: true).findings.map(\.kind).contains("checkpoint"))
    #expect(try db.auditTrail.verifyAudit().findings.map(\.kind).contains("hash"))
  }
}

/// `report exceptions` through the indexes of migration 0009: released and retracted holds are not
/// reported, a retracted last event does not count, a closed shipment has none.
@Suite struct ExceptionIndexTests {
  @Test func staleBoxesAndOpenHoldsExactly() throws {
    let start = Day(year: 2025, month: 3, day: 1).startMilliseconds
    func at(_ hours: Int) -> EventTime { EventTime(milliseconds: start + Int64(hours) * 3_600_000, offsetMinutes: 0) }
    let db = try shippedLedger(at: at(300), operator: "t")
    try db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: "S1", route: "CQ-AKL-DUI", shipper: "a", consignee: "b", commodity: .laptops, hsCode: nil, value: .zero(.cny),
        bookedOn: try Day(parsing: "2025-02-01")), operator: "t")
    let a = try ContainerNumber(parsing: "CSQU3054383")
    let b = try ContainerNumber(parsing: "MSCU1234566")
    for box in [a, b] {
      try db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), operator: "t")
      try db.shipmentStore.assign(box, to: "S1", operator: "t")
    }
    @discardableResult
    func record(_ box: ContainerNumber, _ code: EventCode, _ hours: Int) throws -> String {
      guard
        case .recorded(let id, _, _) = try db.eventStore.record(
          EventReport(container: box, code: code, time: at(hours), location: try LocationCode(parsing: "CNCQI")), allowGap: true, operator: "t")
      else { throw CorridorError.invalid("not recorded") }
      return id
    }
    for (code, hours) in [(EventCode.GTIN, 0), (.CUSI, 1), (.CUSR, 2), (.LOAD, 3), (.DEPA, 4)] { try record(a, code, hours) }
    try record(b, .GTIN, 0)
    let hold = try record(b, .CUSS, 100)
    let retracted = try record(b, .CUSI, 250)
    try db.eventStore.retract(eventID: retracted, reason: "sent in error", operator: "t")

    let items = try db.reportStore.exceptions(staleHours: 72, now: at(300))
    #expect(items.map(\.kind) == ["stale", "stale", "customs-hold"])
    #expect(items.map(\.container) == [a, b, b])
    #expect(items[1].reason == .stale(hours: 200, since: "CUSS", threshold: 72))
    #expect(Words.english.detail(of: items[1]).hasPrefix("no actual event for 200 h since CUSS"))
    #expect(items[2].eventID == hold && items[2].reason == .customsHold(code: "CUSS", hours: 200, threshold: 72))
    #expect(Words.english.detail(of: items[2]).hasPrefix("CUSS open for 200 h"))
    #expect(try db.reportStore.exceptions(staleHours: 250, now: at(300)).map(\.container) == [a])

    try db.shipmentStore.cancelShipment("S1", reason: "test", operator: "t")
    #expect(try db.reportStore.exceptions(staleHours: 72, now: at(300)).isEmpty)
  }
}
