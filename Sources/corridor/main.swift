import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import CorridorStorePostgres
import Foundation

/// The `corridor` command. Parsing, formatting and exit codes only: every rule lives in
/// CorridorStore.
struct Corridor: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "corridor",
    abstract: "Container tracker and freight-cost ledger for the corridors out of Chongqing.",
    version: CorridorVersion.current,
    subcommands: [
      Init.self, DB.self, ContainerGroup.self, LocationGroup.self, Network.self, Reference.self, ShipmentGroup.self, Event.self, Track.self,
      Report.self, FreeTime.self, TariffGroup.self, PolicyGroup.self, FX.self, Cost.self, Emissions.self, Audit.self, Import.self, ExportGroup.self,
      Dev.self,
      DemoRun.self, Serve.self, APIKeyGroup.self, SubscriptionGroup.self, CustomsGroup.self, ETAGroup.self,
    ]
  )

  /// Runs the command line, mapping every failure to one stderr line (and a hint) and its
  /// sysexits code; `--help` and `--version` print as the argument parser does.
  static func runMain() -> Never {
    do {
      var command = try parseAsRoot()
      try command.run()
      Foundation.exit(0)
    } catch let error as CorridorError {
      Console.error(error)
      Foundation.exit(Console.exitCode(error.kind))
    } catch let failure as PostgresFailure {
      Console.error(failure.corridorError)
      Foundation.exit(Console.exitCode(failure.corridorError.kind))
    } catch {
      guard exitCode(for: error) != .success else { exit(withError: error) }
      Console.error(usageError(error))
      Foundation.exit(64)
    }
  }

  /// The argument parser's message in the house format: `corridor: error: …` and a hint that
  /// names the command's help, instead of `Error:` and a usage block.
  static func usageError(_ error: Error) -> CorridorError {
    let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid command line"
    let trimmed = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
    var hint = "see `corridor --help`"
    if let see = fullMessage(for: error).split(separator: "\n").first(where: { $0.contains("See '") }),
      let open = see.firstIndex(of: "'"), let close = see.lastIndex(of: "'"), open < close
    {
      hint = "see `\(see[see.index(after: open)..<close])`"
    }
    return CorridorError(.usage, trimmed, hint: hint)
  }
}

// A write past a file-size limit (`ulimit -f`) fails with EFBIG, reported as exit 74 like a full
// disk, instead of killing the process half-way through a file.
signal(SIGXFSZ, SIG_IGN)
Corridor.runMain()
