/// What "delivered" means for one box: an actual GTOT (gate-out) or STRP (stripped) at its
/// route's final node. A shipment's status has one definition, the `shipment_status` view
/// (migration 0009, read by every status question and by the sqlite3 shell); this rule is the
/// part of it the import applies in Swift to rows it has not written yet, and the view's
/// delivered clause states it in SQL. `RuleContractTests` holds the view to the README's rules,
/// written out there independently, on every status.
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
