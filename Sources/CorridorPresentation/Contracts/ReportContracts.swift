import CorridorInterchange
import CorridorModel
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
    detail = Words.english.detail(of: item)
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
  /// Waiting incurred by the group's boxes up to the as-of time, by kind, and in all.
  public let demurrage: String
  public let detention: String
  public let storage: String
  public let waiting: String
  /// Net freight plus waiting.
  public let total: String

  public static let headers = [
    "group", "shipments", "containers", "teu", "gross", "reductions", "net", "netPerTeu", "netPerTeuKm", "currency", "demurrage", "detention",
    "storage", "waiting", "total",
  ]
  public static let money: Set<String> = ["gross", "reductions", "net", "netPerTeu", "demurrage", "detention", "storage", "waiting", "total"]
  public var row: [String] {
    [
      group, String(shipments), String(containers), String(teu), gross, reductions, net, netPerTeu ?? "", netPerTeuKm ?? "", currency, demurrage,
      detention, storage, waiting, total,
    ]
  }

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
    demurrage = row.waiting.demurrage.amountText
    detention = row.waiting.detention.amountText
    storage = row.waiting.storage.amountText
    waiting = row.waiting.total.amountText
    total = row.total.amountText
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

  package enum Key: String, CodingKey { case onLeg, atNode, customsHolds }
}

/// `report transit --format json`: transit times per route and month, dwell times per border
/// crossing and gauge change, in whole minutes (quartiles by the nearest-rank method).
public struct TransitReportView: Encodable, Sendable {
  public let transit: [TransitTimeView]
  public let dwell: [DwellTimeView]

  public init(_ report: TransitReport) {
    transit = report.transit.map(TransitTimeView.init)
    dwell = report.dwell.map(DwellTimeView.init)
  }

  /// The CSV and table columns: one row per route and month, then one per place.
  public static let headers = ["measure", "route", "corridor", "month", "location", "count"] + SpreadView.names
  public var rows: [[String]] {
    transit.map { ["transit", $0.route, $0.corridor, $0.month, ""] + $0.spread.cells }
      + dwell.map { ["dwell", $0.routes.joined(separator: " "), "", "", $0.location] + $0.spread.cells }
  }
}

/// A spread's figures as JSON fields (`count`, `minMinutes`, `p25Minutes`, `medianMinutes`,
/// `p75Minutes`, `maxMinutes`), written beside the fields of what they measure; with nothing
/// measured, `count` 0 and the minutes `null`.
public struct SpreadView: Encodable, Sendable {
  public let count: Int
  /// min, 25th, median, 75th, max (`DurationSpread.figures`); nil when nothing was measured.
  public let figures: [Int64]?

  package init(_ spread: DurationSpread?) {
    count = spread?.count ?? 0
    figures = spread?.figures
  }

  /// The JSON names of `figures`, in their order.
  package static let names = ["minMinutes", "p25Minutes", "medianMinutes", "p75Minutes", "maxMinutes"]

  package struct Key: CodingKey {
    package let stringValue: String
    package var intValue: Int? { nil }
    package init(stringValue: String) { self.stringValue = stringValue }
    package init?(intValue: Int) { nil }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    try container.encode(count, forKey: Key(stringValue: "count"))
    for (index, name) in Self.names.enumerated() {
      if let figures {
        try container.encode(figures[index], forKey: Key(stringValue: name))
      } else {
        try container.encodeNil(forKey: Key(stringValue: name))
      }
    }
  }

  /// The CSV and table cells, from `count` on.
  package var cells: [String] { [String(count)] + (figures?.map { String($0) } ?? Array(repeating: "", count: Self.names.count)) }
}

public struct TransitTimeView: Encodable, Sendable {
  public let route: String
  public let corridor: String
  public let month: String
  /// Boxes that arrived at the destination in the month, and how long they took.
  public let spread: SpreadView

  package init(_ transit: RouteTransit) {
    (route, corridor, month, spread) = (transit.route, transit.corridor, transit.month, SpreadView(transit.spread))
  }

  package enum CodingKeys: CodingKey { case route, corridor, month }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(route, forKey: .route)
    try container.encode(corridor, forKey: .corridor)
    try container.encode(month, forKey: .month)
    try spread.encode(to: encoder)
  }
}

public struct DwellTimeView: Encodable, Sendable {
  public let location: String
  public let name: String
  /// `border crossing` or `gauge change`.
  public let kind: String
  public let routes: [String]
  /// The stays that ended in the period, and how long they were.
  public let spread: SpreadView

  package init(_ dwell: NodeDwell) {
    (location, name, kind, routes) = (dwell.location.text, dwell.name, dwell.kind, dwell.routes)
    spread = SpreadView(dwell.spread)
  }

  package enum CodingKeys: CodingKey { case location, name, kind, routes }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(location, forKey: .location)
    try container.encode(name, forKey: .name)
    try container.encode(kind, forKey: .kind)
    try container.encode(routes, forKey: .routes)
    try spread.encode(to: encoder)
  }
}
