import CorridorModel
import SQLite

/// A cursor over one query's rows as `audit verify` reads them: SQLite's statement, or a
/// PostgreSQL cursor fetched in batches (CorridorStorePostgres). Columns are read by position,
/// as the verification's hot loops do.
package protocol AuditCursor {
  /// Moves to the next row; false after the last.
  func step() throws -> Bool
  /// The query's columns (0 for a PostgreSQL query that returned no row: nothing to name).
  var columnCount: Int32 { get }
  func columnName(at index: Int32) -> String
  func value(at index: Int32) -> SQLValue
  func string(at index: Int32) -> String
  func int64(at index: Int32) -> Int64
}

extension Statement: AuditCursor {}

/// Where `audit verify` reads a ledger. The verification (the chain, every audited row against
/// its latest state, the import batches' digests) is one piece of code, `AuditVerifier`, over
/// this: SQLite's connection here, PostgreSQL's session in CorridorStorePostgres. The queries it
/// hands over are written in the SQL both engines read (`?` placeholders, quoted camelCase
/// aliases, `coalesce`, `IS NOT DISTINCT FROM`); an engine translates only the placeholders.
package protocol AuditSource {
  associatedtype Cursor: AuditCursor
  /// Streams the rows of `sql` through `body`. Cursors nest: a merge join holds two open while
  /// a third looks rows up.
  func withCursor<T>(_ sql: String, _ arguments: [SQLValue], _ body: (Cursor) throws -> T) throws -> T
  /// A lookup of a few rows, run once per key (SQLite keeps the statement prepared).
  func withLookup<T>(_ sql: String, _ arguments: [SQLValue], _ body: (Cursor) throws -> T) throws -> T
  /// The append-only triggers as this engine states them: missing, redefined, disabled, or
  /// created by someone else.
  func triggerFindings() throws -> [AuditFinding]
}

/// SQLite's side: statements on the ledger's connection.
package struct SQLiteAuditSource: AuditSource {
  let connection: Connection

  package func withCursor<T>(_ sql: String, _ arguments: [SQLValue], _ body: (Statement) throws -> T) throws -> T {
    let statement = try connection.prepare(sql)
    try statement.bind(arguments)
    return try body(statement)
  }

  package func withLookup<T>(_ sql: String, _ arguments: [SQLValue], _ body: (Statement) throws -> T) throws -> T {
    let statement = try connection.cachedStatement(sql)
    defer { statement.reset() }
    try statement.bind(arguments)
    return try body(statement)
  }

  /// Every trigger the schema should have, with its full definition as the migrations create
  /// it (the last migration that creates a trigger wins). Read from the embedded migrations, so
  /// the definition lives in one place: a trigger of the same name that never fires (`WHEN 0`)
  /// differs from it.
  static let expectedTriggers: [String: String] = {
    var triggers: [String: String] = [:]
    for migration in Migration.embedded {
      var rest = Substring(migration.sql)
      while let start = rest.range(of: "CREATE TRIGGER ") {
        let statement = rest[start.lowerBound...]
        guard let end = statement.range(of: "END;") else { break }
        let text = String(statement[..<end.lowerBound]) + "END"
        let name = text.dropFirst("CREATE TRIGGER ".count).prefix { $0 != " " && $0 != "\n" }
        triggers[String(name)] = text
        rest = statement[end.upperBound...]
      }
    }
    return triggers
  }()

  package func triggerFindings() throws -> [AuditFinding] {
    var present: [String: String] = [:]
    for row in try connection.rows("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'") {
      present[try row.text("name")] = try row.text("sql")
    }
    return AuditFinding.triggers(expected: Self.expectedTriggers, present: present)
  }
}

extension AuditFinding {
  /// The findings about append-only triggers, given each engine's definitions by name (what the
  /// migrations create, what the database holds): dropped, replaced, or not created by corridor.
  package static func triggers(expected: [String: String], present: [String: String]) -> [AuditFinding] {
    var findings: [AuditFinding] = []
    for (name, definition) in expected.sorted(by: { $0.key < $1.key }) {
      guard let actual = present[name] else {
        findings.append(AuditFinding(seq: nil, kind: "trigger", message: "trigger \(name) was dropped: the table is no longer append-only"))
        continue
      }
      if actual != definition {
        findings.append(
          AuditFinding(
            seq: nil, kind: "trigger", message: "trigger \(name) was replaced by another definition: \(actual.debugDescription)"))
      }
    }
    for name in present.keys.sorted() where expected[name] == nil {
      findings.append(AuditFinding(seq: nil, kind: "trigger", message: "trigger \(name) was not created by corridor"))
    }
    return findings
  }
}
