import ArgumentParser
import CorridorKit
import Foundation

/// The `corridor` command. Parsing, formatting and exit codes only: every rule lives in
/// CorridorKit.
struct Corridor: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "corridor",
    abstract: "Container tracker and freight-cost ledger for the corridors out of Chongqing.",
    version: CorridorVersion.current,
    subcommands: [
      Init.self, DB.self, ContainerGroup.self, LocationGroup.self, Network.self, Reference.self, ShipmentGroup.self, Event.self, Track.self,
      Report.self, TariffGroup.self, PolicyGroup.self, FX.self, Cost.self, Audit.self, Import.self, ExportGroup.self, Dev.self, DemoRun.self,
    ]
  )

  /// Runs the command line, mapping domain errors to one stderr line and their sysexits code.
  static func runMain() -> Never {
    do {
      var command = try parseAsRoot()
      do {
        try command.run()
      } catch let error as CorridorError {
        Console.error(error)
        Foundation.exit(error.exitCode)
      }
      Foundation.exit(0)
    } catch let error as CorridorError {
      Console.error(error)
      Foundation.exit(error.exitCode)
    } catch {
      exit(withError: error)
    }
  }
}

Corridor.runMain()
