/// What an ETA is estimated from: where a box is on its route and what has been reported about
/// its arrival. Tracking assembles it; an estimator answers it (docs/tracking.md).
public struct ETAQuestion: Sendable {
  /// The box's route, when it is on a shipment.
  public let route: Route?
  /// The furthest route node the box has reached (0: the origin).
  public let nodeIndex: Int
  /// The box's latest actual event.
  public let lastActual: MovementEvent?
  /// The latest estimated (EST) arrival at the route's final node that was reported.
  public let reportedEstimate: EventTime?

  package init(route: Route?, nodeIndex: Int, lastActual: MovementEvent?, reportedEstimate: EventTime?) {
    self.route = route
    self.nodeIndex = nodeIndex
    self.lastActual = lastActual
    self.reportedEstimate = reportedEstimate
  }
}

/// The seam where an ETA is made: tracking asks, an estimator answers, so that another way of
/// estimating (one learned from the corridor's history) replaces this one without touching
/// tracking.
public protocol ETAEstimator: Sendable {
  func eta(for question: ETAQuestion) -> EventTime?
}

/// Today's estimate: the arrival a reporter estimated, else the last actual event plus the plan's
/// typical hours of the legs still ahead.
public struct PlanETAEstimator: ETAEstimator {
  public init() {}

  public func eta(for question: ETAQuestion) -> EventTime? {
    if let estimate = question.reportedEstimate { return estimate }
    let remainingHours = (question.route?.legs ?? []).dropFirst(question.nodeIndex).reduce(0) { $0 + $1.transitHours }
    return question.lastActual.map {
      EventTime(milliseconds: $0.time.milliseconds + Int64(remainingHours) * 3_600_000, offsetMinutes: $0.time.offsetMinutes)
    }
  }
}
