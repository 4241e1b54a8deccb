/// How a set of measured durations is spread: the count, the extremes and the quartiles, each by
/// the nearest-rank method, so every figure is one trip's measured time (no interpolation, whole
/// minutes, the same on every machine).
public struct DurationSpread: Sendable, Equatable {
  public let count: Int
  public let minMinutes: Int64
  public let p25Minutes: Int64
  public let medianMinutes: Int64
  public let p75Minutes: Int64
  public let maxMinutes: Int64

  /// Nil for no durations.
  public init?(minutes: [Int64]) {
    guard !minutes.isEmpty else { return nil }
    let sorted = minutes.sorted()
    let n = sorted.count
    func rank(_ numerator: Int, _ denominator: Int) -> Int64 { NearestRank.value(sorted, numerator, denominator) }
    count = n
    minMinutes = sorted[0]
    p25Minutes = rank(1, 4)
    medianMinutes = rank(1, 2)
    p75Minutes = rank(3, 4)
    maxMinutes = sorted[n - 1]
  }

  /// The five figures in the order every table shows them: min, 25th, median, 75th, max.
  public var figures: [Int64] { [minMinutes, p25Minutes, medianMinutes, p75Minutes, maxMinutes] }
}

/// The transit times of one route's boxes that arrived in one month: from each box's first
/// departure (DEPA) from the route's origin to its first arrival (ARRI) at the destination.
public struct RouteTransit: Sendable, Equatable {
  public let route: String
  public let corridor: String
  /// `YYYY-MM` of the arrival at the destination (UTC).
  public let month: String
  public let spread: DurationSpread

  package init(route: String, corridor: String, month: String, spread: DurationSpread) {
    self.route = route
    self.corridor = corridor
    self.month = month
    self.spread = spread
  }
}

/// How long boxes stood at one border crossing or gauge change: from a box's arrival (ARRI) there
/// to its departure (DEPA) from there, over the stays that ended in the period.
public struct NodeDwell: Sendable, Equatable {
  public let location: LocationCode
  public let name: String
  /// `gauge change` or `border crossing`.
  public let kind: String
  /// The routes in the report that pass through it.
  public let routes: [String]
  /// Nil when no stay there ended in the period.
  public let spread: DurationSpread?

  package init(location: LocationCode, name: String, kind: String, routes: [String], spread: DurationSpread?) {
    self.location = location
    self.name = name
    self.kind = kind
    self.routes = routes
    self.spread = spread
  }
}

public struct TransitReport: Sendable, Equatable {
  /// By route (in route order), then month.
  public let transit: [RouteTransit]
  /// By place code.
  public let dwell: [NodeDwell]

  package init(transit: [RouteTransit], dwell: [NodeDwell]) {
    self.transit = transit
    self.dwell = dwell
  }
}

/// Whole minutes shown as days or hours with one decimal, rounded half up: exact integer
/// arithmetic, so the page and a reader's own division of the JSON's minutes agree.
public enum DurationText {
  public static func days(_ minutes: Int64) -> String { tenths(minutes, per: 1_440) }
  public static func hours(_ minutes: Int64) -> String { tenths(minutes, per: 60) }

  package static func tenths(_ minutes: Int64, per unit: Int64) -> String {
    let tenths = (minutes * 10 + unit / 2) / unit
    return DigitGrouping.grouped("\(tenths / 10).\(tenths % 10)")
  }
}
