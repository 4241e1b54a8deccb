import CorridorInterchange
import CorridorModel

/// The report pages (docs/pages.md): each is built from the same report rows as the JSON output
/// of the same command, so a page and `--format json` never disagree.
extension ReportReading {
  /// `report costs --format html`: net cost per TEU by corridor, the monthly trend per corridor,
  /// and per corridor the gross cost (what was paid and what the reduction policies saved) with
  /// the waiting costs stacked on it.
  public func costPage(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, route: String? = nil, currency: Currency = .cny, fxAt: Day? = nil,
    asOf: EventTime? = nil, party: String? = nil
  ) throws -> String {
    // By corridor, and by corridor and month, in one pass over the shipments.
    let reports = try costReports(
      from: from, to: to, corridor: corridor, route: route, by: [[.corridor], [.corridor, .month]], currency: currency, fxAt: fxAt,
      asOf: asOf, party: party)
    let views = try reports[0].map(CostReportView.init)
    let unit = currency.code
    var page = HTMLPage(
      title: "Freight cost by corridor",
      subtitle: Self.period(from: from, to: to, corridor: corridor, route: route, currency: unit) + Self.scope(party))
    let corridors = views.map(\.group)
    func series(_ name: String, _ values: [String?]) -> ChartSeries {
      ChartSeries(name: name, values: values.map { $0.flatMap(Double.init) }, labels: values.map { $0.map(DigitGrouping.grouped) ?? "–" })
    }
    page.add(
      ChartSpec(
        kind: .bars, id: "net-per-teu", title: "Net freight cost per TEU by corridor", xLabel: "Corridor", yLabel: "Net cost per TEU (\(unit))",
        categories: corridors, series: [series("Net per TEU", views.map(\.netPerTeu))]), unit: unit)

    // The monthly trend: net per TEU of each "corridor / month" group.
    var months = Set<String>()
    var monthly: [String: [String: String]] = [:]
    for row in reports[1] {
      let (corridor, month) = (row.parts[0], row.parts[1])
      months.insert(month)
      monthly[corridor, default: [:]][month] = try CostReportView(row).netPerTeu
    }
    let perCorridor = corridors.map { ($0, monthly[$0] ?? [:]) }
    let sortedMonths = months.sorted()
    page.add(
      ChartSpec(
        kind: .lines, id: "monthly-trend", title: "Net freight cost per TEU by month", xLabel: "Month booked",
        yLabel: "Net cost per TEU (\(unit))", categories: sortedMonths,
        series: perCorridor.map { name, values in series(name, sortedMonths.map { values[$0] }) }), unit: unit)

    page.add(
      ChartSpec(
        kind: .stackedBars, id: "gross-reductions", title: "Gross freight cost, what the reduction policies saved, and waiting",
        xLabel: "Corridor", yLabel: "Cost (\(unit))", categories: corridors,
        series: [
          series("Net freight", views.map(\.net)), series("Saved by reduction policies", views.map(\.reductions)),
          series("Demurrage", views.map(\.demurrage)), series("Detention", views.map(\.detention)), series("Storage", views.map(\.storage)),
        ]), unit: unit,
      note:
        "The freight part of each bar is the gross cost: what was paid (net) and what the policies took off (reductions). "
        + "Demurrage, detention and storage incurred by its boxes are stacked above it.")
    return page.render()
  }

  /// `report exports --format html`: export value by commodity with the change on the year
  /// compared, subcategories under their category.
  public func exportsPage(year: Int, compare: Int?, currency: Currency = .cny, fxAt: Day? = nil, party: String? = nil) throws -> String {
    let rows = try exportReport(year: year, compare: compare, by: .commodity, currency: currency, fxAt: fxAt, party: party)
    let views = rows.map { ExportReportView($0, currency: currency) }
    let unit = currency.code
    var page = HTMLPage(
      title: "Chongqing exports by commodity, \(year)",
      subtitle: "Declared export value in \(unit)\(compare.map { ", compared with \($0)" } ?? "")" + Self.scope(party))
    let names = views.map { $0.parent == nil ? $0.group : "\($0.group) (in \($0.parent ?? ""))" }
    var series = [
      ChartSeries(
        name: String(year), values: views.map { Double($0.value) }, labels: views.map { DigitGrouping.grouped($0.value) })
    ]
    if let compare {
      series.append(
        ChartSeries(
          name: String(compare), values: views.map { $0.previousValue.flatMap(Double.init) },
          labels: views.map { $0.previousValue.map(DigitGrouping.grouped) ?? "–" }))
    }
    page.add(
      ChartSpec(
        kind: .bars, id: "export-value", title: "Export value by commodity", xLabel: "Commodity", yLabel: "Value (\(unit))", categories: names,
        series: series), unit: unit, note: "A subcategory is also counted in its category.")
    if compare != nil {
      page.addTable(
        "Change on the year", id: "export-change", headers: ["Commodity", "Shipments", "TEU", "Value (\(unit))", "Change %"],
        rows: views.map { v in
          [
            (v.parent == nil ? "" : "  ") + v.group, String(v.shipments), String(v.teu), DigitGrouping.grouped(v.value),
            v.changePercent.map { String(format: "%.1f", $0) } ?? "–",
          ]
        }, empty: "No exports in \(year).")
    }
    return page.render()
  }

  package static func period(from: Day?, to: Day?, corridor: String?, route: String?, currency: String) -> String {
    var parts = ["Booked \(from.map { "from \($0)" } ?? "from the start") \(to.map { "to \($0)" } ?? "to date")"]
    if let corridor { parts.append("corridor \(corridor)") }
    if let route { parts.append("route \(route)") }
    parts.append("amounts in \(currency)")
    return parts.joined(separator: "; ")
  }
}

extension ReportReading {
  /// What a party-scoped page says under its title: whose shipments it shows.
  package static func scope(_ party: String?) -> String { party.map { "; shipments of \($0) only" } ?? "" }

  /// `report exceptions --format html`: the open exceptions by kind and by place, and the list.
  public func exceptionsPage(staleHours: Int, now: EventTime, party: String? = nil) throws -> String {
    let views = try exceptions(staleHours: staleHours, now: now, party: party).map(ExceptionItemView.init)
    var page = HTMLPage(
      title: "Delays and holds",
      subtitle: "Exceptions as of \(now.utc); silent or held for more than \(staleHours) hours" + Self.scope(party))
    let kinds = Array(Set(views.map(\.kind))).sorted()
    let places = Array(Set(views.map(\.location))).sorted()
    page.add(
      ChartSpec(
        kind: .stackedBars, id: "exceptions-by-place", title: "Open exceptions by place and kind", xLabel: "Place (UN/LOCODE)",
        yLabel: "Exceptions (count)", categories: places,
        series: kinds.map { kind in
          let counts = places.map { place in views.filter { $0.location == place && $0.kind == kind }.count }
          return ChartSeries(name: kind, values: counts.map { Double($0) }, labels: counts.map(String.init))
        }), unit: "count")
    page.addTable(
      "Open exceptions", id: "exceptions", headers: ["Kind", "Container", "Shipment", "Place", "At", "Detail"],
      rows: views.map { [$0.kind, $0.container, $0.shipment ?? "", $0.location, $0.at, $0.detail] }, empty: "No open exceptions.")
    return page.render()
  }
}

extension ReportReading {
  /// `report transit --format html`: transit time per route by month and dwell time at each
  /// border crossing and gauge change, each as the median with the middle half of the trips
  /// (25th to 75th percentile) as a whisker, and every figure in tables.
  public func transitPage(from: Day? = nil, to: Day? = nil, corridor: String? = nil, route: String? = nil, party: String? = nil) throws
    -> String
  {
    let report = try transitReport(from: from, to: to, corridor: corridor, route: route, party: party)
    var parts = ["Trips and stays that ended \(from.map { "from \($0)" } ?? "from the start") \(to.map { "to \($0)" } ?? "to date") (UTC)"]
    if let corridor { parts.append("corridor \(corridor)") }
    if let route { parts.append("route \(route)") }
    var page = HTMLPage(title: "Transit and dwell times", subtitle: parts.joined(separator: "; ") + Self.scope(party))
    func label(_ spread: DurationSpread, _ text: (Int64) -> String, _ unit: String, _ counted: (one: String, many: String)) -> String {
      let n = "\(spread.count) \(spread.count == 1 ? counted.one : counted.many)"
      return "\(text(spread.medianMinutes)) \(unit) (middle half \(text(spread.p25Minutes))–\(text(spread.p75Minutes)); \(n))"
    }

    let months = Array(Set(report.transit.map(\.month))).sorted()
    let routes = report.transit.reduce(into: [String]()) { if !$0.contains($1.route) { $0.append($1.route) } }
    let series = routes.map { route in
      let byMonth = Dictionary(report.transit.filter { $0.route == route }.map { ($0.month, $0.spread) }, uniquingKeysWith: { a, _ in a })
      let spreads = months.map { byMonth[$0] }
      return ChartSeries(
        name: route, values: spreads.map { $0.map { Double($0.medianMinutes) / 1_440 } },
        labels: spreads.map { $0.map { label($0, DurationText.days, "d", ("box", "boxes")) } ?? "–" },
        intervals: spreads.map { $0.map { Double($0.p25Minutes) / 1_440...Double($0.p75Minutes) / 1_440 } })
    }
    page.add(
      ChartSpec(
        kind: .lines, id: "transit-by-month", title: "Transit time by route and month", xLabel: "Month of arrival",
        yLabel: "Transit time (days)", categories: months, series: series), unit: "days",
      note:
        "From a box's departure from the route's origin to its arrival at the destination. Each point is the median; the whisker spans the middle half of the boxes (25th to 75th percentile, nearest rank)."
    )
    page.addTable(
      "Transit time by route and month, every figure", id: "transit",
      headers: ["Route", "Corridor", "Month", "Boxes", "Min (d)", "25th (d)", "Median (d)", "75th (d)", "Max (d)"],
      rows: report.transit.map { t in
        [t.route, t.corridor, t.month, String(t.spread.count)]
          + t.spread.figures.map(DurationText.days)
      }, empty: "No box arrived at its destination in the period.")

    let measured = report.dwell.compactMap { dwell in dwell.spread.map { (dwell, $0) } }
    page.add(
      ChartSpec(
        kind: .bars, id: "dwell-by-place", title: "Dwell time at border crossings and gauge changes", xLabel: "Place (UN/LOCODE)",
        yLabel: "Dwell time (hours)", categories: measured.map { "\($0.0.location.text) \($0.0.name)" },
        series: [
          ChartSeries(
            name: "Median dwell", values: measured.map { Double($0.1.medianMinutes) / 60 },
            labels: measured.map { label($0.1, DurationText.hours, "h", ("stay", "stays")) },
            intervals: measured.map { Double($0.1.p25Minutes) / 60...Double($0.1.p75Minutes) / 60 })
        ]), unit: "hours",
      note: "From a box's arrival at the place to its departure from it. Each bar is the median; the whisker spans the middle half of the stays.")
    page.addTable(
      "Dwell time by place, every figure", id: "dwell",
      headers: ["Place", "Name", "Kind", "Routes", "Stays", "Min (h)", "25th (h)", "Median (h)", "75th (h)", "Max (h)"],
      rows: report.dwell.map { d in
        [d.location.text, d.name, d.kind, d.routes.joined(separator: " "), String(d.spread?.count ?? 0)]
          + (d.spread?.figures.map(DurationText.hours) ?? Array(repeating: "–", count: 5))
      }, empty: "The routes reported cross no border and change no gauge.")
    return page.render()
  }
}

extension ReportReading {
  /// `report policy-impact --format html`: per corridor, the reductions the shipments had and
  /// the ones the policies of another day would have given them, and every row in a table.
  public func policyImpactPage(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, policiesAsOf: Day, currency: Currency = .cny, fxAt: Day? = nil,
    party: String? = nil
  ) throws -> String {
    let rows = try policyImpact(from: from, to: to, corridor: corridor, policiesAsOf: policiesAsOf, currency: currency, fxAt: fxAt, party: party)
    let view = PolicyImpactView(rows, currency: currency, policiesAsOf: policiesAsOf)
    let unit = currency.code
    var page = HTMLPage(
      title: "What a policy is worth",
      subtitle: Self.period(from: from, to: to, corridor: corridor, route: nil, currency: unit) + "; policies in force on \(policiesAsOf)"
        + Self.scope(party))
    let corridors = rows.reduce(into: [String]()) { if !$0.contains($1.corridor) { $0.append($1.corridor) } }
    func total(_ amount: (PolicyImpactRow) -> Money, _ corridor: String) -> Money? {
      try? Money.sum(rows.filter { $0.corridor == corridor }.map(amount), in: currency)
    }
    func series(_ name: String, _ amount: @escaping (PolicyImpactRow) -> Money) -> ChartSeries {
      let values = corridors.map { total(amount, $0) }
      return ChartSeries(
        name: name, values: values.map { $0.flatMap { Double($0.amountText) } },
        labels: values.map { $0.map { DigitGrouping.grouped($0.amountText) } ?? "–" })
    }
    page.add(
      ChartSpec(
        kind: .bars, id: "policy-impact", title: "Reductions applied and with the policies of \(policiesAsOf)", xLabel: "Corridor",
        yLabel: "Reductions (\(unit))", categories: corridors,
        series: [series("Applied", \.appliedReduction), series("With the policies of \(policiesAsOf)", \.reductionAsOf)]), unit: unit)
    page.addTable(
      "Per corridor and policy", id: "policy-impact-rows",
      headers: ["Corridor", "Policy", "Shipments", "Gross", "Applied reduction", "Reduction as of \(policiesAsOf)", "Difference"],
      rows: view.tableRows, empty: "No shipments in the period.")
    return page.render()
  }
}
