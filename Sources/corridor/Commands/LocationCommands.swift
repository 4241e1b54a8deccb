import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct LocationGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "location",
      abstract: "UN/LOCODE places: look up, list, import a code list.",
      subcommands: [Show.self, List.self, ImportUNLOCODE.self]
    )
  }
}

extension Corridor.LocationGroup {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a location by code or alias.")
    @Argument(help: "UN/LOCODE or alias, e.g. CNCQI or CNCKG.") var code: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      let code = try db.networkStore.resolveLocation(code)
      guard let location = try db.networkStore.location(code.text) else { return }
      let view = LocationView(location)
      try Render.emit(output.format, json: view, headers: LocationView.headers, rows: [view.row])
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List locations.")
    @Option(help: "Only this ISO 3166 country, e.g. LA.") var country: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let views = try database.open().networkStore.locations(country: country?.uppercased()).map(LocationView.init)
      try Render.emit(output.format, json: views, headers: LocationView.headers, rows: views.map(\.row))
    }
  }

  struct ImportUNLOCODE: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import-unlocode",
      abstract: "Add every place of a UN/LOCODE CSV (UNECE layout); places already known are kept as they are.")
    @Argument(help: "CSV file, e.g. ../shared/data/unlocode-2018-1-corridor-countries.csv.") var file: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let summary = try UNLOCODEImport.run(path: file, db: try database.open(), operator: op.resolved)
      Console.line(
        "imported \(summary.inserted) locations; \(summary.alreadyKnown) already known; \(summary.aliases) kept as aliases; "
          + "\(summary.skipped) rows skipped (deleted or headers); \(summary.invalid) invalid rows")
      for row in summary.invalidRows.prefix(100) { Console.notice("invalid row: \(row)") }
      if summary.invalidRows.count > 100 { Console.notice("… and \(summary.invalidRows.count - 100) more invalid rows") }
    }
  }
}
