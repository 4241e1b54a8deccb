import CorridorInterchange
import CorridorModel
import Foundation

// The JSON and CSV contracts the CLI prints, in the library so that every edge (the CLI, a
// server) returns exactly the same shapes. Keys and their meaning are documented in docs/ (one page per capability).

public struct LegView: Encodable, Sendable {
  public let leg: Int
  public let from: String
  public let to: String
  public let mode: String
  public let distanceKm: Int
  public let transitHours: Int
  public let cumulativeKm: Int
  public let cumulativeHours: Int
  public let borderCrossing: Bool
  public let borderCountries: String?
  public let gaugeChange: Bool
  public let transshipment: Bool
  public let source: String?

  /// Legs with running totals of distance and time.
  public static func views(_ route: Route) -> [LegView] {
    var km = 0
    var hours = 0
    return route.legs.enumerated().map { index, leg in
      km += leg.distanceKm
      hours += leg.transitHours
      return LegView(
        leg: index + 1, from: leg.from.text, to: leg.to.text, mode: leg.mode.rawValue, distanceKm: leg.distanceKm,
        transitHours: leg.transitHours, cumulativeKm: km, cumulativeHours: hours, borderCrossing: leg.borderCrossing,
        borderCountries: leg.borderCountries, gaugeChange: leg.gaugeChange, transshipment: leg.transshipment, source: leg.source)
    }
  }
}

public struct RouteView: Encodable, Sendable {
  public let code: String
  public let corridor: String
  public let name: String
  public let origin: String
  public let destination: String
  public let legCount: Int
  public let totalKm: Int
  public let totalHours: Int
  public let borderCrossings: Int
  public let gaugeChanges: Int
  public let legs: [LegView]?
  /// Added with the Chinese pages; absent where the route has none.
  public let nameZh: String?
  /// `export`, `import`, `transit` or `domestic`, from the route's ends (docs/network.md).
  public let direction: String?

  public init(_ route: Route, withLegs: Bool) {
    nameZh = route.nameZh
    direction = route.direction?.rawValue
    code = route.code
    corridor = route.corridor
    name = route.name
    origin = route.origin?.text ?? ""
    destination = route.destination?.text ?? ""
    legCount = route.legs.count
    totalKm = route.totalKm
    totalHours = route.totalHours
    borderCrossings = route.legs.filter(\.borderCrossing).count
    gaugeChanges = route.legs.filter(\.gaugeChange).count
    legs = withLegs ? LegView.views(route) : nil
  }
}

public struct LocationView: Encodable, Sendable {
  public let code: String
  public let name: String
  public let country: String
  public let kind: String
  public let timeZone: String
  public let latitude: Double?
  public let longitude: Double?
  public let aliases: [String]
  /// Added with the Chinese pages; absent where the place has none.
  public let nameZh: String?

  public init(_ l: Location) {
    code = l.code.text
    name = l.name
    country = l.country
    kind = l.kind.rawValue
    timeZone = l.timeZone
    latitude = l.latitude
    longitude = l.longitude
    aliases = l.aliases
    nameZh = l.nameZh
  }

  public static let headers = ["code", "name", "country", "kind", "timeZone", "aliases"]
  public var row: [String] { [code, name, country, kind, timeZone, aliases.joined(separator: " ")] }
}

/// `network corridors`: a corridor and how many routes it has.
public struct CorridorView: Encodable, Sendable {
  public let code: String
  public let name: String
  public let routes: Int

  public init(_ corridor: CorridorInfo, routes: Int) {
    code = corridor.code
    name = corridor.name
    self.routes = routes
  }
}
