import CorridorInterchange
import CorridorModel
import SQLite

extension CustomsStore {
  /// The departure-port rebate schemes (reference data), by departure, exit and date.
  public func rebateSchemes() throws -> [RebateScheme] {
    try mapSQLiteErrors {
      try connection.rows(
        "SELECT departure, exit_port, exit_name, valid_from, valid_to, source FROM rebate_schemes ORDER BY departure, exit_port, valid_from"
      )
      .map { row throws(RowDecodingError) in
        RebateScheme(
          departure: try row.location("departure"), exit: try row.text("exit_port"), exitName: try row.text("exit_name"),
          validFrom: try row.day("valid_from"), validTo: try row.optionalDay("valid_to"), source: try row.text("source"))
      }
    }
  }

  /// `customs rebate SHIPMENT`: whether the shipment qualifies, and the days.
  public func rebate(shipment ref: String) throws -> RebateAssessment {
    try mapSQLiteErrors {
      let shipment = try db.shipmentStore.requireShipment(ref)
      let route = try db.networkStore.requireRoute(shipment.booking.route)
      return RebateAssessment.assess(try facts(ref, route: route), schemes: try rebateSchemes())
    }
  }

  /// `customs rebate --year`: every shipment on a route a scheme could cover whose boxes left the
  /// departure port in the year (its local day), assessed.
  public func rebates(year: Int) throws -> [RebateAssessment] {
    try mapSQLiteErrors {
      let schemes = try rebateSchemes()
      var assessments: [RebateAssessment] = []
      for route in try db.networkStore.routes() {
        // Only routes whose journeys could qualify: on the others every shipment is refused for
        // the route alone.
        guard case .success = RebateAssessment.schemes(for: route, in: schemes), let first = route.legs.first else { continue }
        // A day's margin either side in UTC; the local day decides below.
        let from = Day(year: Int64(year), month: 1, day: 1).adding(days: -1).startMilliseconds
        let to = Day(year: Int64(year) + 1, month: 1, day: 1).adding(days: 1).startMilliseconds
        for row in try connection.rows(
          """
          SELECT DISTINCT e.shipment FROM events e JOIN shipments s ON s.ref = e.shipment
          WHERE s.route = ? AND e.location = ? AND e.code = 'DEPA' AND e.classifier = 'ACT' AND e.at_ms >= ? AND e.at_ms < ?
          """, [.text(route.code), .text(first.from.text), .integer(from), .integer(to)])
        {
          let assessment = RebateAssessment.assess(try facts(try row.text("shipment"), route: route), schemes: schemes)
          if assessment.facts.leftOrigin?.localDay.year == year { assessments.append(assessment) }
        }
      }
      return assessments.sorted { $0.facts.shipment < $1.facts.shipment }
    }
  }

  /// What the rebate rule needs of a shipment: the last box's departure from the route's origin
  /// and from the first leg's end (actual, unretracted), and whether an export declaration at the
  /// origin is released.
  private func facts(_ ref: String, route: Route) throws -> RebateFacts {
    func lastDeparture(_ place: LocationCode?) throws -> EventTime? {
      guard let place else { return nil }
      return try connection.row(
        """
        SELECT e.at_ms, e.at_offset_minutes FROM events e \(connection.dialect.indexedBy("events_shipment"))
        WHERE e.shipment = ? AND e.location = ? AND e.code = 'DEPA' AND e.classifier = 'ACT'
          AND NOT EXISTS (SELECT 1 FROM event_retractions r WHERE r.event_id = e.id)
        ORDER BY e.at_ms DESC LIMIT 1
        """, [.text(ref), .text(place.text)]
      ).map { row throws(RowDecodingError) in try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes") }
    }
    let released =
      try connection.row(
        """
        SELECT 1 FROM declarations WHERE shipment = ? AND office = ? AND procedure = 'export' AND status IN ('released', 'closed')
        """, [.text(ref), SQLValue(route.legs.first?.from.text)]) != nil
    return RebateFacts(
      shipment: ref, route: route, leftOrigin: try lastDeparture(route.legs.first?.from), leftExit: try lastDeparture(route.legs.first?.to),
      exportReleased: released)
  }

  func upsert(_ scheme: RebateScheme, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let key: [SQLValue] = [.text(scheme.departure.text), .text(scheme.exit), .text(scheme.validFrom.description)]
    let values: [SQLValue] = [.text(scheme.exitName), SQLValue(scheme.validTo?.description), .text(scheme.source)]
    let existing = try connection.row(
      "SELECT exit_name, valid_to, source FROM rebate_schemes WHERE departure = ? AND exit_port = ? AND valid_from = ?", key)
    if let existing, try existing.text("exit_name") == scheme.exitName, try existing.optionalText("valid_to") == scheme.validTo?.description,
      try existing.text("source") == scheme.source
    {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO rebate_schemes(departure, exit_port, valid_from, exit_name, valid_to, source) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(departure, exit_port, valid_from) DO UPDATE SET exit_name = excluded.exit_name, valid_to = excluded.valid_to,
        source = excluded.source
      """, key + values)
    if existing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(
      action: existing == nil ? "insert" : "update", entity: "rebateScheme", key: "\(scheme.departure)/\(scheme.exit)/\(scheme.validFrom)",
      operator: op)
  }
}

extension ReferenceSection {
  /// `rebateSchemes`: departure ports of the network, one scheme per departure, exit and start.
  static let rebateSchemes = ReferenceSection(key: "rebateSchemes") { items, context in
    var schemes: [RebateScheme] = []
    for item in items {
      let scheme = try RebateScheme.parse(item, resolve: context.resolve)
      guard !schemes.contains(where: { $0.departure == scheme.departure && $0.exit == scheme.exit && $0.validFrom == scheme.validFrom }) else {
        throw item.error("duplicate rebate scheme \(scheme.departure) → \(scheme.exit) from \(scheme.validFrom)")
      }
      schemes.append(scheme)
    }
    return { db, op, counts in
      for scheme in schemes { try db.customsStore.upsert(scheme, operator: op, counts: &counts) }
    }
  }
}
