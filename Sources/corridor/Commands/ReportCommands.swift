import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Operational and freight-cost reports.",
      subcommands: [
        Costs.self, Exports.self, Imports.self, Exceptions.self, Transit.self, Emissions.self, NetworkMap.self, FreeTime.self, PolicyImpact.self,
        Clearance.self,
      ]
    )
  }
}

extension Corridor.Report {
  struct Exceptions: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Allow-gap and off-route events, silent containers in transit, long customs holds.")
    @Option(name: .customLong("stale-hours"), parsing: .unconditional, help: "Hours of silence (or of an open hold) that count as an exception.")
    var staleHours: Int = 72
    @Option(name: .customLong("as-of"), help: "Judge staleness as of this instant (ISO 8601 with offset). Default: now.")
    var asOf: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: ReportFormatOptions

    func run() throws {
      try ReportBounds.checkStaleHours(staleHours)
      let db = try database.open()
      let now = try asOf.map(EventTime.init(parsing:)) ?? db.clock.now()
      try output.emit(database: database, page: { try db.reportStore.exceptionsPage(staleHours: staleHours, now: now, language: output.language) }) {
        format in
        let items = try db.reportStore.exceptions(staleHours: staleHours, now: now)
        let views = items.map(ExceptionItemView.init)
        let words = output.lang.words
        try output.emit(
          format, json: views, headers: ["kind", "container", "shipment", "location", "at", "detail"],
          rows: zip(items, views).map { item, view in
            // The detail in the table's language; CSV (a contract) keeps the JSON's English.
            let detail = format == .table ? words.detail(of: item) : view.detail
            return [view.kind, view.container, view.shipment ?? "", view.location, view.at, detail]
          }, words: ["kind"])
      }
    }
  }
}

extension Corridor.Report {
  struct Transit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Transit time per route and month, and dwell time at border crossings and gauge changes (median and spread).")
    @Option(help: "Trips and stays that ended on or after this date (UTC).") var from: String?
    @Option(help: "Trips and stays that ended on or before this date (UTC).") var to: String?
    @Option(help: "Only this corridor.") var corridor: String?
    @Option(help: "Only this route.") var route: String?
    @Option(help: "Only routes of this direction: export, import, transit or domestic.") var direction: RouteDirection?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: ReportFormatOptions

    func run() throws {
      let db = try database.open()
      try db.networkStore.requireFilters(corridor: corridor, route: route)
      let (from, to) = (try from.map(Day.init(parsing:)), try to.map(Day.init(parsing:)))
      try output.emit(
        database: database,
        page: {
          try db.reportStore.transitPage(
            from: from, to: to, corridor: corridor, route: route, language: output.language, direction: direction)
        }
      ) { format in
        let view = TransitReportView(
          try db.reportStore.transitReport(from: from, to: to, corridor: corridor, route: route, direction: direction))
        try output.emit(format, json: view, headers: TransitReportView.headers, rows: view.rows, words: ["measure"])
      }
    }
  }

  struct Clearance: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Customs clearance: declarations, hours from declaration to release (median and quartiles), checks, outcomes.")
    @Option(help: "Declarations lodged on or after this date (UTC).") var from: String?
    @Option(help: "Declarations lodged on or before this date (UTC).") var to: String?
    @Option(help: "Group by office, commodity, route or month (of lodging).") var by: ClearanceGrouping = .office
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: ReportFormatOptions

    func run() throws {
      let db = try database.open()
      let (from, to) = (try from.map(Day.init(parsing:)), try to.map(Day.init(parsing:)))
      try output.emit(
        database: database, page: { try db.customsStore.clearancePage(from: from, to: to, by: by, language: output.language) }
      ) { format in
        let views = try db.customsStore.clearanceReport(from: from, to: to, by: by, party: nil).map(ClearanceGroupView.init)
        try output.emit(format, json: views, headers: ClearanceGroupView.headers, rows: views.map(\.row))
      }
    }
  }

  struct NetworkMap: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "network", abstract: "The corridors and where the boxes of open shipments are now (legs, places, customs holds).")
    @Option(name: .customLong("as-of"), help: "Positions as of this instant (ISO 8601 with offset). Default: now.") var asOf: String?
    @Option(help: "Only this corridor (its page fitted to it).") var corridor: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: ReportFormatOptions

    func run() throws {
      let db = try database.open()
      try db.networkStore.requireFilters(corridor: corridor, route: nil)
      let asOf = try asOf.map(EventTime.init(parsing:)) ?? db.clock.now()
      try output.emit(database: database, page: { try db.reportStore.networkPage(asOf: asOf, corridor: corridor, language: output.language) }) {
        format in
        let view = NetworkPositionsView(try db.reportStore.networkPositions(asOf: asOf, corridor: corridor, party: nil))
        try output.emit(
          format, json: view, headers: ["where", "place", "containers"],
          rows: view.legs.map { ["leg from", $0.key, String($0.value)] } + view.nodes.map { ["at", $0.key, String($0.value)] }
            + view.holds.map { ["customs holds", $0.key, String($0.value)] }, words: ["where"])
      }
    }
  }
}

extension CostGrouping: ExpressibleByArgument {}
extension ExportGrouping: ExpressibleByArgument {}
extension EmissionGrouping: ExpressibleByArgument {}

extension Corridor.Report {
  struct Costs: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Freight cost per corridor, route, month, commodity or shipper, with the policies applied.")
    @Option(help: "Shipments booked on or after this date.") var from: String?
    @Option(help: "Shipments booked on or before this date.") var to: String?
    @Option(help: "Only this corridor.") var corridor: String?
    @Option(help: "Only this route.") var route: String?
    @Option(help: "Group by corridor (default), route, month, commodity or shipper.") var by: CostGrouping = .corridor
    @Option(help: "Only routes of this direction: export, import, transit or domestic.") var direction: RouteDirection?
    @Option(help: "Reporting currency (default CNY).") var currency: String = "CNY"
    @Option(name: .customLong("fx-at"), help: "Convert at this date's rates instead of each booked date's.") var fxAt: String?
    @Option(name: .customLong("as-of"), help: "Waiting costs incurred up to this instant (ISO 8601 with offset). Default: now.")
    var asOf: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: ReportFormatOptions

    func run() throws {
      let currency = try Currency(parsing: currency)
      let db = try database.open()
      try db.networkStore.requireFilters(corridor: corridor, route: route)
      let (from, to, fxAt) = (try from.map(Day.init(parsing:)), try to.map(Day.init(parsing:)), try fxAt.map(Day.init(parsing:)))
      let asOf = try asOf.map(EventTime.init(parsing:)) ?? db.clock.now()
      try output.emit(
        database: database,
        page: {
          try db.reportStore.costPage(
            from: from, to: to, corridor: corridor, route: route, currency: currency, fxAt: fxAt, asOf: asOf, language: output.language,
            direction: direction)
        }
      ) { format in
        let views = try db.reportStore.costReport(
          from: from, to: to, corridor: corridor, route: route, by: by, currency: currency, fxAt: fxAt, asOf: asOf, direction: direction
        ).map(CostReportView.init)
        try output.emit(format, json: views, headers: CostReportView.headers, rows: views.map(\.row), money: CostReportView.money)
      }
    }
  }

  struct Exports: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Declared export value, shipments and TEU per group, with the year-on-year change.")
    @OptionGroup var trade: TradeReportOptions

    func run() throws { try trade.run(.export) }
  }

  struct Imports: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Declared import value, shipments and TEU per group (shipments on routes into China), with the year-on-year change.")
    @OptionGroup var trade: TradeReportOptions

    func run() throws { try trade.run(.import) }
  }
}

/// `report exports` and `report imports`: the same options, figures and shape, for the shipments
/// on routes of one direction (docs/costs.md).
struct TradeReportOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: "Year to report.") var year: Int
  @Option(parsing: .unconditional, help: "Year to compare with.") var compare: Int?
  @Option(help: "Group by commodity (default), corridor, destination-country or partner-country.") var by: ExportGrouping = .commodity
  @Option(help: "Reporting currency (default CNY).") var currency: String = "CNY"
  @Option(name: .customLong("fx-at"), help: "Convert every value at this date's rate (e.g. the year-end rate).") var fxAt: String?
  @OptionGroup var database: DatabaseOptions
  @OptionGroup var output: ReportFormatOptions

  func run(_ direction: RouteDirection) throws {
    try ReportBounds.checkReportYears(year: year, compare: compare)
    let currency = try Currency(parsing: currency)
    let db = try database.open()
    let fxAt = try fxAt.map(Day.init(parsing:))
    try output.emit(
      database: database,
      page: {
        guard by == .commodity else { throw ValidationError("the \(direction.rawValue)s page is by commodity; leave out --by") }
        return try db.reportStore.exportsPage(
          year: year, compare: compare, currency: currency, fxAt: fxAt, language: output.language, direction: direction)
      }
    ) { format in
      let views = try db.reportStore.exportReport(year: year, compare: compare, by: by, currency: currency, fxAt: fxAt, direction: direction)
        .map { ExportReportView($0, currency: currency) }
      try output.emit(
        format, json: views, headers: ["group", "shipments", "teu", "value", "previousValue", "change%", "currency"],
        rows: views.map {
          [
            ($0.parent == nil ? "" : "  ") + $0.group, String($0.shipments), String($0.teu), $0.value, $0.previousValue ?? "",
            $0.changePercent.map { String(format: "%.1f", $0) } ?? "", $0.currency,
          ]
        }, money: ["value", "previousValue"])
    }
  }
}

extension RouteDirection: ExpressibleByArgument {}
