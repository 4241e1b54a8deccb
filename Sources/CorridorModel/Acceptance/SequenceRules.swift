/// The physical rules a container's actual (ACT) events must follow, checked by replaying them in
/// time order. Late events are normal on the corridors (a border post reports a day late), so a
/// new event is inserted at its time and everything after it is re-checked.
public enum SequenceRules {
  /// Where the box is, as far as its events tell.
  public enum Position: Equatable, Sendable {
    /// No actual event yet: neither in a facility nor loaded.
    case unknown
    case inFacility(LocationCode)
    /// Gated out or dropped: at a place, but in no facility and on no conveyance.
    case outside(LocationCode)
    case onConveyance(LocationCode)

    public var place: LocationCode? {
      switch self {
      case .unknown: nil
      case .inFacility(let l), .outside(let l), .onConveyance(let l): l
      }
    }

    public var isLoaded: Bool {
      if case .onConveyance = self { return true }
      return false
    }
  }

  public struct State: Sendable, Equatable {
    public var position: Position = .unknown
    /// Places with an open customs hold (CUSS or CUSI there, no CUSR yet), and since when.
    public var holds: [LocationCode: EventTime] = [:]
    /// The latest actual event so far (its instant, place and code): the same-instant rule
    /// compares the next event with it.
    public var lastMilliseconds: Int64?
    public var lastLocation: LocationCode?
    public var lastCode: EventCode?

    public init() {}
  }

  public struct Violation: Sendable, Equatable {
    public let rule: RuleID
    public let message: String
    /// What to do about it, when the rule's usual hint does not fit.
    public var hint: String? = nil
  }

  /// One event as the replay sees it.
  public struct Step: Sendable {
    public let id: String
    public let code: EventCode
    public let location: LocationCode
    public let time: EventTime
    public let seq: Int64

    public init(id: String, code: EventCode, location: LocationCode, time: EventTime, seq: Int64) {
      self.id = id
      self.code = code
      self.location = location
      self.time = time
      self.seq = seq
    }
  }

  /// The rule `code` at `place` would break in `state`, if any.
  public static func check(_ code: EventCode, at place: LocationCode, in state: State) -> Violation? {
    let position = state.position
    let hold = state.holds[place] != nil
    switch code {
    case .GTIN:
      if position.isLoaded {
        return Violation(rule: .gateInWhileLoaded, message: "GTIN at \(place) while the container is still loaded on a conveyance")
      }
      if case .inFacility(let other) = position, other != place {
        return Violation(rule: .gateInWhileInFacility, message: "GTIN at \(place) while the container is inside the facility at \(other)")
      }
    case .GTOT:
      guard case .inFacility(let here) = position, here == place else {
        return Violation(
          rule: .gateOutNotInFacility, message: "GTOT from \(place), a facility the container is not in (\(describe(position)))")
      }
      if hold { return holdViolation(code, place) }
    case .LOAD:
      if position.isLoaded {
        return Violation(rule: .loadWhenLoaded, message: "LOAD at \(place) while the container is already loaded")
      }
      if let here = position.place, here != place {
        return Violation(rule: .loadNotAtPlace, message: "LOAD at \(place) but the container is at \(here)")
      }
      if hold { return holdViolation(code, place) }
    case .DISC, .DEPA, .ARRI, .CROS:
      guard position.isLoaded else {
        return Violation(
          rule: notLoadedRule[code] ?? .discWhenNotLoaded,
          message: "\(code.rawValue) at \(place) but the container is not loaded (\(describe(position)))")
      }
      if code == .DEPA, hold { return holdViolation(code, place) }
    default:
      break
    }
    return nil
  }

  package static let notLoadedRule: [EventCode: RuleID] = [
    .DISC: .discWhenNotLoaded, .DEPA: .depaWhenNotLoaded, .ARRI: .arriWhenNotLoaded, .CROS: .crosWhenNotLoaded,
  ]

  /// The events that take a box away from a place: what a customs hold there refuses.
  public static let leavingCodes: Set<EventCode> = [.GTOT, .LOAD, .DEPA]

  package static func holdViolation(_ code: EventCode, _ place: LocationCode) -> Violation {
    Violation(rule: .customsHold, message: "\(code.rawValue) at \(place) while customs holds the container there (no CUSR yet)")
  }

  /// The same rule when the hold is an export declaration not yet released.
  package static func holdViolation(_ code: EventCode, _ place: LocationCode, declaration hold: ClearanceHold) -> Violation {
    Violation(
      rule: .customsHold,
      message: "\(code.rawValue) at \(place) while export declaration \(hold.declaration) (lodged \(hold.from)) has not released the container",
      hint: "record the release first: corridor customs record \(hold.declaration) released --at TIME")
  }

  package static func describe(_ position: Position) -> String {
    switch position {
    case .unknown: "no earlier actual event"
    case .inFacility(let l): "in the facility at \(l)"
    case .outside(let l): "outside any facility at \(l)"
    case .onConveyance(let l): "loaded, last at \(l)"
    }
  }

  /// Applies an event's effect. Effects apply even to events recorded with `--allow-gap`: the box
  /// really did what the event says.
  public static func apply(_ code: EventCode, at place: LocationCode, time: EventTime, to state: inout State) {
    switch code {
    case .GTIN, .DISC: state.position = .inFacility(place)
    case .GTOT, .PICK, .DROP: state.position = .outside(place)
    case .LOAD, .DEPA, .ARRI, .CROS: state.position = .onConveyance(place)
    case .CUSS, .CUSI: if state.holds[place] == nil { state.holds[place] = time }
    case .CUSR: state.holds[place] = nil
    case .STUF, .STRP, .INSP, .RSEA, .RMVD:
      if case .unknown = state.position { state.position = .inFacility(place) }
    }
  }

  /// One step of the replay: the rule `step` breaks after `state`, if any; then its effect,
  /// which applies either way. Checking a new event after the latest one is exactly this step,
  /// so the incremental check and the replay cannot disagree.
  public static func advance(_ state: inout State, by step: Step) -> Violation? {
    let violation: Violation?
    if state.lastMilliseconds == step.time.milliseconds, let place = state.lastLocation, place != step.location {
      violation = Violation(
        rule: .sameInstantDifferentPlaces,
        message: "\(step.code.rawValue) at \(step.location) at the same instant as \(state.lastCode?.rawValue ?? "an event") at \(place)")
    } else {
      violation = check(step.code, at: step.location, in: state)
    }
    apply(step.code, at: step.location, time: step.time, to: &state)
    state.lastMilliseconds = step.time.milliseconds
    state.lastLocation = step.location
    state.lastCode = step.code
    return violation
  }

  /// The events the rules judge by: actual and not retracted, as steps.
  public static func steps(of events: [MovementEvent]) -> [Step] {
    events.filter { $0.report.classifier == .ACT && !$0.retracted }.map {
      Step(id: $0.id, code: $0.code, location: $0.location, time: $0.time, seq: $0.seq)
    }
  }

  /// Replays steps in time order (ties by sequence) and returns the state and every violation.
  public static func replay(_ steps: [Step]) -> (state: State, violations: [(step: Step, violation: Violation)]) {
    let ordered = steps.sorted { ($0.time.milliseconds, $0.seq) < ($1.time.milliseconds, $1.seq) }
    var state = State()
    var violations: [(Step, Violation)] = []
    for step in ordered {
      if let violation = advance(&state, by: step) { violations.append((step, violation)) }
    }
    return (state, violations)
  }
}
