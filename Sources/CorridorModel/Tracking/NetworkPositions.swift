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
}
