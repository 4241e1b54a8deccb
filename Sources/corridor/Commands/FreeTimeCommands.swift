import ArgumentParser
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct FreeTime: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "free-time",
      abstract: "A container's stays that free-time rules price: last free day, chargeable days, the charge so far (docs/waiting-costs.md).")
    @Argument(help: "Container number.") var container: String
    @Option(name: .customLong("as-of"), help: "Price open stays as of this instant (ISO 8601 with offset). Default: now.")
    var asOf: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let number = try Parse.container(container)
      let db = try database.open()
      let asOf = try asOf.map(EventTime.init(parsing:)) ?? db.clock.now()
      let view = FreeTimeView(container: number, asOf: asOf, stays: try db.freeTimeStore.stays(of: number, asOf: asOf))
      try Render.emit(output.format, json: view, headers: StayView.headers, rows: view.stays.map(\.row), money: ["charge"])
    }
  }
}

extension Corridor.Report {
  struct FreeTime: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "free-time",
      abstract: "Open stays whose last free day is near or past, the most money at stake first, with totals per place and kind.")
    @Option(name: .customLong("as-of"), help: "As of this instant (ISO 8601 with offset). Default: now.") var asOf: String?
    @Option(parsing: .unconditional, help: "Stays whose last free day is at most this many days ahead (past ones always).")
    var within: Int = 3
    @Option(help: "Only stays at this place (UN/LOCODE or alias).") var location: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: ReportFormatOptions

    func run() throws {
      try ReportBounds.checkWithinDays(within)
      let db = try database.open()
      let asOf = try asOf.map(EventTime.init(parsing:)) ?? db.clock.now()
      let place = try location.map { try db.networkStore.resolveLocation($0) }
      let store = db.freeTimeStore
      try output.emit(database: database, page: { try store.freeTimePage(asOf: asOf, within: within, location: place, language: output.language) }) {
        format in
        let view = FreeTimeReportView(try FreeTimeReport(open: try store.openStays(asOf: asOf, location: place), asOf: asOf, within: within))
        try output.emit(format, json: view, headers: FreeTimeReportView.headers, rows: view.rows, money: ["charge"], words: ["kind", "ended"])
      }
    }
  }
}

extension Corridor.Report {
  struct PolicyImpact: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "policy-impact",
      abstract: "What a policy change is worth: the reductions the period's shipments had, beside those the policies of another day would give.")
    @Option(help: "Shipments booked on or after this date.") var from: String?
    @Option(help: "Shipments booked on or before this date.") var to: String?
    @Option(name: .customLong("policies-as-of"), help: "Compare with the policies in force on this date (default: today).")
    var policiesAsOf: String?
    @Option(help: "Only this corridor.") var corridor: String?
    @Option(help: "Reporting currency (default CNY).") var currency: String = "CNY"
    @Option(name: .customLong("fx-at"), help: "Convert at this date's rates instead of each booked date's.") var fxAt: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: ReportFormatOptions

    func run() throws {
      let currency = try Currency(parsing: currency)
      let db = try database.open()
      try db.networkStore.requireFilters(corridor: corridor)
      let (from, to, fxAt) = (try from.map(Day.init(parsing:)), try to.map(Day.init(parsing:)), try fxAt.map(Day.init(parsing:)))
      let asOf = try policiesAsOf.map(Day.init(parsing:)) ?? db.clock.now().day
      let reports = db.reportStore
      try output.emit(
        database: database,
        page: {
          try reports.policyImpactPage(
            from: from, to: to, corridor: corridor, policiesAsOf: asOf, currency: currency, fxAt: fxAt, language: output.language)
        }
      ) { format in
        let view = PolicyImpactView(
          try reports.policyImpact(from: from, to: to, corridor: corridor, policiesAsOf: asOf, currency: currency, fxAt: fxAt),
          currency: currency, policiesAsOf: asOf)
        try output.emit(
          format, json: view, headers: PolicyImpactView.headers, rows: view.tableRows,
          money: ["gross", "appliedReduction", "reductionAsOf", "difference"])
      }
    }
  }
}

extension Corridor.SubscriptionGroup {
  struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Raise the free-time alerts due now into the outbox of the subscriptions that ask for them (the server does this every 10 minutes; docs/waiting-costs.md)."
    )
    @Option(name: .customLong("as-of"), help: "Look as of this instant (ISO 8601 with offset). Default: now.") var asOf: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      let raised = try db.freeTimeStore.raiseAlerts(asOf: try asOf.map(EventTime.init(parsing:)) ?? db.clock.now())
      try Render.emit(
        output.format, json: raised, headers: ["alert", "container", "shipment", "location", "kind", "lastFreeDay", "charge", "currency"],
        rows: raised.map {
          [
            $0.alert.rawValue, $0.container, $0.shipment ?? "", $0.location, $0.kind, $0.lastFreeDay, $0.charge["amount"] ?? "",
            $0.charge["currency"] ?? "",
          ]
        }, money: ["charge"])
    }
  }
}
