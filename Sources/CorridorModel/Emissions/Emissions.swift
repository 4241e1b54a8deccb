/// The greenhouse-gas emissions of one shipment (ISO 14083 / GLEC Framework v3), per container,
/// leg and hub operation, in exact grams of CO2e.
///
/// Arithmetic (docs/emissions.md repeats it, tests pin it):
/// 1. Each leg takes the factor of its mode and traction (`rail` + `electric` → `rail-electric`)
///    valid on the booked date, from the most specific region: the leg's destination country,
///    then the route's corridor, then any region. No factor: exit 65, naming the leg.
/// 2. Activity per container and leg: gross kg × km / 1000 tonne-km (`g/tkm` factors), or TEU × km
///    (`g/TEU-km`). A container without a gross weight counts `defaultKgPerTEU` per TEU and the
///    result is marked estimated.
/// 3. A hub operation counts once per container where a leg ends in a gauge change (else a
///    transshipment): the hub factor per TEU or per container.
/// 4. Each line (container × leg, container × hub) is rounded once, half-to-even, to whole grams;
///    totals are sums of the rounded lines.
public struct ShipmentEmissions: Sendable {
  public struct LegLine: Sendable {
    /// 1-based leg of the route.
    public let leg: Int
    public let from: LocationCode
    public let to: LocationCode
    public let mode: EmissionMode
    public let km: Int
    /// Gross kg × km: tonne-km × 1000, exact.
    public let kgKm: Int64
    public let teuKm: Int64
    public let factor: EmissionFactor
    public let wtwGrams: Int64
    public let ttwGrams: Int64
  }

  public struct HubLine: Sendable {
    public let location: LocationCode
    public let factor: HubFactor
    public let wtwGrams: Int64
    public let ttwGrams: Int64
  }

  public struct ContainerEmissions: Sendable {
    public let container: ContainerNumber
    public let teu: Int
    public let grossKg: Int
    /// The gross weight is the default per TEU, not the assignment's.
    public let estimated: Bool
    public let legs: [LegLine]
    public let hubs: [HubLine]
    public let wtwGrams: Int64
    public let ttwGrams: Int64
    public let kgKm: Int64
  }

  /// The same containers on another mode mix (`--compare`), per comparison leg, summed over
  /// the containers (each container's line rounded once, like the actual legs).
  public struct ComparisonLine: Sendable {
    public let mode: EmissionMode
    public let km: Int
    public let kgKm: Int64
    public let factor: EmissionFactor
    public let wtwGrams: Int64
    public let ttwGrams: Int64
  }

  public let shipment: String
  public let route: String
  public let corridor: String
  public let containers: [ContainerEmissions]
  public let comparison: [ComparisonLine]?
  public let wtwGrams: Int64
  public let ttwGrams: Int64
  public let kgKm: Int64

  public var teu: Int { containers.reduce(0) { $0 + $1.teu } }
  public var estimated: Bool { containers.contains(where: \.estimated) }
  public var comparisonWtwGrams: Int64? { comparison.map { $0.reduce(0) { $0 + $1.wtwGrams } } }
  public var comparisonTtwGrams: Int64? { comparison.map { $0.reduce(0) { $0 + $1.ttwGrams } } }
}

/// One leg of a comparison mode mix: a mode and its distance (nil: the route's length).
public struct ComparisonLeg: Sendable, Equatable {
  public var mode: EmissionMode
  public var km: Int?

  public init(mode: EmissionMode, km: Int?) {
    self.mode = mode
    self.km = km
  }

  /// `MODE` or `MODE:KM`, as `--compare` takes it.
  public init(parsing text: String) throws(CorridorError) {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    mode = try EmissionMode(parsing: parts.first ?? "")
    if parts.count == 2 {
      guard let km = Int(parts[1]), (0...Leg.maxDistanceKm).contains(km) else {
        throw .invalid("invalid distance in \(text.debugDescription): whole km from 0 to \(Leg.maxDistanceKm)", rule: .emissionFactor)
      }
      self.km = km
    } else {
      km = nil
    }
  }
}

/// Computes `ShipmentEmissions`. Holds the factors and the network, so a report over thousands
/// of shipments reads them once.
public struct EmissionCalculator {
  /// The gross mass assumed per TEU when an assignment has no weight: a loaded container's
  /// average cargo plus tare, rounded (illustrative; docs/emissions.md).
  public static let defaultKgPerTEU = 10_000

  package let factors: [EmissionFactor]
  package let hubs: [HubKind: HubFactor]
  package let routes: [String: Route]

  /// A calculator over the reference data a store read: factors, hub factors and routes.
  public init(factors: [EmissionFactor], hubs: [HubFactor], routes: [Route]) {
    self.factors = factors
    self.hubs = Dictionary(hubs.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
    self.routes = Dictionary(routes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
  }

  /// The factor for `mode` valid on `day`, from the first of `regions` that has one, else from
  /// a factor for any region.
  package func factor(_ mode: EmissionMode, regions: [String], on day: Day, for what: String) throws -> EmissionFactor {
    let valid = factors.filter { $0.mode == mode && $0.isValid(on: day) }
    for region in regions.map(Optional.some) + [nil] {
      if let found = valid.first(where: { $0.region == region }) { return found }
    }
    throw CorridorError.invalid(
      "no \(mode.rawValue) emission factor valid on \(day) for \(what) (regions tried: \((regions + ["any"]).joined(separator: ", ")))",
      rule: .emissionFactor, hint: "load one with `corridor reference load` (emissionFactors; docs/emissions.md)")
  }

  /// Whole grams of `value` × `activity`, rounded half-to-even once.
  package static func grams(_ value: ExactDecimal, times activity: Exact) throws -> Int64 {
    do {
      return try Exact(value).times(activity).roundedHalfEven()
    } catch {
      throw CorridorError.invalid("emissions too large to compute exactly", rule: .amount)
    }
  }

  /// Grams of one container on one leg (or comparison leg) with `factor`.
  package static func lineGrams(_ factor: EmissionFactor, kgKm: Int64, teuKm: Int64) throws -> (wtw: Int64, ttw: Int64) {
    let activity: Exact
    switch factor.unit {
    case .perTonneKm: activity = try Exact(numerator: Int128(kgKm), denominator: 1000)
    case .perTEUKm: activity = Exact(teuKm)
    }
    return (try grams(factor.wtw, times: activity), try grams(factor.ttw, times: activity))
  }

  public func emissions(of shipment: BookedShipment, sizeTypes: [ContainerNumber: SizeType], compare: [ComparisonLeg] = []) throws
    -> ShipmentEmissions
  {
    let booked = shipment.booking.bookedOn
    guard let route = routes[shipment.booking.route] else {
      throw CorridorError.invalid("unknown route \(shipment.booking.route)", rule: .unknownRoute)
    }
    // Step 1, once per leg: every container takes the same factors.
    let legFactors = try route.legs.enumerated().map { index, leg in
      let what = "leg \(index + 1) \(leg.from) → \(leg.to) of \(route.code)"
      guard let mode = EmissionMode(leg.mode, traction: leg.traction) else {
        throw CorridorError.invalid(
          "\(what) is rail without a traction, so no emission factor can be chosen", rule: .traction,
          hint: "give the leg \"traction\": \"electric\" or \"diesel\" in the reference data and load it again")
      }
      return try factor(mode, regions: [leg.to.country, route.corridor], on: booked, for: what)
    }
    let hubOperations = try route.legs.compactMap { leg -> (LocationCode, HubFactor)? in
      guard let kind: HubKind = leg.gaugeChange ? .gaugeChange : leg.transshipment ? .transshipment : nil else { return nil }
      guard let factor = hubs[kind] else {
        throw CorridorError.invalid(
          "no \(kind.rawValue) hub factor for \(leg.to) on \(route.code)", rule: .hubFactor,
          hint: "load one with `corridor reference load` (hubFactors; docs/emissions.md)")
      }
      return (leg.to, factor)
    }
    let comparisonFactors = try compare.map { leg in
      try factor(
        leg.mode, regions: [route.destination?.country, route.corridor].compactMap { $0 }, on: booked, for: "the comparison")
    }

    var containers: [ShipmentEmissions.ContainerEmissions] = []
    var comparisonTotals = compare.map { _ in (kgKm: Int64(0), wtw: Int64(0), ttw: Int64(0)) }
    for assignment in shipment.containers {
      guard let type = sizeTypes[assignment.container] else {
        throw CorridorError.damaged(nil, "\(assignment.container) is on \(shipment.ref) but not registered")
      }
      let grossKg = assignment.grossKg ?? type.teu * Self.defaultKgPerTEU
      var legs: [ShipmentEmissions.LegLine] = []
      for (index, (leg, factor)) in zip(route.legs, legFactors).enumerated() {
        let kgKm = Int64(grossKg) * Int64(leg.distanceKm)
        let teuKm = Int64(type.teu) * Int64(leg.distanceKm)
        let (wtw, ttw) = try Self.lineGrams(factor, kgKm: kgKm, teuKm: teuKm)
        legs.append(
          .init(
            leg: index + 1, from: leg.from, to: leg.to, mode: factor.mode, km: leg.distanceKm, kgKm: kgKm, teuKm: teuKm, factor: factor,
            wtwGrams: wtw, ttwGrams: ttw))
      }
      let hubs = try hubOperations.map { location, factor in
        let handled = Exact(Int64(factor.unit == .perTEU ? type.teu : 1) * 1000)
        return ShipmentEmissions.HubLine(
          location: location, factor: factor, wtwGrams: try Self.grams(factor.wtw, times: handled),
          ttwGrams: try Self.grams(factor.ttw, times: handled))
      }
      for (index, (leg, factor)) in zip(compare, comparisonFactors).enumerated() {
        let km = Int64(leg.km ?? route.totalKm)
        let kgKm = Int64(grossKg) * km
        let (wtw, ttw) = try Self.lineGrams(factor, kgKm: kgKm, teuKm: Int64(type.teu) * km)
        comparisonTotals[index] = (
          try checkedSum(comparisonTotals[index].kgKm, kgKm), try checkedSum(comparisonTotals[index].wtw, wtw),
          try checkedSum(comparisonTotals[index].ttw, ttw)
        )
      }
      containers.append(
        .init(
          container: assignment.container, teu: type.teu, grossKg: grossKg, estimated: assignment.grossKg == nil, legs: legs, hubs: hubs,
          wtwGrams: try sum(legs.map(\.wtwGrams) + hubs.map(\.wtwGrams)), ttwGrams: try sum(legs.map(\.ttwGrams) + hubs.map(\.ttwGrams)),
          kgKm: try sum(legs.map(\.kgKm))))
    }
    let comparison =
      compare.isEmpty
      ? nil
      : zip(compare, zip(comparisonFactors, comparisonTotals)).map { leg, pair in
        ShipmentEmissions.ComparisonLine(
          mode: leg.mode, km: leg.km ?? route.totalKm, kgKm: pair.1.kgKm, factor: pair.0, wtwGrams: pair.1.wtw, ttwGrams: pair.1.ttw)
      }
    return ShipmentEmissions(
      shipment: shipment.ref, route: route.code, corridor: route.corridor, containers: containers, comparison: comparison,
      wtwGrams: try sum(containers.map(\.wtwGrams)), ttwGrams: try sum(containers.map(\.ttwGrams)), kgKm: try sum(containers.map(\.kgKm)))
  }

  private func sum(_ values: [Int64]) throws -> Int64 { try values.reduce(0, checkedSum) }
}

// The rule ids of emission and hub factors, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let emissionFactor = RuleID("emission-factor")
  public static let hubFactor = RuleID("hub-factor")
}
