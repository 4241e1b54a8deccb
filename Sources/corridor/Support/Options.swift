import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import CorridorStorePostgres
import Foundation

/// `--db`, shared by every command that touches the database.
struct DatabaseOptions: ParsableArguments {
  @Option(
    name: .long,
    help: "Database file. Default: $CORRIDOR_DB, else $XDG_DATA_HOME/corridor/corridor.db (~/.local/share/corridor/corridor.db)."
  )
  var db: String?

  var path: String {
    DatabaseLocation.resolve(explicit: db, environment: ProcessInfo.processInfo.environment)
  }

  func validate() throws {
    try Self.refuseNothing(db, what: "the database file's path or a postgres:// URL")
  }

  /// An empty --db used to fall back to the default database silently; `:memory:` and SQLite's
  /// URI names make a database that is gone when the command exits. `what` says what to give.
  static func refuseNothing(_ db: String?, what: String) throws {
    if db == "" { throw ValidationError("--db is empty; give \(what)") }
    if let db, db == ":memory:" || db.hasPrefix("file:") {
      throw ValidationError("--db \(db) is not a file: an in-memory or URI database keeps nothing; give a file path")
    }
  }

  /// The files no output of a command may be: the database and the files SQLite keeps beside it.
  var protectedFiles: [OutputFile.Protected] { CorridorDatabase.files(at: path) }

  /// Opens an output file that must be neither the database nor one of `inputs`, and says so
  /// when it replaces an existing file.
  func output(_ path: String, inputs: [String] = []) throws -> OutputFile {
    try openOutput(path, protecting: protectedFiles + inputs.map { OutputFile.Protected(path: $0, role: "an input of this command") })
  }

  /// Opens the existing ledger on its engine, applying pending migrations and saying so on stderr.
  /// The dev tools, which fill a file, pass `sqliteOnly`: a `postgres://` URL is refused, exit 64,
  /// before anything is read.
  func open(sqliteOnly: Bool = false) throws -> CorridorDatabase {
    let location = try LedgerLocation(parsing: path, environment: ProcessInfo.processInfo.environment)
    if sqliteOnly, case .postgres = location { throw Self.sqliteOnly(path, named: db == nil ? "CORRIDOR_DB" : "--db") }
    return try location.open()
  }
}

extension LedgerLocation {
  /// The existing ledger here opened on its engine with the command's clock, pending migrations
  /// applied and each told on stderr.
  func open() throws -> CorridorDatabase {
    switch self {
    case .sqlite(let path): try CorridorDatabase(path: path, mode: .existing, clock: try commandClock(), notice: Console.notice)
    case .postgres(let location): try PostgresLedger.database(location, clock: try commandClock(), notice: Console.notice)
    }
  }
}

/// `--db` for the commands that run on either engine (`init`, `db migrate`, `db status`, `db copy`, `audit export`): a
/// path selects SQLite, a `postgres://` URL PostgreSQL; the same default as `DatabaseOptions`.
struct LedgerOptions: ParsableArguments {
  @Option(
    name: .long,
    help:
      "Database file, or postgres://USER@HOST:PORT/NAME. Default: $CORRIDOR_DB, else $XDG_DATA_HOME/corridor/corridor.db (~/.local/share/corridor/corridor.db)."
  )
  var db: String?

  func validate() throws { try DatabaseOptions.refuseNothing(db, what: "the database file's path or a postgres:// URL") }

  func location() throws -> LedgerLocation {
    let environment = ProcessInfo.processInfo.environment
    return try LedgerLocation(parsing: DatabaseLocation.resolve(explicit: db, environment: environment), environment: environment)
  }

  /// The ledger opened on its engine and migrated, each migration applied told on stderr.
  func open() throws -> CorridorDatabase { try location().open() }

  /// An output file that must not be the SQLite database or its files.
  func output(_ path: String) throws -> OutputFile {
    guard case .sqlite(let database) = try location() else { return try openOutput(path, protecting: []) }
    return try openOutput(path, protecting: CorridorDatabase.files(at: database))
  }
}

extension DatabaseOptions {
  /// The refusal of a PostgreSQL URL by a command that runs on SQLite only (exit 64), the URL
  /// shown without its password.
  static func sqliteOnly(_ url: String, named option: String) -> ValidationError {
    ValidationError(
      "\(option) \(PostgresLocation.redacted(url)): this command runs on SQLite only (the dev tools fill a file); every other command runs on PostgreSQL too, and `corridor db copy` moves a ledger between them (docs/postgres.md)"
    )
  }
}

/// "Now" for a command's writes and rules: the system clock, or the instant in `CORRIDOR_NOW`
/// (ISO 8601 with an offset, e.g. `2025-06-01T00:00:00Z`) for a run that must come out the same
/// every time: the cross-engine tests compare two engines' outputs and audit heads byte for
/// byte. Written into `recorded_at` and the audit trail as given.
func commandClock() throws -> Clock {
  guard let text = ProcessInfo.processInfo.environment["CORRIDOR_NOW"], !text.isEmpty else { return .system }
  do {
    return .fixed(try EventTime(parsing: text))
  } catch {
    throw CorridorError(
      .usage, "CORRIDOR_NOW \(text.debugDescription) is not a time: \(error.message)",
      hint: "give an ISO 8601 time such as 2025-06-01T00:00:00Z, or unset it")
  }
}

/// Opens an output file that must be none of `protected`, saying so when it replaces one.
func openOutput(_ path: String, protecting protected: [OutputFile.Protected]) throws -> OutputFile {
  let file = try OutputFile(path: path, protecting: protected)
  if file.replacesExisting { Console.notice("replacing the existing file \(path)") }
  return file
}

/// `--operator`, for every command that writes: writes are attributed.
struct OperatorOptions: ParsableArguments {
  @Option(name: .customLong("operator"), help: "Who is writing. Default: $CORRIDOR_OPERATOR, else the login name.")
  var name: String?

  var resolved: String {
    if let name, !name.isEmpty { return name }
    let environment = ProcessInfo.processInfo.environment
    if let name = environment["CORRIDOR_OPERATOR"], !name.isEmpty { return name }
    if let name = environment["USER"] ?? environment["LOGNAME"], !name.isEmpty { return name }
    return NSUserName().isEmpty ? "unknown" : NSUserName()
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}

/// `--format`, for every read command.
struct FormatOptions: ParsableArguments {
  @Option(name: .long, help: "Output format: table (default), json or csv.")
  var format: OutputFormat = .table
  @OptionGroup var lang: LanguageOption
}

/// `--lang`: the language of tables and pages (JSON and CSV never change with it). Default:
/// `LC_ALL`, `LC_MESSAGES` or `LANG`.
struct LanguageOption: ParsableArguments {
  @Option(name: .customLong("lang"), help: "Language of tables and pages: en or zh-CN (default: from LC_ALL, LC_MESSAGES or LANG).")
  var tag: String?

  func validate() throws {
    if let tag, PageLanguage(tag: tag) == nil { throw ValidationError("unknown language \(tag.debugDescription): en or zh-CN") }
  }

  var language: PageLanguage {
    tag.flatMap(PageLanguage.init(tag:)) ?? PageLanguage.fromEnvironment(ProcessInfo.processInfo.environment)
  }

  var words: Words { Words(language) }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv, html

  var plain: OutputFormat? { OutputFormat(rawValue: rawValue) }
}

/// `--format` with `html` (a self-contained page, docs/pages.md) and `--out`, for the reports
/// that have a page.
struct ReportFormatOptions: ParsableArguments {
  @Option(name: .long, help: "Output format: table (default), json, csv or html (a self-contained page with charts).")
  var format: ReportFormat = .table
  @Option(help: "With --format html: write the page to this file (default: standard output).") var out: String?
  @OptionGroup var lang: LanguageOption

  var language: PageLanguage { lang.language }

  func validate() throws {
    if out != nil && format != .html { throw ValidationError("--out goes with --format html") }
  }

  /// Writes the page (html), or emits the rows as `emit` does.
  func emit(database: DatabaseOptions, page: () throws -> String, plain: (OutputFormat) throws -> Void) throws {
    guard let format = format.plain else {
      let html = try page()
      guard let out else { return Console.out(html) }
      let file = try database.output(out)
      try file.write(html)
      try file.commit()
      Console.notice("wrote \(out)")
      return
    }
    try plain(format)
  }

  /// Emits rows as `Render.emit` does, tables in the chosen language.
  func emit<T: Encodable>(
    _ format: OutputFormat, json value: T, headers: [String], rows: @autoclosure () -> [[String]], money: Set<String> = [],
    words cells: Set<String> = []
  ) throws {
    try Render.emit(format, json: value, headers: headers, rows: rows(), money: money, words: lang.words, cells: cells)
  }
}
