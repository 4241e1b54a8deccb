/// The stretches a box's remaining journey is made of, in the names the ETA's summaries keep
/// (docs/eta.md): each leg, from departing a node to arriving at the next, and each stop, from
/// arriving at an intermediate node to departing it. Stretches are kept per route: a route is a
/// service with its own timetable (the trucks to Bangkok are not those to Vientiane, though they
/// share the road to Boten), and it fixes the direction, so the westbound wait at Dostyk is not
/// the eastbound one.
public struct RouteSegment: Sendable, Hashable {
  public enum Kind: String, Sendable { case leg, stop }
  public let kind: Kind
  public let route: String
  /// A leg's start, or the place of a stop.
  public let from: LocationCode
  /// A leg's end, or where the box leaves a stop for.
  public let to: LocationCode

  public init(_ kind: Kind, route: String, from: LocationCode, to: LocationCode) {
    self.kind = kind
    self.route = route
    self.from = from
    self.to = to
  }

  /// A route's leg, and the stop before it (at its start).
  public static func leg(_ leg: Leg, on route: Route) -> RouteSegment { RouteSegment(.leg, route: route.code, from: leg.from, to: leg.to) }
  public static func stop(before leg: Leg, on route: Route) -> RouteSegment {
    RouteSegment(.stop, route: route.code, from: leg.from, to: leg.to)
  }

  /// `leg:CQ-AKL-DUI:CNCQI>CNAKL`, `stop:CQ-AKL-DUI:KZDOS>BYBQT`: the key in `eta_durations`.
  public var key: String { "\(kind.rawValue):\(route):\(from.text)>\(to.text)" }

  /// The stretches of a route from node `node` on: the stop there (unless it is the origin or
  /// the box has left it), then every leg and stop to the destination.
  public static func remaining(on route: Route, from node: Int, departed: Bool) -> [RouteSegment] {
    guard node < route.legs.count else { return [] }
    var segments: [RouteSegment] = []
    for index in node..<route.legs.count {
      if index > 0, !(index == node && departed) { segments.append(.stop(before: route.legs[index], on: route)) }
      segments.append(.leg(route.legs[index], on: route))
    }
    return segments
  }

  /// The plan's hours for the stretch: a leg's typical hours; a stop's none (the plan has no
  /// dwell, which is why it is early on the China-Europe trains).
  public func planHours(on route: Route) -> Int {
    guard kind == .leg else { return 0 }
    return route.legs.first { $0.from == from && $0.to == to }?.transitHours ?? 0
  }
}

/// Days as the summaries count them: UTC days since 1970-01-01 (`EventTime.day`'s).
public enum ETADay {
  public static func of(_ milliseconds: Int64) -> Int64 { EventTime(milliseconds: milliseconds, offsetMinutes: 0).day.ordinal }
}
