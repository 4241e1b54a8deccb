/// What "delivered" means, once: a container is delivered by an actual GTOT (gate-out) or STRP
/// (stripped) at its route's final node, and a shipment when every assigned container is. The
/// `shipment_status` view states the same in SQL (it must, for the sqlite3 shell); a test holds
/// the view to `ShipmentStatus.derived` on every status.
public enum Delivery {
  public static func delivers(_ code: EventCode, classifier: EventClassifier, at place: LocationCode, finalNode: LocationCode?) -> Bool {
    canDeliver(code, classifier: classifier) && place == finalNode
  }

  /// Whether an event of this kind delivers anywhere it is the final node: lets a caller skip
  /// looking the route up for the other events.
  public static func canDeliver(_ code: EventCode, classifier: EventClassifier) -> Bool {
    classifier == .ACT && (code == .GTOT || code == .STRP)
  }
}

extension ShipmentStatus {
  /// A shipment's status from its facts, by the README's rules in their order: cancelled;
  /// delivered; customs-hold while a CUSS/CUSI of one of its events has no later CUSR of the
  /// same container at the same place; in-transit once any actual event exists; else booked.
  /// `events` are the shipment's live (unretracted) events; `containerEvents` every live event
  /// of its containers (a release may be recorded on no shipment).
  public static func derived(
    cancelled: Bool, containers: Set<ContainerNumber>, events: [MovementEvent], containerEvents: [MovementEvent], finalNode: LocationCode?
  ) -> ShipmentStatus {
    if cancelled { return .cancelled }
    let actual = events.filter { $0.report.classifier == .ACT }
    let delivered = Set(
      actual.filter { Delivery.delivers($0.code, classifier: $0.report.classifier, at: $0.location, finalNode: finalNode) }.map(\.container))
    if !containers.isEmpty, containers.isSubset(of: delivered) { return .delivered }
    let held = actual.contains { hold in
      (hold.code == .CUSS || hold.code == .CUSI) && containers.contains(hold.container)
        && !containerEvents.contains { release in
          release.code == .CUSR && release.report.classifier == .ACT && release.container == hold.container
            && release.location == hold.location && release.time.milliseconds >= hold.time.milliseconds
        }
    }
    if held { return .customsHold }
    return actual.contains { containers.contains($0.container) } ? .inTransit : .booked
  }
}
