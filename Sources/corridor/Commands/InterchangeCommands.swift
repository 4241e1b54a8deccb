import ArgumentParser
import CorridorKit
import Foundation

extension EventFileFormat: ExpressibleByArgument {}

extension Corridor {
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Bulk import of movement events and bookings: streaming, all or nothing, idempotent.",
      subcommands: [Events.self, Shipments.self])
  }

  struct ExportGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export", abstract: "Export movement events as CSV or DCSA T&T 2.2 NDJSON.", subcommands: [Events.self])
  }

  struct Dev: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Developer tools for benchmarks.", shouldDisplay: false, subcommands: [Generate.self, AuditFill.self])
  }
}

/// An input path, with `-` for standard input spooled to a temporary file (the import reads
/// its input twice: a validation pass, then the write pass).
struct InputFile {
  let path: String
  let display: String
  private let temporary: Bool

  init(_ argument: String) throws {
    guard argument == "-" else {
      guard FileManager.default.fileExists(atPath: argument) else {
        throw CorridorError(.missingInput, "cannot read \(argument): no such file", hint: "check the path, or pass - to read standard input")
      }
      path = argument
      display = argument
      temporary = false
      return
    }
    let spool = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-stdin-\(UUID().uuidString)").path
    guard FileManager.default.createFile(atPath: spool, contents: nil), let out = FileHandle(forWritingAtPath: spool) else {
      throw CorridorError(.cannotCreate, "cannot spool standard input to \(spool)")
    }
    while let chunk = try? FileHandle.standardInput.read(upToCount: 1 << 16), !chunk.isEmpty { out.write(chunk) }
    try? out.close()
    path = spool
    display = "-"
    temporary = true
  }

  func cleanUp() {
    if temporary { try? FileManager.default.removeItem(atPath: path) }
  }
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
    FileHandle.standardError.write(
      Data(String(format: "\r%d rows, %.0f rows/s, %.0f%%, ETA %.0f s   ", rows, Double(rows) / elapsed, share * 100, eta).utf8))
  }

  func finish() {
    if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }
}

/// Writes rejected rows to the rejects file as CSV: line, rule, error.
final class RejectsFile {
  let handle: FileHandle?

  init(_ path: String?) throws {
    guard let path else {
      handle = nil
      return
    }
    guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
      throw CorridorError(.cannotCreate, "cannot create rejects file \(path)")
    }
    self.handle = handle
    handle.write(Data(CSV.record(["line", "rule", "error"]).utf8))
  }

  func write(line: Int, error: CorridorError) {
    handle?.write(Data(CSV.record([String(line), error.rule ?? "", error.message]).utf8))
  }
}

extension Corridor.Import {
  struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Import movement events; every row is checked like `event record`.",
      discussion: "CSV columns: id,container,code,at,location,shipment,classifier,mode,vehicle,emptyLaden,seal,note. NDJSON: DCSA T&T 2.2 events.")
    @Argument(help: "Input file, or - for standard input.") var file: String
    @Option(help: "csv or ndjson (default: from the extension, else csv).") var format: EventFileFormat?
    @Flag(name: .customLong("skip-invalid"), help: "Import the good rows; write the bad ones to --rejects.") var skipInvalid = false
    @Option(help: "Where --skip-invalid writes the rejected rows (CSV: line, rule, error).") var rejects: String?
    @Flag(name: .customLong("allow-gap"), help: "Keep rows that break a sequence rule as data-quality exceptions.") var allowGap = false
    @Option(name: .customLong("batch-size"), help: "Rows per write transaction.") var batchSize = 25_000
    @Flag(help: "No progress on stderr.") var quiet = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      if rejects != nil && !skipInvalid { throw ValidationError("--rejects goes with --skip-invalid") }
      if batchSize < 1 || batchSize > 1_000_000 { throw ValidationError("--batch-size must be between 1 and 1000000") }
    }

    func run() throws {
      let input = try InputFile(file)
      defer { input.cleanUp() }
      let db = try database.open()
      let detected = format ?? ([".ndjson", ".jsonl", ".json"].contains { file.lowercased().hasSuffix($0) } ? .ndjson : .csv)
      var options = EventImportOptions()
      options.skipInvalid = skipInvalid
      options.allowGap = allowGap
      options.batchSize = batchSize
      options.operatorName = op.resolved
      let rejectsFile = try RejectsFile(rejects)
      let size = (try? FileManager.default.attributesOfItem(atPath: input.path)[.size] as? NSNumber)?.intValue ?? 0
      let progress = ProgressLine(total: size, quiet: quiet)
      defer { progress.finish() }
      let summary = try db.importEvents(
        path: input.path, format: detected, options: options, reject: { row, error in rejectsFile.write(line: row.line, error: error) },
        progress: progress.update)
      progress.finish()
      Console.line(
        "\(input.display): \(summary.rows) rows: \(summary.imported) imported, \(summary.duplicates) already recorded, \(summary.rejected) rejected (\(summary.batches) batches)"
      )
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
      let input = try InputFile(file)
      defer { input.cleanUp() }
      let db = try database.open()
      guard let handle = FileHandle(forReadingAtPath: input.path) else { throw CorridorError(.missingInput, "cannot read \(file)") }
      let rejectsFile = try RejectsFile(rejects)
      let summary = try ShipmentImport.run(
        reader: CSVReader(handle: handle), file: input.display, db: db, skipInvalid: skipInvalid, operator: op.resolved,
        reject: { rejectsFile.write(line: $0.line, error: CorridorError.invalid($0.message)) })
      Console.line(
        "\(input.display): \(summary.imported) bookings imported, \(summary.unchanged) unchanged, \(summary.rejected) rejected; \(summary.containers) containers"
      )
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
    @Option(help: "csv (default) or ndjson (DCSA T&T 2.2).") var format: EventFileFormat = .csv
    @Option(help: "Output file (default: standard output).") var out: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      let db = try database.open()
      let handle: FileHandle
      if let out {
        guard FileManager.default.createFile(atPath: out, contents: nil), let file = FileHandle(forWritingAtPath: out) else {
          throw CorridorError(.cannotCreate, "cannot create \(out)")
        }
        handle = file
      } else {
        handle = FileHandle.standardOutput
      }
      var buffer: [UInt8] = []
      let count = try db.exportEvents(
        from: try from.map(Day.init(parsing:)), to: try to.map(Day.init(parsing:)), container: try container.map(Parse.container),
        shipment: shipment, format: format
      ) { text in
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 16 {
          handle.write(Data(buffer))
          buffer.removeAll(keepingCapacity: true)
        }
      }
      handle.write(Data(buffer))
      if let out {
        try? handle.close()
        Console.notice("exported \(count) events to \(out)")
      }
    }
  }
}

extension Corridor.Dev {
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Book shipments and containers and write N valid events (complete journeys) as CSV, deterministically.")
    @Option(help: "How many events.") var events: Int
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Output CSV file.") var out: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      guard (1...100_000_000).contains(events) else { throw ValidationError("--events must be between 1 and 100000000") }
      guard FileManager.default.createFile(atPath: out, contents: nil), let handle = FileHandle(forWritingAtPath: out) else {
        throw CorridorError(.cannotCreate, "cannot create \(out)")
      }
      var buffer: [UInt8] = []
      let count = try EventGenerator(events: events, seed: seed).run(db: try database.open(), operator: op.resolved) { line in
        buffer.append(contentsOf: line.utf8)
        if buffer.count > 1 << 16 {
          handle.write(Data(buffer))
          buffer.removeAll(keepingCapacity: true)
        }
      }
      handle.write(Data(buffer))
      try? handle.close()
      Console.line("wrote \(count) events to \(out)")
    }
  }

  struct AuditFill: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "audit-fill", abstract: "Append N synthetic `note` entries to the audit trail (benchmarks of verify and export).")
    @Option(help: "How many entries.") var entries: Int
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      try database.open().appendSyntheticAuditEntries(entries)
      Console.line("appended \(entries) entries")
    }
  }
}
