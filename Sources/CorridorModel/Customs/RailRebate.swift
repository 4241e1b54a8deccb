/// The land-route departure-port export tax rebate (启运港退税; docs/customs.md): under the 2022
/// pilot and its extension, goods that leave an inland departure port by rail under customs
/// transfer direct to an exit port may claim the export VAT rebate from the day they leave the
/// departure port, instead of the day they leave China. The schemes are reference data
/// (`rebateSchemes`, sourced); whether a shipment qualifies is `RebateAssessment.assess`.
public struct RebateScheme: Sendable, Equatable {
  public var departure: LocationCode
  /// The exit port's UN/LOCODE (it need not be a place of Corridor's network: Zhanjiang is not).
  public var exit: String
  public var exitName: String
  public var validFrom: Day
  public var validTo: Day?
  public var source: String

  public init(departure: LocationCode, exit: String, exitName: String, validFrom: Day, validTo: Day?, source: String) {
    self.departure = departure
    self.exit = exit
    self.exitName = exitName
    self.validFrom = validFrom
    self.validTo = validTo
    self.source = source
  }

  /// Whether goods leaving `departure` for `exit` on `day` (the departure port's local day) are
  /// under the scheme.
  public func covers(departure: LocationCode, exit: String, on day: Day) -> Bool {
    departure == self.departure && exit == self.exit && day >= validFrom && validTo.map { day <= $0 } ?? true
  }

  package static func parse(_ item: JSONCursor, resolve: (JSONCursor) throws -> LocationCode) throws -> RebateScheme {
    let exitCursor = try item.required("exit")
    let exit = try exitCursor.string()
    guard LocationCode.isWellFormed(exit) else { throw exitCursor.error("exit \(exit.debugDescription) is not a UN/LOCODE") }
    let source = try item.required("source").string()
    guard !source.trimmingSpaces.isEmpty else { throw item.error("a rebate scheme needs its source") }
    let scheme = RebateScheme(
      departure: try resolve(try item.required("departure")), exit: exit, exitName: try item.required("exitName").string(),
      validFrom: try item.required("validFrom").parsed { text throws(CorridorError) in try Day(parsing: text) },
      validTo: try item.optional("validTo")?.parsed { text throws(CorridorError) in try Day(parsing: text) }, source: source)
    if let to = scheme.validTo, to < scheme.validFrom { throw item.error("validTo \(to) is before validFrom \(scheme.validFrom)") }
    return scheme
  }
}

/// What the ledger knows of one shipment for the rebate: its route, when its boxes left the
/// route's origin and the first leg's end (the last box of each: the claim covers the whole
/// declaration), and whether an export declaration at the origin was released.
public struct RebateFacts: Sendable, Equatable {
  public var shipment: String
  public var route: Route
  public var leftOrigin: EventTime?
  public var leftExit: EventTime?
  public var exportReleased: Bool

  public init(shipment: String, route: Route, leftOrigin: EventTime?, leftExit: EventTime?, exportReleased: Bool) {
    self.shipment = shipment
    self.route = route
    self.leftOrigin = leftOrigin
    self.leftExit = leftExit
    self.exportReleased = exportReleased
  }
}

/// Whether a shipment qualifies, and from which day the rebate may be claimed against the day it
/// could be without the scheme. One rule: `assess`.
public struct RebateAssessment: Sendable, Equatable {
  public enum Basis: String, Sendable { case actual, plan }

  public let facts: RebateFacts
  public let scheme: RebateScheme?
  /// Why it does not qualify (nil when it does).
  public let reason: String?
  /// The day the boxes left the departure port (its local day).
  public let claimableFrom: Day?
  /// The day they left China at the exit port, or the plan's earliest (their arrival there)
  /// while the ship has not sailed: then a lower bound.
  public let withoutScheme: Day?
  public let withoutSchemeBasis: Basis?

  public var qualifies: Bool { reason == nil }

  /// Days earlier than without the scheme (nil unless it qualifies).
  public var daysEarlier: Int64? {
    guard qualifies, let from = claimableFrom, let without = withoutScheme else { return nil }
    return without.ordinal - from.ordinal
  }

  /// Why a route's journeys cannot qualify, whoever ships on it.
  public struct RouteReason: Error, Sendable { public let message: String }

  /// The schemes a route's journeys could fall under: its first leg rail from a scheme's
  /// departure port direct to its exit port, with the sea beyond it (the goods leave China there).
  public static func schemes(for route: Route, in schemes: [RebateScheme]) -> Result<[RebateScheme], RouteReason> {
    guard let first = route.legs.first, first.mode == .rail, route.legs.count > 1, route.legs[1].mode == .sea else {
      return .failure(RouteReason(message: "route \(route.code) is not rail to a seaport and then sea"))
    }
    let candidates = schemes.filter { $0.departure == first.from && $0.exit == first.to.text }
    guard !candidates.isEmpty else {
      return .failure(RouteReason(message: "no departure-port rebate scheme from \(first.from) to \(first.to)"))
    }
    return .success(candidates)
  }

  /// The route's first leg must be rail from a scheme's departure port direct to its exit port,
  /// with the sea beyond it (the goods leave China there); the boxes must have left the
  /// departure port within the scheme's dates; and an export declaration at the departure port
  /// must have been released.
  public static func assess(_ facts: RebateFacts, schemes: [RebateScheme]) -> RebateAssessment {
    let route = facts.route
    func no(_ reason: String, _ scheme: RebateScheme? = nil) -> RebateAssessment {
      RebateAssessment(
        facts: facts, scheme: scheme, reason: reason, claimableFrom: nil, withoutScheme: nil, withoutSchemeBasis: nil)
    }
    let candidates: [RebateScheme]
    switch Self.schemes(for: route, in: schemes) {
    case .failure(let reason): return no(reason.message)
    case .success(let found): candidates = found
    }
    guard let first = route.legs.first else { return no("route \(route.code) has no legs") }
    let exit = first.to.text
    guard let left = facts.leftOrigin else { return no("the boxes have not left \(first.from) yet", candidates.first) }
    guard let scheme = candidates.first(where: { $0.covers(departure: first.from, exit: exit, on: left.localDay) }) else {
      return no("the boxes left \(first.from) on \(left.localDay), outside the scheme's dates", candidates.first)
    }
    guard facts.exportReleased else { return no("no released export declaration at \(first.from)", scheme) }
    let without: (Day, Basis) =
      if let leftExit = facts.leftExit {
        (leftExit.localDay, .actual)
      } else {
        (EventTime(milliseconds: left.milliseconds + Int64(first.transitHours) * 3_600_000, offsetMinutes: left.offsetMinutes).localDay, .plan)
      }
    return RebateAssessment(
      facts: facts, scheme: scheme, reason: nil, claimableFrom: left.localDay, withoutScheme: without.0, withoutSchemeBasis: without.1)
  }
}

/// The days earlier summed per corridor (`customs rebate --year`).
public struct RebateTotal: Sendable, Equatable {
  public let corridor: String
  public let qualifying: Int
  public let daysEarlier: Int64

  public static func totals(_ assessments: [RebateAssessment]) -> [RebateTotal] {
    Dictionary(grouping: assessments.filter(\.qualifies), by: \.facts.route.corridor).sorted { $0.key < $1.key }.map {
      RebateTotal(corridor: $0.key, qualifying: $0.value.count, daysEarlier: $0.value.reduce(0) { $0 + ($1.daysEarlier ?? 0) })
    }
  }
}
