import CorridorInterchange
import CorridorModel
import SQLite

extension FreeTimeStore {
  /// Raises the free-time alerts due as of a time (docs/waiting-costs.md "Alerts") and puts each
  /// in the outbox of every subscription that asks for them and may see the box, in the same
  /// transaction: an alert is raised once per stay and stage, and once raised it is delivered
  /// like an event (in order, at least once, never skipped). The server looks every few minutes;
  /// `corridor subscription alerts` looks once (for a cron job, or a ledger without a server).
  /// Returns the alerts raised now.
  public func raiseAlerts(asOf: EventTime) throws -> [FreeTimeAlert] {
    guard try alertsWanted() else { return [] }
    return try raiseAlerts(for: try openStays(asOf: asOf), asOf: asOf)
  }

  /// Raises the alerts of these open stays (found as of `asOf` beforehand, outside the write:
  /// the server reads them on a reader connection, so that finding a year's open stays, about a
  /// second at 10M events, never holds up intake).
  public func raiseAlerts(for open: [PricedStay], asOf: EventTime) throws -> [FreeTimeAlert] {
    try mapSQLiteErrors {
      try connection.transaction {
        let targets = try db.outbox.alertTargets()
        guard !targets.isEmpty else { return [] }
        var raised: [FreeTimeAlert] = []
        // Raised once: a stay's alert already raised inserts nothing and returns no id.
        let insert = """
          INSERT INTO free_time_alerts(container, shipment, location, kind, started_ms, alert, last_free_day, body, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id
          """
        for stay in open {
          guard let alert = FreeTimeAlert(stay, asOf: asOf) else { continue }
          let row = try connection.row(
            insert,
            [
              .text(stay.container.text), SQLValue(stay.shipment), .text(stay.location.text), .text(stay.kind.rawValue),
              .integer(stay.startedAt.milliseconds), .text(alert.alert.rawValue), .text(alert.lastFreeDay),
              .text(String(decoding: try alert.body(), as: UTF8.self)), .text(clock.nowUTC()),
            ])
          guard let id = try row?.int64("id") else { continue }
          try db.outbox.enqueueAlert(id, container: stay.container, shipment: stay.shipment, targets: targets)
          raised.append(alert)
        }
        return raised
      }
    }
  }

  /// Whether any live subscription asks for free-time alerts (the server's sweep looks for open
  /// stays only then).
  public func alertsWanted() throws -> Bool { try mapSQLiteErrors { try !db.outbox.alertTargets().isEmpty } }
}
