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

extension CorridorDatabase {
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
    let isEDIFACT = format == .edifact || format == .iftsta
    let zones = isEDIFACT ? try placeTimeZones() : [:]
    let reading = EDIFACTReading(senderCodes: isEDIFACT ? try senderStatusCodes() : [:], strictCodes: options.strictCodes)
    func open() -> PrefetchingRowSource {
      PrefetchingRowSource { () throws -> EventRowSource in
        let handle = try InputFile.open(path, name: file)
        switch format {
        case .csv: return try CSVEventSource(reader: CSVReader(handle: handle), file: file)
        case .ndjson: return NDJSONEventSource(handle: handle, file: file)
        case .edifact, .iftsta: return EDIFACTEventSource(handle: handle, file: file, zones: zones, reading: reading)
        }
      }
    }
    if !options.skipInvalid {
      // Pass 1: validate everything, write nothing.
      let facts = try ImportFacts(db: self, options: options, dryRun: true)
      let source = open()
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
        if rows % 10_000 == 0 { progress?(rows / 2, source.bytesRead / 2) }
      }
      try checkSpace(forImportOf: path)
    }
    // Pass 2: write in short batches. Every row's references (container, place, shipment) are
    // checked by the validator, so SQLite's own per-row foreign-key checks are switched off
    // for the import: with them on, each INSERT opens and closes a statement journal, which
    // cost more than the insert itself. `db check` still runs foreign_key_check over everything.
    try mapSQLiteErrors { try connection.execute("PRAGMA foreign_keys = OFF") }
    defer { try? connection.execute("PRAGMA foreign_keys = ON") }
    // Event ids are content hashes, so the id index takes inserts at random places: a larger
    // page cache (32 MiB, within the import's 100 MB memory budget) keeps them off the disk.
    try mapSQLiteErrors { try connection.execute("PRAGMA cache_size = -32768") }
    // Checkpoint the WAL every 64 MiB instead of every 4 MiB: a page the id index touches in
    // many batches is then copied into the database once, not once per batch.
    try mapSQLiteErrors { try connection.execute("PRAGMA wal_autocheckpoint = 16384") }
    defer { try? connection.execute("PRAGMA wal_autocheckpoint = 1000") }
    var facts = try ImportFacts(db: self, options: options, dryRun: false)
    let source = open()
    let insert = try mapSQLiteErrors { try connection.prepare(EventColumns.insertSQL) }
    let insertChunk = try mapSQLiteErrors { try connection.prepare(EventColumns.insertSQL(rows: Self.chunkRows)) }
    var summary = EventImportSummary()
    var values: [SQLValue] = []
    var state: [UInt8] = []
    var exhausted = false
    while !exhausted {
      // The batch's rows are kept as they are read, so that a retry after a busy database goes
      // over the same rows again (none lost, none counted twice) while the first attempt still
      // streams: the reader thread parses ahead while rows are written.
      var rows: [ImportRow] = []
      rows.reserveCapacity(min(options.batchSize, 1 << 16))
      var attempt = 0
      // Counted apart until the batch commits: a batch that fails is rolled back whole, and its
      // rejects are reported once, after the commit.
      var batch = EventImportSummary()
      var rejects: [(ImportRow, CorridorError)] = []
      // Accepted rows are inserted `chunkRows` at a time. Anything a chunk does not expect (an id
      // the facts did not know, a row the schema refuses) rolls the batch back and does it again
      // row by row, the way that answers each row.
      var rowByRow = false
      do {
        while true {
          do {
            try mapSQLiteErrors {
              try withBusyRetry {
                attempt += 1
                // A rolled-back attempt left the facts ahead of the database: start them afresh
                // from the database (which the write pass's facts are built on).
                if attempt > 1 { facts = try ImportFacts(db: self, options: options, dryRun: false) }
                batch = EventImportSummary()
                rejects = []
                try connection.transaction {
                  var first: Int64?
                  var last: Int64?
                  var digest = SHA256()
                  let recordedAt = clock.nowUTC()
                  var pending: [[SQLValue]] = []
                  var pendingContainers = Set<ContainerNumber>()
                  /// A written row's audited state into the batch's digest.
                  func written(_ values: inout [SQLValue], seq: Int64) {
                    EventColumns.writeState(values: &values, seq: seq, to: &state)
                    state.withUnsafeBytes { digest.update(bufferPointer: $0) }
                    first = first ?? seq
                    last = seq
                    batch.imported += 1
                  }
                  func flush() throws {
                    guard !pending.isEmpty else { return }
                    do {
                      if pending.count == Self.chunkRows {
                        for (index, row) in pending.enumerated() { try EventColumns.bind(row, asRow: index, to: insertChunk) }
                        try insertChunk.run()
                      } else {
                        for row in pending {
                          try EventColumns.bind(row, asRow: 0, to: insert)
                          try insert.run()
                        }
                      }
                    } catch let error as SQLiteError where error.isConstraintViolation {
                      throw RowByRow()
                    }
                    // One writer in a transaction: the rows took consecutive sequence numbers.
                    let lastSeq = connection.lastInsertRowID
                    for index in pending.indices { written(&pending[index], seq: lastSeq - Int64(pending.count - 1 - index)) }
                    pending.removeAll(keepingCapacity: true)
                    pendingContainers.removeAll(keepingCapacity: true)
                  }
                  // The facts read the database only after the rows they could see are in it: a
                  // container's own rows before its events are read, every row before anything else.
                  facts.beforeReadingEvents =
                    rowByRow
                    ? nil
                    : { container in
                      if container.map(pendingContainers.contains) ?? true { try flush() }
                    }
                  defer { facts.beforeReadingEvents = nil }
                  for index in 0..<options.batchSize {
                    let row: ImportRow
                    if index < rows.count {
                      row = rows[index]
                    } else if let next = try source.next() {
                      rows.append(next)
                      row = next
                    } else {
                      exhausted = true
                      break
                    }
                    batch.rows += 1
                    do {
                      let report = try row.result.get()
                      try register(report, of: row, in: facts, options: options, write: true)
                      let prepared = try facts.decide(report, parsedDerivedID: row.derivedID, parsedRowHash: row.rowHash)
                      guard let accepted = prepared.accepted else {
                        batch.duplicates += 1
                        continue
                      }
                      let columns = EventColumns.Row(accepted: accepted, recordedAt: recordedAt, operatorName: options.operatorName)
                      if rowByRow {
                        guard try insertImported(columns, with: insert, values: &values) else {
                          batch.duplicates += 1
                          continue
                        }
                        written(&values, seq: connection.lastInsertRowID)
                      } else {
                        var rowValues: [SQLValue] = []
                        EventColumns.values(columns, into: &rowValues)
                        pending.append(rowValues)
                        pendingContainers.insert(accepted.report.container)
                        if pending.count == Self.chunkRows { try flush() }
                      }
                      try facts.apply(prepared)
                    } catch let error as CorridorError where error.kind == .invalidData {
                      let error = located(error, row: row, path: file)
                      guard options.skipInvalid else { throw error }
                      batch.rejected += 1
                      rejects.append((row, error))
                      continue
                    }
                  }
                  try flush()
                  if let first, let last {
                    try enqueueNotifications(afterSeq: first - 1)
                    let state = CanonicalJSON.object([
                      "count": .int(last - first + 1), "digest": .string(hex(digest.finalize())), "firstSeq": .int(first), "lastSeq": .int(last),
                      "source": .string((file as NSString).lastPathComponent),
                    ])
                    try appendAudit(
                      action: "import", entity: "event-batch", key: "events \(first)-\(last)", state: state.text, operator: options.operatorName)
                    batch.batches += 1
                  }
                }
              }
            }
            break
          } catch is RowByRow {
            // Rolled back: the same rows again, one insert each, with facts afresh.
            rowByRow = true
            exhausted = false
            facts = try ImportFacts(db: self, options: options, dryRun: false)
          }
        }
      } catch let error as CorridorError where error.kind == .io && summary.batches > 0 {
        throw CorridorError(
          .io,
          "\(error.message) after \(summary.imported) events in \(summary.batches) batches were committed (consistent and audited)",
          hint: "free space and run the same command again: it skips what is already recorded")
      }
      for (row, error) in rejects { reject(row, error) }
      summary.add(batch)
      progress?(summary.rows, source.bytesRead)
      // A moment with the database free: writers waiting on the busy handler (which retries
      // every 1 to 3 ms) take their turn here instead of waiting for the whole import.
      if !exhausted { usleep(5_000) }
    }
    summary.unmapped = source.unmapped.counts
    summary.unmappedFirst = source.unmapped.first
    return summary
  }

  /// `--register-containers`: registers the row's container from its size-type code when it is
  /// not registered (audited, in the batch's transaction), so the engine then finds it.
  private func register(_ report: EventReport, of row: ImportRow, in facts: ImportFacts, options: EventImportOptions, write: Bool) throws {
    guard options.registerContainers, let code = row.sizeType, try !facts.knows(report.container) else { return }
    let (sizeType, asSent) = try SizeType.fromFeed(code)
    if write { try addContainer(report.container, sizeType: sizeType, sizeTypeAsSent: asSent, operator: options.operatorName) }
    try facts.register(report.container)
  }

  /// Accepted rows per INSERT in the write pass: SQLite opens the events table's nine indexes
  /// once a statement, so one INSERT of many rows costs less than many of one.
  static let chunkRows = 128

  /// A chunk met something only a row-by-row insert answers: the batch is done again that way.
  struct RowByRow: Error {}

  /// Rewrites a row-level rule error so it names the file and line (rules do not know files).
  func located(_ error: CorridorError, row: ImportRow, path: String) -> CorridorError {
    var error = error
    // A row that carries its container's size-type (EDIFACT) can register it: the hint says how.
    if error.rule == .unknownContainer, let sizeType = row.sizeType, case .success(let report) = row.result {
      error = .unknownContainer(report.container, sizeType: (try? SizeType.fromFeed(sizeType).sizeType.code) ?? sizeType)
    }
    return error.located(row.position ?? SourcePosition(file: path, line: row.line, column: 1))
  }

  /// Inserts one accepted row; its values are left in `values` for its audited state. Returns
  /// false, writing nothing, when the id turns out to be recorded with this content.
  func insertImported(_ row: EventColumns.Row, with statement: Statement, values: inout [SQLValue]) throws -> Bool {
    do {
      try EventColumns.insert(row, with: statement, values: &values)
      return true
    } catch let error as SQLiteError where error.isUniqueViolation {
      // The write pass leaves ids a box does not know to this index (see `ImportFacts.recorded`).
      var report = row.accepted.report
      report.id = row.accepted.id
      switch try recordedMatch(report, id: row.accepted.id) {
      case .same: return false
      case .different(let existing): throw EventAcceptance.idConflict(row.accepted.id, existing: existing)
      case .none: throw error
      }
    } catch let error as SQLiteError where error.isConstraintViolation {
      // The validation pass refuses everything the schema does (a test holds them together);
      // should they ever differ, the row is still refused with its line, not a raw SQLite error.
      throw CorridorError.invalid("the database refused this row: \(error.message)", rule: .schema)
    }
  }
}
