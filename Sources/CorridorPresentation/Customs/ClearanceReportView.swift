import CorridorModel

/// `report clearance --format json` (a contract; docs/customs.md): one object per group.
public struct ClearanceGroupView: Encodable, Sendable {
  public struct Checks: Encodable, Sendable {
    public let document: String
    public let physical: String
    public let scan: String
  }
  public struct Outcomes: Encodable, Sendable {
    public let clear: Int
    public let discrepancy: Int
    public let seized: Int
  }

  public let group: String
  public let declarations: Int
  /// Declared → released, over the group's released declarations (`count` of them), in minutes.
  public let releaseTime: SpreadView
  /// Declarations selected for each check.
  public let selected: [String: Int]
  /// The same as a share of the group's declarations, in percent with one decimal.
  public let selectedPercent: Checks
  public let outcomes: Outcomes
  public let detained: Int
  public let seized: Int
  public let rejected: Int

  public init(_ group: ClearanceGroup) {
    self.group = group.group
    declarations = group.declarations
    releaseTime = SpreadView(group.release)
    selected = Dictionary(uniqueKeysWithValues: CustomsCheck.allCases.map { ($0.rawValue, group.selected[$0] ?? 0) })
    selectedPercent = Checks(
      document: group.selectedPercent(.document), physical: group.selectedPercent(.physical), scan: group.selectedPercent(.scan))
    outcomes = Outcomes(clear: group.outcomes[.clear] ?? 0, discrepancy: group.outcomes[.discrepancy] ?? 0, seized: group.outcomes[.seized] ?? 0)
    (detained, seized, rejected) = (group.detained, group.seized, group.rejected)
  }

  /// The CSV and table columns (hours with one decimal, as `report transit`'s dwell).
  public static let headers = [
    "group", "declarations", "released", "p25Hours", "medianHours", "p75Hours", "document%", "physical%", "scan%", "clear", "discrepancy",
    "detained", "seized", "rejected",
  ]
  public var row: [String] {
    let hours = releaseTime.figures.map { [$0[1], $0[2], $0[3]].map(DurationText.hours) } ?? ["", "", ""]
    return [group, String(declarations), String(releaseTime.count)] + hours
      + [selectedPercent.document, selectedPercent.physical, selectedPercent.scan, String(outcomes.clear), String(outcomes.discrepancy)]
      + [String(detained), String(seized), String(rejected)]
  }
}

extension ClearanceReading {
  /// The clearance page (`report clearance --format html`, `/corridor/v1/pages/clearance`):
  /// release times as bars with their middle half, and the table.
  public func clearancePage(
    from: Day?, to: Day?, by grouping: ClearanceGrouping, party: String? = nil, language: PageLanguage = .english
  ) throws -> String {
    let words = Words(language)
    let report = try clearanceReport(from: from, to: to, by: grouping, party: party)
    let groups = report.map(ClearanceGroupView.init)
    let by: Phrase =
      switch grouping {
      case .office: .colOffice
      case .commodity: .colCommodity
      case .route: .colRoute
      case .month: .colMonth
      }
    var page = HTMLPage(
      title: words(.clearanceTitle), subtitle: words(.periodLodged, words.from(from), words.to(to), words(by).lowercased()) + words.scope(party),
      language: language)
    // Offices by their place names, commodities by theirs, in the page's language.
    let names = Dictionary(try offices().map { ($0.code.text, words.place($0)) }, uniquingKeysWith: { a, _ in a })
    // The chart names an office by its place (its rotated labels must fit); the table by both.
    func label(_ group: String, code: Bool = true) -> String {
      switch grouping {
      case .office: names[group].map { code ? "\(group) \($0)" : $0 } ?? group
      case .commodity: words.commodity(group)
      case .route, .month: group
      }
    }
    let released = report.compactMap { group in group.release.map { (group: group.group, spread: $0) } }
    page.add(
      ChartSpec(
        kind: .bars, id: "release-hours", title: words(.clearanceChartTitle), xLabel: words(by), yLabel: words(.clearanceAxis),
        categories: released.map { label($0.group, code: false) },
        series: [
          ChartSeries(
            name: words(.seriesMedianRelease), values: released.map { Double($0.spread.medianMinutes) / 60 },
            labels: released.map { _, spread in
              words(
                .spreadLabel, DurationText.hours(spread.medianMinutes), words(.unitHoursShort), DurationText.hours(spread.p25Minutes),
                DurationText.hours(spread.p75Minutes), words.count(spread.count, .declarationsOne, .declarationsMany))
            },
            intervals: released.map { Double($0.spread.p25Minutes) / 60...Double($0.spread.p75Minutes) / 60 })
        ]), unit: words(.unitHours), note: words(.clearanceNote))
    page.addTable(
      words(.clearanceTableHeading), id: "clearance",
      headers: [
        words(by), words(.colDeclarations), words(.colReleased), words(.colP25Hours), words(.colMedianHours), words(.colP75Hours),
        words(.colDocumentShare), words(.colPhysicalShare), words(.colScanShare), words(.colClear), words(.colDiscrepancy),
        words(.colDetained), words(.colSeized), words(.colRejected),
      ],
      rows: groups.map { view in
        var row = view.row
        row[0] = label(view.group)
        return row
      }, empty: words(.noClearance))
    return page.render()
  }
}
