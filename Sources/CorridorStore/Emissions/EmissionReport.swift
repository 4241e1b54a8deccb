import CorridorInterchange
import CorridorModel

extension ReportStore {
  /// Emissions of the shipments booked in `from…to` (cancelled ones excluded), grouped. A
  /// shipment whose emissions cannot be computed (a missing factor) stops the report: a total
  /// without it would be too low.
  public func emissionReport(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, route: String? = nil, by grouping: EmissionGrouping = .corridor,
    direction: RouteDirection? = nil
  ) throws -> [EmissionReportRow] {
    let calculator = try EmissionCalculator(database: db)
    var rows: [String: EmissionReportRow] = [:]
    let filter = ShipmentFilter(corridor: corridor, route: route, from: from, to: to, routes: try db.networkStore.routeCodes(direction))
    try db.costStore.forEachShipmentToCost(filter) { shipment, sizeTypes in
      let emissions: ShipmentEmissions
      do {
        emissions = try calculator.emissions(of: shipment, sizeTypes: sizeTypes)
      } catch let error as CorridorError {
        throw CorridorError(error.kind, "shipment \(shipment.ref): \(error.message)", hint: error.hint, rule: error.rule)
      }
      let booking = shipment.booking
      let group =
        switch grouping {
        case .corridor: emissions.corridor
        case .route: booking.route
        case .month: booking.bookedOn.month
        case .shipper: booking.shipper
        }
      var row = rows[group] ?? EmissionReportRow(group: group)
      try row.add(emissions)
      rows[group] = row
    }
    return rows.values.sorted { $0.group < $1.group }
  }
}
