import CorridorModel
import Foundation

/// `corridor eta backtest --format json` (a contract; docs/eta.md): `{checkpoints: [{checkpoint,
/// route, trips, learned: {maeHours, medianAbsHours, p90AbsHours, biasHours, windowCoverage},
/// plan: {…}, recentMedian: {…} | null}]}`. Hours with one decimal; coverage a share with three;
/// `windowCoverage` is null for estimates without a window (the plan, the recent median).
public struct ETABacktestView: Encodable, Sendable {
  public struct Errors: Encodable, Sendable {
    public let trips: Int
    public let maeHours: Double
    public let medianAbsHours: Double
    public let p90AbsHours: Double
    public let biasHours: Double
    public let windowCoverage: Double?

    init(_ errors: ETAErrors) {
      func tenth(_ hours: Double) -> Double { (hours * 10).rounded() / 10 }
      trips = errors.trips
      maeHours = tenth(errors.maeHours)
      medianAbsHours = tenth(errors.medianAbsHours)
      p90AbsHours = tenth(errors.p90AbsHours)
      biasHours = tenth(errors.biasHours)
      windowCoverage = errors.windowCoverage.map { ($0 * 1000).rounded() / 1000 }
    }

    enum CodingKeys: String, CodingKey { case trips, maeHours, medianAbsHours, p90AbsHours, biasHours, windowCoverage }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(trips, forKey: .trips)
      try c.encode(maeHours, forKey: .maeHours)
      try c.encode(medianAbsHours, forKey: .medianAbsHours)
      try c.encode(p90AbsHours, forKey: .p90AbsHours)
      try c.encode(biasHours, forKey: .biasHours)
      try c.encode(windowCoverage, forKey: .windowCoverage)
    }
  }

  public struct Row: Encodable, Sendable {
    public let checkpoint: String
    public let route: String
    public let trips: Int
    public let learned: Errors
    public let plan: Errors
    public let recentMedian: Errors?

    enum CodingKeys: String, CodingKey { case checkpoint, route, trips, learned, plan, recentMedian }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(checkpoint, forKey: .checkpoint)
      try c.encode(route, forKey: .route)
      try c.encode(trips, forKey: .trips)
      try c.encode(learned, forKey: .learned)
      try c.encode(plan, forKey: .plan)
      try c.encode(recentMedian, forKey: .recentMedian)
    }
  }

  public let checkpoints: [Row]

  public init(_ rows: [ETABacktestRow]) {
    checkpoints = rows.map {
      Row(
        checkpoint: $0.checkpoint.rawValue, route: $0.route, trips: $0.trips, learned: Errors($0.learned), plan: Errors($0.plan),
        recentMedian: $0.recentMedian.map(Errors.init))
    }
  }

  /// The CSV and table columns.
  public static let headers = [
    "checkpoint", "route", "trips", "learnedMaeH", "learnedMedianAbsH", "learnedP90AbsH", "learnedBiasH", "coverage", "planMaeH",
    "planMedianAbsH", "planP90AbsH", "planBiasH", "recentMedianMaeH", "recentMedianBiasH",
  ]
  public var rows: [[String]] {
    checkpoints.map { row -> [String] in
      let learned: [Double] = [row.learned.maeHours, row.learned.medianAbsHours, row.learned.p90AbsHours, row.learned.biasHours]
      let plan: [Double] = [row.plan.maeHours, row.plan.medianAbsHours, row.plan.p90AbsHours, row.plan.biasHours]
      let coverage: String = row.learned.windowCoverage.map { String(format: "%.1f%%", $0 * 100) } ?? ""
      let recent: [String] = [row.recentMedian.map { Self.hours($0.maeHours) } ?? "", row.recentMedian.map { Self.hours($0.biasHours) } ?? ""]
      var cells: [String] = [row.checkpoint, row.route, String(row.trips)]
      cells += learned.map(Self.hours)
      cells.append(coverage)
      cells += plan.map(Self.hours)
      cells += recent
      return cells
    }
  }

  static func hours(_ value: Double) -> String { String(format: "%.1f", value) }

  /// The backtest page (`eta backtest --format html`, `/corridor/v1/pages/eta`): the mean
  /// absolute error at each checkpoint on every route, learned against plan against the recent
  /// median, then every row.
  public func page(from: Day?, to: Day?, party: String? = nil, language: PageLanguage = .english) -> String {
    let words = Words(language)
    var page = HTMLPage(
      title: words(.etaBacktestTitle), subtitle: words(.periodArrived, words.from(from), words.to(to)) + words.scope(party), language: language)
    let all = checkpoints.filter { $0.route == "all" }
    let names = all.map { words.cell($0.checkpoint) }
    func series(_ name: Phrase, _ errors: [Errors?]) -> ChartSeries {
      ChartSeries(
        name: words(name), values: errors.map { $0?.maeHours },
        labels: errors.map { $0.map { Self.hours($0.maeHours) + " " + words(.unitHoursShort) } ?? "–" })
    }
    page.add(
      ChartSpec(
        kind: .bars, id: "eta-error", title: words(.etaBacktestChart), xLabel: words(.colCheckpoint), yLabel: words(.etaBacktestAxis),
        categories: names,
        series: [
          series(.seriesLearnedETA, all.map(\.learned)), series(.seriesPlanETA, all.map(\.plan)),
          series(.seriesRecentMedianETA, all.map(\.recentMedian)),
        ]), unit: words(.unitHours), note: words(.etaBacktestNote))
    page.addTable(
      words(.etaBacktestTable), id: "eta-backtest",
      headers: [
        words(.colCheckpoint), words(.colRoute), words(.colTrips), words(.colLearnedMae), words(.colLearnedMedianAbs), words(.colLearnedP90Abs),
        words(.colLearnedBias), words(.colCoverage), words(.colPlanMae), words(.colPlanMedianAbs), words(.colPlanP90Abs), words(.colPlanBias),
        words(.colRecentMae), words(.colRecentBias),
      ],
      rows: rows.map { row in
        var row = row
        row[0] = words.cell(row[0])
        row[1] = words.cell(row[1])
        return row
      }, empty: words(.noBacktest))
    return page.render()
  }
}
