/// What the acceptance engine knows of a container before the new event.
public struct ContainerFacts: Sendable {
  /// Its actual, unretracted events replayed (position, holds, the latest event).
  public var state: SequenceRules.State
  /// The shipment an event without one goes on.
  public var openShipment: String?

  public init(state: SequenceRules.State, openShipment: String?) {
    self.state = state
    self.openShipment = openShipment
  }
}

/// What the acceptance engine knows of a shipment.
public struct ShipmentFacts: Sendable {
  public var status: ShipmentStatus
  /// The route's nodes, origin first: a place not among them is off-route.
  public var nodes: [LocationCode]
  public var containers: Set<ContainerNumber>

  public init(status: ShipmentStatus, nodes: [LocationCode], containers: Set<ContainerNumber>) {
    self.status = status
    self.nodes = nodes
    self.containers = containers
  }
}

/// Whether an event id is taken.
public enum RecordedMatch: Sendable, Equatable {
  /// No event has this id.
  case none
  /// An event with this id and identical content exists; `retraction` is its retraction
  /// reason when it was withdrawn.
  case same(retraction: String?)
  /// Another event has this id; `existing` describes it for the message.
  case different(existing: String)
}

/// Where the engine's facts come from: the database (`event record`), or an import's caches
/// over the database and the file read so far. The engine never knows which door an event came
/// through; a door supplies facts and writes what the engine accepted.
public protocol AcceptanceContext {
  /// The clock, for the future-event rule.
  var now: EventTime { get }
  /// The container's facts, or nil when it is not registered.
  func container(_ number: ContainerNumber) throws -> ContainerFacts?
  /// The canonical code of a place given by code or alias, or nil when unknown.
  func place(_ code: LocationCode) throws -> LocationCode?
  func shipment(_ ref: String) throws -> ShipmentFacts?
  /// Whether `id` is taken, and by what.
  func recorded(_ report: EventReport, id: String) throws -> RecordedMatch
  /// The container's actual, unretracted events (with those not yet in the database, for an
  /// import's validation pass), for replaying a late event.
  func history(of container: ContainerNumber) throws -> [SequenceRules.Step]
  /// The holds export declarations put on the container (`ClearanceHold`); asked only for an
  /// event that would take the box away from a place.
  func clearanceHolds(of container: ContainerNumber) throws -> [ClearanceHold]
  /// The id derived from the resolved report's content. Only the import answers it otherwise
  /// than the default, and it is kept on purpose: deriving an id is a SHA-256 of the row, which
  /// the import's reader thread works out ahead, in parallel with the writing thread, from the
  /// report as received; when resolving changed nothing the engine takes that one instead of
  /// hashing again on the writing thread (the thread that bounds the import's speed).
  func derivedID(of resolved: EventReport) -> String
}

extension AcceptanceContext {
  public func derivedID(of resolved: EventReport) -> String { resolved.derivedID }
}

/// The one engine that decides whether a movement event is accepted: every way in (`event
/// record`, both passes of `import events` in CSV and NDJSON, and every later door) calls it and
/// none re-implements a rule. See docs/shipments-and-events.md "Validation of actual events".
public enum EventAcceptance {
  /// How far ahead of the clock an actual event may be (clock skew between terminals).
  public static let futureToleranceMilliseconds: Int64 = 15 * 60 * 1000

  /// An accepted event, resolved (canonical place, shipment, id) and flagged.
  public struct Accepted: Sendable {
    public var report: EventReport
    public var id: String
    /// The sequence rule it broke, when accepted with `allowGap`.
    public var exception: RuleID?
    public var offRoute: Bool
    /// Earlier than the container's latest actual event.
    public var late: Bool
    /// The container's facts with the event in its place (actual events only).
    public var stateAfter: SequenceRules.State?
  }

  /// Ids and references printable and bounded, notes free of control characters but tabs and
  /// line breaks: what every export format can carry and read back (`TextRule`).
  package static func checkText(_ report: EventReport) throws(CorridorError) {
    for (field, value) in [
      ("id", report.id), ("shipment", report.shipment), ("vehicle", report.vehicle), ("seal", report.seal),
      ("carrierBooking", report.carrierBooking),
    ] {
      if let value { try TextRule.identifier(value, field: field, rule: .eventText) }
    }
    if let note = report.note { try TextRule.freeText(note, field: "note", rule: .eventText) }
  }

  public enum Decision: Sendable {
    case accepted(Accepted)
    /// The id is recorded with identical content: nothing to write. `retraction` is set when
    /// that event was retracted (it stays retracted: an id names one event forever).
    case duplicate(id: String, retraction: String?)
  }

  /// Decides for one incoming event; a refusal is a thrown `CorridorError` with its rule,
  /// message and hint.
  ///
  /// - Parameter allowGap: accept an event that breaks a sequence rule, keeping the rule as a
  ///   data-quality exception (real data has missing gate-ins).
  /// - Parameter onboarding: a new partner's first import (`import … --onboard`): a box with no
  ///   actual event yet is accepted from wherever the feed first sees it, flagged once as
  ///   `first-seen-mid-journey`; every other rule holds.
  public static func decide(
    _ input: EventReport, allowGap: Bool, onboarding: Bool = false, in context: some AcceptanceContext
  ) throws -> Decision {
    try checkText(input)
    guard let box = try context.container(input.container) else { throw CorridorError.unknownContainer(input.container) }
    // One copy of the report, resolved in place (imports decide millions of rows).
    var accepted = Accepted(report: input, id: "", exception: nil, offRoute: false, late: false, stateAfter: nil)
    guard let place = try context.place(input.location) else { throw CorridorError.unknownLocation(input.location.text) }
    accepted.report.location = place
    if accepted.report.shipment == nil {
      // A carrier's booking reference puts the event on the shipment it names; one Corridor does
      // not know is kept as data, and the event takes the container's open shipment.
      if let booking = input.carrierBooking, try context.shipment(booking) != nil {
        accepted.report.shipment = booking
      } else {
        accepted.report.shipment = box.openShipment
      }
    }
    if accepted.report.carrierBooking == accepted.report.shipment { accepted.report.carrierBooking = nil }
    let id = input.id ?? context.derivedID(of: accepted.report)
    accepted.report.id = id
    accepted.id = id

    // Idempotency first: a resent event is answered before any rule looks at it.
    switch try context.recorded(accepted.report, id: id) {
    case .same(let retraction): return .duplicate(id: id, retraction: retraction)
    case .different(let existing): throw idConflict(id, existing: existing)
    case .none: break
    }

    let container = input.container
    if let ref = accepted.report.shipment {
      guard let shipment = try context.shipment(ref) else { throw CorridorError.unknownShipment(ref) }
      guard shipment.containers.contains(container) else {
        throw CorridorError.invalid(
          "container \(container) is not on shipment \(ref)", rule: .notOnShipment,
          hint: "assign it with `corridor shipment assign \(ref) \(container)`")
      }
      guard shipment.status.isOpen else {
        throw CorridorError.invalid(
          "shipment \(ref) is \(shipment.status.rawValue); it takes no more events", rule: .shipmentClosed,
          hint: "record the event on the container's next shipment (--shipment REF), or retract the event that closed this one")
      }
      accepted.offRoute = !shipment.nodes.isEmpty && !shipment.nodes.contains(place)
    }

    guard input.classifier == .ACT else { return .accepted(accepted) }
    let time = input.time
    if time.milliseconds > context.now.milliseconds + futureToleranceMilliseconds {
      throw CorridorError.invalid(
        "actual event at \(time) is more than 15 minutes in the future (now \(context.now.utc))", rule: .futureEvent,
        hint: "use --classifier EST for a forecast")
    }
    let step = SequenceRules.Step(id: id, code: input.code, location: place, time: time, seq: .max)
    var violation: SequenceRules.Violation?
    if let last = box.state.lastMilliseconds, time.milliseconds < last {
      accepted.late = true
      (violation, accepted.stateAfter) = lateViolation(step, history: try context.history(of: container))
    } else {
      // After the latest event, one step of the replay is the whole replay.
      var state = box.state
      violation = SequenceRules.advance(&state, by: step)
      accepted.stateAfter = state
    }
    if violation == nil, SequenceRules.leavingCodes.contains(input.code),
      let hold = try context.clearanceHolds(of: container).first(where: { $0.holds(at: place, time: time) })
    {
      violation = SequenceRules.holdViolation(input.code, place, declaration: hold)
    }
    if let violation {
      if onboarding && box.state.lastMilliseconds == nil {
        // Real feeds start mid-journey: the box's first event is where Corridor meets it.
        accepted.exception = .firstSeenMidJourney
      } else {
        guard allowGap else { throw CorridorError.invalid(violation.message, rule: violation.rule, hint: hint(for: violation, at: place)) }
        accepted.exception = violation.rule
      }
    }
    return .accepted(accepted)
  }

  /// Replays the history with a late event inserted at its time: the rule it breaks, or the
  /// first rule it makes a later event break; and the state at the end.
  package static func lateViolation(
    _ step: SequenceRules.Step, history: [SequenceRules.Step]
  ) -> (SequenceRules.Violation?, SequenceRules.State) {
    // Events that already broke a rule (recorded with --allow-gap) do not block new ones.
    let before = Set(SequenceRules.replay(history).violations.map(\.step.id))
    let (state, after) = SequenceRules.replay(history + [step])
    if let own = after.first(where: { $0.step.id == step.id }) { return (own.violation, state) }
    if let later = after.first(where: { !before.contains($0.step.id) }) {
      let violation = SequenceRules.Violation(
        rule: later.violation.rule,
        message: "this late event would break the later event \(later.step.id) (\(later.step.code.rawValue) at \(later.step.location) "
          + "\(later.step.time)): \(later.violation.message)")
      return (violation, state)
    }
    return (nil, state)
  }

  /// The id-conflict refusal, also for the import's write pass, which leaves ids it does not
  /// know to the UNIQUE index and meets a conflict there.
  package static func idConflict(_ id: String, existing: String) -> CorridorError {
    CorridorError.invalid(
      "event id \(id) already exists with different content (\(existing))", rule: .eventIdConflict,
      hint: "give the event a new id, or retract the old event first")
  }

  package static func hint(for violation: SequenceRules.Violation, at place: LocationCode) -> String {
    if let hint = violation.hint { return hint }
    return violation.rule == .customsHold
      ? "record the customs release (CUSR) at \(place) first"
      : "check the time and place; if the data really has a gap, record it with --allow-gap"
  }
}
