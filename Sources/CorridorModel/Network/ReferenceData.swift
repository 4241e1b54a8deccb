import Foundation

/// The reference-data interchange file: `{locations, corridors, routes, tariffs, policies,
/// fxRates, emissionFactors, hubFactors, statusCodes}`, every section optional, unknown keys ignored (so files can carry `source` and
/// other notes anywhere). See README "Reference data format".
public struct ReferenceData: Sendable {
  public var locations: [Location] = []
  public var corridors: [CorridorInfo] = []
  public var routes: [Route] = []
  public var tariffs: [Tariff] = []
  public var policies: [Policy] = []
  public var fxRates: [FXRate] = []
  public var emissionFactors: [EmissionFactor] = []
  public var hubFactors: [HubFactor] = []
  /// Senders' own IFTSTA status codes (`SenderStatusCode`).
  public var statusCodes: [SenderStatusCode] = []

  public init() {}
}

/// What a reference load changed, per section.
public struct ReferenceLoadSummary: Sendable, Equatable {
  public struct Counts: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0

    package init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0) {
      self.inserted = inserted
      self.updated = updated
      self.unchanged = unchanged
    }
  }

  public var locations = Counts()
  public var corridors = Counts()
  public var routes = Counts()
  public var tariffs = Counts()
  public var policies = Counts()
  public var fxRates = Counts()
  public var emissionFactors = Counts()
  public var hubFactors = Counts()
  public var statusCodes = Counts()

  package init() {}

  public var changed: Bool {
    [locations, corridors, routes, tariffs, policies, fxRates, emissionFactors, hubFactors, statusCodes].contains {
      $0.inserted + $0.updated > 0
    }
  }

  public static func + (a: Self, b: Self) -> Self {
    func add(_ x: Counts, _ y: Counts) -> Counts {
      Counts(inserted: x.inserted + y.inserted, updated: x.updated + y.updated, unchanged: x.unchanged + y.unchanged)
    }
    var sum = Self()
    sum.locations = add(a.locations, b.locations)
    sum.corridors = add(a.corridors, b.corridors)
    sum.routes = add(a.routes, b.routes)
    sum.tariffs = add(a.tariffs, b.tariffs)
    sum.policies = add(a.policies, b.policies)
    sum.fxRates = add(a.fxRates, b.fxRates)
    sum.emissionFactors = add(a.emissionFactors, b.emissionFactors)
    sum.hubFactors = add(a.hubFactors, b.hubFactors)
    sum.statusCodes = add(a.statusCodes, b.statusCodes)
    return sum
  }
}
