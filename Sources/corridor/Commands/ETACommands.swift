import ArgumentParser
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct ETAGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "eta", abstract: "The ETA learned from the corridor's history: its summaries, and its error measured by backtest.",
      subcommands: [Refresh.self, Backtest.self])
  }
}

extension ETACheckpoint: ExpressibleByArgument {}

extension Corridor.ETAGroup {
  struct Refresh: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Count the stretches completed since the last refresh and publish the estimates that moved (every write does this).")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      let done = try database.open().etaStore.refresh()
      Console.line("\(done.segments) stretches counted, \(done.published) estimated arrivals published")
    }
  }

  struct Backtest: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Replay the ETA at each checkpoint of every box that arrived, with only what had happened before, against the plan and the recent median.")
    @Option(help: "Boxes that arrived on or after this date (UTC).") var from: String?
    @Option(help: "Boxes that arrived on or before this date (UTC).") var to: String?
    @Option(help: "Only this route.") var route: String?
    @Option(help: "Checkpoints, comma-separated: departure, border, gauge-change (default: all three).") var checkpoints: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: ReportFormatOptions

    func validate() throws {
      if let checkpoints {
        do { _ = try ETACheckpoint.parseList(checkpoints) } catch { throw ValidationError(error.message) }
      }
    }

    func run() throws {
      let db = try database.open()
      try db.networkStore.requireFilters(corridor: nil, route: route)
      let (from, to) = (try from.map(Day.init(parsing:)), try to.map(Day.init(parsing:)))
      let chosen = try checkpoints.map(ETACheckpoint.parseList) ?? Set(ETACheckpoint.allCases)
      // Refreshing first: the backtest measures what the summaries hold.
      try db.etaStore.refresh(publish: false)
      let view = ETABacktestView(try db.etaStore.backtest(from: from, to: to, route: route, checkpoints: chosen))
      try output.emit(database: database, page: { view.page(from: from, to: to, language: output.language) }) { format in
        try output.emit(format, json: view, headers: ETABacktestView.headers, rows: view.rows, words: ["checkpoint"])
      }
    }
  }
}
