import CorridorInterchange
import CorridorModel

/// The acceptance engine's facts read straight from the database: for doors that take one
/// event at a time (`event record`).
struct DatabaseFacts: AcceptanceContext {
  let db: CorridorDatabase
  let now: EventTime

  func container(_ number: ContainerNumber) throws -> ContainerFacts? {
    guard try db.containerStore.isRegistered(number) else { return nil }
    return ContainerFacts(state: SequenceRules.replay(try history(of: number)).state, openShipment: try db.shipmentStore.openShipment(of: number))
  }

  func place(_ code: LocationCode) throws -> LocationCode? { try db.networkStore.location(code.text)?.code }

  func shipment(_ ref: String) throws -> ShipmentFacts? {
    guard let shipment = try db.shipmentStore.shipmentFacts(ref) else { return nil }
    return ShipmentFacts(status: shipment.status, nodes: try db.networkStore.route(shipment.route)?.nodes ?? [], containers: shipment.containers)
  }

  func recorded(_ report: EventReport, id: String) throws -> RecordedMatch { try db.eventStore.recordedMatch(report, id: id) }

  func history(of container: ContainerNumber) throws -> [SequenceRules.Step] { try db.eventStore.actualSteps(of: container) }

  func clearanceHolds(of container: ContainerNumber) throws -> [ClearanceHold] { try db.customsStore.clearanceHolds(of: container) }
}

/// The database's facts as a party-scoped key may see them (`POST /corridor/v1/events` with a
/// key that has `--party`), for one event at `time`: containers and shipments of other parties'
/// shipments read as unknown, so the engine refuses an event on them exactly as it refuses an
/// unknown box, and no answer tells the key anything about another party's boxes or events.
///
/// A box is the party's to write on only within its window: while its open shipment is one of
/// the party's, and for times after the box's last event on another party's shipment. A box
/// delivered on the party's shipment and then booked by another party is no longer its own;
/// an event dated back into another party's time would change (and, refused, describe) that
/// party's history.
struct PartyScopedFacts: AcceptanceContext {
  let base: DatabaseFacts
  let party: String
  /// The time of the event being decided.
  let time: EventTime

  var now: EventTime { base.now }

  func container(_ number: ContainerNumber) throws -> ContainerFacts? {
    guard let facts = try base.container(number), let open = facts.openShipment, try base.db.eventStore.shipmentBelongs(open, to: party) else {
      return nil
    }
    if let boundary = try base.db.eventStore.lastActualEvent(of: number, outsideParty: party), time.milliseconds <= boundary { return nil }
    return facts
  }

  func place(_ code: LocationCode) throws -> LocationCode? { try base.place(code) }

  func shipment(_ ref: String) throws -> ShipmentFacts? {
    try base.db.eventStore.shipmentBelongs(ref, to: party) ? try base.shipment(ref) : nil
  }

  func recorded(_ report: EventReport, id: String) throws -> RecordedMatch {
    let match = try base.recorded(report, id: id)
    guard case .different = match, let existing = try base.db.eventStore.event(id: id) else { return match }
    // Another party's event with this id: refused without describing it.
    return try existing.report.shipment.map { try base.db.eventStore.shipmentBelongs($0, to: party) } ?? false
      ? match : .different(existing: "an event this key cannot read")
  }

  func history(of container: ContainerNumber) throws -> [SequenceRules.Step] { try base.history(of: container) }

  func clearanceHolds(of container: ContainerNumber) throws -> [ClearanceHold] { try base.clearanceHolds(of: container) }
}

extension EventStore {
  /// Whether shipment `ref` is one of `party`'s.
  func shipmentBelongs(_ ref: String, to party: String) throws -> Bool {
    try connection.row("SELECT 1 WHERE ? IN (\(PartyScope.shipments))", [.text(ref)] + PartyScope.arguments(party)) != nil
  }

  /// The time (ms) of the container's last actual, unretracted event on a shipment that is not
  /// `party`'s: where that party's window on the box opens.
  func lastActualEvent(of container: ContainerNumber, outsideParty party: String) throws -> Int64? {
    try connection.scalarInt(
      """
      SELECT MAX(e.at_ms) FROM events e WHERE e.container = ? AND e.classifier = 'ACT' AND e.shipment IS NOT NULL
        AND e.shipment NOT IN (\(PartyScope.shipments)) AND NOT EXISTS (SELECT 1 FROM event_retractions r WHERE r.event_id = e.id)
      """, [.text(container.text)] + PartyScope.arguments(party))
  }
}
