import SQLite

/// What `event record` did.
public enum RecordOutcome: Sendable, Equatable {
  /// Written; with the rule an `--allow-gap` event broke, and whether it is off the route.
  case recorded(id: String, exception: String?, offRoute: Bool)
  /// The same id with identical content was already there: nothing written.
  case duplicate(id: String)
}

extension CorridorDatabase {
  /// How far ahead of the clock an actual event may be (clock skew between terminals).
  static let futureToleranceMilliseconds: Int64 = 15 * 60 * 1000

  /// Validates and appends one movement event. See README "Movement events" for every rule.
  ///
  /// - Parameters:
  ///   - allowGap: record an event that breaks a sequence rule anyway, keeping the broken rule as
  ///     a data-quality exception (real data has missing gate-ins).
  ///   - now: the clock, for the "not in the future" rule.
  public func record(
    _ report: EventReport, allowGap: Bool = false, operator op: String, now: EventTime = .now()
  ) throws -> RecordOutcome {
    try mapSQLiteErrors {
      try connection.transaction {
        try recordInTransaction(report, allowGap: allowGap, operator: op, now: now)
      }
    }
  }

  func recordInTransaction(_ report: EventReport, allowGap: Bool, operator op: String, now: EventTime) throws -> RecordOutcome {
    var report = report
    _ = try requireContainer(report.container)
    report.location = try resolveLocation(report.location.text)
    if report.shipment == nil { report.shipment = try openShipment(of: report.container) }
    let id = report.id ?? report.derivedID
    report.id = id

    // Idempotency first: a resent event is answered before any rule looks at it.
    if try isRecorded(report, id: id) {
      // Recording a retracted event again used to answer "nothing changed" and leave it
      // retracted. An id names one event forever; the same content needs a new id. (Imports
      // count such rows as already recorded: re-running a day's file adds nothing.)
      if let event = try event(id: id), event.retracted {
        throw CorridorError.invalid(
          "event \(id) was recorded with this content and then retracted (\(event.retractionReason ?? "no reason given")); it stays retracted",
          rule: "event-retracted", hint: "to record it again, give it a new id: --id NEW-ID")
      }
      return .duplicate(id: id)
    }

    var route: Route?
    if let ref = report.shipment {
      let shipment = try requireShipment(ref)
      guard shipment.containers.contains(where: { $0.container == report.container }) else {
        throw CorridorError.invalid(
          "container \(report.container) is not on shipment \(ref)", rule: "not-on-shipment",
          hint: "assign it with `corridor shipment assign \(ref) \(report.container)`")
      }
      guard shipment.status.isOpen else {
        throw CorridorError.invalid(
          "shipment \(ref) is \(shipment.status.rawValue); it takes no more events", rule: "shipment-closed",
          hint: "record the event on the container's next shipment (--shipment REF), or retract the event that closed this one")
      }
      route = try self.route(shipment.booking.route)
    }

    var exception: String?
    if report.classifier == .ACT {
      if report.time.milliseconds > now.milliseconds + Self.futureToleranceMilliseconds {
        throw CorridorError.invalid(
          "actual event at \(report.time) is more than 15 minutes in the future (now \(now.utc))", rule: "future-event",
          hint: "use --classifier EST for a forecast")
      }
      if let violation = try sequenceViolation(for: report, id: id) {
        guard allowGap else {
          let hint =
            violation.rule == "customs-hold"
            ? "record the customs release (CUSR) at \(report.location) first"
            : "check the time and place; if the data really has a gap, record it with --allow-gap"
          throw CorridorError.invalid(violation.message, rule: violation.rule, hint: hint)
        }
        exception = violation.rule
      }
    }
    let offRoute = route.map { !$0.nodes.contains(report.location) } ?? false

    try connection.execute(
      """
      INSERT INTO events(id, container, shipment, code, classifier, at_ms, at_offset_minutes, location, mode, vehicle, empty_laden,
                         seal, note, exception, off_route, recorded_at, operator)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        .text(id), .text(report.container.text), SQLValue(report.shipment), .text(report.code.rawValue),
        .text(report.classifier.rawValue), .integer(report.time.milliseconds), .integer(Int64(report.time.offsetMinutes)),
        .text(report.location.text), SQLValue(report.mode?.rawValue), SQLValue(report.vehicle), SQLValue(report.emptyLaden?.rawValue),
        SQLValue(report.seal), SQLValue(report.note), SQLValue(exception), SQLValue(offRoute), .text(Timestamps.nowUTC()), .text(op),
      ])
    try audit(action: "insert", entity: "event", key: id, operator: op)
    return .recorded(id: id, exception: exception, offRoute: offRoute)
  }

  /// True when an identical event is recorded under `id`, false when no event has that id;
  /// throws when the id holds different content (an id names one event, forever).
  func isRecorded(_ report: EventReport, id: String) throws -> Bool {
    guard let existing = try event(id: id) else { return false }
    var stored = existing.report
    stored.id = id
    if stored == report { return true }
    throw CorridorError.invalid(
      "event id \(id) already exists with different content (\(existing.code.rawValue) at \(existing.location) \(existing.time))",
      rule: "event-id-conflict", hint: "give the event a new id, or retract the old event first")
  }

  /// Replays the container's actual events with the new one inserted at its time. Returns the
  /// rule the new event breaks, or the first rule it makes a later event break.
  func sequenceViolation(for report: EventReport, id: String) throws -> SequenceRules.Violation? {
    try sequenceCheck(for: report, id: id).violation
  }

  /// The same, with `pending` steps that are not in the database yet (an import's validation
  /// pass: the file's earlier rows for this box), and the box's state after the new event.
  func sequenceCheck(
    for report: EventReport, id: String, pending: [SequenceRules.Step] = []
  ) throws -> (violation: SequenceRules.Violation?, state: SequenceRules.State) {
    let existing = try events(container: report.container).filter { $0.report.classifier == .ACT && !$0.retracted }
    let steps = existing.map { SequenceRules.Step(id: $0.id, code: $0.code, location: $0.location, time: $0.time, seq: $0.seq) } + pending
    let newStep = SequenceRules.Step(id: id, code: report.code, location: report.location, time: report.time, seq: .max)
    // Events that already broke a rule (recorded with --allow-gap) do not block new ones.
    let before = Set(SequenceRules.replay(steps).violations.map(\.step.id))
    let (state, after) = SequenceRules.replay(steps + [newStep])
    if let own = after.first(where: { $0.step.id == id }) { return (own.violation, state) }
    if let later = after.first(where: { !before.contains($0.step.id) }) {
      let violation = SequenceRules.Violation(
        rule: later.violation.rule,
        message: "this late event would break the later event \(later.step.id) (\(later.step.code.rawValue) at \(later.step.location) "
          + "\(later.step.time)): \(later.violation.message)")
      return (violation, state)
    }
    return (nil, state)
  }

  /// Withdraws an event (DCSA retraction). The event stays in the log, marked; rules and
  /// reports ignore it. Retracting it again is a no-op (returns false).
  @discardableResult
  public func retract(eventID: String, reason: String, operator op: String) throws -> Bool {
    guard !reason.trimmingSpaces.isEmpty else { throw CorridorError.invalid("a retraction needs a reason", rule: "reason") }
    return try mapSQLiteErrors {
      try connection.transaction {
        guard let event = try event(id: eventID) else {
          throw CorridorError.invalid("unknown event \(eventID)", rule: "unknown-event", hint: "see ids with `corridor track CONTAINER --history`")
        }
        if event.retracted { return false }
        try connection.execute(
          "INSERT INTO event_retractions(event_id, reason, recorded_at, operator) VALUES (?, ?, ?, ?)",
          [.text(eventID), .text(reason), .text(Timestamps.nowUTC()), .text(op)])
        try audit(action: "insert", entity: "retraction", key: eventID, operator: op)
        return true
      }
    }
  }

  static let eventColumns = """
    e.seq, e.id, e.container, e.shipment, e.code, e.classifier, e.at_ms, e.at_offset_minutes, e.location, e.mode, e.vehicle,
    e.empty_laden, e.seal, e.note, e.exception, e.off_route, e.recorded_at, e.operator, r.reason AS retraction_reason,
    r.event_id IS NOT NULL AS retracted
    """

  func movementEvent(from row: Row) throws(RowDecodingError) -> MovementEvent {
    let id = try row.text("id")
    let report = EventReport(
      id: id, container: try row.container("container"), code: try row.code("code"),
      time: try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes"), location: try row.location("location"),
      shipment: try row.optionalText("shipment"), classifier: try row.code("classifier"), mode: try row.optionalCode("mode"),
      vehicle: try row.optionalText("vehicle"), emptyLaden: try row.optionalCode("empty_laden"), seal: try row.optionalText("seal"),
      note: try row.optionalText("note"))
    return MovementEvent(
      seq: try row.int64("seq"), id: id, report: report, exception: try row.optionalText("exception"), offRoute: try row.bool("off_route"),
      retracted: try row.bool("retracted"), retractionReason: try row.optionalText("retraction_reason"),
      recordedAt: try row.text("recorded_at"), recordedBy: try row.text("operator"))
  }

  public func event(id: String) throws -> MovementEvent? {
    try mapSQLiteErrors {
      try connection.row(
        "SELECT \(Self.eventColumns) FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id WHERE e.id = ?", [.text(id)]
      ).map(movementEvent)
    }
  }

  /// A container's events in time order (retracted ones included, marked).
  public func events(container: ContainerNumber, shipment: String? = nil) throws -> [MovementEvent] {
    try mapSQLiteErrors {
      var conditions = Conditions()
      conditions.add("e.container = ?", .text(container.text))
      conditions.add("e.shipment = ?", SQLValue(shipment))
      return try connection.rows(
        """
        SELECT \(Self.eventColumns) FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id
        \(conditions.sql) ORDER BY e.at_ms, e.seq
        """, conditions.arguments
      ).map(movementEvent)
    }
  }
}
