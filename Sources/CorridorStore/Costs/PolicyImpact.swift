import CorridorModel

extension ReportStore {
  /// `report policy-impact`: each shipment booked in `from…to` (cancelled ones excluded) costed
  /// twice, with the policies of its booking day (what `report costs` gives) and with those in
  /// force on `policiesAsOf`; per corridor and policy, the reductions side by side. Rows are in
  /// corridor then policy order; a corridor with no reduction either way has one row with an
  /// empty policy, so its shipments and gross still show.
  public func policyImpact(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, policiesAsOf: Day, currency: Currency = .cny, fxAt: Day? = nil,
    party: String? = nil
  ) throws -> [PolicyImpactRow] {
    let tariffs = try db.costStore.tariffs()
    let policies = try db.costStore.policies()
    let fx = try db.costStore.fxTable()
    let routes = try db.networkStore.routes()
    let applied = CostCalculator(tariffs: tariffs, policies: policies, fx: fx, routes: routes)
    let asOf = CostCalculator(tariffs: tariffs, policies: Policy.inForce(on: policiesAsOf, policies), fx: fx, routes: routes)
    let routeCorridors = Dictionary(routes.map { ($0.code, $0.corridor) }, uniquingKeysWith: { a, _ in a })
    struct Totals {
      var shipments = 0
      var gross: Money
      var applied: [String: Money] = [:]
      var asOf: [String: Money] = [:]
    }
    var corridors: [String: Totals] = [:]
    struct Costed {
      let gross: Money
      let applied: [String: Money]
      let asOf: [String: Money]
    }
    try db.costStore.forEachBooking(
      ShipmentFilter(corridor: corridor, from: from, to: to, party: party), situations: applied,
      compute: { shipment, sizeTypes in
        let actual = try applied.cost(of: shipment, sizeTypes: sizeTypes, currency: currency, fxAt: fxAt)
        let would = try asOf.cost(of: shipment, sizeTypes: sizeTypes, currency: currency, fxAt: fxAt)
        return Costed(gross: actual.gross, applied: try actual.reductionsByPolicy(), asOf: try would.reductionsByPolicy())
      }
    ) { booking, costed in
      let key = routeCorridors[booking.route] ?? ""
      var totals = corridors[key] ?? Totals(gross: .zero(currency))
      totals.shipments += 1
      totals.gross = try totals.gross.plus(costed.gross)
      for (policy, amount) in costed.applied { totals.applied[policy] = try (totals.applied[policy] ?? .zero(currency)).plus(amount) }
      for (policy, amount) in costed.asOf { totals.asOf[policy] = try (totals.asOf[policy] ?? .zero(currency)).plus(amount) }
      corridors[key] = totals
    }
    var rows: [PolicyImpactRow] = []
    for (code, totals) in corridors.sorted(by: { $0.key < $1.key }) {
      let names = Set(totals.applied.keys).union(totals.asOf.keys).sorted()
      for name in names.isEmpty ? [""] : names {
        rows.append(
          try PolicyImpactRow(
            corridor: code, policy: name, shipments: totals.shipments, gross: totals.gross,
            appliedReduction: totals.applied[name] ?? .zero(currency), reductionAsOf: totals.asOf[name] ?? .zero(currency)))
      }
    }
    return rows
  }
}
