/// What an ETA is estimated from: where a box is on its route, since when, and what has been
/// reported about its arrival. Tracking assembles it; an estimator answers it (docs/eta.md).
public struct ETAQuestion: Sendable {
  /// The box's route, when it is on a shipment.
  public let route: Route?
  /// The furthest route node the box has reached (0: the origin).
  public let nodeIndex: Int
  /// Whether the box has left that node (its latest event there is a departure).
  public let departed: Bool
  /// When the box's current stretch began: its arrival at the node (or its departure from it,
  /// when `departed`); nil when nothing says.
  public let since: EventTime?
  /// The box's latest actual event.
  public let lastActual: MovementEvent?
  /// The latest estimated (EST) arrival at the route's final node that a reporter (not
  /// Corridor's own estimates) sent.
  public let reportedEstimate: EventTime?
  /// The instant the question is asked: now when tracking, the checkpoint in a backtest. An
  /// estimator reads only history that had ended before it.
  public let asOf: EventTime

  package init(
    route: Route?, nodeIndex: Int, departed: Bool = false, since: EventTime? = nil, lastActual: MovementEvent?, reportedEstimate: EventTime?,
    asOf: EventTime
  ) {
    self.route = route
    self.nodeIndex = nodeIndex
    self.departed = departed
    self.since = since
    self.lastActual = lastActual
    self.reportedEstimate = reportedEstimate
    self.asOf = asOf
  }
}

/// An estimated arrival: the median, the window the arrival falls in eight times out of ten
/// (10th to 90th percentile) when the estimate knows its spread, and what it rests on.
public struct ETAEstimate: Sendable, Equatable {
  public let median: EventTime
  public let window: Window?
  public let basis: ETABasis

  public struct Window: Sendable, Equatable {
    public let from: EventTime
    public let to: EventTime
  }

  package init(median: EventTime, window: Window?, basis: ETABasis) {
    self.median = median
    self.window = window
    self.basis = basis
  }
}

/// What an estimate rests on, said plainly to the operator (`eta basis`).
public enum ETABasis: Sendable, Equatable {
  /// The box has arrived.
  case arrived
  /// A reporter's estimated arrival.
  case reported
  /// The plan's typical hours of the legs still ahead.
  case plan
  /// What the stretches still ahead took in the recent weeks: `boxes` through `place` (the
  /// stop that weighs most) in the last `weeks` weeks; `planned` stretches had too little
  /// history and took the plan's hours.
  case history(boxes: Int, place: LocationCode, weeks: Int, planned: Int)

  /// "history: 214 trips through KZDOS in the last 8 weeks" (the contract's English; the
  /// table's language renders it itself).
  public var text: String {
    switch self {
    case .arrived: "arrived"
    case .reported: "reported"
    case .plan: "plan"
    case .history(let boxes, let place, let weeks, let planned):
      "history: \(boxes) trips through \(place.text) in the last \(weeks) weeks" + (planned > 0 ? "; plan for \(planned) of the stretches" : "")
    }
  }
}

/// The seam where an ETA is made: tracking asks, an estimator answers, so that another way of
/// estimating replaces one without touching tracking (the plan's, and the one learned from the
/// corridor's history, `LearnedETAEstimator`).
public protocol ETAEstimator {
  func estimate(for question: ETAQuestion) throws -> ETAEstimate?
}

/// The plan's estimate: the arrival a reporter estimated, else the last actual event plus the
/// plan's typical hours of the legs still ahead (`--eta plan`; what the backtest compares with).
public struct PlanETAEstimator: ETAEstimator {
  /// Whether a reporter's estimate wins over the plan's hours (tracking: yes; the backtest,
  /// which measures the plan itself: no).
  public var trustsReports = true

  public init(trustsReports: Bool = true) { self.trustsReports = trustsReports }

  public func estimate(for question: ETAQuestion) -> ETAEstimate? {
    if trustsReports, let estimate = question.reportedEstimate { return ETAEstimate(median: estimate, window: nil, basis: .reported) }
    let remainingHours = question.route?.typicalHours(from: question.nodeIndex) ?? 0
    return question.lastActual.map {
      ETAEstimate(
        median: EventTime(milliseconds: $0.time.milliseconds + Int64(remainingHours) * 3_600_000, offsetMinutes: $0.time.offsetMinutes),
        window: nil, basis: .plan)
    }
  }
}

/// Which estimate `track` shows (`--eta`): the learned one (the default) or the plan's.
public enum ETAMethod: String, Sendable, CaseIterable {
  case learned, plan
}
