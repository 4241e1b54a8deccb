import CorridorInterchange
import CorridorModel
import Crypto
import SQLite

/// One thing `audit verify` found wrong.
public struct AuditFinding: Sendable, Equatable {
  /// The first audit sequence number concerned, when there is one.
  public let seq: Int64?
  /// `trigger`, `chain`, `hash`, `row-changed`, `row-deleted`, `row-unaudited`, `batch`.
  public let kind: String
  public let message: String

  package init(seq: Int64?, kind: String, message: String) {
    self.seq = seq
    self.kind = kind
    self.message = message
  }
}

/// A head of the chain kept outside the database (printed by `audit verify`, or the last
/// export's manifest): with it, entries deleted from the end of the chain are detected, which
/// the chain alone cannot show (the remaining entries still chain correctly).
public struct AuditAnchor: Sendable, Equatable {
  public let seq: Int64
  public let hash: String

  public init(seq: Int64, hash: String) {
    self.seq = seq
    self.hash = hash
  }

  /// `SEQ:HASH`, as `audit verify` prints it.
  public init(parsing text: String) throws(CorridorError) {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.count == 2, let seq = Int64(parts[0]), seq >= 1, parts[1].count == 64,
      parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
    else {
      throw CorridorError(.usage, "invalid anchor \(text.debugDescription): expected SEQ:HASH as `audit verify` prints it (64 hex digits)")
    }
    self.init(seq: seq, hash: parts[1])
  }

  public var description: String { "\(seq):\(hash)" }
}

public struct AuditVerification: Sendable {
  public let entries: Int64
  public let head: String
  /// The last entry's sequence number (0 for an empty trail).
  public let headSeq: Int64
  /// Sorted by sequence number (findings without one last).
  public let findings: [AuditFinding]
  public var intact: Bool { findings.isEmpty }
}

/// What the audit commands ask of the trail, on whichever engine reads it: `AuditReader` over
/// that engine's `AuditSource`, chosen once by `AuditTrail.reading`.
package protocol AuditReading {
  func checkpoint(path: String?) throws -> AuditAnchor?
  func verify(anchor: AuditAnchor?, sinceCheckpoint: Bool, path: String?) throws -> AuditVerification
  func log(entity: String?, key: String?, operator op: String?, from: Day?, to: Day?, limit: Int?) throws -> [AuditEntry]
  func export(from: Day?, to: Day?, format: AuditExportFormat, to file: OutputFile, manifest: OutputFile, generatedAt: String) throws
    -> AuditManifest
}

extension AuditReader: AuditReading {}

extension AuditTrail {
  /// The trail read on this ledger's engine in one snapshot (a read transaction: deferred on
  /// SQLite, REPEATABLE READ on PostgreSQL), so that writers go on while a verify or an export
  /// sees one state of the chain and the rows.
  func reading<T>(_ body: (any AuditReading) throws -> T) throws -> T {
    func reader<Engine: StoreConnection>(_ connection: Engine) -> any AuditReading { AuditReader(source: connection.auditSource) }
    return try mapSQLiteErrors { try connection.transaction(.deferred) { try body(reader(connection)) } }
  }

  /// The newest checkpoint: a prefix of the chain that `audit checkpoint` verified, itself an
  /// entry of the chain (entity `audit-checkpoint`, state `{"hash":…,"seq":…}`).
  public func auditCheckpoint() throws -> AuditAnchor? {
    try reading { try $0.checkpoint(path: db.path) }
  }

  /// Verifies the whole trail and, when it is intact, appends a checkpoint for its head, so that
  /// `verifyAudit(sinceCheckpoint: true)` re-hashes only what comes after it.
  public func checkpointAudit(operator op: String) throws -> AuditVerification {
    let result = try verifyAudit()
    guard result.intact, result.headSeq > 0 else { return result }
    try mapSQLiteErrors {
      try connection.transaction {
        try appendAudit(
          action: "checkpoint", entity: Self.checkpoint, key: String(result.headSeq), state: Self.checkpointState(result), operator: op)
      }
    }
    return result
  }

  /// A checkpoint entry's state: the head it verified, `{"hash":…,"seq":…}`.
  package static func checkpointState(_ result: AuditVerification) -> String {
    CanonicalJSON.object(["hash": .string(result.head), "seq": .int(result.headSeq)]).text
  }

  /// `AuditReader.verify` on this ledger.
  public func verifyAudit(anchor: AuditAnchor? = nil, sinceCheckpoint: Bool = false) throws -> AuditVerification {
    // Sorting a table by an audited key expression (an assignment's `shipment/container`) may
    // need a temporary index as large as the table: on disk, not in memory, for a verify. SQLite
    // takes this outside a transaction only.
    let sqlite = connection.dialect == .sqlite
    if sqlite { try mapSQLiteErrors { try connection.execute("PRAGMA temp_store = FILE") } }
    defer { if sqlite { try? connection.execute("PRAGMA temp_store = MEMORY") } }
    return try reading { try $0.verify(anchor: anchor, sinceCheckpoint: sinceCheckpoint, path: db.path) }
  }
}

/// The trail read on either engine: `audit verify`'s rule, once for both (the chain re-hashed,
/// every audited row compared with its latest audited state, every import batch's digest
/// recomputed), the rows' current states, the checkpoint and `audit log`'s browsing.
package struct AuditReader<Source: AuditSource> {
  let source: Source

  package init(source: Source) { self.source = source }

  /// The newest checkpoint (see `AuditTrail.auditCheckpoint`); `path` names the ledger in errors.
  package func checkpoint(path: String?) throws -> AuditAnchor? {
    let state = try source.withCursor(
      "SELECT state FROM audit_log WHERE entity = '\(AuditTrail.checkpoint)' ORDER BY seq DESC LIMIT 1", []
    ) { try $0.step() ? $0.string(at: 0) : nil }
    guard let state else { return nil }
    guard let node = try? JSONParser.parse(Array(state.utf8)), case .number(let seq) = node["seq"]?.value,
      case .string(let hash) = node["hash"]?.value, let anchor = try? AuditAnchor(parsing: "\(seq):\(hash)")
    else { throw CorridorError.damaged(path, "the audit checkpoint \(state.debugDescription) cannot be read") }
    return anchor
  }

  /// Recomputes the hash chain and checks every audited row against its latest audited state,
  /// and, given an anchor, that the chain still reaches it. `sinceCheckpoint` starts from the
  /// newest checkpoint instead: the checkpointed entry must still carry its hash, the chain is
  /// re-hashed from there, and only what was audited after it is compared with the rows (a daily
  /// check; the full verify still catches tampering before the checkpoint).
  package func verify(anchor: AuditAnchor? = nil, sinceCheckpoint: Bool = false, path: String?) throws -> AuditVerification {
    let start = sinceCheckpoint ? try checkpoint(path: path) : nil
    if sinceCheckpoint, start == nil {
      throw CorridorError.invalid(
        "the audit trail has no checkpoint yet", rule: .auditVerify, hint: "run `corridor audit checkpoint` once (it verifies everything first)")
    }
    var findings = try source.triggerFindings()

    // 1. The chain, from the checkpoint when there is one: its entry must still be what was verified.
    var walk = AuditChainWalk(after: start)
    if let start {
      let stored = try source.withLookup("SELECT hash FROM audit_log WHERE seq = ?", [.integer(start.seq)]) {
        try $0.step() ? $0.string(at: 0) : nil
      }
      if stored != start.hash {
        walk.markBroken()
        findings.append(
          AuditFinding(
            seq: start.seq, kind: "checkpoint",
            message:
              "audit entry \(start.seq) is not the one the checkpoint verified (hash \(stored.map { "\($0.prefix(12))…" } ?? "missing")): run a full `audit verify`"
          ))
      }
    }
    try source.withCursor("SELECT \(AuditTrail.auditColumns) FROM audit_log WHERE seq >= ? ORDER BY seq", [.integer((start?.seq ?? 0) + 1)]) {
      chain in
      while try chain.step() {
        let entry = AuditTrail.auditEntry(chain)
        if let anchor, entry.seq == anchor.seq, entry.hash != anchor.hash {
          findings.append(
            AuditFinding(
              seq: entry.seq, kind: "anchor",
              message:
                "audit entry \(entry.seq) has hash \(entry.hash.prefix(12))…, the anchor says \(anchor.hash.prefix(12))…: the trail was rewritten"))
        }
        if let finding = walk.check(entry) { findings.append(finding) }
      }
    }

    // 2. Every audited row against its latest audited state (since the checkpoint: the keys
    // audited after it, and the event batches after it).
    let batches = try eventBatches().filter { $0.seq > (start?.seq ?? 0) }
    if let start {
      try compareRowsAudited(after: start.seq, findings: &findings)
    } else {
      for entity in AuditedEntity.all {
        try compareRows(entity, batches: batches, findings: &findings)
      }
    }
    for batch in batches {
      let (digest, rows) = try eventDigest(firstSeq: batch.firstSeq, lastSeq: batch.lastSeq)
      if digest != batch.digest || rows != batch.count {
        findings.append(
          AuditFinding(
            seq: batch.seq, kind: "batch",
            message:
              "events \(batch.firstSeq)…\(batch.lastSeq) no longer match audit entry \(batch.seq) (\(rows) rows now, \(batch.count) audited; digest differs: rows edited, deleted or inserted)"
          ))
      }
    }
    let headSeq = walk.headSeq
    if let anchor, headSeq < anchor.seq {
      findings.append(
        AuditFinding(
          seq: headSeq + 1, kind: "anchor",
          message:
            "the trail ends at entry \(headSeq) but the anchor is entry \(anchor.seq): entries \(headSeq + 1)…\(anchor.seq) were deleted from its end"
        ))
    }
    let sorted = findings.sorted { ($0.seq ?? .max) < ($1.seq ?? .max) }
    return AuditVerification(entries: walk.entries, head: walk.head, headSeq: headSeq, findings: sorted)
  }

  /// The entries matching every filter given, in order, at most `limit` (a negative limit is
  /// none, as SQLite's LIMIT reads it).
  package func log(entity: String?, key: String?, operator op: String?, from: Day?, to: Day?, limit: Int?) throws -> [AuditEntry] {
    var conditions = Conditions()
    conditions.add("entity = ?", SQLValue(entity))
    conditions.add("key = ?", SQLValue(key))
    conditions.add("operator = ?", SQLValue(op))
    conditions.add("recorded_at >= ?", SQLValue(from?.description))
    conditions.add("recorded_at < ?", SQLValue(to?.adding(days: 1).description))
    let bound = limit.flatMap { $0 >= 0 ? " LIMIT \($0)" : nil } ?? ""
    return try source.withCursor("SELECT \(AuditTrail.auditColumns) FROM audit_log \(conditions.sql) ORDER BY seq\(bound)", conditions.arguments) {
      row in
      var entries: [AuditEntry] = []
      while try row.step() { entries.append(AuditTrail.auditEntry(row)) }
      return entries
    }
  }

  /// `audit export`'s reading, for both engines: the entries recorded between `from` and `to`
  /// (UTC dates, inclusive) in sequence order, and the trail's head, through the one writer.
  package func export(
    from: Day?, to: Day?, format: AuditExportFormat, to file: OutputFile, manifest: OutputFile, generatedAt: String
  ) throws -> AuditManifest {
    let range = AuditExportWriter.range(from: from, to: to)
    var conditions = Conditions()
    conditions.add("recorded_at >= ?", SQLValue(range.from))
    conditions.add("recorded_at < ?", SQLValue(range.before))
    return try AuditExportWriter.write(
      format: format, to: file, manifest: manifest, generatedAt: generatedAt,
      entries: { body in
        try source.withCursor("SELECT \(AuditTrail.auditColumns) FROM audit_log \(conditions.sql) ORDER BY seq", conditions.arguments) {
          row in
          while try row.step() { try body(AuditTrail.auditEntry(row)) }
        }
      },
      head: {
        try source.withLookup("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1", []) { try $0.step() ? $0.string(at: 0) : nil }
      })
  }

  /// The row's state as the trail renders it, or `null` when there is no such row: what an entry
  /// records when written and what `audit verify` compares it with.
  func currentState(_ entity: AuditedEntity, key: String) throws -> String {
    try source.withLookup(entity.lookupSQL(), entity.arguments(for: key)) { row in
      guard try row.step() else { return "null" }
      let lists = try entity.lists.map { try $0.render(key: key, from: source) }
      return AuditedEntity.stateText(of: row, order: AuditedEntity.sortedColumns(of: row, lists: entity.lists), lists: lists)
    }
  }

  /// Compares each row audited after `seq` with its latest audited state, one lookup per key.
  /// The latest entry of a key is the one no later entry of the key follows (an index probe on
  /// `audit_log(entity, key, seq)`; SQLite's bare column beside `max()` is not PostgreSQL's).
  func compareRowsAudited(after seq: Int64, findings: inout [AuditFinding]) throws {
    let sql = """
      SELECT a.entity, a.key, a.state, a.seq FROM audit_log a
      WHERE a.seq > ? AND a.entity NOT IN ('\(AuditTrail.eventBatch)', '\(AuditTrail.checkpoint)')
        AND NOT EXISTS (SELECT 1 FROM audit_log b WHERE b.entity = a.entity AND b.key = a.key AND b.seq > a.seq)
      ORDER BY a.seq
      """
    try source.withCursor(sql, [.integer(seq)]) { latest in
      while try latest.step() {
        guard let entity = AuditedEntity.named(latest.string(at: 0)) else { continue }
        let key = latest.string(at: 1)
        let entry = latest.int64(at: 3)
        let finding = Self.stateFinding(
          entity.name, key: key, entry: entry, recorded: latest.string(at: 2), current: try currentState(entity, key: key))
        if let finding { findings.append(finding) }
      }
    }
  }

  /// What a row's current state (`null`: the row is gone) says against its latest audited one, if
  /// anything.
  static func stateFinding(_ entity: String, key: String, entry: Int64, recorded: String, current: String) -> AuditFinding? {
    guard current != recorded else { return nil }
    return current == "null"
      ? AuditFinding(seq: entry, kind: "row-deleted", message: "\(entity) \(key) was deleted outside corridor (audit entry \(entry))")
      : AuditFinding(
        seq: entry, kind: "row-changed", message: "\(entity) \(key) differs from audit entry \(entry): \(difference(recorded, current))")
  }

  struct EventBatch {
    let seq: Int64
    let firstSeq: Int64
    let lastSeq: Int64
    let count: Int
    let digest: String
  }

  func eventBatches() throws -> [EventBatch] {
    // A batch entry whose state does not parse pins nothing down: its events then show up as
    // unaudited rows, and its own hash no longer matches if it was edited.
    try source.withCursor("SELECT seq, state FROM audit_log WHERE entity = '\(AuditTrail.eventBatch)' ORDER BY seq", []) { row in
      var batches: [EventBatch] = []
      while try row.step() {
        guard let node = try? JSONParser.parse(Array(row.string(at: 1).utf8)),
          case .number(let first) = node["firstSeq"]?.value, case .number(let last) = node["lastSeq"]?.value,
          case .number(let count) = node["count"]?.value, case .string(let digest) = node["digest"]?.value,
          let firstSeq = Int64(first), let lastSeq = Int64(last), let rows = Int(count)
        else { continue }
        batches.append(EventBatch(seq: row.int64(at: 0), firstSeq: firstSeq, lastSeq: lastSeq, count: rows, digest: digest))
      }
      return batches
    }
  }

  /// SHA-256 over the canonical states of events `firstSeq…lastSeq`, each followed by a newline.
  func eventDigest(firstSeq: Int64, lastSeq: Int64) throws -> (digest: String, rows: Int) {
    try source.withCursor("\(EventColumns.select) WHERE seq BETWEEN ? AND ? ORDER BY seq", [.integer(firstSeq), .integer(lastSeq)]) {
      row in
      var hasher = SHA256()
      var rows = 0
      guard try row.step() else { return (hex(hasher.finalize()), rows) }
      // The columns are known once a row is (a PostgreSQL cursor names them with its rows).
      let order = AuditedEntity.sortedColumns(of: row)
      // One buffer for every row: a year's verify renders ten million of them.
      var bytes: [UInt8] = []
      repeat {
        bytes.removeAll(keepingCapacity: true)
        order.layout.write(to: &bytes) { row.value(at: order.indices[$0]) }
        bytes.append(0x0A)
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        rows += 1
      } while try row.step()
      return (hex(hasher.finalize()), rows)
    }
  }

  /// Merge-joins the table's rows (by key) with the latest audited state per key.
  func compareRows(_ entity: AuditedEntity, batches: [EventBatch], findings: inout [AuditFinding]) throws {
    // Every entry of the entity in (key, seq) order, straight from the index, keeping the last of
    // each key: memory stays flat however many keys a year of imports audited.
    try source.withCursor("SELECT key, state, seq FROM audit_log WHERE entity = ? ORDER BY key, seq", [.text(entity.name)]) { audited in
      var lookahead: (key: String, state: String, seq: Int64)?
      func read() -> (key: String, state: String, seq: Int64) { (audited.string(at: 0), audited.string(at: 1), audited.int64(at: 2)) }
      if try audited.step() { lookahead = read() }
      func nextLatest() throws -> (key: String, state: String, seq: Int64)? {
        guard var latest = lookahead else { return nil }
        while true {
          guard try audited.step() else {
            lookahead = nil
            return latest
          }
          let entry = read()
          guard entry.key == latest.key else {
            lookahead = entry
            return latest
          }
          latest = entry
        }
      }
      // Events are read by key from the id index alone (it holds the seq): most were imported and
      // are checked by their batch's digest, so only the few audited one by one are read in full.
      let isEvent = entity.name == "event"
      try source.withCursor(isEvent ? "SELECT id AS key, seq FROM events ORDER BY id" : "\(entity.select) ORDER BY key", []) { actual in
        // Sorted by first seq and searched by halves: a year's import is 400 batches, asked about
        // for each of its ten million events.
        let ranges = batches.map { ($0.firstSeq, $0.lastSeq) }.sorted { $0.0 < $1.0 }
        func inBatch() -> Bool {
          guard isEvent else { return false }
          let seq = actual.int64(at: 1)
          var (low, high) = (0, ranges.count)
          while low < high {
            let middle = (low + high) / 2
            if ranges[middle].0 <= seq { low = middle + 1 } else { high = middle }
          }
          return low > 0 && seq <= ranges[low - 1].1
        }
        var latest = try nextLatest()
        var hasActual = try actual.step()
        // The columns are known once a row is (a PostgreSQL cursor names them with its rows).
        let order = hasActual && !isEvent ? AuditedEntity.sortedColumns(of: actual, lists: entity.lists) : nil
        var reported = 0
        func report(_ finding: AuditFinding) {
          reported += 1
          if reported <= 20 { findings.append(finding) }
        }
        while latest != nil || hasActual {
          let actualKey = hasActual ? actual.string(at: 0) : nil
          if let entry = latest, let b = actualKey, entry.key == b {
            let state =
              if let order {
                AuditedEntity.stateText(of: actual, order: order, lists: try entity.lists.map { try $0.render(key: b, from: source) })
              } else { try currentState(entity, key: b) }
            if let finding = Self.stateFinding(entity.name, key: b, entry: entry.seq, recorded: entry.state, current: state) {
              report(finding)
            }
            latest = try nextLatest()
            hasActual = try actual.step()
          } else if let entry = latest, actualKey == nil || entry.key.utf8.lexicographicallyPrecedes(actualKey?.utf8 ?? "".utf8) {
            if let finding = Self.stateFinding(entity.name, key: entry.key, entry: entry.seq, recorded: entry.state, current: "null") {
              report(finding)
            }
            latest = try nextLatest()
          } else {
            if !inBatch() {
              report(
                AuditFinding(
                  seq: nil, kind: "row-unaudited", message: "\(entity.name) \(actualKey ?? "") has no audit entry (written outside corridor)"))
            }
            hasActual = try actual.step()
          }
        }
      }
    }
  }

  /// Which fields differ between two canonical states, for people.
  static func difference(_ recorded: String, _ current: String) -> String {
    guard let a = try? JSONParser.parse(Array(recorded.utf8)), let b = try? JSONParser.parse(Array(current.utf8)),
      case .object(let old) = a.value, case .object(let new) = b.value
    else { return "state changed" }
    let oldMap = Dictionary(old.map { ($0.key, CanonicalJSON($0.value)?.text ?? "?") }, uniquingKeysWith: { x, _ in x })
    let newMap = Dictionary(new.map { ($0.key, CanonicalJSON($0.value)?.text ?? "?") }, uniquingKeysWith: { x, _ in x })
    let fields = Set(oldMap.keys).union(newMap.keys).sorted().filter { oldMap[$0] != newMap[$0] }
    return fields.map { "\($0) audited \(oldMap[$0] ?? "absent"), now \(newMap[$0] ?? "absent")" }.joined(separator: "; ")
  }
}
