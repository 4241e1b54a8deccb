/// The acceptance engine's facts read straight from the database: for doors that take one
/// event at a time (`event record`).
struct DatabaseFacts: AcceptanceContext {
  let db: CorridorDatabase
  let now: EventTime

  func container(_ number: ContainerNumber) throws -> ContainerFacts? {
    guard try db.isRegistered(number) else { return nil }
    return ContainerFacts(state: SequenceRules.replay(try history(of: number)).state, openShipment: try db.openShipment(of: number))
  }

  func place(_ code: LocationCode) throws -> LocationCode? { try db.location(code.text)?.code }

  func shipment(_ ref: String) throws -> ShipmentFacts? {
    guard let shipment = try db.shipmentFacts(ref) else { return nil }
    return ShipmentFacts(status: shipment.status, nodes: try db.route(shipment.route)?.nodes ?? [], containers: shipment.containers)
  }

  func recorded(_ report: EventReport, id: String) throws -> RecordedMatch { try db.recordedMatch(report, id: id) }

  func history(of container: ContainerNumber) throws -> [SequenceRules.Step] { try db.actualSteps(of: container) }
}

/// The database's facts as a party-scoped key may see them (`POST /corridor/v1/events` with a
/// key that has `--party`): containers and shipments of other parties' shipments read as
/// unknown, so the engine refuses an event on them exactly as it refuses an unknown box, and no
/// answer tells the key anything about another party's boxes or events.
struct PartyScopedFacts: AcceptanceContext {
  let base: DatabaseFacts
  let party: String

  var now: EventTime { base.now }

  func container(_ number: ContainerNumber) throws -> ContainerFacts? {
    guard try base.db.hasShipment(of: number, party: party), var facts = try base.container(number) else { return nil }
    if let open = facts.openShipment, try !base.db.shipmentBelongs(open, to: party) { facts.openShipment = nil }
    return facts
  }

  func place(_ code: LocationCode) throws -> LocationCode? { try base.place(code) }

  func shipment(_ ref: String) throws -> ShipmentFacts? {
    try base.db.shipmentBelongs(ref, to: party) ? try base.shipment(ref) : nil
  }

  func recorded(_ report: EventReport, id: String) throws -> RecordedMatch {
    let match = try base.recorded(report, id: id)
    guard case .different = match, let existing = try base.db.event(id: id) else { return match }
    // Another party's event with this id: refused without describing it.
    return try existing.report.shipment.map { try base.db.shipmentBelongs($0, to: party) } ?? false
      ? match : .different(existing: "an event this key cannot read")
  }

  func history(of container: ContainerNumber) throws -> [SequenceRules.Step] { try base.history(of: container) }
}

extension CorridorDatabase {
  /// Whether shipment `ref` is one of `party`'s.
  func shipmentBelongs(_ ref: String, to party: String) throws -> Bool {
    try connection.row("SELECT 1 WHERE ? IN (\(PartyScope.shipments))", [.text(ref)] + PartyScope.arguments(party)) != nil
  }

  /// Whether the container was ever on a shipment of `party`.
  func hasShipment(of container: ContainerNumber, party: String) throws -> Bool {
    try connection.row(
      "SELECT 1 FROM shipment_containers WHERE container = ? AND shipment IN (\(PartyScope.shipments)) LIMIT 1",
      [.text(container.text)] + PartyScope.arguments(party)) != nil
  }
}
