/// What a place is, for operators and for the rules that care (a border crossing, a seaport).
public enum LocationKind: String, Sendable, CaseIterable {
  case city, railTerminal = "rail-terminal", seaport, inlandPort = "inland-port", borderCrossing = "border-crossing"
  case bondedZone = "bonded-zone", depot
}

public enum TransportMode: String, Sendable, CaseIterable {
  case rail, sea, road, river

  /// The DCSA mode of transport a movement on a leg of this mode carries (`modeOfTransport`;
  /// EDIFACT TDT 8067 2, 1, 3, 8).
  public var eventMode: TransportModeCode {
    switch self {
    case .rail: .RAIL
    case .sea: .VESSEL
    case .road: .TRUCK
    case .river: .BARGE
    }
  }
}

public struct Location: Sendable, Equatable {
  public var code: LocationCode
  public var name: String
  public var kind: LocationKind
  public var timeZone: String
  public var latitude: Double?
  public var longitude: Double?
  public var aliases: [String]
  public var source: String?
  /// The name in Simplified Chinese, for pages and tables in `zh-CN`; nil where none is known.
  public var nameZh: String?

  package init(
    code: LocationCode, name: String, kind: LocationKind, timeZone: String, latitude: Double?, longitude: Double?, aliases: [String], source: String?,
    nameZh: String? = nil
  ) {
    self.code = code
    self.name = name
    self.nameZh = nameZh
    self.kind = kind
    self.timeZone = timeZone
    self.latitude = latitude.map(Self.coordinate)
    self.longitude = longitude.map(Self.coordinate)
    self.aliases = aliases
    self.source = source
  }

  public var country: String { code.country }

  /// A latitude or longitude as stored: minus zero (UN/LOCODE's `00000W`) is zero. SQLite stores
  /// a REAL -0.0 as 0, PostgreSQL keeps the sign, and the audited state must be the same on both.
  public static func coordinate(_ degrees: Double) -> Double { degrees == 0 ? 0 : degrees }
}

public struct CorridorInfo: Sendable, Equatable {
  public var code: String
  public var name: String
  public var source: String?

  package init(code: String, name: String, source: String?) {
    self.code = code
    self.name = name
    self.source = source
  }
}

/// One leg of a route. `gaugeChange` and `transshipment` describe the leg's end node: the box is
/// reloaded there (1,435 ↔ 1,520 mm at Dostyk and Brest; rail → ship at Qinzhou).
public struct Leg: Sendable, Equatable {
  public var from: LocationCode
  public var to: LocationCode
  public var mode: TransportMode
  public var distanceKm: Int
  public var transitHours: Int
  public var borderCrossing: Bool
  /// The two countries of a border crossing, e.g. `CN-KZ`.
  public var borderCountries: String?
  public var gaugeChange: Bool
  public var transshipment: Bool
  public var source: String?
  /// Electric or diesel, for a rail leg's emission factor; nil where not known.
  public var traction: Traction? = nil

  package init(
    from: LocationCode, to: LocationCode, mode: TransportMode, distanceKm: Int, transitHours: Int, borderCrossing: Bool, borderCountries: String?,
    gaugeChange: Bool, transshipment: Bool, source: String?, traction: Traction? = nil
  ) {
    self.from = from
    self.to = to
    self.mode = mode
    self.distanceKm = distanceKm
    self.transitHours = transitHours
    self.borderCrossing = borderCrossing
    self.borderCountries = borderCountries
    self.gaugeChange = gaugeChange
    self.transshipment = transshipment
    self.source = source
    self.traction = traction
  }

  /// Longer than any corridor; the same bound holds for a whole route, and the schema's CHECK
  /// states it too, so every sum of legs stays far from overflow.
  public static let maxDistanceKm = 50_000
  /// More than two years; hours become milliseconds when an ETA is worked out.
  public static let maxTransitHours = 20_000
}

/// A route: an ordered, contiguous list of legs belonging to one corridor.
public struct Route: Sendable, Equatable {
  public var code: String
  public var corridor: String
  public var name: String
  public var legs: [Leg]
  public var source: String?
  /// The name in Simplified Chinese, for pages and tables in `zh-CN`; nil where none is known.
  public var nameZh: String?

  package init(code: String, corridor: String, name: String, legs: [Leg], source: String?, nameZh: String? = nil) {
    self.nameZh = nameZh
    self.code = code
    self.corridor = corridor
    self.name = name
    self.legs = legs
    self.source = source
  }

  public var origin: LocationCode? { legs.first?.from }
  public var destination: LocationCode? { legs.last?.to }
  public var totalKm: Int { legs.reduce(0) { $0 + $1.distanceKm } }
  public var totalHours: Int { typicalHours(from: 0) }
  /// The typical hours of the legs from route node `node` to the destination (the plan's ETA).
  public func typicalHours(from node: Int) -> Int { legs.dropFirst(node).reduce(0) { $0 + $1.transitHours } }
  /// Every node in order: origin, then each leg's end.
  public var nodes: [LocationCode] { legs.isEmpty ? [] : [legs[0].from] + legs.map(\.to) }

  /// More legs than any corridor has nodes.
  public static let maxLegs = 100
}

/// Which way a route carries goods across China's border (docs/network.md), from where it starts
/// and ends: a UN/LOCODE's first two letters are its country. A route both ends of which are in
/// China is domestic (a Yangtze barge to Shanghai); one that neither starts nor ends there is
/// transit.
public enum RouteDirection: String, Sendable, CaseIterable {
  case export, `import`, transit, domestic

  public static func of(origin: LocationCode, destination: LocationCode) -> RouteDirection {
    switch (origin.country == "CN", destination.country == "CN") {
    case (true, false): .export
    case (false, true): .import
    case (false, false): .transit
    case (true, true): .domestic
    }
  }
}

extension Route {
  /// Derived from its ends, never stored: a reference file may declare it, and is refused when
  /// the declaration contradicts the ends (`route-direction`).
  public var direction: RouteDirection? {
    guard let origin, let destination else { return nil }
    return RouteDirection.of(origin: origin, destination: destination)
  }
}

// The rule ids of the network and reference files, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let aliasTaken = RuleID("alias-taken")
  public static let leg = RuleID("leg")
  public static let mode = RuleID("mode")
  public static let routeBounds = RuleID("route-bounds")
  public static let routeCycle = RuleID("route-cycle")
  /// A route declared export, import, transit or domestic against what its ends say.
  public static let routeDirection = RuleID("route-direction")
  public static let traction = RuleID("traction")
  public static let unknownCorridor = RuleID("unknown-corridor")
  public static let unknownRoute = RuleID("unknown-route")
  public static let unlocode = RuleID("unlocode")
  public static let reference = RuleID("reference")
}
