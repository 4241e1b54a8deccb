import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import CorridorStorePostgres

extension Corridor {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create the database (and its folders), apply the migrations.")

    @OptionGroup var database: LedgerOptions
    @Flag(help: "Create the schema only; do not load the shipped reference network.")
    var empty = false
    @Flag(help: "Also load the sample 2023-2024 export shipments (fixtures/sample).")
    var sample = false
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      if empty && sample { throw ValidationError("--sample needs the reference network; drop --empty") }
    }

    func run() throws {
      switch try database.location() {
      case .sqlite(let path):
        let db = try CorridorDatabase(path: path, mode: .create, clock: try commandClock(), notice: Console.notice)
        try load(into: db)
        Console.line("database ready: \(db.path)")
      case .postgres(let location):
        // The database itself is the administrator's (CREATE DATABASE); init makes it a ledger,
        // loading through the same stores as on SQLite.
        let db = try PostgresLedger.database(location, clock: try commandClock(), notice: Console.notice)
        try load(into: db)
        Console.line("database ready: \(location)")
      }
    }

    /// The shipped reference data and the sample, as asked.
    private func load(into db: CorridorDatabase) throws {
      if !empty {
        let summary = try db.loadShippedReference(operator: op.resolved)
        if summary.changed { Console.line("loaded the shipped reference data: \(summary.text)") }
      }
      if sample {
        let summary = try db.shipmentStore.loadSampleShipments(operator: op.resolved)
        Console.line("sample shipments: \(summary.imported) booked, \(summary.unchanged) already there, \(summary.containers) containers")
      }
    }
  }
}
