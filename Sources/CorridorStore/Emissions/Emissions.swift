import CorridorInterchange
import CorridorModel

extension EmissionCalculator {
  public init(database: CorridorDatabase) throws {
    self.init(factors: try database.emissionFactors(), hubs: try database.hubFactors(), routes: try database.routes())
  }
}

extension CorridorDatabase {
  /// The emissions of one shipment, optionally beside a comparison mode mix.
  public func emissions(of ref: String, compare: [ComparisonLeg] = []) throws -> ShipmentEmissions {
    let shipment = try requireShipment(ref).booked
    return try EmissionCalculator(database: self).emissions(of: shipment, sizeTypes: try sizeTypes(of: shipment), compare: compare)
  }
}
