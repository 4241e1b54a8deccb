import CorridorInterchange
import CorridorModel
import SQLite

/// The movement events' store: recording through the acceptance engine, retractions, reading, imports and exports.
public struct EventStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var eventStore: EventStore { EventStore(db: self) }
}

extension EventStore {
  /// Validates and appends one movement event: `EventAcceptance` decides over the database's
  /// facts; this door writes what it accepted. See docs/shipments-and-events.md for every rule.
  ///
  /// - Parameter allowGap: record an event that breaks a sequence rule anyway, keeping the
  ///   broken rule as a data-quality exception (real data has missing gate-ins).
  public func record(_ report: EventReport, allowGap: Bool = false, operator op: String) throws -> RecordOutcome {
    try mapSQLiteErrors {
      try connection.transaction { try db.outbox.notifying { try recordInTransaction(report, allowGap: allowGap, operator: op) } }
    }
  }

  /// Records several events in one transaction, in order (`POST /corridor/v1/events`): each is
  /// decided with the ones before it in place. All or nothing: the first refusal throws it,
  /// with its index, and nothing is written. With `skipInvalid`, a refused event is reported in
  /// its place and the others are written. With `party` (a party-scoped key), boxes and shipments
  /// of other parties read as unknown to the engine.
  public func record(
    batch reports: [Result<EventReport, CorridorError>], allowGap: Bool = false, skipInvalid: Bool, party: String? = nil, operator op: String
  ) throws -> [Result<RecordOutcome, CorridorError>] {
    if !skipInvalid, let index = reports.firstIndex(where: { if case .failure = $0 { true } else { false } }),
      case .failure(let error) = reports[index]
    {
      throw BatchRefusal(index: index, error: error)
    }
    return try mapSQLiteErrors {
      // One pass over the subscriptions for the whole batch, not one per event.
      try connection.transaction {
        try db.outbox.notifying {
          try reports.enumerated().map { index, parsed in
            switch parsed {
            case .failure(let error): return .failure(error)
            case .success(let report):
              do {
                return .success(try connection.savepoint { try recordInTransaction(report, allowGap: allowGap, party: party, operator: op) })
              } catch let error as CorridorError where error.kind == .invalidData {
                // The savepoint undid whatever of the refused event was written.
                guard skipInvalid else { throw BatchRefusal(index: index, error: error) }
                return .failure(error)
              }
            }
          }
        }
      }
    }
  }

  /// One event of a batch was refused, so none was recorded.
  public struct BatchRefusal: Error, Sendable {
    public let index: Int
    public let error: CorridorError
  }

  /// Decides and writes one event and its audit entry, in the caller's transaction (which
  /// writes the notifications: `notifying`).
  func recordInTransaction(_ report: EventReport, allowGap: Bool, party: String? = nil, operator op: String) throws -> RecordOutcome {
    let facts = DatabaseFacts(db: db, now: clock.now())
    let decision =
      try party.map { try EventAcceptance.decide(report, allowGap: allowGap, in: PartyScopedFacts(base: facts, party: $0, time: report.time)) }
      ?? EventAcceptance.decide(report, allowGap: allowGap, in: facts)
    switch decision {
    case .duplicate(let id, let retraction):
      return .duplicate(id: id, retraction: retraction)
    case .accepted(let accepted):
      try insert(accepted, operator: op)
      try db.auditTrail.audit(action: "insert", entity: "event", key: accepted.id, operator: op)
      return .recorded(id: accepted.id, exception: accepted.exception, offRoute: accepted.offRoute)
    }
  }

  func insert(_ accepted: EventAcceptance.Accepted, operator op: String) throws {
    var values: [SQLValue] = []
    EventColumns.values(.init(accepted: accepted, recordedAt: clock.nowUTC(), operatorName: op), into: &values)
    values.remove(at: EventColumns.seqIndex)
    try connection.execute(EventColumns.insertSQL, values)
  }

  /// Whether `id` is taken in the database, and by what.
  func recordedMatch(_ report: EventReport, id: String) throws -> RecordedMatch {
    guard let existing = try event(id: id) else { return .none }
    guard existing.report == report else { return .different(existing: "\(existing.code.rawValue) at \(existing.location) \(existing.time)") }
    return .same(retraction: existing.retracted ? existing.retractionReason ?? "" : nil)
  }

  /// A container's actual, unretracted events as the replay sees them: only the columns the
  /// replay needs, and only actual events (a box may carry many estimates: an ETA per update).
  func actualSteps(of container: ContainerNumber) throws -> [SequenceRules.Step] {
    try connection.rows(
      """
      SELECT e.seq, e.id, e.code, e.at_ms, e.at_offset_minutes, e.location FROM events e
      WHERE e.container = ? AND e.classifier = 'ACT' AND NOT EXISTS (SELECT 1 FROM event_retractions r WHERE r.event_id = e.id)
      ORDER BY e.at_ms, e.seq
      """, [.text(container.text)]
    ).map { row in
      SequenceRules.Step(
        id: try row.text("id"), code: try row.code("code"), location: try row.location("location"),
        time: try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes"), seq: try row.int64("seq"))
    }
  }

  /// Withdraws an event (DCSA retraction). The event stays in the log, marked; rules and
  /// reports ignore it. Retracting it again is a no-op (returns false).
  @discardableResult
  public func retract(eventID: String, reason: String, operator op: String) throws -> Bool {
    guard !reason.trimmingSpaces.isEmpty else { throw CorridorError.invalid("a retraction needs a reason", rule: .reason) }
    return try mapSQLiteErrors {
      try connection.transaction {
        guard let event = try event(id: eventID) else {
          throw CorridorError.invalid("unknown event \(eventID)", rule: .unknownEvent, hint: "see ids with `corridor track CONTAINER --history`")
        }
        if event.retracted { return false }
        try connection.execute(
          "INSERT INTO event_retractions(event_id, reason, recorded_at, operator) VALUES (?, ?, ?, ?)",
          [.text(eventID), .text(reason), .text(clock.nowUTC()), .text(op)])
        try db.auditTrail.audit(action: "insert", entity: "retraction", key: eventID, operator: op)
        // Push agrees with poll (docs/server.md "Push notifications").
        try db.outbox.withdrawUndelivered(seq: event.seq)
        return true
      }
    }
  }

  static let eventColumns = """
    e.seq, e.id, e.container, e.shipment, e.code, e.classifier, e.at_ms, e.at_offset_minutes, e.location, e.mode, e.vehicle,
    e.empty_laden, e.seal, e.seal_source, e.seal_type, e.note, e.carrier_booking, e.exception, e.off_route, e.recorded_at, e.operator, r.reason AS retraction_reason,
    r.event_id IS NOT NULL AS retracted
    """

  func movementEvent(from row: Row) throws(RowDecodingError) -> MovementEvent {
    let id = try row.text("id")
    let report = EventReport(
      id: id, container: try row.container("container"), code: try row.code("code"),
      time: try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes"), location: try row.location("location"),
      shipment: try row.optionalText("shipment"), classifier: try row.code("classifier"), mode: try row.optionalCode("mode"),
      vehicle: try row.optionalText("vehicle"), emptyLaden: try row.optionalCode("empty_laden"), seal: try row.optionalText("seal"),
      note: try row.optionalText("note"), carrierBooking: try row.optionalText("carrier_booking"),
      sealSource: try row.optionalCode("seal_source"), sealType: try row.optionalCode("seal_type"))
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
      // Two fixed texts rather than built ones: the import looks up every box it meets.
      try connection.rows(
        shipment == nil ? Self.eventsOfContainer : Self.eventsOfContainerOnShipment,
        [.text(container.text)] + (shipment.map { [.text($0)] } ?? [])
      ).map(movementEvent)
    }
  }

  static let eventsOfContainer = """
    SELECT \(eventColumns) FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id
    WHERE e.container = ? ORDER BY e.at_ms, e.seq
    """
  static let eventsOfContainerOnShipment = """
    SELECT \(eventColumns) FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id
    WHERE e.container = ? AND e.shipment = ? ORDER BY e.at_ms, e.seq
    """
}

extension StoreFeature {
  /// What the movement events and their retractions feature audits.
  static let events = StoreFeature(
    auditedEntities: [
      AuditedEntity(name: "event", select: EventColumns.select, keyExpression: "id"),
      AuditedEntity(
        name: "retraction",
        select: "SELECT event_id AS key, event_id AS \"eventId\", reason, recorded_at AS \"recordedAt\", operator FROM event_retractions",
        keyExpression: "event_id"),
    ])
}
