/// One status customs gave a declaration, as recorded: when, for which boxes (nil: all it
/// covers), the check or outcome that goes with it, a note, and who recorded it when.
public struct DeclarationChange: Sendable, Equatable {
  public var status: DeclarationStatus
  public var at: EventTime
  public var containers: [ContainerNumber]?
  public var check: CustomsCheck?
  public var outcome: InspectionOutcome?
  public var note: String?
  public var recordedAt: String
  public var operatorName: String

  public init(
    status: DeclarationStatus, at: EventTime, containers: [ContainerNumber]? = nil, check: CustomsCheck? = nil,
    outcome: InspectionOutcome? = nil, note: String? = nil, recordedAt: String, operatorName: String
  ) {
    self.status = status
    self.at = at
    self.containers = containers
    self.check = check
    self.outcome = outcome
    self.note = note
    self.recordedAt = recordedAt
    self.operatorName = operatorName
  }
}

/// A goods declaration with its boxes and its history.
public struct Declaration: Sendable, Equatable {
  public var number: DeclarationNumber
  public var shipment: String
  public var procedure: CustomsProcedure
  public var office: LocationCode
  public var mode: DeclarationMode
  public var value: Money?
  public var declaredAt: EventTime
  public var status: DeclarationStatus
  /// The covered boxes, in the order declared, each with its own status (release and detention
  /// may be partial).
  public var boxes: [(container: ContainerNumber, status: DeclarationStatus)]
  /// The complete declaration of a two-step one, lodged after the summary (nil until then; nil
  /// for one-step).
  public var completedAt: EventTime?
  public var history: [DeclarationChange]

  public init(
    number: DeclarationNumber, shipment: String, procedure: CustomsProcedure, office: LocationCode, mode: DeclarationMode, value: Money?,
    declaredAt: EventTime, status: DeclarationStatus, boxes: [(container: ContainerNumber, status: DeclarationStatus)],
    completedAt: EventTime?, history: [DeclarationChange]
  ) {
    self.number = number
    self.shipment = shipment
    self.procedure = procedure
    self.office = office
    self.mode = mode
    self.value = value
    self.declaredAt = declaredAt
    self.status = status
    self.boxes = boxes
    self.completedAt = completedAt
    self.history = history
  }

  public static func == (a: Declaration, b: Declaration) -> Bool {
    a.number == b.number && a.shipment == b.shipment && a.procedure == b.procedure && a.office == b.office && a.mode == b.mode
      && a.value == b.value && a.declaredAt.milliseconds == b.declaredAt.milliseconds && a.status == b.status
      && a.boxes.map(\.container) == b.boxes.map(\.container) && a.boxes.map(\.status) == b.boxes.map(\.status)
      && a.completedAt == b.completedAt && a.history == b.history
  }

  /// The status a new declaration starts in: the summary step of a two-step one, else declared.
  public static func firstStatus(_ mode: DeclarationMode) -> DeclarationStatus { mode == .twoStep ? .summary : .declared }

  /// The longest note a status keeps (the ledger's bound).
  public static let noteLength = 500

  /// Customs' statuses are facts, like actual events: no later than the clock allows an actual
  /// event (`EventAcceptance.futureToleranceMilliseconds`, for clock skew).
  public static func checkNotFuture(_ at: EventTime, now: EventTime, number: String) throws(CorridorError) {
    guard at.milliseconds <= now.milliseconds + EventAcceptance.futureToleranceMilliseconds else {
      throw .invalid(
        "declaration \(number): \(at) is more than 15 minutes in the future (now \(now.utc))", rule: .declarationStatus)
    }
  }

  /// Open: customs has not finished with it (not rejected, seized or closed).
  public var isOpen: Bool { !status.isFinal }

  /// The declaration after `change`, or the reason customs' statuses cannot go that way. The one
  /// definition of what may follow what (`DeclarationStatus.next`), applied to the declaration
  /// and to each box the change names.
  public func applying(_ change: DeclarationChange) throws(CorridorError) -> Declaration {
    func refuse(_ message: String) -> CorridorError { .invalid("declaration \(number): \(message)", rule: .declarationStatus) }
    if change.status == .selected, change.check == nil { throw refuse("selected needs --check document, physical or scan") }
    if change.status != .selected, let check = change.check { throw refuse("--check \(check.rawValue) goes with selected only") }
    if change.status == .inspected, change.outcome == nil { throw refuse("inspected needs --outcome clear, discrepancy or seized") }
    if change.status != .inspected, let outcome = change.outcome { throw refuse("--outcome \(outcome.rawValue) goes with inspected only") }
    if let note = change.note {
      try TextRule.freeText(note, field: "note", rule: .declarationStatus)
      guard (1...Self.noteLength).contains(note.count) else { throw refuse("a note is 1 to \(Self.noteLength) characters") }
    }
    if let last = history.last, change.at < last.at {
      throw refuse("\(change.status.rawValue) at \(change.at) is before its last status (\(last.status.rawValue) at \(last.at))")
    }
    var next = self
    next.history.append(change)
    // The complete declaration of a two-step one, lodged after the goods were released on the
    // summary: the status stays.
    if change.status == .declared, mode == .twoStep, completedAt == nil, status != .summary, history.contains(where: { $0.status == .summary }) {
      guard change.containers == nil else { throw refuse("the complete declaration covers every box; leave out --containers") }
      next.completedAt = change.at
      return next
    }
    if change.status == .declared, mode == .twoStep, status == .summary { next.completedAt = change.at }
    guard let named = change.containers else {
      guard status.next.contains(change.status) else {
        throw refuse("\(change.status.rawValue) may not follow \(status.rawValue) (after \(status.rawValue): \(Self.list(status.next)))")
      }
      next.status = change.status
      next.boxes = boxes.map { box in (box.container, box.status.next.contains(change.status) || box.status == status ? change.status : box.status) }
      return next
    }
    guard change.status.mayBePartial else {
      throw refuse("\(change.status.rawValue) is for the whole declaration; only released, detained and seized may name boxes")
    }
    let covered = Set(boxes.map(\.container))
    if let stranger = named.first(where: { !covered.contains($0) }) { throw refuse("\(stranger) is not on it") }
    let wanted = Set(named)
    next.boxes = try boxes.map { box throws(CorridorError) in
      guard wanted.contains(box.container) else { return box }
      guard box.status.next.contains(change.status) else {
        throw refuse("\(change.status.rawValue) may not follow \(box.status.rawValue) for \(box.container)")
      }
      return (box.container, change.status)
    }
    // The declaration's status follows its boxes: theirs when they agree; detained while any box
    // is; released when every box is released or seized; else that of the boxes still waiting
    // (whole changes move them together).
    let statuses = Set(next.boxes.map(\.status))
    if statuses.count == 1, let only = statuses.first {
      next.status = only
    } else if statuses.contains(.detained) {
      next.status = .detained
    } else if statuses.isSubset(of: [.released, .seized]) {
      next.status = .released
    } else if let waiting = next.boxes.first(where: { $0.status != .released && $0.status != .seized }) {
      next.status = waiting.status
    }
    return next
  }

  static func list(_ statuses: Set<DeclarationStatus>) -> String {
    statuses.isEmpty ? "nothing" : DeclarationStatus.allCases.filter(statuses.contains).map(\.rawValue).joined(separator: ", ")
  }
}

/// An export declaration's hold on one box at its office: from the declaration's first step until
/// customs releases the box (or rejects the declaration). A seized box is held for good. The
/// acceptance engine refuses a departure inside the window with the `customs-hold` rule, the
/// same rule as an open `CUSS`/`CUSI`: a box leaves the office's place only when customs let it.
public struct ClearanceHold: Sendable, Equatable {
  public let declaration: String
  public let place: LocationCode
  public let from: EventTime
  /// When the hold ended; nil while it holds.
  public let until: EventTime?

  public init(declaration: String, place: LocationCode, from: EventTime, until: EventTime?) {
    self.declaration = declaration
    self.place = place
    self.from = from
    self.until = until
  }

  /// Whether the box is held at `place` at `time`.
  public func holds(at place: LocationCode, time: EventTime) -> Bool {
    place == self.place && time.milliseconds >= from.milliseconds && until.map { time.milliseconds < $0.milliseconds } ?? true
  }
}

extension Declaration {
  /// The hold this declaration puts on `container`: export declarations only (an import or
  /// transit declaration is cleared where the box arrives; Corridor does not guess its exit).
  public func hold(on container: ContainerNumber) -> ClearanceHold? {
    guard procedure == .export, let first = history.first, boxes.contains(where: { $0.container == container }) else { return nil }
    let end = history.first { change in
      (change.status == .released || change.status == .rejected) && (change.containers.map { $0.contains(container) } ?? true)
    }
    return ClearanceHold(declaration: number.text, place: office, from: first.at, until: end?.at)
  }
}

/// One status customs gave a declaration, as a response file says it (UN/EDIFACT CUSRES or the
/// CSV of docs/customs.md), with where it was read: `import customs` applies it through
/// `Declaration.applying` like `customs record`.
public struct CustomsResponse: Sendable {
  public var number: String
  /// Nil for an acknowledgement only (CUSRES BGM 4343 `AB`, GIS 17 received): nothing changes.
  public var status: DeclarationStatus?
  public var at: EventTime
  /// The boxes it names (CUSRES `EQD+CN`); nil: the whole declaration.
  public var containers: [ContainerNumber]?
  public var check: CustomsCheck?
  public var outcome: InspectionOutcome?
  /// The reasons customs gave (rejection errors and free text), or a note.
  public var note: String?
  /// Where customs acted (CUSRES `LOC`; the CSV's office), for a declaration lodged outside
  /// Corridor (`--create`).
  public var place: String?
  /// For `--create`: the shipment (else the boxes' open shipment) and the procedure (else the
  /// number's import/export flag).
  public var shipment: String?
  public var procedure: CustomsProcedure?
  public var foreign: Bool
  public var position: SourcePosition

  public init(
    number: String, status: DeclarationStatus?, at: EventTime, containers: [ContainerNumber]? = nil, check: CustomsCheck? = nil,
    outcome: InspectionOutcome? = nil, note: String? = nil, place: String? = nil, shipment: String? = nil, procedure: CustomsProcedure? = nil,
    foreign: Bool = false, position: SourcePosition
  ) {
    self.number = number
    self.status = status
    self.at = at
    self.containers = containers
    self.check = check
    self.outcome = outcome
    self.note = note
    self.place = place
    self.shipment = shipment
    self.procedure = procedure
    self.foreign = foreign
    self.position = position
  }
}
