import ArgumentParser
import CorridorKit

extension Corridor {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create the database (and its folders), apply the migrations.")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Create the schema only; do not load the shipped reference network.")
    var empty = false
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let db = try CorridorDatabase(path: database.path, mode: .create, notice: Console.notice)
      if !empty {
        let summary = try db.loadShippedReference(operator: op.resolved)
        if summary.changed { Console.line("loaded the shipped reference data: \(summary.text)") }
      }
      Console.line("database ready: \(db.path)")
    }
  }
}
