import Foundation
import Testing

@testable import CorridorKit

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

  @Test func theHotQueriesUseTheirIndexes() throws {
    let db = try freshDatabase()
    _ = try db.loadShippedReference(operator: "t")
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
    let db = try freshDatabase()
    _ = try db.loadShippedReference(operator: "t")
    for (ref, day) in [("B", "2024-01-02"), ("A", "2024-01-02"), ("C", "2024-01-01"), ("E", "2024-02-01"), ("D", "2024-01-15")] {
      try db.createShipment(
        ShipmentBooking(
          ref: ref, route: "CQ-AKL-DUI", shipper: "s", consignee: "c", commodity: .laptops, hsCode: nil, value: .zero(.cny),
          bookedOn: try Day(parsing: day)), operator: "t")
    }
    let all = try db.shipments().map(\.ref)
    #expect(all == ["C", "A", "B", "D", "E"])
    var pages: [[String]] = []
    var after: String?
    repeat {
      let page = try db.shipments(ShipmentFilter(limit: 2, after: after)).map(\.ref)
      if page.isEmpty { break }
      pages.append(page)
      after = page.last
    } while true
    #expect(pages == [["C", "A"], ["B", "D"], ["E"]])
    #expect(throws: CorridorError.self) { try db.shipments(ShipmentFilter(after: "NOPE")) }
  }
}
