import SQLite

/// One data-quality or operational exception, for `corridor report exceptions`.
public struct ExceptionItem: Sendable, Equatable {
  /// `allow-gap`, `off-route`, `stale` (in transit, silent too long) or `customs-hold` (open too long).
  public let kind: String
  public let container: ContainerNumber
  public let shipment: String?
  public let location: LocationCode
  public let at: EventTime
  public let eventID: String?
  public let detail: String
}

extension CorridorDatabase {
  /// Exceptions as of `now`: events recorded with `--allow-gap` or off their route, containers
  /// in transit with no actual event for `staleHours`, customs holds open longer than that.
  public func exceptions(staleHours: Int = 72, now: EventTime) throws -> [ExceptionItem] {
    let threshold = now.milliseconds - Int64(staleHours) * 3_600_000
    return try mapSQLiteErrors {
      var items: [ExceptionItem] = []
      for row in try connection.fetchAll(
        """
        SELECT id, container, shipment, location, at_ms, at_offset_minutes, code, exception, off_route
        FROM live_events WHERE exception IS NOT NULL OR off_route = 1 ORDER BY at_ms, seq
        """)
      {
        let base = (
          container: ContainerNumber(trusted: row[1].text ?? ""), shipment: row[2].text, location: LocationCode(trusted: row[3].text ?? ""),
          at: EventTime(milliseconds: row[4].int64 ?? 0, offsetMinutes: row[5].int ?? 0)
        )
        let code = row[6].text ?? ""
        if let rule = row[7].text {
          items.append(
            ExceptionItem(
              kind: "allow-gap", container: base.container, shipment: base.shipment, location: base.location, at: base.at,
              eventID: row[0].text, detail: "\(code) recorded despite rule \(rule)"))
        }
        if row[8].int == 1 {
          items.append(
            ExceptionItem(
              kind: "off-route", container: base.container, shipment: base.shipment, location: base.location, at: base.at,
              eventID: row[0].text, detail: "\(code) at \(base.location), which is not on the shipment's route"))
        }
      }
      // In transit but silent: the newest actual event of each container on an in-transit shipment.
      for row in try connection.fetchAll(
        """
        SELECT sc.container, sc.shipment, e.location, e.at_ms, e.at_offset_minutes, e.id, e.code
        FROM shipment_containers sc JOIN shipment_status st ON st.ref = sc.shipment AND st.status IN ('in-transit', 'customs-hold')
        JOIN live_events e ON e.seq = (
          SELECT l.seq FROM live_events l WHERE l.container = sc.container AND l.shipment = sc.shipment AND l.classifier = 'ACT'
          ORDER BY l.at_ms DESC, l.seq DESC LIMIT 1)
        WHERE e.at_ms < ?
        ORDER BY e.at_ms
        """, [.integer(threshold)])
      {
        let hours = (now.milliseconds - (row[3].int64 ?? 0)) / 3_600_000
        items.append(item(row, kind: "stale", detail: "no actual event for \(hours) h since \(row[6].text ?? "") (threshold \(staleHours) h)"))
      }
      // Customs holds still open past the threshold.
      for row in try connection.fetchAll(
        """
        SELECT h.container, h.shipment, h.location, h.at_ms, h.at_offset_minutes, h.id, h.code FROM live_events h
        WHERE h.classifier = 'ACT' AND h.code IN ('CUSS', 'CUSI') AND h.at_ms < ?
          AND NOT EXISTS (SELECT 1 FROM live_events r WHERE r.container = h.container AND r.location = h.location
                          AND r.code = 'CUSR' AND r.classifier = 'ACT' AND r.at_ms >= h.at_ms)
          AND (h.shipment IS NULL OR h.shipment NOT IN (SELECT ref FROM shipment_status WHERE status IN ('delivered', 'cancelled')))
        ORDER BY h.at_ms
        """, [.integer(threshold)])
      {
        let hours = (now.milliseconds - (row[3].int64 ?? 0)) / 3_600_000
        items.append(item(row, kind: "customs-hold", detail: "\(row[6].text ?? "") open for \(hours) h without CUSR (threshold \(staleHours) h)"))
      }
      return items
    }
  }

  /// An item from a row of (container, shipment, location, at_ms, at_offset_minutes, id, code).
  private func item(_ row: [SQLValue], kind: String, detail: String) -> ExceptionItem {
    ExceptionItem(
      kind: kind, container: ContainerNumber(trusted: row[0].text ?? ""), shipment: row[1].text,
      location: LocationCode(trusted: row[2].text ?? ""), at: EventTime(milliseconds: row[3].int64 ?? 0, offsetMinutes: row[4].int ?? 0),
      eventID: row[5].text, detail: detail)
  }
}
