import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import CorridorStorePostgres
import Foundation

extension Corridor {
  struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "db",
      abstract: "Schema migrations, integrity checks and online backups.",
      subcommands: [Migrate.self, Status.self, Check.self, Backup.self, Copy.self]
    )
  }
}

extension Corridor.DB {
  struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations (SQLite or PostgreSQL).")
    @OptionGroup var database: LedgerOptions

    func run() throws {
      var applied: [String] = []
      let name: String
      switch try database.location() {
      case .sqlite(let path):
        name = try CorridorDatabase(path: path, mode: .existing) { applied.append($0) }.path
      case .postgres(let location):
        _ = try PostgresLedger.open(location) { applied.append($0) }
        name = "\(location)"
      }
      applied.forEach(Console.line)
      if applied.isEmpty { Console.line("\(name) is up to date") }
    }
  }

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List applied and pending migrations (SQLite or PostgreSQL).")
    @OptionGroup var database: LedgerOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let report: MigrationStatusView
      switch try database.location() {
      case .sqlite(let path):
        let db = try CorridorDatabase(path: path, mode: .existing, migrate: false)
        report = MigrationStatusView(database: db.path, statuses: try db.migrationStatus())
      case .postgres(let location):
        let session = try PostgresSession(location)
        let migrator = PostgresMigrator()
        try migrator.validate(session)
        report = MigrationStatusView(database: "\(location)", statuses: try migrator.status(session))
      }
      let rows = report.migrations
      try Render.emit(
        output.format, json: report, headers: ["version", "name", "state", "appliedAt"],
        rows: rows.map { [String($0.version), $0.name, $0.state, $0.appliedAt ?? ""] })
    }
  }

  struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Copy a whole ledger between SQLite and PostgreSQL, in one consistent read, verified at the target before it commits.",
      discussion: """
        One side is a SQLite file, the other postgres://USER@HOST:PORT/NAME (password from the URL, \
        PGPASSWORD or ~/.pgpass). The target is migrated first and must hold no ledger yet; \
        every table is read back from it and compared with the source, and its audit chain \
        re-hashed, before anything commits.
        """)
    @Option(help: "The ledger to copy: a SQLite file or a postgres:// URL. Default: --db, $CORRIDOR_DB, then the default file.")
    var from: String?
    @Option(help: "Where to copy it: a new SQLite file or an empty PostgreSQL database.") var to: String
    @OptionGroup var database: LedgerOptions

    func validate() throws {
      if from != nil, database.db != nil { throw ValidationError("give the source once: --from or --db, not both") }
    }

    func run() throws {
      let environment = ProcessInfo.processInfo.environment
      let source = try from.map { try LedgerLocation(parsing: $0, environment: environment) } ?? database.location()
      let target = try LedgerLocation(parsing: to, environment: environment)
      let report = try LedgerCopy.run(from: source, to: target, notice: Console.notice)
      for table in report.tables where table.rows > 0 { Console.line("\(table.name): \(table.rows) rows") }
      let head = report.auditHead.map { "audit head \($0.description)" } ?? "no audit entries"
      Console.line(
        "copied \(report.rows) rows from \(source) to \(target); audit chain intact at the target (\(report.auditEntries) entries, \(head))")
    }
  }

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Check the migration ledger, integrity and foreign keys (SQLite's checks, or PostgreSQL's: docs/postgres.md), read-only; exit 65 on any finding."
    )
    @OptionGroup var database: LedgerOptions

    func run() throws {
      let findings: [String]
      let place: String
      var ok = "ok: integrity and foreign keys"
      switch try database.location() {
      case .sqlite(let path):
        (findings, place) = (try CorridorDatabase.check(path: path), path)
      case .postgres(let location):
        let checked = try PostgresLedger.check(location)
        (findings, place) = (checked.findings, location.description)
        if !checked.indexesChecked { ok = "ok: foreign keys and constraints (indexes unchecked: PostgreSQL's amcheck extension is not installed)" }
      }
      if findings.isEmpty {
        Console.line(ok)
        return
      }
      findings.forEach(Console.line)
      throw CorridorError.invalid(
        "\(findings.count) finding(s) in \(place)", rule: .dbCheck, hint: "restore from a backup, or export what is readable")
    }
  }
}
