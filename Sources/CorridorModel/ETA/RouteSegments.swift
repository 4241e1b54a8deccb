/// The stretches a box's remaining journey is made of, in the names the ETA's summaries keep
/// (docs/eta.md): each leg, from departing a node to arriving at the next, and each stop, from
/// arriving at an intermediate node to departing it. A stop is named with the place the box
/// leaves for and how, so the westbound wait at Dostyk is not the eastbound one, and a truck's
/// wait at Boten is not a train's.
public enum RouteSegment: Sendable, Hashable {
  case leg(from: LocationCode, to: LocationCode, mode: TransportMode)
  case stop(at: LocationCode, next: LocationCode, mode: TransportMode)

  /// The leg itself, and the stop before it (at its start).
  public static func leg(_ leg: Leg) -> RouteSegment { .leg(from: leg.from, to: leg.to, mode: leg.mode) }
  public static func stop(before leg: Leg) -> RouteSegment { .stop(at: leg.from, next: leg.to, mode: leg.mode) }

  /// `leg:rail:CNCQI>CNAKL`, `stop:rail:KZDOS>BYBQT`: the key in `eta_durations`.
  public var key: String {
    switch self {
    case .leg(let from, let to, let mode): "leg:\(mode.rawValue):\(from.text)>\(to.text)"
    case .stop(let at, let next, let mode): "stop:\(mode.rawValue):\(at.text)>\(next.text)"
    }
  }

  /// The stretches of a route from node `node` on: the stop there (unless it is the origin or
  /// the box has left it), then every leg and stop to the destination.
  public static func remaining(on route: Route, from node: Int, departed: Bool) -> [RouteSegment] {
    guard node < route.legs.count else { return [] }
    var segments: [RouteSegment] = []
    for index in node..<route.legs.count {
      if index > 0, !(index == node && departed) { segments.append(.stop(before: route.legs[index])) }
      segments.append(.leg(route.legs[index]))
    }
    return segments
  }

  /// The plan's hours for the stretch: a leg's typical hours; a stop's none (the plan has no
  /// dwell, which is why it is early on the China-Europe trains).
  public func planHours(on route: Route) -> Int {
    guard case .leg(let from, let to, let mode) = self else { return 0 }
    return route.legs.first { $0.from == from && $0.to == to && $0.mode == mode }?.transitHours ?? 0
  }
}

/// Days as the summaries count them: UTC days since 1970-01-01.
public enum ETADay {
  public static func of(_ milliseconds: Int64) -> Int64 {
    milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
  }
}
