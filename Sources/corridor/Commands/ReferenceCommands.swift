import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct Reference: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Reference data: the network, tariffs, policies and exchange rates as one JSON file.",
      subcommands: [Load.self]
    )
  }
}

extension ReferenceLoadSummary {
  var text: String {
    sections.filter { !$0.counts.isZero }
      .map { "\($0.key): \($0.counts.inserted) new, \($0.counts.updated) updated, \($0.counts.unchanged) unchanged" }
      .joined(separator: "; ")
  }
}

extension Corridor.Reference {
  struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate and load a reference file atomically: all of it or nothing.")
    @Argument(help: "Reference JSON file (format in docs/network.md).") var file: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let summary = try database.open().loadReference(file: file, operator: op.resolved)
      Console.line(summary.changed ? "loaded \(file): \(summary.text)" : "\(file): nothing changed (\(summary.text))")
    }
  }
}
