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
  /// numbered `?NNN` (one value used twice) as `$NNN`. Numbered as SQLite numbers them: a plain
  /// `?` is one past the largest number given so far, so `?1 ?1 ?2 ?` binds three values.
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
        if let given = Int(digits) {
          number = max(number, given)
          out += "$\(given)"
        } else {
          number += 1
          out += "$\(number)"
        }
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
