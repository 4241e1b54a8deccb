import Foundation

/// Where the learned estimate reads what each stretch took: boxes per whole hour of duration,
/// per day on which the stretch ended (the store's `eta_durations`; an in-memory copy in the
/// backtest).
public protocol SegmentHistory {
  func durations(of segment: RouteSegment, days: ClosedRange<Int64>) throws -> [SegmentDuration]
}

/// Boxes whose stretch took `hours` whole hours and ended on `day` (UTC days since 1970).
public struct SegmentDuration: Sendable, Equatable {
  public let day: Int64
  public let hours: Int
  public let boxes: Int

  public init(day: Int64, hours: Int, boxes: Int) {
    self.day = day
    self.hours = hours
    self.boxes = boxes
  }
}

/// The ETA learned from the corridor's own history (docs/eta.md): for each stretch still ahead,
/// what it took in the `recentWeeks` weeks before the day of the question (recent weeks
/// weighing more), scaled by the season (how the same stretch a year earlier changed from those
/// weeks to the weeks the box will pass, damped), combined as independent stretches into the 10th,
/// 50th and 90th percentile of the arrival. A stretch with fewer than `minimumBoxes` boxes
/// in those weeks takes the plan's hours instead, and the basis says how many did; when every
/// stretch does, the estimate is the plan's (`PlanETAEstimator`, a reporter's estimate first).
/// Only stretches that ended before the day of the question are read: never the future.
public struct LearnedETAEstimator<History: SegmentHistory>: ETAEstimator {
  public let history: History
  public var recentWeeks: Int64 = 8
  public var minimumBoxes = 30
  /// A week's weight against the next one's.
  public var decay = 0.85
  /// Days either side of the passage, a year earlier, that give the season.
  public var seasonDays: Int64 = 28
  /// How widely a sample of one run is spread (log terms; divided by the square root of the
  /// runs): on the demo's thin history it took the window's coverage from 18 % to 49 %, on a
  /// year's from 79 % to 81 %, the error unchanged.
  public var sampleSpread = 0.35

  public init(history: History) { self.history = history }

  public func estimate(for question: ETAQuestion) throws -> ETAEstimate? {
    guard let route = question.route, let last = question.lastActual else { return nil }
    // Not yet left the origin: the journey starts when asked.
    let waiting = question.nodeIndex == 0 && !question.departed
    let anchor = waiting ? question.asOf : question.since ?? last.time
    guard question.nodeIndex < route.legs.count else { return ETAEstimate(median: anchor, window: nil, basis: .arrived) }
    let elapsed = Int(max(0, question.asOf.milliseconds - anchor.milliseconds) / 3_600_000)
    let ahead = try remaining(
      on: route, from: question.nodeIndex, departed: question.departed, day: ETADay.of(question.asOf.milliseconds), elapsedHours: elapsed)
    // No stretch ahead has history enough: the plan's estimate, a reporter's first.
    guard ahead.basis != .plan else { return PlanETAEstimator().estimate(for: question) }
    // From the moment asked: what is left of the current stretch, and the stretches after it.
    let from = max(question.asOf.milliseconds, anchor.milliseconds)
    func at(_ share: Double) -> EventTime {
      EventTime(milliseconds: from + Int64(ahead.distribution.percentile(share)) * 3_600_000, offsetMinutes: anchor.offsetMinutes)
    }
    return ETAEstimate(median: at(0.5), window: .init(from: at(0.1), to: at(0.9)), basis: ahead.basis)
  }

  /// The distribution of the time to the arrival, as the history before `day` says, and what it
  /// rests on: what is left of the current stretch after the `elapsedHours` already spent in it
  /// (the durations longer than that, less it; none when the box is past them all), then the
  /// stretches after it.
  public func remaining(on route: Route, from node: Int, departed: Bool, day: Int64, elapsedHours: Int = 0) throws -> (
    distribution: DurationHistogram, basis: ETABasis
  ) {
    var sum = DurationHistogram()
    var planned = 0
    var learned = 0
    var weighty: (boxes: Int, place: LocationCode, hours: Int)?
    var offsetHours = 0
    for (index, segment) in RouteSegment.remaining(on: route, from: node, departed: departed).enumerated() {
      let passage = day + Int64(offsetHours / 24)
      var part: DurationHistogram
      if let sample = try sample(segment, day: day, passage: passage) {
        part = sample.histogram
        learned += 1
        if segment.kind == .stop, sample.histogram.percentile(0.5) >= weighty?.hours ?? -1 {
          weighty = (sample.boxes, segment.from, sample.histogram.percentile(0.5))
        } else if weighty == nil {
          weighty = (sample.boxes, segment.from, -1)
        }
      } else {
        part = .point(segment.planHours(on: route))
        planned += 1
      }
      if index == 0 { part = part.remaining(after: elapsedHours) }
      offsetHours += part.percentile(0.5)
      sum = sum.adding(part)
    }
    guard learned > 0, let weighty else { return (sum, .plan) }
    return (sum, .history(boxes: weighty.boxes, place: weighty.place, weeks: Int(recentWeeks), planned: planned))
  }

  /// The stretch's recent durations, weighted and scaled by the season; nil when too few boxes.
  func sample(_ segment: RouteSegment, day: Int64, passage: Int64) throws -> (histogram: DurationHistogram, boxes: Int)? {
    let recent = try history.durations(of: segment, days: (day - 7 * recentWeeks)...(day - 1))
    let boxes = recent.reduce(0) { $0 + $1.boxes }
    guard boxes >= minimumBoxes else { return nil }
    let factor = try season(segment, day: day, passage: passage)
    // A few trains say little about the next one: each duration is spread (log-normally, over
    // five points) by a width that shrinks with the number of distinct runs in the sample.
    let width = sampleSpread / Double(recent.count).squareRoot()
    var histogram = DurationHistogram()
    for row in recent {
      let weight = Double(row.boxes) * pow(decay, Double(day - 1 - row.day) / 7)
      for z in Self.spread { histogram.add(hours: row.hours, weight: weight / 5, factor: factor * exp(width * z)) }
    }
    return (histogram, boxes)
  }

  /// How the stretch changed a year earlier from the recent weeks to the passage: the square
  /// root of the ratio of its medians (last year's own queues are noise in that ratio: the
  /// whole ratio made the backtest worse, half of it in log terms better), kept within a half and
  /// two and a half; 1 without a year of history.
  func season(_ segment: RouteSegment, day: Int64, passage: Int64) throws -> Double {
    let before = try history.durations(of: segment, days: (day - 364 - 7 * recentWeeks)...(day - 365))
    let then = try history.durations(of: segment, days: (passage - 364 - seasonDays)...(passage - 364 + seasonDays))
    guard before.reduce(0, { $0 + $1.boxes }) >= minimumBoxes, then.reduce(0, { $0 + $1.boxes }) >= minimumBoxes else { return 1 }
    let (a, b) = (Self.median(before), Self.median(then))
    guard a > 0 else { return 1 }
    return min(2.5, max(0.5, (Double(b) / Double(a)).squareRoot()))
  }

  /// The standard normal's quintile midpoints (10th, 30th, 50th, 70th, 90th percentiles).
  static var spread: [Double] { [-1.2816, -0.5244, 0, 0.5244, 1.2816] }

  static func median(_ rows: [SegmentDuration]) -> Int {
    var histogram = DurationHistogram()
    for row in rows { histogram.add(hours: row.hours, weight: Double(row.boxes)) }
    return histogram.percentile(0.5)
  }
}

/// Summaries held in memory (the backtest's many questions read them without a query each).
public struct InMemorySegmentHistory: SegmentHistory {
  /// Segment key → its rows, by day.
  let rows: [String: [SegmentDuration]]

  public init(_ rows: [String: [SegmentDuration]]) { self.rows = rows.mapValues { $0.sorted { $0.day < $1.day } } }

  public func durations(of segment: RouteSegment, days: ClosedRange<Int64>) -> [SegmentDuration] {
    guard let list = rows[segment.key] else { return [] }
    var (low, high) = (0, list.count)
    while low < high {
      let mid = (low + high) / 2
      if list[mid].day >= days.lowerBound { high = mid } else { low = mid + 1 }
    }
    var result: [SegmentDuration] = []
    var index = low
    while index < list.count, list[index].day <= days.upperBound {
      result.append(list[index])
      index += 1
    }
    return result
  }
}
