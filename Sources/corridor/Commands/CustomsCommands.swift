import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension CustomsProcedure: ExpressibleByArgument {}
extension DeclarationMode: ExpressibleByArgument {}
extension DeclarationStatus: ExpressibleByArgument {}
extension CustomsCheck: ExpressibleByArgument {}
extension InspectionOutcome: ExpressibleByArgument {}
extension ClearanceGrouping: ExpressibleByArgument {}

extension Corridor {
  struct CustomsGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "customs",
      abstract: "Customs declarations for shipments' boxes, and the statuses customs gives them (docs/customs.md).",
      subcommands: [Declare.self, Record.self, Show.self, List.self, Rebate.self]
    )
  }
}

/// `--containers C1,C2`: parsed once at the edge.
private func containerList(_ text: String?) throws -> [ContainerNumber]? {
  try text.map { list in try list.split(separator: ",").map { try Parse.container(String($0).trimmingSpaces) } }
}

extension Corridor.CustomsGroup {
  struct Declare: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lodge a goods declaration for a shipment's boxes at a customs office.")
    @Argument(help: "Declaration number: China's 18 digits (office, year, 0 export / 1 import, sequence), or with --foreign another country's.")
    var number: String
    @Option(help: "The shipment it is for.") var shipment: String
    @Option(help: "export, import or transit.") var procedure: CustomsProcedure
    @Option(help: "Where customs acts: a UN/LOCODE of the network, e.g. CNCQI, CNAKL, KZDOS, BYBQT.") var office: String
    @Option(help: "Only these boxes of the shipment, comma-separated (default: all of them).") var containers: String?
    @Option(help: "one-step (default) or two-step (a summary declaration first).") var mode: DeclarationMode = .oneStep
    @Option(parsing: .unconditional, help: "Declared value, a decimal (with --currency).") var value: String?
    @Option(help: "Currency of --value, e.g. CNY.") var currency: String?
    @Option(help: "When it was lodged (ISO 8601 with offset). Default: now.") var at: String?
    @Flag(help: "Another country's number: free text of 1 to 35 characters.") var foreign = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      if (value == nil) != (currency == nil) { throw ValidationError("--value and --currency go together") }
    }

    func run() throws {
      let value = try value.map { try Money(parsing: $0, currency: try Currency(parsing: currency ?? "")) }
      let db = try database.open()
      let declared = try db.customsStore.declare(
        DeclarationRequest(
          number: number, foreign: foreign, shipment: shipment, procedure: procedure, office: office, containers: try containerList(containers),
          mode: mode, value: value, at: try at.map(EventTime.init(parsing:)) ?? db.clock.now()), operator: op.resolved)
      Console.line(
        "declared \(declared.number) (\(declared.procedure.rawValue), \(declared.mode.rawValue)) for \(declared.boxes.count) container(s) of \(declared.shipment) at \(declared.office): \(declared.status.rawValue)"
      )
    }
  }

  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record a status customs gave a declaration (or some of its boxes).")
    @Argument(help: "Declaration number.") var number: String
    @Argument(help: "declared, accepted, rejected, selected, inspected, detained, released, seized or closed.") var status: DeclarationStatus
    @Option(help: "When customs gave it (ISO 8601 with offset).") var at: String
    @Option(help: "Only these boxes (released, detained, seized), comma-separated.") var containers: String?
    @Option(help: "With selected: document, physical or scan.") var check: CustomsCheck?
    @Option(help: "With inspected: clear, discrepancy or seized.") var outcome: InspectionOutcome?
    @Option(help: "A note (up to 500 characters).") var note: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      if let note, note.isEmpty || note.count > 500 { throw ValidationError("--note takes 1 to 500 characters") }
    }

    func run() throws {
      let db = try database.open()
      let change = DeclarationChange(
        status: status, at: try EventTime(parsing: at), containers: try containerList(containers), check: check, outcome: outcome, note: note,
        recordedAt: db.clock.nowUTC(), operatorName: op.resolved)
      let next = try db.customsStore.record(number, change, operator: op.resolved)
      let boxes = change.containers.map { " for \($0.map(\.text).joined(separator: ", "))" } ?? ""
      Console.line("\(next.number): \(status.rawValue)\(boxes); the declaration is \(next.status.rawValue)")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A declaration: its boxes, status and history.")
    @Argument(help: "Declaration number.") var number: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      let view = DeclarationView(try db.customsStore.requireDeclaration(number))
      switch output.format {
      case .json: Console.out(try Render.json(view))
      case .csv: Console.out(Render.csv(DeclarationView.historyHeaders, view.historyRows))
      case .table:
        var lines = [
          "declaration \(view.number)\(view.foreign ? " (foreign)" : "")", "shipment    \(view.shipment)",
          "procedure   \(view.procedure), \(view.mode), at \(view.office)", "status      \(view.status)",
          "declared    \(view.declaredAt)",
        ]
        if let value = view.value { lines.append("value       \(Render.grouped(value.amount)) \(value.currency)") }
        if let completed = view.completedAt { lines.append("complete    \(completed)") }
        Console.text(
          lines.joined(separator: "\n") + "\n\n" + Render.table(["container", "status"], view.boxes.map { [$0.container, $0.status] }) + "\n"
            + Render.table(DeclarationView.historyHeaders, view.historyRows))
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List declarations, newest first.")
    @Option(help: "Only this shipment's.") var shipment: String?
    @Option(help: "Only those in this status.") var status: DeclarationStatus?
    @Flag(help: "Only open ones (not rejected, seized or closed).") var open = false
    @Option(help: "Only those at this office (UN/LOCODE or alias).") var office: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let views = try database.open().customsStore.declarations(shipment: shipment, status: status, openOnly: open, office: office)
        .map(DeclarationView.init)
      try Render.emit(output.format, json: views, headers: DeclarationView.headers, rows: views.map(\.row))
    }
  }

  struct Rebate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "The rail departure-port export tax rebate (启运港退税): a shipment's claim day against the day without the scheme, or a year's days earlier per corridor."
    )
    @Argument(help: "The shipment (leave out with --year).") var shipment: String?
    @Option(help: "Every shipment whose boxes left a departure port in this year, summed per corridor.") var year: Int?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
      guard (shipment == nil) != (year == nil) else { throw ValidationError("give a shipment or --year, not both") }
    }

    func run() throws {
      let db = try database.open()
      if let shipment {
        let view = RebateView(try db.customsStore.rebate(shipment: shipment))
        return try Render.emit(output.format, json: view, headers: RebateView.headers, rows: [view.row])
      }
      let year = year ?? 0
      try ReportBounds.checkReportYears(year: year, compare: nil)
      let view = RebateYearView(year: year, try db.customsStore.rebates(year: year))
      try Render.emit(output.format, json: view, headers: RebateYearView.headers, rows: view.rows)
    }
  }
}
