import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "db",
      abstract: "Schema migrations, integrity checks and online backups.",
      subcommands: [Migrate.self, Status.self, Check.self, Backup.self]
    )
  }
}

extension Corridor.DB {
  struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations.")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      var applied: [String] = []
      let db = try CorridorDatabase(path: database.path, mode: .existing) { applied.append($0) }
      applied.forEach(Console.line)
      if applied.isEmpty { Console.line("\(db.path) is up to date") }
    }
  }

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List applied and pending migrations.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try CorridorDatabase(path: database.path, mode: .existing, migrate: false)
      let report = MigrationStatusView(database: db.path, statuses: try db.migrationStatus())
      let rows = report.migrations
      try Render.emit(
        output.format, json: report, headers: ["version", "name", "state", "appliedAt"],
        rows: rows.map { [String($0.version), $0.name, $0.state, $0.appliedAt ?? ""] })
    }
  }

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check the migration ledger and run SQLite's integrity and foreign-key checks, read-only; exit 65 on any finding.")
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      let path = database.path
      let findings = try CorridorDatabase.check(path: path)
      if findings.isEmpty {
        Console.line("ok: integrity and foreign keys")
        return
      }
      findings.forEach(Console.line)
      throw CorridorError.invalid(
        "\(findings.count) finding(s) in \(path)", rule: .dbCheck, hint: "restore from a backup, or export what is readable")
    }
  }
}
