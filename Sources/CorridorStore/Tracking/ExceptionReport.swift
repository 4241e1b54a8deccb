import CorridorInterchange
import CorridorModel
import SQLite

/// The queries behind `report exceptions`, each answered through a narrow index (migration 0009)
/// rather than by reading every event; a test checks their plans.
enum ExceptionQueries {
  static let flagged = """
    SELECT id, container, shipment, location, at_ms, at_offset_minutes, code, exception, off_route
    FROM live_events WHERE exception IS NOT NULL OR off_route = 1 ORDER BY at_ms, seq
    """
  static let statuses = "SELECT ref, route, status FROM shipment_status ORDER BY ref"
  /// The newest actual event, up to an instant (?2), of each container of one shipment (?1).
  static let newest = """
    SELECT sc.container, sc.shipment, e.location, e.at_ms, e.at_offset_minutes, e.id, e.code
    FROM shipment_containers sc JOIN live_events e ON e.seq = (
      SELECT l.seq FROM live_events l WHERE l.container = sc.container AND l.shipment = sc.shipment AND l.classifier = 'ACT'
        AND l.at_ms <= ?2
      ORDER BY l.at_ms DESC, l.seq DESC LIMIT 1)
    WHERE sc.shipment = ?1
    """
  /// The same, when older than a threshold (?3).
  static let silent = newest + " AND e.at_ms < ?3"
  static let openHolds = """
    SELECT h.container, h.shipment, h.location, h.at_ms, h.at_offset_minutes, h.id, h.code FROM live_events h
    WHERE h.code IN ('CUSS', 'CUSI') AND h.classifier = 'ACT' AND h.at_ms < ?
      AND NOT EXISTS (SELECT 1 FROM live_events r WHERE r.container = h.container AND r.location = h.location
                      AND r.code = 'CUSR' AND r.classifier = 'ACT' AND r.at_ms >= h.at_ms)
    ORDER BY h.at_ms
    """
}

extension ReportStore {

  /// Exceptions as of `now`: events recorded with `--allow-gap` or off their route, containers
  /// in transit with no actual event for `staleHours`, customs holds open longer than that.
  /// With `party`, only those on that party's shipments (a party-scoped key's page).
  public func exceptions(staleHours: Int = 72, now: EventTime, party: String? = nil) throws -> [ExceptionItem] {
    let threshold = now.milliseconds - Int64(staleHours) * 3_600_000
    return try mapSQLiteErrors {
      var items: [ExceptionItem] = []
      for row in try connection.rows(ExceptionQueries.flagged) {
        let code = try row.code("code", as: EventCode.self).rawValue
        if let rule = try row.optionalParsed("exception", "rule", RuleID.init(stored:)) {
          items.append(try item(row, .allowGap(code: code, rule: rule.description)))
        }
        if try row.bool("off_route") {
          items.append(
            try item(row, .offRoute(code: code, location: try row.location("location"))))
        }
      }
      let (open, closed) = try shipmentsMoving()
      // In transit but silent: the newest actual event of each container on an open shipment.
      var stale: [ExceptionItem] = []
      for (ref, _) in open {
        for row in try connection.rows(ExceptionQueries.silent, [.text(ref), .integer(.max), .integer(threshold)]) {
          let hours = (now.milliseconds - (try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes")).milliseconds) / 3_600_000
          stale.append(
            try item(row, .stale(hours: hours, since: try row.code("code", as: EventCode.self).rawValue, threshold: staleHours)))
        }
      }
      items += stale.sorted { $0.at.milliseconds < $1.at.milliseconds }
      // Customs holds still open past the threshold, on shipments not closed.
      for row in try connection.rows(ExceptionQueries.openHolds, [.integer(threshold)]) {
        if let ref = try row.optionalText("shipment"), closed.contains(ref) { continue }
        let hours = (now.milliseconds - (try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes")).milliseconds) / 3_600_000
        items.append(
          try item(row, .customsHold(code: try row.code("code", as: EventCode.self).rawValue, hours: hours, threshold: staleHours)))
      }
      // Customs declarations open too long, or with the complete step overdue.
      items += try db.customsStore.exceptions(now: now, staleHours: staleHours)
      guard let party else { return items }
      let own = try shipments(of: party)
      return items.filter { $0.shipment.map(own.contains) ?? false }
    }
  }

  /// The references of `party`'s shipments.
  func shipments(of party: String) throws -> Set<String> {
    Set(try connection.rows(PartyScope.shipments, PartyScope.arguments(party)).map { try $0.text("ref") })
  }

  /// Each shipment's status once: those on their way (in transit or held, with their routes) and
  /// those closed (delivered or cancelled).
  func shipmentsMoving() throws -> (open: [(ref: String, route: String)], closed: Set<String>) {
    var open: [(ref: String, route: String)] = []
    var closed: Set<String> = []
    for row in try connection.rows(ExceptionQueries.statuses) {
      let status: ShipmentStatus = try row.code("status")
      if status.isMoving { open.append((try row.text("ref"), try row.text("route"))) }
      if !status.isOpen { closed.insert(try row.text("ref")) }
    }
    return (open, closed)
  }

  /// Which of `refs` are on their way: each one's status when they are few (a write's boxes: a
  /// few milliseconds, where the pass over every shipment's status takes seconds at a year's
  /// scale), that one pass when they are many (an import's).
  func moving(among refs: Set<String>) throws -> Set<String> {
    guard refs.count > 1_000 else { return try refs.filter { try db.shipmentStore.shipmentStatus($0)?.isMoving ?? false } }
    return Set(try shipmentsMoving().open.map(\.ref)).intersection(refs)
  }

  /// An item from a row of (container, shipment, location, at_ms, at_offset_minutes, id, code).
  func item(_ row: Row, _ reason: ExceptionItem.Reason) throws(RowDecodingError) -> ExceptionItem {
    ExceptionItem(
      container: try row.container("container"), shipment: try row.optionalText("shipment"),
      location: try row.location("location"), at: try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes"),
      eventID: try row.optionalText("id"), reason: reason)
  }

}
