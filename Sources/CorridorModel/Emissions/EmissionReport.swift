/// `report emissions`: emissions per group of shipments, with intensities. Every figure is the
/// sum of the shipments' own (rounded) figures, so a report reconciles with `emissions SHIPMENT`.
public struct EmissionReportRow: Sendable {
  public let group: String
  public var shipments = 0
  /// Shipments with at least one container weighed by the default per TEU.
  public var estimatedShipments = 0
  public var containers = 0
  public var teu = 0
  public var kgKm: Int64 = 0
  public var wtwGrams: Int64 = 0
  public var ttwGrams: Int64 = 0

  package init(group: String) { self.group = group }

  /// WTW grams per TEU, rounded half-to-even to the gram; nil without TEU.
  public var wtwGramsPerTEU: Int64? {
    teu == 0 ? nil : try? Exact(numerator: Int128(wtwGrams), denominator: Int128(teu)).roundedHalfEven()
  }

  /// WTW grams per tonne-km in thousandths (milligrams), rounded half-to-even; nil without activity.
  public var wtwMilligramsPerTonneKm: Int64? {
    kgKm == 0 ? nil : try? Exact(numerator: Int128(wtwGrams) * 1_000_000, denominator: Int128(kgKm)).roundedHalfEven()
  }

  package mutating func add(_ emissions: ShipmentEmissions) throws {
    shipments += 1
    if emissions.estimated { estimatedShipments += 1 }
    containers += emissions.containers.count
    teu += emissions.teu
    kgKm = try checkedSum(kgKm, emissions.kgKm)
    wtwGrams = try checkedSum(wtwGrams, emissions.wtwGrams)
    ttwGrams = try checkedSum(ttwGrams, emissions.ttwGrams)
  }
}

public enum EmissionGrouping: String, Sendable, CaseIterable {
  case corridor, route, month, shipper
}
