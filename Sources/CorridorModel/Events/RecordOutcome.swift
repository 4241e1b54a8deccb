/// What `event record` did.
public enum RecordOutcome: Sendable, Equatable {
  /// Written; with the rule an `--allow-gap` event broke, and whether it is off the route.
  case recorded(id: String, exception: RuleID?, offRoute: Bool)
  /// The same id with identical content was already there: nothing written. `retraction` is
  /// the reason when that event was retracted (it stays retracted).
  case duplicate(id: String, retraction: String?)
}
