import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create the database (and its folders), apply the migrations.")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Create the schema only; do not load the shipped reference network.")
    var empty = false
    @Flag(help: "Also load the sample 2023-2024 export shipments (fixtures/sample).")
    var sample = false
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      if empty && sample { throw ValidationError("--sample needs the reference network; drop --empty") }
    }

    func run() throws {
      let db = try CorridorDatabase(path: database.path, mode: .create, notice: Console.notice)
      if !empty {
        let summary = try db.loadShippedReference(operator: op.resolved)
        if summary.changed { Console.line("loaded the shipped reference data: \(summary.text)") }
      }
      if sample {
        let summary = try db.shipmentStore.loadSampleShipments(operator: op.resolved)
        Console.line("sample shipments: \(summary.imported) booked, \(summary.unchanged) already there, \(summary.containers) containers")
      }
      Console.line("database ready: \(db.path)")
    }
  }
}
