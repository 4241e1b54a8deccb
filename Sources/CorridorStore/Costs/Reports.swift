import CorridorInterchange
import CorridorModel
import SQLite

extension ReportStore {
  /// Freight and waiting costs of the shipments booked in `from…to` (cancelled ones excluded), grouped.
  public func costReport(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, route: String? = nil, by grouping: CostGrouping = .corridor,
    currency: Currency = .cny, fxAt: Day? = nil, asOf: EventTime? = nil, party: String? = nil, direction: RouteDirection? = nil
  ) throws -> [CostReportRow] {
    try costReports(
      from: from, to: to, corridor: corridor, route: route, by: [[grouping]], currency: currency, fxAt: fxAt, asOf: asOf, party: party,
      direction: direction)[0]
  }

  /// Several groupings of the same shipments in one pass: each entry of `groupings` is a list
  /// of groupings whose values make a row's group, joined by " / " (e.g. `[.corridor, .month]`
  /// gives "CN-EU / 2024-03"). Each distinct cost situation (route, booked day, commodity, box
  /// types: `CostCalculator.Situation`) is costed once; waiting is priced per shipment from
  /// the stays read in one go (`staysByShipment`), up to `asOf` (default: now).
  public func costReports(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, route: String? = nil, by groupings: [[CostGrouping]],
    currency: Currency = .cny, fxAt: Day? = nil, asOf: EventTime? = nil, party: String? = nil, direction: RouteDirection? = nil
  ) throws -> [[CostReportRow]] {
    let filter = ShipmentFilter(
      corridor: corridor, route: route, from: from, to: to, party: party, routes: try db.networkStore.routeCodes(direction))
    let calculator = try CostCalculator(database: db)
    let stays = try db.freeTimeStore.staysByShipment(filter, asOf: asOf ?? clock.now())
    let routeCorridors = Dictionary(try db.networkStore.routes().map { ($0.code, $0.corridor) }, uniquingKeysWith: { a, _ in a })
    var tables = [[String: CostReportRow]](repeating: [:], count: groupings.count)
    try db.costStore.forEachBooking(
      filter, situations: calculator,
      compute: { shipment, sizeTypes in CostSummary(try calculator.cost(of: shipment, sizeTypes: sizeTypes, currency: currency, fxAt: fxAt)) }
    ) { booking, cost in
      let waiting = try WaitingCost(stays: stays[booking.ref] ?? [], currency: currency, fx: calculator.fx, on: fxAt ?? booking.bookedOn)
      func value(_ grouping: CostGrouping) -> String {
        switch grouping {
        case .corridor: routeCorridors[booking.route] ?? ""
        case .route: booking.route
        case .month: booking.bookedOn.month
        case .commodity: booking.commodity.rawValue
        case .shipper: booking.shipper
        }
      }
      for (index, keys) in groupings.enumerated() {
        let parts = keys.map(value)
        let group = parts.joined(separator: " / ")
        var row = tables[index][group] ?? CostReportRow(parts: parts, currency: currency)
        try row.add(cost, waiting: waiting)
        tables[index][group] = row
      }
    }
    return tables.map { $0.values.sorted { $0.group < $1.group } }
  }

  /// Declared export value of shipments booked in `year` (and `compare`), grouped. Each
  /// shipment's value is converted once (at `fxAt`, else its booked date) and rounded
  /// half-to-even; group totals are sums. Subcategories follow their category, which includes them.
  public func exportReport(
    year: Int, compare: Int? = nil, by grouping: ExportGrouping = .commodity, currency: Currency = .cny, fxAt: Day? = nil,
    party: String? = nil, direction: RouteDirection = .export
  ) throws -> [ExportReportRow] {
    let fx = try db.costStore.fxTable()
    let routeInfo = Dictionary(try db.networkStore.routes().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    let teuByShipment = Dictionary(
      try mapSQLiteErrors {
        try connection.rows("SELECT shipment, teu FROM shipment_teu").map { row throws(RowDecodingError) in
          (try row.text("shipment"), try row.int("teu", in: 0...Int(Int32.max)))
        }
      },
      uniquingKeysWith: { a, _ in a })

    func groups(of booking: ShipmentBooking) -> [(group: String, parent: String?)] {
      switch grouping {
      case .commodity:
        if let parent = booking.commodity.parent { return [(parent.rawValue, nil), (booking.commodity.rawValue, parent.rawValue)] }
        return [(booking.commodity.rawValue, nil)]
      case .corridor: return [(routeInfo[booking.route]?.corridor ?? "", nil)]
      case .destinationCountry: return [(routeInfo[booking.route]?.destination?.country ?? "", nil)]
      case .partnerCountry:
        let route = routeInfo[booking.route]
        return [((direction == .import ? route?.origin : route?.destination)?.country ?? "", nil)]
      }
    }

    var rows: [String: ExportReportRow] = [:]
    // Only the shipments on routes of the direction asked (a route's direction: its ends).
    let routes = try db.networkStore.routeCodes(direction)
    for target in [year] + (compare.map { [$0] } ?? []) {
      let from = Day(year: Int64(target), month: 1, day: 1)
      let to = Day(year: Int64(target), month: 12, day: 31)
      let filter = ShipmentFilter(from: from, to: to, party: party, routes: routes)
      try db.shipmentStore.forEachBookedShipment(filter) { shipment in
        let booking = shipment.booking
        let converted = try fx.convert(
          Exact(booking.value.minorUnits), from: booking.value.currency, to: currency, on: fxAt ?? booking.bookedOn)
        let value: Int64
        do { value = try converted.roundedHalfEven() } catch { throw CorridorError.invalid("value too large", rule: .amount) }
        for (group, parent) in groups(of: booking) {
          var row = rows[group] ?? ExportReportRow(group: group, parent: parent)
          if target == year {
            row.shipments += 1
            row.teu += teuByShipment[booking.ref] ?? 0
            row.value = try checkedSum(row.value, value)
          } else {
            row.previousValue = try checkedSum(row.previousValue ?? 0, value)
            row.previousShipments += 1
          }
          rows[group] = row
        }
      }
    }
    if compare != nil {
      for key in rows.keys where rows[key]?.previousValue == nil { rows[key]?.previousValue = 0 }
    }
    // Categories by value, each followed by its subcategories.
    let top = rows.values.filter { $0.parent == nil }.sorted { ($0.value, $1.group) > ($1.value, $0.group) }
    return top.flatMap { row in [row] + rows.values.filter { $0.parent == row.group }.sorted { $0.value > $1.value } }
  }
}
