import CorridorModel

/// `corridor customs rebate SHIPMENT --format json` (a contract; docs/customs.md).
public struct RebateView: Encodable, Sendable {
  public struct Scheme: Encodable, Sendable {
    public let departure: String
    public let exit: String
    public let exitName: String
    public let validFrom: String
    public let validTo: String?
    public let source: String
  }

  public let shipment: String
  public let route: String
  public let corridor: String
  public let qualifies: Bool
  /// Why not, when it does not qualify.
  public let reason: String?
  public let scheme: Scheme?
  /// The day the boxes left the departure port: the rebate may be claimed from it.
  public let claimableFrom: String?
  /// The day it could be claimed without the scheme (the goods leaving China), and whether that
  /// is the actual departure at the exit port or the plan's earliest.
  public let withoutScheme: String?
  public let withoutSchemeBasis: String?
  public let daysEarlier: Int64?

  public init(_ a: RebateAssessment) {
    shipment = a.facts.shipment
    route = a.facts.route.code
    corridor = a.facts.route.corridor
    qualifies = a.qualifies
    reason = a.reason
    scheme = a.scheme.map {
      Scheme(
        departure: $0.departure.text, exit: $0.exit, exitName: $0.exitName, validFrom: $0.validFrom.description, validTo: $0.validTo?.description,
        source: $0.source)
    }
    claimableFrom = a.claimableFrom?.description
    withoutScheme = a.withoutScheme?.description
    withoutSchemeBasis = a.withoutSchemeBasis?.rawValue
    daysEarlier = a.daysEarlier
  }

  public static let headers = ["shipment", "route", "qualifies", "claimableFrom", "withoutScheme", "basis", "daysEarlier", "reason"]
  public var row: [String] {
    [
      shipment, route, qualifies ? "yes" : "no", claimableFrom ?? "", withoutScheme ?? "", withoutSchemeBasis ?? "",
      daysEarlier.map(String.init) ?? "", reason ?? "",
    ]
  }
}

/// `corridor customs rebate --year Y --format json`: the days earlier summed per corridor, and
/// each shipment assessed.
public struct RebateYearView: Encodable, Sendable {
  public struct Corridor: Encodable, Sendable {
    public let corridor: String
    public let qualifying: Int
    public let daysEarlier: Int64
  }
  public let year: Int
  public let corridors: [Corridor]
  public let shipments: [RebateView]

  public init(year: Int, _ assessments: [RebateAssessment]) {
    self.year = year
    corridors = RebateTotal.totals(assessments).map { Corridor(corridor: $0.corridor, qualifying: $0.qualifying, daysEarlier: $0.daysEarlier) }
    shipments = assessments.map(RebateView.init)
  }

  public static let headers = ["corridor", "qualifying", "daysEarlier"]
  public var rows: [[String]] { corridors.map { [$0.corridor, String($0.qualifying), String($0.daysEarlier)] } }
}
