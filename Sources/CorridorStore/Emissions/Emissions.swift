import CorridorInterchange
import CorridorModel

/// The emissions' store: emission and hub factors and a shipment's emissions.
public struct EmissionStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var emissionStore: EmissionStore { EmissionStore(db: self) }
}

extension EmissionCalculator {
  public init(database: CorridorDatabase) throws {
    self.init(
      factors: try database.emissionStore.emissionFactors(), hubs: try database.emissionStore.hubFactors(), routes: try database.networkStore.routes()
    )
  }
}

extension EmissionStore {
  /// The emissions of one shipment, optionally beside a comparison mode mix.
  public func emissions(of ref: String, compare: [ComparisonLeg] = []) throws -> ShipmentEmissions {
    let shipment = try db.shipmentStore.requireShipment(ref).booked
    return try EmissionCalculator(database: db).emissions(of: shipment, sizeTypes: try db.costStore.sizeTypes(of: shipment), compare: compare)
  }
}
