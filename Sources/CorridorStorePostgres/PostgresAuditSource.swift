import CorridorModel
import CorridorStore
import SQLite

/// The audit trail read on PostgreSQL: the store's one reader (`AuditReader`: verify, log,
/// checkpoint) through server-side cursors, in the caller's REPEATABLE READ snapshot, and the
/// append-only triggers as PostgreSQL states them.
struct PostgresAuditSource: AuditSource {
  let session: PostgresSession

  /// A query's rows, fetched `batch` at a time when it streams (`fetch`), all at once for a lookup.
  final class Cursor: AuditCursor {
    private var names: [String]
    private var rows: [[SQLValue]]
    private var index = -1
    private let fetch: (() throws -> (columns: [String], rows: [[SQLValue]]))?

    init(columns: [String], rows: [[SQLValue]], fetch: (() throws -> (columns: [String], rows: [[SQLValue]]))?) {
      names = columns
      self.rows = rows
      self.fetch = fetch
    }

    func step() throws -> Bool {
      index += 1
      if index < rows.count { return true }
      guard let fetch, !rows.isEmpty else { return false }
      let next = try fetch()
      (rows, index) = (next.rows, 0)
      if !next.columns.isEmpty { names = next.columns }
      return !rows.isEmpty
    }

    var columnCount: Int32 { Int32(names.count) }
    func columnName(at index: Int32) -> String { names[Int(index)] }
    func value(at column: Int32) -> SQLValue { rows[index][Int(column)] }
    func string(at column: Int32) -> String {
      switch value(at: column) {
      case .text(let text): text
      case .integer(let number): String(number)
      case .real(let number): String(number)
      case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
      case .null: ""
      }
    }
    func int64(at column: Int32) -> Int64 { value(at: column).int64 ?? 0 }
  }

  func withCursor<T>(_ sql: String, _ arguments: [SQLValue], _ body: (Cursor) throws -> T) throws -> T {
    try session.withCursor(Self.numbered(sql), arguments) { fetch in
      // The cursor does not outlive `body`, nor does the server's.
      try withoutActuallyEscaping(fetch) { fetch in
        let first = try fetch()
        return try body(Cursor(columns: first.columns, rows: first.rows, fetch: fetch))
      }
    }
  }

  func withLookup<T>(_ sql: String, _ arguments: [SQLValue], _ body: (Cursor) throws -> T) throws -> T {
    let result = try session.namedRows(Self.numbered(sql), arguments)
    return try body(Cursor(columns: result.columns, rows: result.rows, fetch: nil))
  }

  /// `?` placeholders as PostgreSQL's `$1`, `$2`, …, outside quoted text and identifiers; SQLite's
  /// numbered `?NNN` (one value used twice) as `$NNN`.
  static func numbered(_ sql: String) -> String {
    var out = ""
    var number = 0
    var quote: Character?
    var characters = sql[...]
    while let character = characters.popFirst() {
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "'" || character == "\"" {
        quote = character
      } else if character == "?" {
        let digits = characters.prefix { $0.isASCII && $0.isNumber }
        characters = characters.dropFirst(digits.count)
        number += 1
        out += "$" + (digits.isEmpty ? String(number) : String(digits))
        continue
      }
      out.append(character)
    }
    return out
  }

  /// Every trigger PostgreSQL's migrations create, by name, as one line (the last migration
  /// that creates a trigger wins).
  static let expectedTriggers: [String: String] = {
    var triggers: [String: String] = [:]
    for migration in PostgresMigrator.migrations {
      for statement in SQLScript.statements(migration.sql) {
        let line = oneLine(statement)
        guard line.hasPrefix("CREATE TRIGGER ") else { continue }
        triggers[String(line.dropFirst("CREATE TRIGGER ".count).prefix { $0 != " " })] = line
      }
    }
    return triggers
  }()

  /// The append-only function's body as migration 0001 creates it (between its `$$`s).
  static let appendOnlyBody: String = {
    let sql = PostgresMigrator.migrations.first?.sql ?? ""
    let parts = sql.components(separatedBy: "$$")
    return parts.count >= 3 ? parts[1] : ""
  }()

  static func oneLine(_ statement: String) -> String {
    var text = statement.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    while text.hasSuffix(";") { text.removeLast() }
    return text
  }

  func triggerFindings() throws -> [AuditFinding] {
    let schema = try session.scalarText("SELECT current_schema()") ?? "public"
    let rows = try session.rows(
      """
      SELECT t.tgname, t.tgenabled::text, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()
      """)
    var present: [String: String] = [:]
    var disabled: [String] = []
    for row in rows {
      let (name, enabled, definition) = (try row.catalogText(0), try row.catalogText(1), try row.catalogText(2))
      // PostgreSQL names the table with its schema; the migrations do not.
      present[name] = Self.oneLine(definition.replacingOccurrences(of: " ON \(schema).", with: " ON "))
      // 'O' fires in every session; 'D' never, 'R' only as a replica, 'A' always (as created, 'O').
      if enabled != "O" && enabled != "A" { disabled.append(name) }
    }
    var findings = AuditFinding.triggers(expected: Self.expectedTriggers, present: present)
    for name in disabled.sorted() {
      findings.append(
        AuditFinding(
          seq: nil, kind: "trigger", message: "trigger \(name) is disabled (ALTER TABLE … DISABLE TRIGGER): the table is no longer append-only"))
    }
    let body = try session.rows(
      """
      SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.proname = 'corridor_append_only' AND n.nspname = current_schema()
      """)
    if body.count != 1 || body.first?.first?.text != Self.appendOnlyBody {
      findings.append(
        AuditFinding(
          seq: nil, kind: "trigger",
          message: "function corridor_append_only was replaced or dropped: the append-only triggers may no longer refuse changes"))
    }
    return findings
  }
}

extension PostgresLedger {
  /// The trail read in one REPEATABLE READ snapshot: writers may go on, the reader sees one state.
  static func reading<T>(_ session: PostgresSession, _ body: (AuditReader<PostgresAuditSource>) throws -> T) throws -> T {
    try session.transaction("ISOLATION LEVEL REPEATABLE READ READ ONLY") { try body(AuditReader(source: PostgresAuditSource(session: session))) }
  }

  /// `audit verify` on PostgreSQL: the same verification as on SQLite, in one REPEATABLE READ
  /// snapshot, so the same history gives the same head, entries and findings.
  public static func verifyAudit(_ session: PostgresSession, anchor: AuditAnchor? = nil, sinceCheckpoint: Bool = false) throws
    -> AuditVerification
  {
    try reading(session) {
      try $0.verify(
        anchor: anchor, sinceCheckpoint: sinceCheckpoint, path: session.location.description)
    }
  }

  /// `audit checkpoint` on PostgreSQL: a full verify, then, when intact, the checkpoint entry
  /// appended as on SQLite (`AuditTrail.entry(after:…)`), the trail locked against other
  /// appenders while its head is read and the entry written.
  public static func checkpointAudit(_ session: PostgresSession, operator op: String, clock: Clock = .system) throws
    -> AuditVerification
  {
    let result = try verifyAudit(session)
    guard result.intact, result.headSeq > 0 else { return result }
    try session.transaction {
      try session.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
      let head = try session.rows("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first.map { row in
        guard row.count == 2, let seq = row[0].int64, let hash = row[1].text else {
          throw CorridorError.damaged(session.location.description, "the audit trail's last entry cannot be read")
        }
        return (seq: seq, hash: hash)
      }
      let entry = try AuditTrail.entry(
        after: head, recordedAt: clock.nowUTC(), operator: op, action: "checkpoint", entity: AuditTrail.checkpoint,
        key: String(result.headSeq), state: AuditTrail.checkpointState(result))
      _ = try session.rows(PostgresAuditSource.numbered(AuditTrail.insertSQL), AuditTrail.values(of: entry))
    }
    return result
  }

  /// `audit log` on PostgreSQL: the same filters and order as on SQLite, in one snapshot.
  public static func auditLog(
    _ session: PostgresSession, entity: String? = nil, key: String? = nil, operator op: String? = nil, from: Day? = nil, to: Day? = nil,
    limit: Int? = nil
  ) throws -> [AuditEntry] {
    try reading(session) {
      try $0.log(
        entity: entity, key: key, operator: op, from: from, to: to, limit: limit)
    }
  }
}
