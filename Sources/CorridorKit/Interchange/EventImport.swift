import Crypto
import Foundation
import SQLite

/// How `import events` treats a file.
public struct EventImportOptions: Sendable {
  /// Keep the good rows and report the bad ones, instead of refusing the whole file.
  public var skipInvalid = false
  /// Record rows that break a sequence rule as data-quality exceptions (as `event record --allow-gap`).
  public var allowGap = false
  /// Rows per write transaction: short, so other processes get the database between batches.
  public var batchSize = 25_000
  public var operatorName = "unknown"
  /// Containers whose state the validator keeps in memory at once (see `ImportValidator`).
  public var maxBoxes = 32_768
  /// Shipments the validator keeps in memory at once.
  public var maxShipments = 1_024
  public var now = EventTime.now()

  public init() {}
}

public struct EventImportSummary: Sendable, Equatable {
  public var rows = 0
  public var imported = 0
  /// Rows whose id was already recorded with identical content.
  public var duplicates = 0
  public var rejected = 0
  public var batches = 0

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

/// Checks rows the way `event record` does, with caches so that a million rows do not mean a
/// million lookups of the same container, place and shipment. It can run dry (the validation
/// pass) or against the database as rows are written (the write pass).
final class ImportValidator {
  let db: CorridorDatabase
  let options: EventImportOptions

  /// A class, so that the per-row updates change it in place (a struct in the dictionary was
  /// copied, `known` and all, on every row).
  final class Box {
    var state = SequenceRules.State()
    var lastMilliseconds: Int64 = .min
    var openShipment: String?
    /// The ids this box has (its events in the database when the import met it, then the rows
    /// this import accepted), newest last, at most `knownLimit`. While `knownIsComplete`, an id
    /// not in the list is not the box's; and a derived id hashes the container, so it cannot be
    /// another box's either: re-runs and new boxes need no lookups.
    var known: [RowHash] = []
    var knownIsComplete = true
    /// The validator's clock when the box was last used, for eviction.
    var touched = 0
    /// The dry run's accepted actual rows of this box, which the database does not have yet:
    /// a late row is replayed with them, as the write pass replays it with the written rows
    /// (without them, a late row that conflicts with an earlier row of the same file passed
    /// the dry run and stopped the write pass halfway).
    var pending: [SequenceRules.Step] = []
  }

  /// A row in 16 bytes: 64-bit hashes of its id and of its content. Boxes remember their rows
  /// this way, so that thousands of boxes fit in a few megabytes. (32-bit halves were tried:
  /// over millions of rows an id collision, read as a conflict, became likely.)
  struct RowHash {
    let id: UInt64
    let content: UInt64
    init(id: String, report: EventReport) {
      self.id = UInt64(truncatingIfNeeded: id.hashValue)
      content = UInt64(truncatingIfNeeded: report.hashValue)
    }
    init(id: UInt64, content: UInt64) {
      self.id = id
      self.content = content
    }
  }

  /// Ids a box remembers; a box with a longer history looks the rest up in the database.
  static let knownLimit = 256

  struct ShipmentInfo {
    var status: ShipmentStatus
    let nodes: [LocationCode]
    let containers: Set<ContainerNumber>
    var delivered: Set<ContainerNumber> = []
  }

  private var boxes: [ContainerNumber: Box] = [:]
  /// Boxes kept in memory at most: a backfill meets hundreds of thousands of containers, and
  /// memory must not grow with the file. The least recently used half is evicted when full:
  /// the write pass simply reloads an evicted box from the database (which has its rows); the
  /// dry run, whose rows are not in the database, keeps evicted boxes in `spill`.
  let maxBoxes: Int
  private let spill: BoxSpill?
  private var clock = 0
  /// Prepared once: looked up for every row.
  private let idExists: Statement
  /// Shipments kept in memory, at most `maxShipments` of them, like boxes. What only this
  /// import knows of a shipment is kept apart: the shipments it delivered (a short list of refs)
  /// and the ones it has delivered some boxes of (kept in `shipments` until they are delivered).
  private var shipments: [String: ShipmentInfo?] = [:]
  private var deliveredHere: Set<String> = []
  let maxShipments: Int
  private var places: [String: LocationCode?] = [:]
  private var routes: [String: Route] = [:]

  init(db: CorridorDatabase, options: EventImportOptions, dryRun: Bool) throws {
    self.db = db
    self.options = options
    maxBoxes = max(2, options.maxBoxes)
    maxShipments = max(2, options.maxShipments)
    spill = dryRun ? try BoxSpill() : nil
    idExists = try db.connection.prepare("SELECT 1 FROM events WHERE id = ?")
    for route in try db.routes() { routes[route.code] = route }
  }

  struct Prepared {
    var report: EventReport
    let id: String
    var exception: String?
    var offRoute: Bool
    var duplicate: Bool
    var late: Bool
    let box: Box
    let hashes: RowHash
    /// For a late row in the dry run: the box's state with the row in its place.
    var stateAfterLate: SequenceRules.State? = nil
  }

  /// Orders the dry run's pending steps after the database's rows at the same instant, in file
  /// order (the write pass gives them increasing `seq`s).
  private var pendingSeq = Int64.max / 2

  private func place(_ code: LocationCode) throws -> LocationCode {
    if let cached = places[code.text] {
      guard let cached else { throw CorridorError.invalid("unknown location \(code)", rule: "unknown-location") }
      return cached
    }
    let resolved = try db.location(code.text)?.code
    places[code.text] = resolved
    guard let resolved else { throw CorridorError.invalid("unknown location \(code)", rule: "unknown-location") }
    return resolved
  }

  private func shipment(_ ref: String) throws -> ShipmentInfo? {
    if let cached = shipments[ref] { return cached }
    if shipments.count >= maxShipments {
      shipments = shipments.filter { _, info in info.map { !$0.delivered.isEmpty && $0.status != .delivered } ?? false }
    }
    var info = try db.shipment(ref).map { s in
      ShipmentInfo(status: s.status, nodes: routes[s.booking.route]?.nodes ?? [], containers: Set(s.containers.map(\.container)))
    }
    if deliveredHere.contains(ref) { info?.status = .delivered }
    shipments[ref] = info
    return info
  }

  private func box(_ container: ContainerNumber) throws -> Box {
    clock += 1
    if let cached = boxes[container] {
      cached.touched = clock
      return cached
    }
    if boxes.count >= maxBoxes {
      for (evicted, box) in boxes.sorted(by: { $0.value.touched < $1.value.touched }).prefix(boxes.count / 2) {
        try spill?.keep(box, of: evicted)
        boxes[evicted] = nil
      }
    }
    let box = try spill?.take(container) ?? load(container)
    box.touched = clock
    boxes[container] = box
    return box
  }

  /// A box as the database knows it.
  private func load(_ container: ContainerNumber) throws -> Box {
    _ = try db.requireContainer(container)
    let box = Box()
    let all = try db.events(container: container)
    let actual = all.filter { $0.report.classifier == .ACT && !$0.retracted }
    box.state =
      SequenceRules.replay(
        actual.map { SequenceRules.Step(id: $0.id, code: $0.code, location: $0.location, time: $0.time, seq: $0.seq) }
      ).state
    box.lastMilliseconds = actual.last?.time.milliseconds ?? .min
    box.known = all.suffix(Self.knownLimit).map { event in
      var report = event.report
      report.id = event.id
      return RowHash(id: event.id, report: report)
    }
    box.knownIsComplete = all.count <= Self.knownLimit
    let refs = try db.connection.fetchAll("SELECT shipment FROM shipment_containers WHERE container = ?", [.text(container.text)])
    box.openShipment = try refs.compactMap { $0[0].text }.first { try shipment($0)?.status.isOpen == true }
    return box
  }

  /// The same rules as `event record`, in the same order.
  ///
  /// - Parameter parsedDerivedID: the derived id of `input` as parsed, when the reader worked
  ///   it out ahead.
  func validate(_ input: EventReport, parsedDerivedID: String? = nil) throws -> Prepared {
    var report = input
    let box = try box(report.container)
    report.location = try place(report.location)
    if report.shipment == nil { report.shipment = box.openShipment }
    // The derived id is needed when the row has none, or for the dry run to tell whether an id
    // it does not know could be another box's.
    let dryRun = spill != nil
    var derived: String?
    if report.id == nil || (dryRun && box.knownIsComplete) {
      // Resolving an alias or filling in the shipment changes the content, and so the id.
      let unchanged = report.location == input.location && report.shipment == input.shipment
      derived = unchanged ? parsedDerivedID ?? report.derivedID : report.derivedID
    }
    let id = report.id ?? derived ?? ""
    report.id = id
    let hashes = RowHash(id: id, report: report)
    func duplicate() -> Prepared {
      Prepared(report: report, id: id, exception: nil, offRoute: false, duplicate: true, late: false, box: box, hashes: hashes)
    }
    if let seen = box.known.last(where: { $0.id == hashes.id }) {
      if try seen.content == hashes.content || db.isRecorded(report, id: id) { return duplicate() }
      throw CorridorError.invalid("event id \(id) appears twice in this file with different content", rule: "event-id-conflict")
    }
    // An id the box does not know may still be in the database: when the box's list is not
    // complete (looked up, so that a resent old row is not judged by the sequence rules), or
    // when the id is not the content's own (any box could have it: the dry run looks it up, the
    // write pass leaves it to the id's UNIQUE index and `insertImported` answers a collision).
    if !box.knownIsComplete || (dryRun && id != derived) {
      try idExists.bind(id, at: 1)
      let known = try idExists.step()
      idExists.reset()
      if known, try db.isRecorded(report, id: id) { return duplicate() }
    }
    var nodes: [LocationCode] = []
    if let ref = report.shipment {
      guard let info = try shipment(ref) else { throw CorridorError.invalid("unknown shipment \(ref)", rule: "unknown-shipment") }
      guard info.containers.contains(report.container) else {
        throw CorridorError.invalid("container \(report.container) is not on shipment \(ref)", rule: "not-on-shipment")
      }
      guard info.status.isOpen else {
        throw CorridorError.invalid("shipment \(ref) is \(info.status.rawValue); it takes no more events", rule: "shipment-closed")
      }
      nodes = info.nodes
    }
    var exception: String?
    var late = false
    var stateAfterLate: SequenceRules.State?
    if report.classifier == .ACT {
      if report.time.milliseconds > options.now.milliseconds + CorridorDatabase.futureToleranceMilliseconds {
        throw CorridorError.invalid("actual event at \(report.time) is more than 15 minutes in the future", rule: "future-event")
      }
      var violation: SequenceRules.Violation?
      if report.time.milliseconds >= box.lastMilliseconds {
        if report.time.milliseconds == box.lastMilliseconds, let here = box.state.position.place, here != report.location {
          violation = .init(
            rule: "same-instant-different-places", message: "\(report.code.rawValue) at \(report.location) at the same instant as an event at \(here)"
          )
        } else {
          violation = SequenceRules.check(report.code, at: report.location, in: box.state)
        }
      } else {
        // A late row: replay the container's whole history with it inserted.
        late = true
        let check = try db.sequenceCheck(for: report, id: id, pending: box.pending)
        violation = check.violation
        stateAfterLate = check.state
      }
      if let violation {
        guard options.allowGap else { throw CorridorError.invalid(violation.message, rule: violation.rule) }
        exception = violation.rule
      }
    }
    return Prepared(
      report: report, id: id, exception: exception, offRoute: !nodes.isEmpty && !nodes.contains(report.location), duplicate: false,
      late: late, box: box, hashes: hashes, stateAfterLate: stateAfterLate)
  }

  /// Moves the simulated state past an accepted row.
  func apply(_ prepared: Prepared) {
    guard !prepared.duplicate else { return }
    let report = prepared.report
    let box = prepared.box
    box.known.append(prepared.hashes)
    if box.known.count > Self.knownLimit {
      // Older ids are forgotten from here on, so look them up in the database instead.
      box.known.removeFirst(box.known.count - Self.knownLimit)
      box.knownIsComplete = false
    }
    if spill != nil, report.classifier == .ACT {
      pendingSeq += 1
      box.pending.append(.init(id: prepared.id, code: report.code, location: report.location, time: report.time, seq: pendingSeq))
    }
    if prepared.late {
      // The write pass reloads the box from the database, which now has the row in its place.
      // The dry run takes the replayed state: its rows are not in the database.
      if spill == nil {
        boxes[report.container] = nil
      } else if let state = prepared.stateAfterLate {
        box.state = state
      }
      return
    }
    guard report.classifier == .ACT else { return }
    SequenceRules.apply(report.code, at: report.location, time: report.time, to: &box.state)
    box.lastMilliseconds = max(box.lastMilliseconds, report.time.milliseconds)
    if let ref = report.shipment, report.code == .GTOT || report.code == .STRP, var info = shipments[ref] ?? nil,
      report.location == info.nodes.last
    {
      info.delivered.insert(report.container)
      if info.delivered == info.containers {
        info.status = .delivered
        info.delivered = []
        deliveredHere.insert(ref)
      }
      shipments[ref] = info
      box.openShipment = nil
    }
  }
}

/// The dry run's store for the simulated state of boxes evicted from memory: a private
/// temporary SQLite file (SQLite deletes it when the connection closes), so memory stays flat
/// however many containers a file names.
final class BoxSpill {
  private let connection: Connection
  private let put: Statement
  private let get: Statement
  private let drop: Statement

  init() throws {
    connection = try Connection(path: "", options: .init(create: true, enableWAL: false))
    try connection.execute("PRAGMA journal_mode = OFF")
    try connection.execute("PRAGMA synchronous = OFF")
    try connection.execute(
      """
      CREATE TABLE boxes(container TEXT PRIMARY KEY, kind INTEGER NOT NULL, place TEXT, holds TEXT NOT NULL, last_ms INTEGER NOT NULL,
        open_shipment TEXT, known BLOB NOT NULL, known_is_complete INTEGER NOT NULL, pending BLOB NOT NULL) WITHOUT ROWID
      """)
    put = try connection.prepare("INSERT OR REPLACE INTO boxes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    get = try connection.prepare(
      "SELECT kind, place, holds, last_ms, open_shipment, known, known_is_complete, pending FROM boxes WHERE container = ?")
    drop = try connection.prepare("DELETE FROM boxes WHERE container = ?")
  }

  func keep(_ box: ImportValidator.Box, of container: ContainerNumber) throws {
    let (kind, place): (Int64, String?) =
      switch box.state.position {
      case .unknown: (0, nil)
      case .inFacility(let l): (1, l.text)
      case .outside(let l): (2, l.text)
      case .onConveyance(let l): (3, l.text)
      }
    let holds = box.state.holds.map { "\($0.key.text)=\($0.value.milliseconds)=\($0.value.offsetMinutes)" }.joined(separator: " ")
    try put.bind([
      .text(container.text), .integer(kind), SQLValue(place), .text(holds), .integer(box.lastMilliseconds), SQLValue(box.openShipment),
      .blob(Self.encode(box.known)), .integer(box.knownIsComplete ? 1 : 0), .blob(Self.encode(box.pending)),
    ])
    try put.run()
  }

  static func encode(_ known: [ImportValidator.RowHash]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(known.count * 16)
    for hash in known {
      for word in [hash.id, hash.content] { withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) } }
    }
    return bytes
  }

  /// Steps as length-prefixed fields (ids are arbitrary text, so no separator is safe).
  static func encode(_ steps: [SequenceRules.Step]) -> [UInt8] {
    var bytes: [UInt8] = []
    func word<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    func text(_ value: String) {
      word(UInt32(value.utf8.count))
      bytes.append(contentsOf: value.utf8)
    }
    for step in steps {
      text(step.id)
      text(step.code.rawValue)
      text(step.location.text)
      word(step.time.milliseconds)
      word(Int32(step.time.offsetMinutes))
      word(step.seq)
    }
    return bytes
  }

  static func decodeSteps(_ bytes: [UInt8]) -> [SequenceRules.Step] {
    var at = 0
    func word<T: FixedWidthInteger>(_: T.Type) -> T? {
      guard at + MemoryLayout<T>.size <= bytes.count else { return nil }
      var value: T = 0
      for (i, byte) in bytes[at..<at + MemoryLayout<T>.size].enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * i) }
      at += MemoryLayout<T>.size
      return value
    }
    func text() -> String? {
      guard let count = word(UInt32.self).map(Int.init), at + count <= bytes.count else { return nil }
      defer { at += count }
      return String(decoding: bytes[at..<at + count], as: UTF8.self)
    }
    var steps: [SequenceRules.Step] = []
    while at < bytes.count, let id = text(), let code = text().flatMap(EventCode.init(rawValue:)), let place = text(),
      let ms = word(Int64.self), let offset = word(Int32.self), let seq = word(Int64.self)
    {
      steps.append(
        .init(id: id, code: code, location: LocationCode(trusted: place), time: EventTime(milliseconds: ms, offsetMinutes: Int(offset)), seq: seq))
    }
    return steps
  }

  static func decode(_ bytes: [UInt8]) -> [ImportValidator.RowHash] {
    func word(at start: Int) -> UInt64 { bytes[start..<start + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    return stride(from: 0, to: bytes.count - bytes.count % 16, by: 16).map { .init(id: word(at: $0), content: word(at: $0 + 8)) }
  }

  /// The box kept for `container`, removed from the store; nil when none was kept.
  func take(_ container: ContainerNumber) throws -> ImportValidator.Box? {
    try get.bind(container.text, at: 1)
    defer { get.reset() }
    guard try get.step() else { return nil }
    let box = ImportValidator.Box()
    let place = get.value(at: 1).text.map { LocationCode(trusted: $0) }
    switch (get.value(at: 0).int64, place) {
    case (1, let place?): box.state.position = .inFacility(place)
    case (2, let place?): box.state.position = .outside(place)
    case (3, let place?): box.state.position = .onConveyance(place)
    default: box.state.position = .unknown
    }
    for hold in (get.value(at: 2).text ?? "").split(separator: " ") {
      let parts = hold.split(separator: "=")
      guard parts.count == 3, let ms = Int64(parts[1]), let offset = Int(parts[2]) else { continue }
      box.state.holds[LocationCode(trusted: String(parts[0]))] = EventTime(milliseconds: ms, offsetMinutes: offset)
    }
    box.lastMilliseconds = get.value(at: 3).int64 ?? .min
    box.openShipment = get.value(at: 4).text
    if case .blob(let bytes) = get.value(at: 5) { box.known = Self.decode(bytes) }
    box.knownIsComplete = get.value(at: 6).int64 == 1
    if case .blob(let bytes) = get.value(at: 7) { box.pending = Self.decodeSteps(bytes) }
    get.reset()
    try drop.bind(container.text, at: 1)
    try drop.run()
    return box
  }
}

extension CorridorDatabase {
  /// Imports movement events from a file. See README "Importing events" for the semantics:
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
    func open() -> EventRowSource {
      PrefetchingRowSource { () throws -> EventRowSource in
        let handle = try InputFile.open(path, name: file)
        switch format {
        case .csv: return try CSVEventSource(reader: CSVReader(handle: handle), file: file)
        case .ndjson: return NDJSONEventSource(handle: handle, file: file)
        }
      }
    }
    if !options.skipInvalid {
      // Pass 1: validate everything, write nothing.
      let validator = try ImportValidator(db: self, options: options, dryRun: true)
      let source = open()
      var rows = 0
      while let row = try source.next() {
        rows += 1
        let report = try row.result.get()
        do {
          validator.apply(try validator.validate(report, parsedDerivedID: row.derivedID))
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
    let validator = try ImportValidator(db: self, options: options, dryRun: false)
    let source = open()
    let insert = try mapSQLiteErrors { try connection.prepare(Self.importInsertSQL) }
    var summary = EventImportSummary()
    var state: [UInt8] = []
    var exhausted = false
    while !exhausted {
      // Counted apart until the batch commits: a batch that fails is rolled back whole.
      var batch = EventImportSummary()
      do {
        try mapSQLiteErrors {
          try withBusyRetry {
            try connection.transaction {
              var first: Int64?
              var last: Int64?
              var inBatch = 0
              var digest = SHA256()
              let recordedAt = Timestamps.nowUTC()
              while inBatch < options.batchSize {
                guard let row = try source.next() else {
                  exhausted = true
                  break
                }
                batch.rows += 1
                inBatch += 1
                let prepared: ImportValidator.Prepared
                let inserted: Bool
                do {
                  prepared = try validator.validate(try row.result.get(), parsedDerivedID: row.derivedID)
                  inserted =
                    try !prepared.duplicate
                    && insertImported(prepared, with: insert, recordedAt: recordedAt, operator: options.operatorName, state: &state)
                } catch let error as CorridorError where error.kind == .invalidData {
                  let error = located(error, row: row, path: file)
                  guard options.skipInvalid else { throw error }
                  batch.rejected += 1
                  reject(row, error)
                  continue
                }
                guard inserted else {
                  batch.duplicates += 1
                  continue
                }
                state.withUnsafeBytes { digest.update(bufferPointer: $0) }
                validator.apply(prepared)
                let seq = connection.lastInsertRowID
                first = first ?? seq
                last = seq
                batch.imported += 1
              }
              if let first, let last {
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
      } catch let error as CorridorError where error.kind == .io && summary.batches > 0 {
        throw CorridorError(
          .io,
          "\(error.message) after \(summary.imported) events in \(summary.batches) batches were committed (consistent and audited)",
          hint: "free space and run the same command again: it skips what is already recorded")
      }
      summary.add(batch)
      progress?(summary.rows, source.bytesRead)
      // A moment with the database free: writers waiting on the busy handler (which retries
      // every 1 to 3 ms) take their turn here instead of waiting for the whole import.
      if !exhausted { usleep(5_000) }
    }
    return summary
  }

  /// Rewrites a row-level rule error so it names the file and line (rules do not know files).
  func located(_ error: CorridorError, row: ImportRow, path: String) -> CorridorError {
    if error.message.hasPrefix(path + ":") { return error }
    return CorridorError(error.kind, "\(path):\(row.line):1: \(error.message)", hint: error.hint, rule: error.rule)
  }

  static let importInsertSQL = """
    INSERT INTO events(id, container, shipment, code, classifier, at_ms, at_offset_minutes, location, mode, vehicle, empty_laden,
                       seal, note, exception, off_route, recorded_at, operator)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """

  /// Inserts one validated row and writes its canonical audit state and a newline into `state`,
  /// rendered from the values just written: byte for byte what `audit verify` renders when it
  /// reads the row back (`AuditedEntity.stateText`), without a String or a dictionary per row.
  /// Returns false, writing nothing, when the id turns out to be recorded with this content.
  func insertImported(
    _ prepared: ImportValidator.Prepared, with statement: Statement, recordedAt: String, operator op: String, state: inout [UInt8]
  ) throws -> Bool {
    let r = prepared.report
    try statement.bind(prepared.id, at: 1)
    try statement.bind(r.container.text, at: 2)
    try statement.bind(r.shipment, at: 3)
    try statement.bind(r.code.rawValue, at: 4)
    try statement.bind(r.classifier.rawValue, at: 5)
    try statement.bind(r.time.milliseconds, at: 6)
    try statement.bind(Int64(r.time.offsetMinutes), at: 7)
    try statement.bind(r.location.text, at: 8)
    try statement.bind(r.mode?.rawValue, at: 9)
    try statement.bind(r.vehicle, at: 10)
    try statement.bind(r.emptyLaden?.rawValue, at: 11)
    try statement.bind(r.seal, at: 12)
    try statement.bind(r.note, at: 13)
    try statement.bind(prepared.exception, at: 14)
    try statement.bind(prepared.offRoute, at: 15)
    try statement.bind(recordedAt, at: 16)
    try statement.bind(op, at: 17)
    do {
      try statement.run()
    } catch let error as SQLiteError where error.isUniqueViolation {
      // The write pass leaves ids a box does not know to this index (see `validate`).
      guard try isRecorded(prepared.report, id: prepared.id) else { throw error }
      return false
    } catch let error as SQLiteError where error.isConstraintViolation {
      // The validation pass refuses everything the schema does (a test holds them together);
      // should they ever differ, the row is still refused with its line, not a raw SQLite error.
      throw CorridorError.invalid("the database refused this row: \(error.message)", rule: "schema")
    }
    // Keys in canonical (sorted) order; values as SQLite stores them.
    state.removeAll(keepingCapacity: true)
    func key(_ name: StaticString) {
      state.append(state.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
      state.append(0x22)
      state.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
      state.append(contentsOf: [0x22, UInt8(ascii: ":")])
    }
    func text(_ value: String?) {
      if let value { CanonicalJSON.writeString(value, to: &state) } else { state.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }
    }
    key("atMs")
    CanonicalJSON.writeInt(r.time.milliseconds, to: &state)
    key("atOffsetMinutes")
    CanonicalJSON.writeInt(Int64(r.time.offsetMinutes), to: &state)
    key("classifier")
    text(r.classifier.rawValue)
    key("code")
    text(r.code.rawValue)
    key("container")
    text(r.container.text)
    key("emptyLaden")
    text(r.emptyLaden?.rawValue)
    key("exception")
    text(prepared.exception)
    key("id")
    text(prepared.id)
    key("location")
    text(r.location.text)
    key("mode")
    text(r.mode?.rawValue)
    key("note")
    text(r.note)
    key("offRoute")
    state.append(prepared.offRoute ? UInt8(ascii: "1") : UInt8(ascii: "0"))
    key("operator")
    text(op)
    key("recordedAt")
    text(recordedAt)
    key("seal")
    text(r.seal)
    key("seq")
    CanonicalJSON.writeInt(connection.lastInsertRowID, to: &state)
    key("shipment")
    text(r.shipment)
    key("vehicle")
    text(r.vehicle)
    state.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
    return true
  }

  /// Retries a write transaction that met `SQLITE_BUSY` even after the busy timeout, so a long
  /// import and other writers take turns instead of failing.
  func withBusyRetry<T>(attempts: Int = 12, _ body: () throws -> T) throws -> T {
    var attempt = 0
    while true {
      do {
        return try body()
      } catch let error as SQLiteError where error.isBusy && attempt < attempts {
        attempt += 1
        usleep(UInt32(50_000 * attempt))
      }
    }
  }

  /// Refuses to start writing when the disk obviously cannot hold the import, so a full disk
  /// is reported before anything is written (a disk that fills up during the write is still
  /// caught: exit 74 after the batches already committed).
  func checkSpace(forImportOf path: String) throws {
    let input = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    // Measured: the database grows by 2.3 to 2.8 bytes per byte of CSV (rows and four indexes),
    // and the WAL beside it takes up to the checkpoint interval (64 MiB) and one batch's pages.
    let rows = input * 3
    var needed = rows + 128 << 20
    let folder = (self.path as NSString).deletingLastPathComponent
    var free = Int64.max
    if let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder.isEmpty ? "." : folder),
      let bytes = (attributes[.systemFreeSize] as? NSNumber)?.int64Value
    {
      free = bytes
    }
    // A page limit (PRAGMA max_page_count) caps the database file, not the WAL.
    if let pages = try? connection.fetchOne(
      "SELECT m.max_page_count - c.page_count + f.freelist_count, s.page_size FROM pragma_max_page_count m, pragma_page_count c, pragma_freelist_count f, pragma_page_size s"
    ), let left = pages[0].int64, let size = pages[1].int64, left * size < rows {
      (free, needed) = (left * size, rows)
    }
    if free < needed {
      throw CorridorError(
        .io, "not enough disk space for this import: about \(needed / 1_048_576) MiB needed, \(free / 1_048_576) MiB free; nothing was written",
        hint: "free space and retry")
    }
  }
}
