/// When Corridor tells the feed that a box's arrival moved (docs/eta.md "Estimated events"): a
/// DCSA estimated `ARRI` (classifier `EST`) at the destination, recorded through the acceptance
/// engine by `operatorName`, when the learned median moved by `thresholdHours` or more since
/// the last one Corridor published, and never twice for the same actual event.
public enum ETAPublication {
  /// The operator Corridor's own estimates are recorded by: how tracking tells them from a
  /// reporter's estimates (which `--eta plan` trusts).
  public static let operatorName = "corridor-eta"
  public static let thresholdHours: Int64 = 6

  /// Whether to publish `estimate`, given Corridor's last published estimate for the box (its
  /// time and sequence number) and the sequence number of the box's newest actual event.
  public static func publishes(_ estimate: EventTime, last: (time: EventTime, seq: Int64)?, newestActualSeq: Int64) -> Bool {
    guard let last else { return true }
    guard last.seq < newestActualSeq else { return false }
    return abs(estimate.milliseconds - last.time.milliseconds) >= thresholdHours * 3_600_000
  }
}
