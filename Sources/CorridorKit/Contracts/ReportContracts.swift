import Foundation

// `report exceptions`, `report costs`, `report exports`: the JSON and CSV rows.

public struct ExceptionItemView: Encodable, Sendable {
  public let kind: String
  public let container: String
  public let shipment: String?
  public let location: String
  public let at: String
  public let eventId: String?
  public let detail: String

  public init(_ item: ExceptionItem) {
    kind = item.kind
    container = item.container.text
    shipment = item.shipment
    location = item.location.text
    at = item.at.description
    eventId = item.eventID
    detail = item.detail
  }
}

public struct CostReportView: Encodable, Sendable {
  public let group: String
  public let shipments: Int
  public let containers: Int
  public let teu: Int
  public let gross: String
  public let reductions: String
  public let net: String
  @Nullable public var netPerTeu: String?
  @Nullable public var netPerTeuKm: String?
  public let currency: String

  public init(_ row: CostReportRow) throws {
    group = row.group
    shipments = row.shipments
    containers = row.containers
    teu = row.teu
    gross = row.gross.amountText
    reductions = row.reductions.amountText
    net = row.net.amountText
    netPerTeu = row.netPerTeu?.amountText
    netPerTeuKm = try row.netPerTeuKm?.majorUnitsText(row.net.currency, digits: 4)
    currency = row.gross.currency.code
  }
}

public struct ExportReportView: Encodable, Sendable {
  public let group: String
  @Nullable public var parent: String?
  public let shipments: Int
  public let teu: Int
  public let value: String
  @Nullable public var previousValue: String?
  @Nullable public var changePercent: Double?
  public let currency: String

  public init(_ row: ExportReportRow, currency: Currency) {
    let money = { (minor: Int64) in Money(minorUnits: minor, currency: currency).amountText }
    group = row.group
    parent = row.parent
    shipments = row.shipments
    teu = row.teu
    value = money(row.value)
    previousValue = row.previousValue.map(money)
    changePercent = row.changePercent.flatMap { Double($0.description) }
    self.currency = currency.code
  }
}

/// `report network --format json`: containers of open shipments on each leg (by route and the
/// leg's start, `ROUTE/NODE`), at each node, and open customs holds per place. Keys sorted.
public struct NetworkPositionsView: Encodable, Sendable {
  public let legs: [(key: String, value: Int)]
  public let nodes: [(key: String, value: Int)]
  public let holds: [(key: String, value: Int)]

  public init(_ positions: NetworkPositions) {
    legs = positions.onLeg.sorted { $0.key < $1.key }
    nodes = positions.atNode.sorted { $0.key < $1.key }
    holds = positions.holds.sorted { $0.key < $1.key }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    try container.encode(Dictionary(uniqueKeysWithValues: legs.map { ($0.key, $0.value) }), forKey: .onLeg)
    try container.encode(Dictionary(uniqueKeysWithValues: nodes.map { ($0.key, $0.value) }), forKey: .atNode)
    try container.encode(Dictionary(uniqueKeysWithValues: holds.map { ($0.key, $0.value) }), forKey: .customsHolds)
  }

  enum Key: String, CodingKey { case onLeg, atNode, customsHolds }
}
