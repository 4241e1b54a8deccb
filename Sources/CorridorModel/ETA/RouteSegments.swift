/// The stretches a box's remaining journey is made of, in the names the ETA's summaries keep
/// (docs/eta.md): each leg, from departing a node to arriving at the next, and each stop, from
/// arriving at an intermediate node to departing it. A stop is named with the place the box
/// leaves for, so the westbound wait at Dostyk is not the eastbound one.
public enum RouteSegment: Sendable, Hashable {
  case leg(from: LocationCode, to: LocationCode)
  case stop(at: LocationCode, next: LocationCode)

  /// `leg:CNCQI>CNAKL`, `stop:KZDOS>BYBQT`: the key in `eta_durations`.
  public var key: String {
    switch self {
    case .leg(let from, let to): "leg:\(from.text)>\(to.text)"
    case .stop(let at, let next): "stop:\(at.text)>\(next.text)"
    }
  }

  /// The stretches of a route from node `node` on: the stop there (unless it is the origin or
  /// the box has left it), then every leg and stop to the destination.
  public static func remaining(on route: Route, from node: Int, departed: Bool) -> [RouteSegment] {
    let nodes = route.nodes
    guard node < route.legs.count else { return [] }
    var segments: [RouteSegment] = []
    for index in node..<route.legs.count {
      if index > 0, !(index == node && departed) { segments.append(.stop(at: nodes[index], next: nodes[index + 1])) }
      segments.append(.leg(from: nodes[index], to: nodes[index + 1]))
    }
    return segments
  }

  /// The plan's hours for the stretch: a leg's typical hours; a stop's none (the plan has no
  /// dwell, which is why it is early on the China-Europe trains).
  public func planHours(on route: Route) -> Int {
    guard case .leg(let from, let to) = self else { return 0 }
    return route.legs.first { $0.from == from && $0.to == to }?.transitHours ?? 0
  }
}

/// Weeks as the summaries count them: Monday-based, numbered from the week of 1970-01-01.
public enum ETAWeek {
  public static func of(_ milliseconds: Int64) -> Int64 {
    let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
    let shifted = days + 3
    return shifted >= 0 ? shifted / 7 : (shifted - 6) / 7
  }
}
