/// Where on its journey an estimate is replayed (`--checkpoints`): the departure from the
/// origin, or the arrival at a border or gauge-change station on the way.
public enum ETACheckpoint: String, Sendable, CaseIterable {
  case departure
  case border
  case gaugeChange = "gauge-change"

  /// `--checkpoints departure,border`: the named checkpoints; refuses an unknown or empty name.
  public static func parseList(_ text: String) throws(CorridorError) -> Set<ETACheckpoint> {
    var chosen: Set<ETACheckpoint> = []
    for name in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let checkpoint = ETACheckpoint(rawValue: String(name)) else {
        throw .invalid(
          "unknown checkpoint \(String(name).debugDescription); expected departure, border or gauge-change, comma-separated", rule: .checkpoint)
      }
      chosen.insert(checkpoint)
    }
    return chosen
  }

  /// The checkpoint a route node is, for a box arriving there: its leg in crossed a border or
  /// changed gauge. The destination is none (the box has arrived).
  public static func arrival(at node: Int, on route: Route) -> ETACheckpoint? {
    guard node > 0, node < route.legs.count else { return nil }
    let leg = route.legs[node - 1]
    return leg.gaugeChange ? .gaugeChange : leg.borderCrossing ? .border : nil
  }
}

extension RuleID {
  public static let checkpoint = RuleID("checkpoint")
}

/// One box's trip as the backtest replays it: the instants of its checkpoints and of its actual
/// arrival at the destination.
public struct ETATrip: Sendable {
  public let route: String
  /// (checkpoint, route node, instant in ms).
  public let checkpoints: [(checkpoint: ETACheckpoint, node: Int, ms: Int64)]
  public let arrivalMs: Int64

  package init(route: String, checkpoints: [(checkpoint: ETACheckpoint, node: Int, ms: Int64)], arrivalMs: Int64) {
    self.route = route
    self.checkpoints = checkpoints
    self.arrivalMs = arrivalMs
  }
}

/// How far one way of estimating was from the actual arrivals (hours; positive bias: the
/// estimate was later than the arrival).
public struct ETAErrors: Sendable, Equatable {
  public let trips: Int
  public let maeHours: Double
  public let medianAbsHours: Double
  public let p90AbsHours: Double
  public let biasHours: Double
  /// The share of arrivals inside the 10th–90th percentile window; nil for an estimate
  /// without a window.
  public let windowCoverage: Double?

  /// From signed errors in hours, and for each whether the arrival fell inside the window.
  package init?(errors: [Double], inside: [Bool]?) {
    guard !errors.isEmpty else { return nil }
    let absolute = errors.map(abs).sorted()
    trips = errors.count
    maeHours = absolute.reduce(0, +) / Double(absolute.count)
    medianAbsHours = NearestRank.value(absolute, 1, 2)
    p90AbsHours = NearestRank.value(absolute, 9, 10)
    biasHours = errors.reduce(0, +) / Double(errors.count)
    windowCoverage = inside.map { Double($0.filter { $0 }.count) / Double(max(1, $0.count)) }
  }
}

/// One row of the backtest: a checkpoint on a route (or on every route: `route` "all"), the
/// learned estimate, the plan and the recent median side by side.
public struct ETABacktestRow: Sendable, Equatable {
  public let checkpoint: ETACheckpoint
  public let route: String
  public let trips: Int
  public let learned: ETAErrors
  public let plan: ETAErrors
  /// The simplest honest baseline: the median time from this checkpoint to the arrival of the
  /// same route's boxes that arrived in the 8 weeks before; nil where none had.
  public let recentMedian: ETAErrors?

  package init(checkpoint: ETACheckpoint, route: String, trips: Int, learned: ETAErrors, plan: ETAErrors, recentMedian: ETAErrors?) {
    self.checkpoint = checkpoint
    self.route = route
    self.trips = trips
    self.learned = learned
    self.plan = plan
    self.recentMedian = recentMedian
  }
}

/// `corridor eta backtest` (docs/eta.md): replays the estimate at each checkpoint of every trip
/// that arrived in the period, with only what had happened before that moment: the learned
/// estimate reads the days that had ended before it, the plan reads nothing, and the recent
/// median only arrivals before it.
public enum ETABacktest {
  public static let recentMedianDays: Int64 = 56

  public static func run<History: SegmentHistory>(
    trips: [ETATrip], routes: [String: Route], history: History, period: ClosedRange<Int64>, checkpoints: Set<ETACheckpoint>
  ) throws -> [ETABacktestRow] {
    let estimator = LearnedETAEstimator(history: history)
    var learnedCache: [Key: (p10: Int, p50: Int, p90: Int)] = [:]
    var medianCache: [Key: Double?] = [:]
    // Per route and node: (arrival, hours from the checkpoint to it), by arrival.
    var past: [String: [Int: [(arrival: Int64, hours: Double)]]] = [:]
    for trip in trips {
      for point in trip.checkpoints {
        past[trip.route, default: [:]][point.node, default: []].append((trip.arrivalMs, Double(trip.arrivalMs - point.ms) / 3_600_000))
      }
    }
    past = past.mapValues { nodes in nodes.mapValues { list in list.sorted { $0.arrival < $1.arrival } } }

    var tallies: [String: [ETACheckpoint: Tally]] = [:]
    for trip in trips where period.contains(trip.arrivalMs) {
      guard let route = routes[trip.route] else { continue }
      for point in trip.checkpoints where checkpoints.contains(point.checkpoint) {
        let day = ETADay.of(point.ms)
        let key = Key(route: trip.route, node: point.node, day: day)
        let learned: (p10: Int, p50: Int, p90: Int)
        if let cached = learnedCache[key] {
          learned = cached
        } else {
          let d = try estimator.remaining(on: route, from: point.node, departed: point.checkpoint == .departure, day: day).distribution
          learned = (d.percentile(0.1), d.percentile(0.5), d.percentile(0.9))
          learnedCache[key] = learned
        }
        let actual = Double(trip.arrivalMs - point.ms) / 3_600_000
        let planHours = route.typicalHours(from: point.node)
        var tally = tallies[trip.route, default: [:]][point.checkpoint, default: Tally()]
        tally.learned.append(Double(learned.p50) - actual)
        tally.inside.append(Double(learned.p10) <= actual && actual <= Double(learned.p90 + 1))
        tally.plan.append(Double(planHours) - actual)
        // The day's recent median: arrivals in the 56 days before the checkpoint's day began.
        let median: Double?
        if let cached = medianCache[key] {
          median = cached
        } else {
          let list = past[trip.route]?[point.node] ?? []
          let end = day * 86_400_000
          let start = end - recentMedianDays * 86_400_000
          let lower = list.partitioningIndex { $0.arrival >= start }
          let upper = list.partitioningIndex { $0.arrival >= end }
          let hours = list[lower..<upper].map(\.hours).sorted()
          median = hours.isEmpty ? nil : NearestRank.value(hours, 1, 2)
          medianCache[key] = median
        }
        if let median { tally.recent.append(median - actual) }
        tallies[trip.route, default: [:]][point.checkpoint] = tally
      }
    }
    var rows: [ETABacktestRow] = []
    func row(_ checkpoint: ETACheckpoint, _ route: String, _ tally: Tally) -> ETABacktestRow? {
      guard let learned = ETAErrors(errors: tally.learned, inside: tally.inside), let plan = ETAErrors(errors: tally.plan, inside: nil)
      else { return nil }
      return ETABacktestRow(
        checkpoint: checkpoint, route: route, trips: tally.learned.count, learned: learned, plan: plan,
        recentMedian: ETAErrors(errors: tally.recent, inside: nil))
    }
    for checkpoint in ETACheckpoint.allCases where checkpoints.contains(checkpoint) {
      var all = Tally()
      for route in tallies.keys.sorted() {
        guard let tally = tallies[route]?[checkpoint] else { continue }
        if let r = row(checkpoint, route, tally) { rows.append(r) }
        all.learned += tally.learned
        all.inside += tally.inside
        all.plan += tally.plan
        all.recent += tally.recent
      }
      if let r = row(checkpoint, "all", all) { rows.append(r) }
    }
    return rows
  }
}

/// A cache key of the backtest: a route node on a day (both estimates read whole days).
private struct Key: Hashable {
  let route: String
  let node: Int
  let day: Int64
}

/// The signed errors of one checkpoint on one route, as they come.
private struct Tally {
  var learned: [Double] = []
  var inside: [Bool] = []
  var plan: [Double] = []
  var recent: [Double] = []
}

extension Array {
  /// The first index whose element satisfies `predicate`, for a predicate false then true.
  fileprivate func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
    var (low, high) = (0, count)
    while low < high {
      let mid = (low + high) / 2
      if predicate(self[mid]) { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
