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
