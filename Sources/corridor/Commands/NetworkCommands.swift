import ArgumentParser
import CorridorKit

extension Corridor {
  struct Network: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Corridors, routes and their legs.",
      subcommands: [Corridors.self, Routes.self, RouteDetail.self]
    )
  }
}

struct LegView: Encodable {
  let leg: Int
  let from: String
  let to: String
  let mode: String
  let distanceKm: Int
  let transitHours: Int
  let cumulativeKm: Int
  let cumulativeHours: Int
  let borderCrossing: Bool
  let borderCountries: String?
  let gaugeChange: Bool
  let transshipment: Bool
  let source: String?

  /// Legs with running totals of distance and time.
  static func views(_ route: Route) -> [LegView] {
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

struct RouteView: Encodable {
  let code: String
  let corridor: String
  let name: String
  let origin: String
  let destination: String
  let legCount: Int
  let totalKm: Int
  let totalHours: Int
  let borderCrossings: Int
  let gaugeChanges: Int
  let legs: [LegView]?

  init(_ route: Route, withLegs: Bool) {
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

extension Corridor.Network {
  struct Corridors: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "corridors", abstract: "List the corridors.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    struct View: Encodable {
      let code: String
      let name: String
      let routes: Int
    }

    func run() throws {
      let db = try database.open()
      let routes = try db.routes()
      let views = try db.corridors().map { c in View(code: c.code, name: c.name, routes: routes.filter { $0.corridor == c.code }.count) }
      try Render.emit(output.format, json: views, headers: ["code", "name", "routes"], rows: views.map { [$0.code, $0.name, String($0.routes)] })
    }
  }

  struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "routes", abstract: "List routes, optionally of one corridor.")
    @Option(help: "Corridor code, e.g. CN-EU.") var corridor: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      try db.requireFilters(corridor: corridor)
      let views = try db.routes(corridor: corridor).map { RouteView($0, withLegs: false) }
      try Render.emit(
        output.format, json: views, headers: ["code", "corridor", "origin", "destination", "legs", "km", "hours", "name"],
        rows: views.map {
          [$0.code, $0.corridor, $0.origin, $0.destination, String($0.legCount), String($0.totalKm), String($0.totalHours), $0.name]
        })
    }
  }

  struct RouteDetail: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "route", abstract: "One route's legs with cumulative km and hours, border crossings and gauge changes.")
    @Argument(help: "Route code, e.g. CQ-AKL-DUI.") var code: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let route = try database.open().requireRoute(code)
      let view = RouteView(route, withLegs: true)
      switch output.format {
      case .json: Console.out(try Render.json(view))
      case .table, .csv:
        let rows = (view.legs ?? []).map { leg in
          [
            String(leg.leg), leg.from, leg.to, leg.mode, String(leg.distanceKm), String(leg.transitHours), String(leg.cumulativeKm),
            String(leg.cumulativeHours), leg.borderCrossing ? (leg.borderCountries ?? "yes") : "",
            [leg.gaugeChange ? "gauge change" : nil, leg.transshipment ? "transshipment" : nil].compactMap { $0 }.joined(separator: ", "),
          ]
        }
        let headers = ["leg", "from", "to", "mode", "km", "hours", "cumKm", "cumHours", "border", "at end"]
        if output.format == .csv {
          Console.out(Render.csv(headers, rows))
        } else {
          Console.line("\(view.code) \(view.name) [\(view.corridor)]: \(view.totalKm) km, \(view.totalHours) h")
          Console.out(Render.table(headers, rows))
        }
      }
    }
  }
}
