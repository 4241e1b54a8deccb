import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import CorridorStorePostgres
import Foundation

extension Corridor {
  struct DemoRun: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "demo",
      abstract: "Build a realistic demo database (2023-2024 shipments out and home on every corridor) and take a short tour.")
    @Option(help: "Database to create. Default: corridor-demo.db in the working folder (replaced if it exists).") var db: String?
    @Option(help: "Seed: the same seed gives the same database and output.") var seed: UInt64 = 2024

    func validate() throws { try DatabaseOptions.refuseNothing(db, what: "the demo database's path or a postgres:// URL") }

    func run() throws {
      let demo = Demo(seed: seed)
      if let db, PostgresLocation.isURL(db) {
        // On PostgreSQL: the server is reached first (a wrong URL costs no build), the demo is
        // built in a scratch file and moved with `db copy`'s code (which refuses a database
        // that holds a ledger already), and the tour reads PostgreSQL.
        let location = try PostgresLocation(parsing: db, environment: ProcessInfo.processInfo.environment)
        _ = try PostgresSession(location)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-demo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (_, summary) = try demo.build(path: scratch + "/demo.db")
        _ = try LedgerCopy.run(from: .sqlite(scratch + "/demo.db"), to: .postgres(location))
        let database = try PostgresLedger.database(location, clock: .fixed(Demo.clock))
        try tour(demo, database, summary, name: location.description)
        return
      }
      let path = db ?? "corridor-demo.db"
      if FileManager.default.fileExists(atPath: path) {
        guard db == nil else {
          throw CorridorError(.cannotCreate, "\(path) already exists; the demo builds a fresh database", hint: "remove it or pass another --db")
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
      }
      let (database, summary) = try demo.build(path: path)
      try tour(demo, database, summary, name: path)
    }

    /// The demo's summary and tour of `database`, named `path` in the commands it shows.
    private func tour(
      _ demo: Demo, _ database: CorridorDatabase, _ summary: Demo.Summary, name path: String
    ) throws {
      let asOf = Demo.clock
      Console.line("Corridor demo: \(path)")
      Console.line(
        "  \(summary.shipments) shipments, \(summary.containers) containers, \(summary.events) movement events on \(summary.corridors.count) corridors, "
          + "as of \(asOf.utc)")
      Console.line("  \(summary.exceptions) open exceptions (corridor report exceptions --as-of \(asOf.utc) --db \(path))")

      if let box = try demo.featuredContainer(in: database) {
        Console.line("\n== A container on its way: corridor track \(box) --db \(path)")
        Console.text(TrackView(try database.reportStore.track(box), history: false).text(.english))
      }

      let year = Day(year: 2024, month: 1, day: 1)
      let costs = try database.reportStore.costReport(from: year, to: Day(year: 2024, month: 12, day: 31), by: .corridor)
      Console.line("\n== Freight cost by corridor, 2024, CNY: corridor report costs --from 2024-01-01 --to 2024-12-31 --db \(path)")
      Console.out(
        Render.table(
          ["corridor", "shipments", "TEU", "gross", "reductions", "net", "net/TEU"],
          costs.map {
            [
              $0.group, String($0.shipments), String($0.teu), $0.gross.amountText, $0.reductions.amountText, $0.net.amountText,
              $0.netPerTeu?.amountText ?? "",
            ]
          }, money: ["gross", "reductions", "net", "net/TEU"]))
      let extension2025 = Day(year: 2025, month: 1, day: 1)
      let impact = try database.reportStore.policyImpact(from: year, to: Day(year: 2024, month: 12, day: 31), policiesAsOf: extension2025)
      let worth = try Money.sum(impact.filter { $0.corridor == "CN-LA" || $0.corridor == "CN-VN" }.map(\.difference), in: .cny)
      Console.line(
        "  the 2025 extension of the ILSTC reductions to China-Laos and China-Vietnam would have saved 2024's boxes there \(Render.grouped(worth.amountText)) CNY"
          + " (corridor report policy-impact --from 2024-01-01 --to 2024-12-31 --policies-as-of 2025-01-01 --db \(path))")

      Console.line(
        "\n== Chongqing exports 2024 against 2023: corridor report exports --year 2024 --compare 2023 --by commodity --db \(path)")
      let money = { (minor: Int64) in Money(minorUnits: minor, currency: .cny).amountText }
      let trade = { (rows: [ExportReportRow]) in
        Render.table(
          ["commodity", "shipments", "TEU", "value CNY", "2023", "change %"],
          rows.map {
            [
              ($0.parent == nil ? "" : "  ") + $0.group, String($0.shipments), String($0.teu), money($0.value), $0.previousValue.map(money) ?? "",
              $0.changePercent?.text(fractionDigits: 1) ?? "",
            ]
          }, money: ["value CNY", "2023"])
      }
      Console.out(trade(try database.reportStore.exportReport(year: 2024, compare: 2023, by: .commodity)))
      let usd = try database.reportStore.exportReport(year: 2024, by: .commodity, currency: .usd, fxAt: Day(year: 2024, month: 12, day: 31))
      if let autos = usd.first(where: { $0.group == "automobiles" }) {
        Console.line(
          "  automobiles at the 2024 year-end rate (USD/CNY 7.2988): \(Render.grouped(Money(minorUnits: autos.value, currency: .usd).amountText)) USD"
        )
      }

      Console.line(
        "\n== Coming home, 2024 against 2023 (return trains, sea-rail, the Laos and Vietnam railways): "
          + "corridor report imports --year 2024 --compare 2023 --db \(path)")
      Console.out(trade(try database.reportStore.exportReport(year: 2024, compare: 2023, by: .commodity, direction: .import)))

      let clearance = try database.customsStore.clearanceReport(from: nil, to: nil, by: .office, party: nil)
      let rebate = RebateTotal.totals(try database.customsStore.rebates(year: 2024))
      let hours = { (office: String) in
        clearance.first { $0.group == office }?.release.map { DurationText.hours($0.medianMinutes) } ?? "–"
      }
      let chongqing = clearance.first { $0.group == "CNCQI" }
      let selected = chongqing.map { group in
        CustomsCheck.allCases.map { group.selected[$0] ?? 0 }.reduce(0, +) * 100 / max(group.declarations, 1)
      }
      Console.line("\n== Customs clearance: corridor report clearance --db \(path)")
      Console.line(
        "  \(clearance.map(\.declarations).reduce(0, +)) declarations; declared to released in \(hours("CNCQI")) h at Chongqing (median), "
          + "\(hours("CNAKL")) h at Alashankou; \(selected ?? 0)% of Chongqing's selected for a check, \(clearance.map(\.detained).reduce(0, +)) detained; "
          + "the rail rebate let "
          + rebate.map { "\($0.qualifying) \($0.corridor) shipments claim \($0.daysEarlier) days earlier" }.joined(separator: ", ")
          + " in 2024 (corridor customs rebate --year 2024)")

      Console.line("\n== corridor audit verify --db \(path)")
      let audit = try database.auditTrail.verifyAudit()
      Console.line(audit.intact ? "intact: \(audit.entries) entries, head \(audit.head)" : "NOT intact: \(audit.findings.first?.message ?? "")")
      Console.line("\nNext: export CORRIDOR_DB=\(path), then try `corridor shipment list --status in-transit`, `corridor network route CQ-AKL-DUI`.")
    }
  }
}
