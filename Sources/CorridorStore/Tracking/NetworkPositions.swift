import CorridorModel
import SQLite

extension ReportStore {
  /// Positions as of `asOf`: one index lookup per container of a shipment in transit or held (its
  /// newest actual event), never a pass over every event. Which shipments are open is their
  /// status now, as for `report exceptions`.
  /// With `party`, only the boxes of that party's shipments.
  public func networkPositions(asOf: EventTime, party: String? = nil) throws -> NetworkPositions {
    try mapSQLiteErrors {
      var positions = NetworkPositions()
      let own = try party.map(shipments(of:))
      // The shipments on their way first (the status view, once each), then one narrow query each.
      for (ref, route) in try shipmentsMoving().open where own?.contains(ref) ?? true {
        for row in try connection.rows(ExceptionQueries.newest, [.text(ref), .integer(asOf.milliseconds)]) {
          let key = NetworkPositions.key(route, try row.location("location"))
          // Loaded or departed: on the leg that starts here; anything else: at the node.
          switch try row.code("code", as: EventCode.self) {
          case .LOAD, .DEPA: positions.onLeg[key, default: 0] += 1
          default: positions.atNode[key, default: 0] += 1
          }
        }
      }
      // Every hold placed up to `asOf` and not released (the query `report exceptions` uses).
      for row in try connection.rows(ExceptionQueries.openHolds, [.integer(asOf.milliseconds + 1)]) {
        if let own, !(try row.optionalText("shipment").map(own.contains) ?? false) { continue }
        positions.holds[try row.location("location").text, default: 0] += 1
      }
      return positions
    }
  }
}
