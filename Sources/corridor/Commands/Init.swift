import ArgumentParser
import CorridorKit

extension Corridor {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create the database (and its folders), apply the migrations.")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Create the schema only; do not load the shipped reference network.")
    var empty = false

    func run() throws {
      let db = try CorridorDatabase(path: database.path, mode: .create, notice: Console.notice)
      Console.line("database ready: \(db.path)")
    }
  }
}
