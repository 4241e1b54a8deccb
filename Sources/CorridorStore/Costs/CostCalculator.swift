import CorridorInterchange
import CorridorModel
import SQLite

/// The costs' store: tariffs, policies, FX rates and a shipment's cost.
public struct CostStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var costStore: CostStore { CostStore(db: self) }
}

extension CostCalculator {
  public init(database: CorridorDatabase) throws {
    self.init(
      tariffs: try database.costStore.tariffs(), policies: try database.costStore.policies(), fx: try database.costStore.fxTable(),
      routes: try database.networkStore.routes())
  }
}

extension CostStore {
  /// The cost of one shipment in `currency` (default CNY).
  public func cost(of ref: String, currency: Currency = .cny, fxAt: Day? = nil) throws -> ShipmentCost {
    let shipment = try db.shipmentStore.requireShipment(ref).booked
    return try CostCalculator(database: db).cost(of: shipment, sizeTypes: try sizeTypes(of: shipment), currency: currency, fxAt: fxAt)
  }

  /// The size types of one shipment's containers: a year's ledger has hundreds of thousands of
  /// containers, and neither one shipment's cost nor a report (one shipment at a time) may read
  /// them all. `parsed` keeps the codes already parsed, for a report's many shipments.
  func sizeTypes(of shipment: BookedShipment, parsed: inout [String: SizeType]) throws -> [ContainerNumber: SizeType] {
    let numbers = Dictionary(shipment.containers.map { ($0.container.text, $0.container) }, uniquingKeysWith: { a, _ in a })
    var types: [ContainerNumber: SizeType] = [:]
    try mapSQLiteErrors {
      for row in try connection.rows(
        "SELECT sc.container, c.size_type FROM shipment_containers sc JOIN containers c ON c.number = sc.container WHERE sc.shipment = ?",
        [.text(shipment.ref)])
      {
        let code = try row.text("size_type")
        let type = try parsed[code] ?? row.parsed("size_type", "ISO 6346 size-type code") { try? SizeType(parsing: $0) }
        parsed[code] = type
        if let number = numbers[try row.text("container")] { types[number] = type }
      }
    }
    return types
  }

  func sizeTypes(of shipment: BookedShipment) throws -> [ContainerNumber: SizeType] {
    var parsed: [String: SizeType] = [:]
    return try sizeTypes(of: shipment, parsed: &parsed)
  }
}
