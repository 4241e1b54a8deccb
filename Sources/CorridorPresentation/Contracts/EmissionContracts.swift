import CorridorInterchange
import CorridorModel

/// Thousandths as a decimal string with exactly 3 decimals: grams as kilograms, kg·km as
/// tonne-km. Exact, never through binary floating point.
package func thousandths(_ value: Int64) -> String { ExactDecimal(units: value, scale: 3).text(fractionDigits: 3) }

/// The `emissions` JSON contract: `{shipment, route, corridor, teu, wtwKg, ttwKg, tonneKm,
/// estimated, containers: [{container, teu, grossKg, estimated, legs: [{leg, from, to, mode, km,
/// tonneKm, factor: {mode, region, unit, wtw, ttw, source}, wtwKg, ttwKg}], hubs: [{location,
/// kind, factor, wtwKg, ttwKg}]}], comparison}`; kilograms and tonne-km as decimal strings with
/// 3 decimals.
public struct EmissionsView: Encodable, Sendable {
  public struct FactorView: Encodable, Sendable, Equatable {
    public let mode: String
    @Nullable public var region: String?
    public let unit: String
    public let wtw: String
    public let ttw: String
    public let source: String

    package init(_ factor: EmissionFactor) {
      mode = factor.mode.rawValue
      region = factor.region
      unit = factor.unit.rawValue
      wtw = factor.wtw.description
      ttw = factor.ttw.description
      source = factor.source
    }
  }

  public struct HubFactorView: Encodable, Sendable, Equatable {
    public let kind: String
    public let unit: String
    public let wtw: String
    public let ttw: String
    public let source: String

    package init(_ factor: HubFactor) {
      kind = factor.kind.rawValue
      unit = factor.unit.rawValue
      wtw = factor.wtw.description
      ttw = factor.ttw.description
      source = factor.source
    }
  }

  public struct LegView: Encodable, Sendable {
    public let leg: Int
    public let from: String
    public let to: String
    public let mode: String
    public let km: Int
    public let tonneKm: String
    public let factor: FactorView
    public let wtwKg: String
    public let ttwKg: String
  }

  public struct HubView: Encodable, Sendable {
    public let location: String
    public let kind: String
    public let factor: HubFactorView
    public let wtwKg: String
    public let ttwKg: String
  }

  public struct ContainerView: Encodable, Sendable {
    public let container: String
    public let teu: Int
    public let grossKg: Int
    public let estimated: Bool
    public let legs: [LegView]
    public let hubs: [HubView]
    public let wtwKg: String
    public let ttwKg: String
  }

  public struct ComparisonLegView: Encodable, Sendable, Equatable {
    public let mode: String
    public let km: Int
    public let tonneKm: String
    public let factor: FactorView
    public let wtwKg: String
    public let ttwKg: String
  }

  /// The comparison mode mix, and how much more (positive) or less it emits than the shipment.
  public struct ComparisonView: Encodable, Sendable, Equatable {
    public let legs: [ComparisonLegView]
    public let wtwKg: String
    public let ttwKg: String
    public let wtwDifferenceKg: String
    public let ttwDifferenceKg: String
  }

  public let shipment: String
  public let route: String
  public let corridor: String
  public let teu: Int
  public let wtwKg: String
  public let ttwKg: String
  public let tonneKm: String
  public let estimated: Bool
  public let containers: [ContainerView]
  @Nullable public var comparison: ComparisonView?

  public init(_ emissions: ShipmentEmissions) {
    shipment = emissions.shipment
    route = emissions.route
    corridor = emissions.corridor
    teu = emissions.teu
    wtwKg = thousandths(emissions.wtwGrams)
    ttwKg = thousandths(emissions.ttwGrams)
    tonneKm = thousandths(emissions.kgKm)
    estimated = emissions.estimated
    containers = emissions.containers.map { box in
      ContainerView(
        container: box.container.text, teu: box.teu, grossKg: box.grossKg, estimated: box.estimated,
        legs: box.legs.map { line in
          LegView(
            leg: line.leg, from: line.from.text, to: line.to.text, mode: line.mode.rawValue, km: line.km, tonneKm: thousandths(line.kgKm),
            factor: FactorView(line.factor), wtwKg: thousandths(line.wtwGrams), ttwKg: thousandths(line.ttwGrams))
        },
        hubs: box.hubs.map { hub in
          HubView(
            location: hub.location.text, kind: hub.factor.kind.rawValue,
            factor: HubFactorView(hub.factor), wtwKg: thousandths(hub.wtwGrams), ttwKg: thousandths(hub.ttwGrams))
        }, wtwKg: thousandths(box.wtwGrams), ttwKg: thousandths(box.ttwGrams))
    }
    if let lines = emissions.comparison, let wtw = emissions.comparisonWtwGrams, let ttw = emissions.comparisonTtwGrams {
      comparison = ComparisonView(
        legs: lines.map { line in
          ComparisonLegView(
            mode: line.mode.rawValue, km: line.km, tonneKm: thousandths(line.kgKm), factor: FactorView(line.factor),
            wtwKg: thousandths(line.wtwGrams), ttwKg: thousandths(line.ttwGrams))
        }, wtwKg: thousandths(wtw), ttwKg: thousandths(ttw), wtwDifferenceKg: thousandths(wtw - emissions.wtwGrams),
        ttwDifferenceKg: thousandths(ttw - emissions.ttwGrams))
    }
  }

  /// One row per container and leg or hub operation (table and CSV output).
  public static let lineHeaders = ["container", "line", "mode", "km", "tonneKm", "factorWtw", "factorTtw", "unit", "wtwKg", "ttwKg", "source"]
  public var lineRows: [[String]] {
    containers.flatMap { box in
      box.legs.map { line in
        [
          box.container, "leg \(line.leg) \(line.from)-\(line.to)", line.mode, String(line.km), line.tonneKm, line.factor.wtw, line.factor.ttw,
          line.factor.unit, line.wtwKg, line.ttwKg, line.factor.source,
        ]
      }
        + box.hubs.map { hub in
          [
            box.container, "hub \(hub.location)", hub.kind, "", "", hub.factor.wtw, hub.factor.ttw, hub.factor.unit, hub.wtwKg, hub.ttwKg,
            hub.factor.source,
          ]
        }
    }
  }
}

/// The `report emissions` JSON contract, one object per group: `{group, shipments,
/// estimatedShipments, containers, teu, tonneKm, wtwKg, ttwKg, wtwKgPerTeu, wtwGPerTonneKm}`.
public struct EmissionReportView: Encodable, Sendable {
  public let group: String
  public let shipments: Int
  public let estimatedShipments: Int
  public let containers: Int
  public let teu: Int
  public let tonneKm: String
  public let wtwKg: String
  public let ttwKg: String
  @Nullable public var wtwKgPerTeu: String?
  @Nullable public var wtwGPerTonneKm: String?

  public init(_ row: EmissionReportRow) {
    group = row.group
    shipments = row.shipments
    estimatedShipments = row.estimatedShipments
    containers = row.containers
    teu = row.teu
    tonneKm = thousandths(row.kgKm)
    wtwKg = thousandths(row.wtwGrams)
    ttwKg = thousandths(row.ttwGrams)
    wtwKgPerTeu = row.wtwGramsPerTEU.map(thousandths)
    wtwGPerTonneKm = row.wtwMilligramsPerTonneKm.map(thousandths)
  }

  public static let headers = [
    "group", "shipments", "estimatedShipments", "containers", "teu", "tonneKm", "wtwKg", "ttwKg", "wtwKgPerTeu", "wtwGPerTonneKm",
  ]
  public var row: [String] {
    [
      group, String(shipments), String(estimatedShipments), String(containers), String(teu), tonneKm, wtwKg, ttwKg, wtwKgPerTeu ?? "",
      wtwGPerTonneKm ?? "",
    ]
  }
}
