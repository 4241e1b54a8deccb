import CorridorInterchange
import CorridorModel
import Crypto
import SQLite

/// The audit trail: appending hash-chained entries, reading, exporting and verifying them.
public struct AuditTrail: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var auditTrail: AuditTrail { AuditTrail(db: self) }
}

extension AuditTrail {
  /// The entity of an import's batch of events (one entry pins down the batch's rows).
  static let eventBatch = "event-batch"
  /// The entity of a checkpoint (`audit checkpoint`).
  package static let checkpoint = "audit-checkpoint"

  /// What the trail files entries under: every audited table's entity (declared by its
  /// feature), an import's batch of events and a checkpoint.
  public static var entityNames: [String] { AuditedEntity.all.map(\.name) + [eventBatch, checkpoint] }
}

/// What the audit trail knows how to pin down: for each audited table, the SQL that renders a
/// row's state (key first, then camelCase columns). The same SQL writes the state into the trail
/// and re-reads it during `audit verify`, so the two can only differ if the row changed.
struct AuditedEntity: Sendable {
  let name: String
  /// `SELECT <key> AS key, <columns…> FROM …`; a WHERE or ORDER BY is appended.
  let select: String
  let keyExpression: String
  /// A WHERE clause on the natural key columns, so looking one row up uses an index
  /// (`keyExpression = ?` on a compound key would scan the table), and how to split a key into
  /// its arguments.
  var lookup: String? = nil
  var splitKey: (@Sendable (String) -> [SQLValue])? = nil
  /// Fields made of child rows (a location's aliases, a route's legs), rendered here in Swift.
  var lists: [AuditedList] = []

  func lookupSQL() -> String { "\(select) WHERE \(lookup ?? "\(keyExpression) = ?")" }

  func arguments(for key: String) -> [SQLValue] { splitKey?(key) ?? [.text(key)] }

  /// Every audited table, from the features that declare them (`StoreFeature.all`).
  static let all: [AuditedEntity] = StoreFeature.all.flatMap(\.auditedEntities)

  static func named(_ name: String) -> AuditedEntity? { all.first { $0.name == name } }

  /// The canonical state of the statement's current row (the columns after the key), written
  /// straight from the columns in sorted-name order: this runs once per verified row, so it
  /// avoids building a dictionary per row. `lists` are the entity's list fields, rendered.
  static func stateText(of statement: some AuditCursor, order: StateOrder, lists: [String] = []) -> String {
    var out: [UInt8] = []
    order.layout.write(to: &out) { field in
      let index = order.indices[field]
      return index >= 0 ? statement.value(at: index) : .text(lists[Int(-index - 1)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The one renderer of an audited state, `{"name":value,…}`, for fields whose names are in
  /// canonical order. `event record`'s audit entry, `audit verify` and the import's batch digests
  /// all write through here, so they cannot render the same row differently. The keys are
  /// rendered once per layout (this runs for every imported and every verified row).
  struct StateLayout: Sendable {
    /// Fields added to an audited table after entries were written: left out of the state when
    /// NULL, so that the entries written before them still verify.
    static let addedLater: Set<String> = [
      "carrierBooking", "sizeTypeAsSent", "sealSource", "sealType", "owner", "freeTimeAlerts", "nameZh", "direction",
    ]

    /// `"name":` for each field.
    let keys: [[UInt8]]
    /// Whether the field is left out when NULL (`addedLater`).
    let omittedWhenNull: [Bool]

    init(names: [String]) {
      keys = names.map { name in
        var key: [UInt8] = []
        CanonicalJSON.writeString(name, to: &key)
        key.append(UInt8(ascii: ":"))
        return key
      }
      omittedWhenNull = names.map(Self.addedLater.contains)
    }

    /// Writes the state, `value(i)` being the i-th field's value as SQLite stores it.
    func write(to out: inout [UInt8], value: (Int) -> SQLValue) {
      out.append(UInt8(ascii: "{"))
      var first = true
      for index in keys.indices {
        let field = value(index)
        if omittedWhenNull[index], case .null = field { continue }
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        keys[index].withUnsafeBufferPointer { out.append(contentsOf: $0) }
        CanonicalJSON.write(field, to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }

    /// The same for values already in field order (the import's hot path: no closure a field).
    func write(_ values: [SQLValue], to out: inout [UInt8]) {
      out.append(UInt8(ascii: "{"))
      var first = true
      for index in keys.indices {
        if omittedWhenNull[index], case .null = values[index] { continue }
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        keys[index].withUnsafeBufferPointer { out.append(contentsOf: $0) }
        CanonicalJSON.write(values[index], to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// Which statement columns make the state, in canonical order, and their layout. A negative
  /// index -n is the entity's n-th list field.
  struct StateOrder {
    let indices: [Int32]
    let layout: StateLayout
  }

  /// Columns after the key and the list fields, sorted by name (UTF-8 order, as canonical JSON
  /// sorts keys).
  static func sortedColumns(of statement: some AuditCursor, lists: [AuditedList] = []) -> StateOrder {
    let columns =
      ((1..<max(1, statement.columnCount)).map { (index: $0, name: statement.columnName(at: $0)) }
      + lists.enumerated().map { (index: Int32(-$0.offset - 1), name: $0.element.name) })
      .sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    return StateOrder(indices: columns.map(\.index), layout: StateLayout(names: columns.map(\.name)))
  }
}

/// A field of an audited state made of child rows, in the child query's order: a list of
/// scalars (a location's aliases) or of arrays (a route's legs, one array of columns each).
/// Rendered as the JSON text SQLite's `json_group_array`/`json_array` wrote when the states were
/// first recorded (the release databases hold them), so that every recorded state verifies byte
/// for byte and no engine's JSON functions are needed.
struct AuditedList: Sendable {
  let name: String
  /// The child rows of one key (`?`), ordered.
  let query: String
  /// Each row an array of its columns (else its first column alone).
  let itemIsArray: Bool
  /// A column added later: left out of a row's array when NULL, as the states written before it.
  var lastElementOmittedWhenNull = false

  /// The list's JSON text for one key.
  func render(key: String, from source: some AuditSource) throws -> String {
    try source.withLookup(query, [.text(key)]) { try render($0) }
  }

  private func render(_ statement: some AuditCursor) throws -> String {
    var out: [UInt8] = [UInt8(ascii: "[")]
    var first = true
    while try statement.step() {
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      guard itemIsArray else {
        Self.write(statement.value(at: 0), to: &out)
        continue
      }
      var count = statement.columnCount
      if lastElementOmittedWhenNull, count > 0, case .null = statement.value(at: count - 1) { count -= 1 }
      out.append(UInt8(ascii: "["))
      for column in 0..<count {
        if column > 0 { out.append(UInt8(ascii: ",")) }
        Self.write(statement.value(at: column), to: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    out.append(UInt8(ascii: "]"))
    return String(decoding: out, as: UTF8.self)
  }

  /// One value as SQLite's JSON functions write it: integers in decimal, text quoted with `"`
  /// and `\` escaped, `\b \t \n \f \r` short and other control characters as `\u00xx`
  /// (everything else as it is, UTF-8), NULL as null. No audited list holds REAL or BLOB
  /// columns; they would be written as SQLite's text of them is not reproduced here.
  static func write(_ value: SQLValue, to out: inout [UInt8]) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .integer(let v): out.append(contentsOf: String(v).utf8)
    case .real(let v): out.append(contentsOf: String(v).utf8)
    case .blob(let v): writeText(hex(v), to: &out)
    case .text(let v): writeText(v, to: &out)
    }
  }

  static func writeText(_ text: String, to out: inout [UInt8]) {
    let digits = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
      case 0x08: out += Array("\\b".utf8)
      case 0x09: out += Array("\\t".utf8)
      case 0x0A: out += Array("\\n".utf8)
      case 0x0C: out += Array("\\f".utf8)
      case 0x0D: out += Array("\\r".utf8)
      case 0..<0x20: out += Array("\\u00".utf8) + [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}

extension AuditTrail {
  /// Appends one entry for the current state of `entity`/`key`, in the caller's transaction.
  func audit(action: String, entity: String, key: String, operator op: String) throws {
    guard let definition = AuditedEntity.named(entity) else { return }
    try appendAudit(action: action, entity: entity, key: key, state: try currentState(definition, key: key), operator: op)
  }

  /// The row's state as the trail renders it, or `null` when there is no such row: what an entry
  /// records when written and what `audit verify` compares it with.
  func currentState(_ entity: AuditedEntity, key: String) throws -> String {
    try Self.currentState(entity, key: key, on: connection)
  }

  /// The same through the engine's own audit source (the existential opened).
  private static func currentState<C: StoreConnection>(_ entity: AuditedEntity, key: String, on connection: C) throws -> String {
    try AuditReader(source: connection.auditSource).currentState(entity, key: key)
  }

  /// Appends an entry with an explicit state (bulk batches), in the caller's transaction.
  func appendAudit(action: String, entity: String, key: String, state: String, operator op: String) throws {
    let head = try connection.row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    let entry = try Self.entry(
      after: try head.map { (try $0.int64("seq"), try $0.text("hash")) }, recordedAt: clock.nowUTC(), operator: op, action: action,
      entity: entity, key: key, state: state)
    try connection.execute(Self.insertSQL, Self.values(of: entry))
  }

  /// The entry that follows `head` (nil: the trail's first): its number and its hash over the
  /// previous one. The chain's rule for appending, for both engines.
  package static func entry(
    after head: (seq: Int64, hash: String)?, recordedAt: String, operator op: String, action: String, entity: String, key: String,
    state: String
  ) throws -> AuditEntry {
    let (last, prevHash) = head ?? (0, AuditEntry.genesis)
    guard last >= 0, last < Int64.max else { throw CorridorError.damaged(nil, "the audit trail's last entry is numbered \(last)") }
    let seq = last + 1
    let canonical = AuditEntry.canonical(seq: seq, recordedAt: recordedAt, operator: op, action: action, entity: entity, key: key, state: state)
    return AuditEntry(
      seq: seq, recordedAt: recordedAt, operatorName: op, action: action, entity: entity, key: key, state: state, prevHash: prevHash,
      hash: AuditEntry.hash(prevHash: prevHash, canonical: canonical))
  }

  /// Appends an entry given as values in `auditColumnNames` order (`?` placeholders).
  package static let insertSQL =
    "INSERT INTO audit_log(\(auditColumns)) VALUES (\(auditColumnNames.map { _ in "?" }.joined(separator: ", ")))"

  /// The entry's values in `auditColumnNames` order.
  package static func values(of entry: AuditEntry) -> [SQLValue] {
    [
      .integer(entry.seq), .text(entry.recordedAt), .text(entry.operatorName), .text(entry.action), .text(entry.entity), .text(entry.key),
      .text(entry.state), .text(entry.prevHash), .text(entry.hash),
    ]
  }

  /// The trail's columns in the order every reader selects them: SQLite's statements here and
  /// PostgreSQL's cursor (CorridorStorePostgres) both map them to an entry below.
  public static let auditColumnNames = ["seq", "recorded_at", "operator", "action", "entity", "key", "state", "prev_hash", "hash"]
  static let auditColumns = auditColumnNames.joined(separator: ", ")

  static func auditEntry(_ s: some AuditCursor) -> AuditEntry {
    AuditEntry(
      seq: s.int64(at: 0), recordedAt: s.string(at: 1), operatorName: s.string(at: 2), action: s.string(at: 3), entity: s.string(at: 4),
      key: s.string(at: 5), state: s.string(at: 6), prevHash: s.string(at: 7), hash: s.string(at: 8))
  }

  /// The same from values in `auditColumnNames` order; a row without them is a damaged trail.
  public static func auditEntry(values row: [SQLValue]) throws -> AuditEntry {
    guard row.count == 9, let seq = row[0].int64, let recordedAt = row[1].text, let op = row[2].text, let action = row[3].text,
      let entity = row[4].text, let key = row[5].text, let state = row[6].text, let prev = row[7].text, let hash = row[8].text
    else { throw CorridorError.damaged(nil, "an audit_log row does not have the trail's columns") }
    return AuditEntry(
      seq: seq, recordedAt: recordedAt, operatorName: op, action: action, entity: entity, key: key, state: state, prevHash: prev, hash: hash)
  }

  /// Browses the trail (`AuditReader.log`).
  public func auditLog(
    entity: String? = nil, key: String? = nil, operator op: String? = nil, from: Day? = nil, to: Day? = nil, limit: Int? = nil
  ) throws -> [AuditEntry] {
    try reading { try $0.log(entity: entity, key: key, operator: op, from: from, to: to, limit: limit) }
  }
}

extension AuditTrail {
  /// Appends entries of an entity that is no table (a `note`: nothing to compare rows against),
  /// chained with the trail's own hash, in one transaction: benchmark support for `audit verify`
  /// and `audit export` at scale (CorridorDevTools' `AuditFill`), kept here because it is SQL.
  package func appendNoteEntries(_ notes: [(key: String, state: String)], operator op: String) throws {
    try mapSQLiteErrors {
      try connection.transaction {
        for note in notes { try appendAudit(action: "insert", entity: "note", key: note.key, state: note.state, operator: op) }
      }
    }
  }
}
