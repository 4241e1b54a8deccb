import CorridorInterchange
import CorridorModel
import Crypto
import Foundation
import SQLite

/// How `import events` treats a file.
public struct EventImportOptions: Sendable {
  /// Keep the good rows and report the bad ones, instead of refusing the whole file.
  public var skipInvalid = false
  /// Record rows that break a sequence rule as data-quality exceptions (as `event record --allow-gap`).
  public var allowGap = false
  /// A new partner's first import: a box with no event yet is taken from where the feed first
  /// sees it, flagged once (`first-seen-mid-journey`); every other rule holds.
  public var onboard = false
  /// An EDIFACT status that maps to no Corridor event is a row error, not a "not mapped" line.
  public var strictCodes = false
  /// Rows per write transaction: short, so other processes get the database between batches.
  public var batchSize = 25_000
  public var operatorName = "unknown"
  /// Containers whose state the import keeps in memory at once (see `ImportFacts`).
  public var maxBoxes = 32_768
  /// Shipments the import keeps in memory at once.
  public var maxShipments = 1_024
  /// The clock for the future-event rule; nil: the database's clock.
  public var now: EventTime?
  /// Register a row's unknown container from the size-type code it carries (EDIFACT EQD),
  /// audited, instead of refusing the row.
  public var registerContainers = false

  public init() {}
}

public struct EventImportSummary: Sendable, Equatable {
  public var rows = 0
  public var imported = 0
  /// Rows whose id was already recorded with identical content.
  public var duplicates = 0
  public var rejected = 0
  public var batches = 0
  /// What the file held that has no Corridor event, by what it was (EDIFACT).
  public var unmapped: [String: Int] = [:]
  /// Where each kind of `unmapped` was first seen (`FILE: interchange …, message …, segment …`).
  public var unmappedFirst: [String: String] = [:]

  mutating func add(_ other: EventImportSummary) {
    rows += other.rows
    imported += other.imported
    duplicates += other.duplicates
    rejected += other.rejected
    batches += other.batches
  }
}

/// Reports import progress (rows, bytes) to whoever is watching.
public typealias ImportProgress = (_ rows: Int, _ bytes: Int) -> Void

extension EventStore {
  /// Imports movement events from a file. See docs/interchange.md for the semantics:
  /// all or nothing for bad data (a validation pass reads the whole file before anything is
  /// written), short batches for the write, idempotent re-runs.
  ///
  /// - Parameter name: what messages call the file (`<stdin>` for a spooled standard input),
  ///   when it is not `path`.
  public func importEvents(
    path: String, name: String? = nil, format: EventFileFormat, options: EventImportOptions,
    reject: (ImportRow, CorridorError) -> Void = { _, _ in }, progress: ImportProgress? = nil
  ) throws -> EventImportSummary {
    let file = name ?? path
    // Checked here too, so that a folder or a missing file is exit 66 before any pass starts.
    try InputFile.open(path, name: file).close()
    let open = try rowSource(path: path, file: file, format: format, options: options)
    if !options.skipInvalid {
      try validate(open(), file: file, options: options, progress: progress)
      try checkSpace(forImportOf: path)
    }
    return try withImportSettings { try write(open(), file: file, options: options, reject: reject, progress: progress) }
  }

  /// How to open the file for a pass: each pass reads it afresh, on a reader thread that
  /// parses ahead of the pass.
  private func rowSource(path: String, file: String, format: EventFileFormat, options: EventImportOptions) throws -> () -> PrefetchingRowSource {
    let isEDIFACT = format == .edifact || format == .iftsta
    let zones = isEDIFACT ? try db.networkStore.placeTimeZones() : [:]
    let reading = EDIFACTReading(senderCodes: isEDIFACT ? try senderStatusCodes() : [:], strictCodes: options.strictCodes)
    return {
      PrefetchingRowSource { () throws -> EventRowSource in
        let handle = try InputFile.open(path, name: file)
        switch format {
        case .csv: return try CSVEventSource(reader: CSVReader(handle: handle), file: file)
        case .ndjson: return NDJSONEventSource(handle: handle, file: file)
        case .edifact, .iftsta: return EDIFACTEventSource(handle: handle, file: file, zones: zones, reading: reading)
        }
      }
    }
  }

  /// Pass 1: every row decided by the engine over a dry run's facts, nothing written; the first
  /// bad row stops the import with its position.
  private func validate(_ source: PrefetchingRowSource, file: String, options: EventImportOptions, progress: ImportProgress?) throws {
    let facts = try ImportFacts(db: db, options: options, dryRun: true)
    var rows = 0
    while let row = try source.next() {
      rows += 1
      let report = try row.result.get()
      do {
        try register(report, of: row, in: facts, options: options, write: false)
        try facts.apply(try facts.decide(report, parsedDerivedID: row.derivedID, parsedRowHash: row.rowHash))
      } catch let error as CorridorError {
        throw located(error, row: row, path: file)
      }
      // The two passes each read the file: progress counts half of it for this one.
      if rows % 10_000 == 0 { progress?(rows / 2, source.bytesRead / 2) }
    }
  }

  /// The connection's settings for the write pass, restored afterwards (SQLite's; PostgreSQL's
  /// import needs none).
  private func withImportSettings<T>(_ body: () throws -> T) throws -> T {
    guard connection.dialect == .sqlite else { return try body() }
    // Every row's references (container, place, shipment) are checked by the engine, so
    // SQLite's own per-row foreign-key checks are switched off for the import: with them on,
    // each INSERT opens and closes a statement journal, which cost more than the insert itself.
    // `db check` still runs foreign_key_check over everything.
    try mapSQLiteErrors { try connection.execute("PRAGMA foreign_keys = OFF") }
    defer { try? connection.execute("PRAGMA foreign_keys = ON") }
    // Event ids are content hashes, so the id index takes inserts at random places: a larger
    // page cache (32 MiB, within the import's 100 MB memory budget) keeps them off the disk.
    try mapSQLiteErrors { try connection.execute("PRAGMA cache_size = -32768") }
    // Checkpoint the WAL every 64 MiB instead of every 4 MiB: a page the id index touches in
    // many batches is then copied into the database once, not once per batch.
    try mapSQLiteErrors { try connection.execute("PRAGMA wal_autocheckpoint = 16384") }
    defer { try? connection.execute("PRAGMA wal_autocheckpoint = 1000") }
    return try body()
  }

  /// Pass 2: the file in short batches, each its own write transaction, so other processes
  /// get the database between them.
  private func write(
    _ source: PrefetchingRowSource, file: String, options: EventImportOptions, reject: (ImportRow, CorridorError) -> Void,
    progress: ImportProgress?
  ) throws -> EventImportSummary {
    var facts = try ImportFacts(db: db, options: options, dryRun: false)
    var summary = EventImportSummary()
    while true {
      let batch: ImportBatch
      do {
        batch = try writeBatch(from: source, facts: &facts, file: file, options: options)
      } catch let error as CorridorError where error.kind == .io && summary.batches > 0 {
        throw CorridorError(
          .io,
          "\(error.message) after \(summary.imported) events in \(summary.batches) batches were committed (consistent and audited)",
          hint: "free space and run the same command again: it skips what is already recorded")
      }
      // A batch's rejects are reported once, after it committed (a rolled-back attempt's are not).
      for (row, error) in batch.rejects { reject(row, error) }
      summary.add(batch.summary)
      progress?(summary.rows, source.bytesRead)
      guard !batch.endOfFile else { break }
      // A moment with the database free: writers waiting on the busy handler (which retries
      // every 1 to 3 ms) take their turn here instead of waiting for the whole import.
      usleep(5_000)
    }
    summary.unmapped = source.unmapped.counts
    summary.unmappedFirst = source.unmapped.first
    return summary
  }

  /// What one attempt at a batch did.
  private struct ImportBatch {
    var summary = EventImportSummary()
    var rejects: [(ImportRow, CorridorError)] = []
    var endOfFile = false
    /// A chunk was refused: the attempt was rolled back and the batch is done again row by row.
    var refused = false
  }

  /// One batch of up to `batchSize` rows in one write transaction: retried whole while the
  /// database is busy, and done again row by row when the writer had a chunk refused. The rows
  /// are kept as they are read, so that a retry goes over the same rows (none lost, none
  /// counted twice) while the first attempt still streams: the reader thread parses ahead while
  /// rows are written.
  private func writeBatch(
    from source: PrefetchingRowSource, facts: inout ImportFacts, file: String, options: EventImportOptions
  ) throws -> ImportBatch {
    var rows: [ImportRow] = []
    rows.reserveCapacity(min(options.batchSize, 1 << 16))
    var mode = EventBatchWriter.Mode.chunks
    var attempt = 0
    while true {
      let batch = try mapSQLiteErrors {
        try withBusyRetry {
          attempt += 1
          // A rolled-back attempt left the facts ahead of the database: start them afresh
          // from the database (which the write pass's facts are built on).
          if attempt > 1 { facts = try ImportFacts(db: db, options: options, dryRun: false) }
          let writer = try EventBatchWriter(db: db, mode: mode)
          facts.writer = writer
          defer { facts.writer = nil }
          return try connection.transaction(committingIf: { !$0.refused }) {
            try writeRows(&rows, from: source, facts: facts, writer: writer, file: file, options: options)
          }
        }
      }
      guard batch.refused else { return batch }
      mode = .rowByRow
    }
  }

  /// One attempt at a batch, inside its transaction: the rows decided by the engine, the
  /// accepted ones written, and the batch's `event-batch` audit entry.
  private func writeRows(
    _ rows: inout [ImportRow], from source: PrefetchingRowSource, facts: ImportFacts, writer: EventBatchWriter, file: String,
    options: EventImportOptions
  ) throws -> ImportBatch {
    var batch = ImportBatch()
    let recordedAt = clock.nowUTC()
    for index in 0..<options.batchSize {
      let row: ImportRow
      if index < rows.count {
        row = rows[index]
      } else if let next = try source.next() {
        rows.append(next)
        row = next
      } else {
        batch.endOfFile = true
        break
      }
      batch.summary.rows += 1
      do {
        let report = try row.result.get()
        try register(report, of: row, in: facts, options: options, write: true)
        let prepared = try facts.decide(report, parsedDerivedID: row.derivedID, parsedRowHash: row.rowHash)
        if let accepted = prepared.accepted,
          try writer.add(
            EventColumns.Row(accepted: accepted, recordedAt: recordedAt, operatorName: options.operatorName), of: accepted.report.container)
        {
          try facts.apply(prepared)
        } else {
          batch.summary.duplicates += 1
        }
      } catch  where writer.refused {
        // Decided over a database without the refused chunk: the batch is done again anyway.
      } catch let error as CorridorError where error.kind == .invalidData {
        let error = located(error, row: row, path: file)
        guard options.skipInvalid else { throw error }
        batch.summary.rejected += 1
        batch.rejects.append((row, error))
      }
      if writer.refused { break }
    }
    guard let written = try writer.finish() else {
      batch.refused = writer.refused
      return batch
    }
    batch.summary.imported = Int(written.count)
    try db.outbox.enqueueNotifications(afterSeq: written.firstSeq - 1)
    let state = CanonicalJSON.object([
      "count": .int(written.count), "digest": .string(hex(written.digest)), "firstSeq": .int(written.firstSeq),
      "lastSeq": .int(written.lastSeq), "source": .string((file as NSString).lastPathComponent),
    ])
    try db.auditTrail.appendAudit(
      action: "import", entity: AuditTrail.eventBatch, key: "events \(written.firstSeq)-\(written.lastSeq)", state: state.text,
      operator: options.operatorName)
    batch.summary.batches += 1
    return batch
  }

  /// `--register-containers`: registers the row's container from its size-type code when it is
  /// not registered (audited, in the batch's transaction), so the engine then finds it.
  private func register(_ report: EventReport, of row: ImportRow, in facts: ImportFacts, options: EventImportOptions, write: Bool) throws {
    guard options.registerContainers, let code = row.sizeType, try !facts.knows(report.container) else { return }
    let (sizeType, asSent) = try SizeType.fromFeed(code)
    if write { try db.containerStore.addContainer(report.container, sizeType: sizeType, sizeTypeAsSent: asSent, operator: options.operatorName) }
    try facts.register(report.container)
  }

  /// Rewrites a row-level rule error so it names the file and line (rules do not know files).
  func located(_ error: CorridorError, row: ImportRow, path: String) -> CorridorError {
    var error = error
    // A row that carries its container's size-type (EDIFACT) can register it: the hint says how.
    if error.rule == .unknownContainer, let sizeType = row.sizeType, case .success(let report) = row.result {
      error = .unknownContainer(report.container, sizeType: (try? SizeType.fromFeed(sizeType).sizeType.code) ?? sizeType)
    }
    return error.located(row.position ?? SourcePosition(file: path, line: row.line, column: 1))
  }

  /// Inserts one accepted row through `insert`. Returns false, writing nothing, when the id
  /// turns out to be recorded with this content.
  func insertImported(_ row: EventColumns.Row, insert: () throws -> Void) throws -> Bool {
    do {
      try insert()
      return true
    } catch {
      switch SchemaRefusal(error) {
      case .uniqueness:
        // The write pass leaves ids a box does not know to this index (see `ImportFacts.recorded`).
        var report = row.accepted.report
        report.id = row.accepted.id
        switch try recordedMatch(report, id: row.accepted.id) {
        case .same: return false
        case .different(let existing): throw EventAcceptance.idConflict(row.accepted.id, existing: existing)
        case .none: throw error
        }
      case .otherConstraint:
        // The validation pass refuses everything the schema does (a test holds them together);
        // should they ever differ, the row is still refused with its line, not a raw engine error.
        throw CorridorError.invalid("the database refused this row: \(Self.refusal(error))", rule: .schema)
      case nil: throw error
      }
    }
  }

  private static func refusal(_ error: any Error) -> String {
    (error as? SQLiteError)?.message ?? (error as? any EngineFailure)?.corridorError.message ?? "\(error)"
  }
}
