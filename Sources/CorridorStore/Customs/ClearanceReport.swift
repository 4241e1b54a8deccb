import CorridorModel
import SQLite

extension CustomsStore: ClearanceReading {
  public func offices() throws -> [Location] { try db.networkStore.locations(country: nil) }

  /// `report clearance`: the declarations lodged from `from` to `to` (UTC days, both included),
  /// grouped; a party sees only its own shipments' declarations.
  public func clearanceReport(from: Day?, to: Day?, by grouping: ClearanceGrouping, party: String?) throws -> [ClearanceGroup] {
    try mapSQLiteErrors {
      let group =
        switch grouping {
        case .office: "d.office"
        case .commodity: "s.commodity"
        case .route: "s.route"
        case .month: connection.dialect.utcMonth(ofMilliseconds: "d.declared_at_ms")
        }
      var arguments: [SQLValue] = [SQLValue(from?.startMilliseconds), SQLValue(to.map { $0.adding(days: 1).startMilliseconds })]
      var scope = ""
      if let party {
        scope = "AND d.shipment IN (\(PartyScope.shipments))"
        arguments += PartyScope.arguments(party)
      }
      return ClearanceGroup.groups(
        try connection.rows(
          """
          SELECT \(group) AS grp, d.declared_at_ms,
            CASE WHEN d.status IN ('released', 'closed') THEN
              (SELECT MAX(h.at_ms) FROM declaration_history h WHERE h.declaration = d.number AND h.status = 'released') END AS released_ms,
            (SELECT \(connection.dialect.distinctCommaList("h.check_kind")) FROM declaration_history h
              WHERE h.declaration = d.number AND h.check_kind IS NOT NULL) AS checks,
            (SELECT \(connection.dialect.groupConcat("h.outcome", separator: "','")) FROM declaration_history h WHERE h.declaration = d.number AND h.outcome IS NOT NULL) AS outcomes,
            EXISTS (SELECT 1 FROM declaration_history h WHERE h.declaration = d.number AND h.status = 'detained') AS detained,
            EXISTS (SELECT 1 FROM declaration_boxes b WHERE b.declaration = d.number AND b.status = 'seized') AS seized,
            d.status = 'rejected' AS rejected
          FROM declarations d JOIN shipments s ON s.ref = d.shipment
          WHERE (CAST(?1 AS BIGINT) IS NULL OR d.declared_at_ms >= ?1) AND (CAST(?2 AS BIGINT) IS NULL OR d.declared_at_ms < ?2) \(scope)
          """, arguments
        ).map { row throws(RowDecodingError) in
          let lodged = try row.int64("declared_at_ms")
          return ClearanceRecord(
            group: try row.text("grp"), releaseMinutes: try row.isNull("released_ms") ? nil : (try row.int64("released_ms") - lodged) / 60_000,
            checks: Set(try row.codes("checks", as: CustomsCheck.self)), outcomes: try row.codes("outcomes", as: InspectionOutcome.self),
            detained: try row.bool("detained"), seized: try row.bool("seized"), rejected: try row.bool("rejected"))
        })
    }
  }
}
