import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct Emissions: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "A shipment's greenhouse-gas emissions (ISO 14083 / GLEC) per container, leg and hub, WTW and TTW.")
    @Argument(help: "Shipment reference.") var shipment: String
    @Option(
      help: ArgumentHelp(
        "A comparison leg, MODE or MODE:KM (rail-electric, rail-diesel, sea-container, road-truck, barge); repeat for a mix. Without KM, the route's length.",
        valueName: "mode[:km]"))
    var compare: [String] = []
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let compare = try compare.map { try ComparisonLeg(parsing: $0) }
      let view = EmissionsView(try database.open().emissionStore.emissions(of: shipment, compare: compare))
      switch output.format {
      case .json: Console.out(try Render.json(view))
      case .csv: Console.out(Render.csv(EmissionsView.lineHeaders, view.lineRows))
      case .table:
        let kg = Render.grouped
        Console.line(
          "\(view.shipment) (\(view.route), \(view.teu) TEU): \(kg(view.wtwKg)) kg CO2e well-to-wheel, \(kg(view.ttwKg)) kg tank-to-wheel, "
            + "\(kg(view.tonneKm)) tonne-km" + (view.estimated ? " (estimated: a gross weight is missing)" : ""))
        Console.out(Render.table(EmissionsView.lineHeaders, view.lineRows, money: ["tonneKm", "wtwKg", "ttwKg"]))
        if let comparison = view.comparison {
          let mix = comparison.legs.map { "\($0.mode) \($0.km) km" }.joined(separator: " + ")
          Console.line(
            "compared with \(mix): \(kg(comparison.wtwKg)) kg CO2e well-to-wheel (\(comparison.wtwDifferenceKg.hasPrefix("-") ? "" : "+")"
              + "\(kg(comparison.wtwDifferenceKg)) kg), \(kg(comparison.ttwKg)) kg tank-to-wheel")
        }
      }
    }
  }
}

extension Corridor.Report {
  struct Emissions: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Emissions per corridor, route, month or shipper, with intensities per TEU and per tonne-km.")
    @Option(help: "Shipments booked on or after this date.") var from: String?
    @Option(help: "Shipments booked on or before this date.") var to: String?
    @Option(help: "Only this corridor.") var corridor: String?
    @Option(help: "Only this route.") var route: String?
    @Option(help: "Group by corridor (default), route, month or shipper.") var by: EmissionGrouping = .corridor
    @Option(help: "Only routes of this direction: export, import, transit or domestic.") var direction: RouteDirection?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      try db.networkStore.requireFilters(corridor: corridor, route: route)
      let views = try db.reportStore.emissionReport(
        from: try from.map(Day.init(parsing:)), to: try to.map(Day.init(parsing:)), corridor: corridor, route: route, by: by,
        direction: direction
      ).map(EmissionReportView.init)
      try Render.emit(
        output.format, json: views, headers: EmissionReportView.headers, rows: views.map(\.row),
        money: ["tonneKm", "wtwKg", "ttwKg", "wtwKgPerTeu"], words: output.lang.words)
    }
  }
}
