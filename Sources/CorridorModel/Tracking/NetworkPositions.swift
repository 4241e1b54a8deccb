/// Where the boxes of open shipments are now: per route, the number waiting at each node and
/// moving on each leg (from each container's newest actual event), and the open customs holds
/// per place.
public struct NetworkPositions: Sendable, Equatable {
  /// (route, node) → containers whose newest actual event is there and that are not moving.
  public var atNode: [String: Int] = [:]
  /// (route, leg's start node) → containers on the leg (departed or loaded there, not arrived).
  public var onLeg: [String: Int] = [:]
  /// Place → open customs holds.
  public var holds: [String: Int] = [:]

  package init() {}

  package static func key(_ route: String, _ node: LocationCode) -> String { "\(route)/\(node.text)" }

  /// The positions on these routes only (one corridor's page and report): their legs and nodes,
  /// and the holds at their places.
  public func restricted(to routes: [Route]) -> NetworkPositions {
    let codes = Set(routes.map(\.code))
    let places = Set(routes.flatMap(\.nodes).map(\.text))
    func ours(_ key: String) -> Bool { key.split(separator: "/", maxSplits: 1).first.map { codes.contains(String($0)) } ?? false }
    var kept = NetworkPositions()
    kept.atNode = atNode.filter { ours($0.key) }
    kept.onLeg = onLeg.filter { ours($0.key) }
    kept.holds = holds.filter { places.contains($0.key) }
    return kept
  }
}

extension ReportReading {
  /// Where the boxes are, on one corridor's routes (`corridor`), or on all (nil).
  public func networkPositions(asOf: EventTime, corridor: String?, party: String?) throws -> NetworkPositions {
    let all = try networkPositions(asOf: asOf, party: party)
    guard let corridor else { return all }
    return all.restricted(to: try routes(corridor: corridor))
  }
}
