import ArgumentParser
import CorridorDevTools
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation

extension EventFileFormat: ExpressibleByArgument {}

extension Corridor {
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Bulk import of movement events and bookings: streaming, all or nothing, idempotent.",
      subcommands: [Events.self, Shipments.self, Customs.self])
  }

  struct ExportGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export", abstract: "Export movement events as CSV, DCSA T&T 2.2 NDJSON or EDIFACT IFTSTA.", subcommands: [Events.self])
  }

  struct Dev: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Developer tools for benchmarks and tests.", shouldDisplay: false,
      subcommands: [Generate.self, AuditFill.self, ToIFTSTA.self, Sign.self])
  }
}

/// An input path, with `-` for standard input spooled to a temporary file (the import reads
/// its input twice: a validation pass, then the write pass).
///
/// The spool file is unlinked as soon as it is created and read back through
/// `/proc/self/fd/N`, so nothing is left behind even after kill -9.
struct CommandInput {
  /// What the command opens.
  let path: String
  /// What messages call it.
  let display: String
  private let spool: FileHandle?

  init(_ argument: String) throws {
    guard argument == "-" else {
      try InputFile.open(argument).close()
      path = argument
      display = argument
      spool = nil
      return
    }
    let folder = FileManager.default.temporaryDirectory.path
    guard let (fd, spoolPath) = OutputFile.temporaryFile(in: folder, prefix: "corridor-stdin-") else {
      throw CorridorError(.cannotCreate, "cannot spool standard input in \(folder): \(OutputFile.errnoText())")
    }
    unlink(spoolPath)
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      guard count >= 0 else { throw CorridorError(.io, "cannot read standard input: \(String(cString: strerror(errno)))") }
      if count == 0 { break }
      if let failure = chunk.withUnsafeBytes({ OutputFile.writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[..<count])) }) {
        throw CorridorError(.io, "cannot spool standard input in \(folder): \(String(cString: strerror(failure)))", hint: "free space in $TMPDIR")
      }
    }
    spool = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    path = "/proc/self/fd/\(fd)"
    display = "<stdin>"
  }

  /// Input files and outputs must differ: the command's input, unless it is standard input.
  var files: [String] { spool == nil ? [path] : [] }
}

/// Progress on stderr, only when it is a terminal.
final class ProgressLine {
  let total: Int
  let start = Date()
  var last = Date.distantPast
  let enabled: Bool

  init(total: Int, quiet: Bool) {
    self.total = total
    enabled = !quiet && isatty(2) == 1
  }

  func update(rows: Int, bytes: Int) {
    guard enabled, Date().timeIntervalSince(last) > 0.5 else { return }
    last = Date()
    let elapsed = max(Date().timeIntervalSince(start), 0.001)
    let share = total > 0 ? Double(bytes) / Double(total) : 0
    let eta = share > 0 ? elapsed / share - elapsed : 0
    Console.toStandardError(String(format: "\r%d rows, %.0f rows/s, %.0f%%, ETA %.0f s   ", rows, Double(rows) / elapsed, share * 100, eta))
  }

  func finish() {
    if enabled { Console.toStandardError("\r\u{1B}[K") }
  }
}

/// Writes rejected rows to the rejects file as CSV: line, rule, error.
final class RejectsFile {
  let file: OutputFile?
  /// The first failed write, reported when the import ends (the reject callback cannot throw).
  private(set) var failure: Error?

  /// Without a rejects file, the reasons go to stderr: the first `printLimit`, then a count.
  private let printLimit = 100
  private var printed = 0

  init(_ path: String?, database: DatabaseOptions, input: CommandInput) throws {
    file = try path.map { try database.output($0, inputs: input.files) }
    try file?.write(CSV.spreadsheetRecord(["line", "rule", "error"]))
  }

  func write(line: Int, error: CorridorError) {
    guard let file else {
      printed += 1
      if printed <= printLimit {
        Console.rejected(error)
      } else if printed == printLimit + 1 {
        Console.toStandardError("corridor: rejected: more rows were rejected; --rejects FILE keeps every reason\n")
      }
      return
    }
    guard failure == nil else { return }
    do { try file.write(CSV.spreadsheetRecord([String(line), error.rule?.name ?? "", error.text])) } catch { failure = error }
  }

  func commit() throws {
    if let failure { throw failure }
    try file?.commit()
  }
}

extension Corridor.Import {
  struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Import movement events; every row is checked like `event record`.",
      discussion:
        "CSV columns: id,container,code,at,location,shipment,classifier,mode,vehicle,emptyLaden,seal,note,carrierBooking. NDJSON: DCSA T&T 2.2 events. EDIFACT: CODECO, COARRI and IFTSTA (D95B, D00B)."
    )
    @Argument(help: "Input file, or - for standard input.") var file: String
    @Option(help: "csv, ndjson or edifact (default: EDIFACT when the file starts with UNA, UNB or UNH, else from the extension, else csv).")
    var format: EventFileFormat?
    @Flag(name: .customLong("register-containers"), help: "Register unknown containers from EDIFACT EQD's number and size-type (audited).")
    var registerContainers = false
    @Flag(name: .customLong("skip-invalid"), help: "Import the good rows; write the bad ones to --rejects.") var skipInvalid = false
    @Option(help: "Where --skip-invalid writes the rejected rows (CSV: line, rule, error).") var rejects: String?
    @Flag(name: .customLong("allow-gap"), help: "Keep rows that break a sequence rule as data-quality exceptions.") var allowGap = false
    @Flag(
      help:
        "A new partner's first import: a box with no event yet is taken from where the feed first sees it (flagged once as first-seen-mid-journey); every other rule holds."
    )
    var onboard = false
    @Flag(
      name: .customLong("strict-codes"),
      help: "An EDIFACT status code with no Corridor event (not in Recommendation 24 nor the sender's statusCodes) is a row error.")
    var strictCodes = false
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Rows per write transaction.") var batchSize = 25_000
    @Flag(help: "No progress on stderr.") var quiet = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      if rejects != nil && !skipInvalid { throw ValidationError("--rejects goes with --skip-invalid") }
      if batchSize < 1 || batchSize > 1_000_000 { throw ValidationError("--batch-size must be between 1 and 1000000") }
    }

    func run() throws {
      let db = try database.open()
      let input = try CommandInput(file)
      let byName: EventFileFormat = [".ndjson", ".jsonl", ".json"].contains { file.lowercased().hasSuffix($0) } ? .ndjson : .csv
      let detected = try format ?? (EDIFACTDetection.looksLikeEDIFACT(path: input.path) ? .edifact : byName)
      var options = EventImportOptions()
      options.skipInvalid = skipInvalid
      options.allowGap = allowGap
      options.onboard = onboard
      options.strictCodes = strictCodes
      options.registerContainers = registerContainers
      options.batchSize = batchSize
      options.operatorName = op.resolved
      let rejectsFile = try RejectsFile(rejects, database: database, input: input)
      let size = (try? FileManager.default.attributesOfItem(atPath: input.path)[.size] as? NSNumber)?.intValue ?? 0
      let progress = ProgressLine(total: size, quiet: quiet)
      defer { progress.finish() }
      let summary = try db.eventStore.importEvents(
        path: input.path, name: input.display, format: detected, options: options,
        reject: { row, error in rejectsFile.write(line: row.line, error: error) }, progress: progress.update)
      progress.finish()
      try rejectsFile.commit()
      ETARefreshing.afterWrite(db)
      Console.line(
        "\(input.display): \(summary.rows) rows: \(summary.imported) imported, \(summary.duplicates) already recorded, \(summary.rejected) rejected (\(summary.batches) batches)"
      )
      if !summary.unmapped.isEmpty {
        Console.line(
          "not mapped (no Corridor event): " + summary.unmapped.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        // Where each was first seen, so that it can be found in the file.
        for (what, position) in summary.unmappedFirst.sorted(by: { $0.key < $1.key }) { Console.line("  \(what): first at \(position)") }
      }
    }
  }

  struct Shipments: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Import bookings: ref,route,shipper,consignee,commodity,hs,value,currency,booked,containers (NUMBER:SIZETYPE;…).")
    @Argument(help: "Input file, or - for standard input.") var file: String
    @Flag(name: .customLong("skip-invalid"), help: "Import the good rows; write the bad ones to --rejects.") var skipInvalid = false
    @Option(help: "Where --skip-invalid writes the rejected rows.") var rejects: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      if rejects != nil && !skipInvalid { throw ValidationError("--rejects goes with --skip-invalid") }
    }

    func run() throws {
      let db = try database.open()
      let input = try CommandInput(file)
      let handle = try InputFile.open(input.path, name: input.display)
      let rejectsFile = try RejectsFile(rejects, database: database, input: input)
      let summary = try ShipmentImport.run(
        reader: CSVReader(handle: handle), file: input.display, db: db, skipInvalid: skipInvalid, operator: op.resolved,
        reject: { rejectsFile.write(line: $0.line, error: CorridorError.invalid($0.message)) })
      try rejectsFile.commit()
      Console.line(
        "\(input.display): \(summary.imported) bookings imported, \(summary.unchanged) unchanged, \(summary.rejected) rejected; \(summary.containers) containers"
      )
    }
  }
}

extension CustomsFileFormat: ExpressibleByArgument {}

extension Corridor.Import {
  struct Customs: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Import customs' responses: UN/EDIFACT CUSRES (D.96A to D.01B) or CSV (docs/customs.md); all or nothing, resending is a no-op.")
    @Argument(help: "Input file, or - for standard input.") var file: String
    @Option(help: "edifact or csv (default: EDIFACT when the file starts with UNA or UNB).") var format: CustomsFileFormat?
    @Flag(help: "Create the declarations a response names that Corridor does not know (lodged outside Corridor).") var create = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let db = try database.open()
      let input = try CommandInput(file)
      let summary = try db.customsStore.importResponses(
        path: input.path, name: input.display, format: format, create: create, operator: op.resolved)
      Console.line(
        "\(input.display): \(summary.responses) responses: \(summary.applied) applied, \(summary.duplicates) already recorded, "
          + "\(summary.acknowledgements) acknowledgements; \(summary.created) declarations created")
    }
  }
}

extension Corridor.ExportGroup {
  struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export live events in time order (retracted ones are left out).")
    @Option(help: "Events on or after this day (UTC).") var from: String?
    @Option(help: "Events on or before this day (UTC).") var to: String?
    @Option(help: "Only this container.") var container: String?
    @Option(help: "Only this shipment.") var shipment: String?
    @Option(help: "csv (default), ndjson (DCSA T&T 2.2) or iftsta (UN/EDIFACT IFTSTA D00B).") var format: EventFileFormat = .csv
    @Option(help: "Output file (default: standard output).") var out: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      let db = try database.open()
      let container = try container.map(Parse.container)
      try db.networkStore.requireFilters(shipment: shipment, container: container)
      let output = try out.map { try database.output($0) } ?? .standardOutput()
      let count = try db.eventStore.exportEvents(
        from: try from.map(Day.init(parsing:)), to: try to.map(Day.init(parsing:)), container: container, shipment: shipment,
        format: format, write: output.write)
      try output.commit()
      if let out { Console.notice("exported \(count) events to \(out)") }
    }
  }
}

extension Corridor.Dev {
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Book shipments and containers and write N valid events (complete journeys) as CSV, deterministically.")
    @Option(parsing: .unconditional, help: "How many events.") var events: Int
    @Option(parsing: .unconditional, help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Output CSV file.") var out: String
    @Option(name: .customLong("containers-per-shipment"), parsing: .unconditional, help: "Boxes per booking (a block train: 41).")
    var containersPerShipment = 41
    @Option(
      name: .customLong("events-per-container"), parsing: .unconditional,
      help: "At most this many events per box: the first steps of its journey (default: the whole journey).")
    var eventsPerContainer: Int?
    @Option(name: .customLong("interval-minutes"), parsing: .unconditional, help: "Minutes between two bookings' departures.")
    var intervalMinutes = 60
    @Option(name: .customLong("size-types"), help: "ISO 6346 size types the boxes take in turn, comma-separated.") var sizeTypes = "42G1"
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      guard (1...100_000_000).contains(events) else { throw ValidationError("--events must be between 1 and 100000000") }
      guard (1...1_000).contains(containersPerShipment) else { throw ValidationError("--containers-per-shipment must be between 1 and 1000") }
      guard (1...1_000).contains(eventsPerContainer ?? 1) else { throw ValidationError("--events-per-container must be between 1 and 1000") }
      guard (1...10_080).contains(intervalMinutes) else { throw ValidationError("--interval-minutes must be between 1 and 10080") }
    }

    func run() throws {
      // The ledger first: a PostgreSQL URL is refused before the output is made.
      let db = try database.open(sqliteOnly: true)
      let output = try database.output(out)
      var generator = EventGenerator(events: events, seed: seed)
      generator.containersPerShipment = containersPerShipment
      generator.eventsPerContainer = eventsPerContainer
      generator.intervalMinutes = Int64(intervalMinutes)
      generator.sizeTypes = sizeTypes.split(separator: ",").map { String($0) }
      let count = try generator.run(db: db, operator: op.resolved, write: output.write)
      try output.commit()
      Console.line("wrote \(count) events to \(out)")
    }
  }

  struct ToIFTSTA: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "to-iftsta", abstract: "Rewrite an event CSV (e.g. from `dev generate`) as EDIFACT IFTSTA, for benchmarks.")
    @Argument(help: "Event CSV.") var file: String
    @Option(help: "Output file.") var out: String
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      let output = try database.output(out, inputs: [file])
      let count = try IFTSTAConversion.convert(
        try CSVEventSource(reader: CSVReader(handle: try InputFile.open(file)), file: file), write: output.write)
      try output.commit()
      Console.line("wrote \(count) events to \(out)")
    }
  }

  struct AuditFill: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "audit-fill", abstract: "Append N synthetic `note` entries to the audit trail (benchmarks of verify and export).")
    @Option(parsing: .unconditional, help: "How many entries.") var entries: Int
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      try CorridorDevTools.AuditFill.append(entries, to: try database.open(sqliteOnly: true))
      Console.line("appended \(entries) entries")
    }
  }
}
