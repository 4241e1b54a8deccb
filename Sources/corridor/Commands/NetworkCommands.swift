import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct Network: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Corridors, routes and their legs.",
      subcommands: [Corridors.self, Routes.self, RouteDetail.self]
    )
  }
}

extension Corridor.Network {
  struct Corridors: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "corridors", abstract: "List the corridors.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      let routes = try db.networkStore.routes()
      let views = try db.networkStore.corridors().map { c in CorridorView(c, routes: routes.filter { $0.corridor == c.code }.count) }
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
      try db.networkStore.requireFilters(corridor: corridor)
      let views = try db.networkStore.routes(corridor: corridor).map { RouteView($0, withLegs: false) }
      try Render.emit(
        output.format, json: views, headers: ["code", "corridor", "origin", "destination", "legs", "km", "hours", "name", "direction"],
        rows: views.map {
          [
            $0.code, $0.corridor, $0.origin, $0.destination, String($0.legCount), String($0.totalKm), String($0.totalHours), $0.name,
            $0.direction ?? "",
          ]
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
      let route = try database.open().networkStore.requireRoute(code)
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
          Console.line(
            "\(view.code) \(view.name) [\(([view.corridor] + (view.direction.map { [$0] } ?? [])).joined(separator: ", "))]: "
              + "\(view.totalKm) km, \(view.totalHours) h")
          Console.out(Render.table(headers, rows))
        }
      }
    }
  }
}
