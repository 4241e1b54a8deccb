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
    asOf: EventTime? = nil, party: String? = nil, language: PageLanguage = .english, direction: RouteDirection? = nil
  ) throws -> String {
    let words = Words(language)
    // By corridor, and by corridor and month, in one pass over the shipments.
    let reports = try costReports(
      from: from, to: to, corridor: corridor, route: route, by: [[.corridor], [.corridor, .month]], currency: currency, fxAt: fxAt,
      asOf: asOf, party: party, direction: direction)
    let views = try reports[0].map(CostReportView.init)
    let unit = currency.code
    var page = HTMLPage(
      title: words(.costsTitle),
      subtitle: words.period(from: from, to: to, corridor: corridor, route: route, currency: unit, direction: direction) + words.scope(party),
      language: language)
    let corridors = views.map(\.group)
    func series(_ name: String, _ values: [String?]) -> ChartSeries {
      ChartSeries(name: name, values: values.map { $0.flatMap(Double.init) }, labels: values.map { $0.map(DigitGrouping.grouped) ?? "–" })
    }
    page.add(
      ChartSpec(
        kind: .bars, id: "net-per-teu", title: words(.netPerTeuTitle), xLabel: words(.colCorridor), yLabel: words(.netPerTeuAxis, unit),
        categories: corridors, series: [series(words(.seriesNetPerTeu), views.map(\.netPerTeu))]), unit: unit)

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
        kind: .lines, id: "monthly-trend", title: words(.monthlyTitle), xLabel: words(.monthBooked),
        yLabel: words(.netPerTeuAxis, unit), categories: sortedMonths,
        series: perCorridor.map { name, values in series(name, sortedMonths.map { values[$0] }) }), unit: unit)

    page.add(
      ChartSpec(
        kind: .stackedBars, id: "gross-reductions", title: words(.grossTitle), xLabel: words(.colCorridor), yLabel: words(.costAxis, unit),
        categories: corridors,
        series: [
          series(words(.seriesNetFreight), views.map(\.net)), series(words(.seriesSaved), views.map(\.reductions)),
          series(words(.seriesDemurrage), views.map(\.demurrage)), series(words(.seriesDetention), views.map(\.detention)),
          series(words(.seriesStorage), views.map(\.storage)),
        ]), unit: unit, note: words(.grossNote))
    return page.render()
  }

  /// `report exports --format html`: export value by commodity with the change on the year
  /// compared, subcategories under their category.
  /// The exports page, or with `direction` `.import` the imports page (the same figures for
  /// the shipments coming home).
  public func exportsPage(
    year: Int, compare: Int?, currency: Currency = .cny, fxAt: Day? = nil, party: String? = nil, language: PageLanguage = .english,
    direction: RouteDirection = .export
  ) throws -> String {
    let words = Words(language)
    let imports = direction == .import
    let rows = try exportReport(
      year: year, compare: compare, by: .commodity, currency: currency, fxAt: fxAt, party: party, direction: direction)
    let views = rows.map { ExportReportView($0, currency: currency) }
    let unit = currency.code
    var page = HTMLPage(
      title: words(imports ? .importsTitle : .exportsTitle, String(year)),
      subtitle: words(imports ? .importsSubtitle : .exportsSubtitle, unit) + (compare.map { words(.exportsCompared, String($0)) } ?? "")
        + words.scope(party),
      language: language)
    let names = views.map { view in
      view.parent.map { words(.subcategoryIn, words.commodity(view.group), words.commodity($0)) } ?? words.commodity(view.group)
    }
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
        kind: .bars, id: "export-value", title: words(imports ? .importValueTitle : .exportValueTitle), xLabel: words(.colCommodity),
        yLabel: words(.valueAxis, unit),
        categories: names, series: series), unit: unit, note: words(.exportNote))
    if compare != nil {
      page.addTable(
        words(.changeHeading), id: "export-change",
        headers: [words(.colCommodity), words(.colShipments), words(.colTEU), words(.colValue, unit), words(.colChangePercent)],
        rows: views.map { v in
          [
            (v.parent == nil ? "" : "  ") + words.commodity(v.group), String(v.shipments), String(v.teu), DigitGrouping.grouped(v.value),
            v.changePercent.map { String(format: "%.1f", $0) } ?? "–",
          ]
        }, empty: words(imports ? .noImports : .noExports, String(year)))
    }
    return page.render()
  }
}

extension ReportReading {
  /// `report exceptions --format html`: the open exceptions by kind and by place, and the list.
  public func exceptionsPage(staleHours: Int, now: EventTime, party: String? = nil, language: PageLanguage = .english) throws -> String {
    let words = Words(language)
    let items = try exceptions(staleHours: staleHours, now: now, party: party)
    let views = items.map(ExceptionItemView.init)
    var page = HTMLPage(
      title: words(.exceptionsTitle), subtitle: words(.exceptionsSubtitle, words.time(now), String(staleHours)) + words.scope(party),
      language: language)
    let kinds = Array(Set(views.map(\.kind))).sorted()
    let places = Array(Set(views.map(\.location))).sorted()
    page.add(
      ChartSpec(
        kind: .stackedBars, id: "exceptions-by-place", title: words(.exceptionsChartTitle), xLabel: words(.placeAxis),
        yLabel: words(.exceptionsAxis), categories: places,
        series: kinds.map { kind in
          let counts = places.map { place in views.filter { $0.location == place && $0.kind == kind }.count }
          return ChartSeries(name: words.exceptionKind(kind), values: counts.map { Double($0) }, labels: counts.map(String.init))
        }), unit: words(.unitCount))
    page.addTable(
      words(.exceptionsHeading), id: "exceptions",
      headers: [words(.colKind), words(.colContainer), words(.colShipment), words(.colPlace), words(.colAt), words(.colDetail)],
      rows: zip(items, views).map { item, view in
        [words.exceptionKind(view.kind), view.container, view.shipment ?? "", view.location, view.at, words.detail(of: item)]
      }, empty: words(.noExceptions))
    return page.render()
  }
}

extension ReportReading {
  /// `report transit --format html`: transit time per route by month and dwell time at each
  /// border crossing and gauge change, each as the median with the middle half of the trips
  /// (25th to 75th percentile) as a whisker, and every figure in tables.
  public func transitPage(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, route: String? = nil, party: String? = nil, language: PageLanguage = .english,
    direction: RouteDirection? = nil
  ) throws -> String {
    let words = Words(language)
    let report = try transitReport(from: from, to: to, corridor: corridor, route: route, party: party, direction: direction)
    let subtitle = words.subtitle(words(.periodEnded, words.from(from), words.to(to)), corridor: corridor, route: route, direction: direction)
    var page = HTMLPage(title: words(.transitTitle), subtitle: subtitle + words.scope(party), language: language)
    func label(_ spread: DurationSpread, _ text: (Int64) -> String, _ unit: Phrase, _ counted: (one: Phrase, many: Phrase)) -> String {
      words(
        .spreadLabel, text(spread.medianMinutes), words(unit), text(spread.p25Minutes), text(spread.p75Minutes),
        words.count(spread.count, counted.one, counted.many))
    }

    let months = Array(Set(report.transit.map(\.month))).sorted()
    let routes = report.transit.reduce(into: [String]()) { if !$0.contains($1.route) { $0.append($1.route) } }
    let series = routes.map { route in
      let byMonth = Dictionary(report.transit.filter { $0.route == route }.map { ($0.month, $0.spread) }, uniquingKeysWith: { a, _ in a })
      let spreads = months.map { byMonth[$0] }
      return ChartSeries(
        name: route, values: spreads.map { $0.map { Double($0.medianMinutes) / 1_440 } },
        labels: spreads.map { $0.map { label($0, DurationText.days, .unitDaysShort, (.boxesOne, .boxesMany)) } ?? "–" },
        intervals: spreads.map { $0.map { Double($0.p25Minutes) / 1_440...Double($0.p75Minutes) / 1_440 } })
    }
    page.add(
      ChartSpec(
        kind: .lines, id: "transit-by-month", title: words(.transitChartTitle), xLabel: words(.monthOfArrival),
        yLabel: words(.transitAxis), categories: months, series: series), unit: words(.unitDays), note: words(.transitNote))
    page.addTable(
      words(.transitTableHeading), id: "transit",
      headers: [
        words(.colRoute), words(.colCorridor), words(.colMonth), words(.colBoxes), words(.colMinDays), words(.colP25Days),
        words(.colMedianDays), words(.colP75Days), words(.colMaxDays),
      ],
      rows: report.transit.map { t in
        [t.route, t.corridor, t.month, String(t.spread.count)]
          + t.spread.figures.map(DurationText.days)
      }, empty: words(.noTransit))

    let measured = report.dwell.compactMap { dwell in dwell.spread.map { (dwell, $0) } }
    // The places' names in the page's language.
    let names = Dictionary(try locations(country: nil).map { ($0.code, words.place($0)) }, uniquingKeysWith: { a, _ in a })
    page.add(
      ChartSpec(
        kind: .bars, id: "dwell-by-place", title: words(.dwellChartTitle), xLabel: words(.placeAxis), yLabel: words(.dwellAxis),
        categories: measured.map { "\($0.0.location.text) \(names[$0.0.location] ?? $0.0.name)" },
        series: [
          ChartSeries(
            name: words(.seriesMedianDwell), values: measured.map { Double($0.1.medianMinutes) / 60 },
            labels: measured.map { label($0.1, DurationText.hours, .unitHoursShort, (.staysOne, .staysMany)) },
            intervals: measured.map { Double($0.1.p25Minutes) / 60...Double($0.1.p75Minutes) / 60 })
        ]), unit: words(.unitHours), note: words(.dwellNote))
    page.addTable(
      words(.dwellTableHeading), id: "dwell",
      headers: [
        words(.colPlace), words(.colName), words(.colKind), words(.colRoutes), words(.colStays), words(.colMinHours), words(.colP25Hours),
        words(.colMedianHours), words(.colP75Hours), words(.colMaxHours),
      ],
      rows: report.dwell.map { d in
        let place: [String] = [d.location.text, names[d.location] ?? d.name, words.dwellKind(d.kind)]
        let figures: [String] = d.spread?.figures.map(DurationText.hours) ?? Array(repeating: "–", count: 5)
        return place + [d.routes.joined(separator: " "), String(d.spread?.count ?? 0)] + figures
      }, empty: words(.noDwell))
    return page.render()
  }
}

extension ReportReading {
  /// `report policy-impact --format html`: per corridor, the reductions the shipments had and
  /// the ones the policies of another day would have given them, and every row in a table.
  public func policyImpactPage(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, policiesAsOf: Day, currency: Currency = .cny, fxAt: Day? = nil,
    party: String? = nil, language: PageLanguage = .english
  ) throws -> String {
    let words = Words(language)
    let rows = try policyImpact(from: from, to: to, corridor: corridor, policiesAsOf: policiesAsOf, currency: currency, fxAt: fxAt, party: party)
    let view = PolicyImpactView(rows, currency: currency, policiesAsOf: policiesAsOf)
    let unit = currency.code
    var page = HTMLPage(
      title: words(.policyTitle),
      subtitle: words.period(from: from, to: to, corridor: corridor, route: nil, currency: unit)
        + words(.policiesInForce, words.day(policiesAsOf)) + words.scope(party), language: language)
    let corridors = rows.reduce(into: [String]()) { if !$0.contains($1.corridor) { $0.append($1.corridor) } }
    let names = Dictionary(try policies().map { ($0.name, words.policyName($0)) }, uniquingKeysWith: { a, _ in a })
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
        kind: .bars, id: "policy-impact", title: words(.policyChartTitle, words.day(policiesAsOf)), xLabel: words(.colCorridor),
        yLabel: words(.reductionsAxis, unit), categories: corridors,
        series: [
          series(words(.seriesApplied), \.appliedReduction), series(words(.seriesWithPolicies, words.day(policiesAsOf)), \.reductionAsOf),
        ]), unit: unit)
    page.addTable(
      words(.policyTableHeading), id: "policy-impact-rows",
      headers: [
        words(.colCorridor), words(.colPolicy), words(.colShipments), words(.colGross), words(.colAppliedReduction),
        words(.colReductionAsOf, policiesAsOf.description), words(.colDifference),
      ],
      rows: view.tableRows.map { row in
        // The policy's name in the page's language (the second column).
        row.enumerated().map { $0.offset == 1 ? names[$0.element] ?? $0.element : $0.element }
      }, empty: words(.noShipments))
    return page.render()
  }
}
