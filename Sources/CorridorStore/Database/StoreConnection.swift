import CorridorModel
import SQLite

/// The SQL connection the stores run their statements on: SQLite's `Connection`, or a session
/// with PostgreSQL (CorridorStorePostgres). A store's SQL is written once, in what both engines
/// read alike (`?` placeholders, `ON CONFLICT`, `RETURNING`, `coalesce`, quoted camelCase
/// aliases); `dialect` answers the few places where they differ. Rows come back as SQLite's
/// `Row` on both, so that every read decodes by name through the same checked accessors.
package protocol StoreConnection: AnyObject {
  /// How `audit verify` and the audit entries' states read this engine.
  associatedtype Audit: AuditSource
  var dialect: SQLDialect { get }
  var auditSource: Audit { get }
  /// Runs statements without arguments (schema scripts, pragmas).
  func execute(_ sql: String) throws
  func execute(_ sql: String, _ arguments: [SQLValue]) throws
  func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [Row]
  func row(_ sql: String, _ arguments: [SQLValue]) throws -> Row?
  func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [[SQLValue]]
  func fetchOne(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLValue]?
  /// Calls `body` with each row of a query built for the occasion (filters, limits), on a
  /// statement of its own: not kept in SQLite's statement cache, which built texts would grow
  /// without bound, and free for `body` to run other queries.
  func stream(_ sql: String, _ arguments: [SQLValue], _ body: (Row) throws -> Void) throws
  /// The same for a fixed text, run many times (SQLite keeps it prepared).
  func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (Row) throws -> Void) throws
  /// A transaction committed when `commit` accepts the body's result (rolled back otherwise or
  /// when it throws); inside another transaction, a savepoint. A write (`.immediate`) holds the
  /// ledger's write lock from its start on both engines: one writer at a time, as the audit
  /// chain is one sequence.
  func transaction<T>(_ kind: Connection.TransactionKind, committingIf commit: (T) -> Bool, _ body: () throws -> T) throws -> T
  /// A savepoint inside the caller's transaction: a body that throws undoes only its own work.
  func savepoint<T>(_ body: () throws -> T) throws -> T
  /// Appends `rows` (one value a column, in `columns`' order) to `table`, in order: the bulk
  /// path of an import on an engine without SQLite's prepared multi-row INSERTs. PostgreSQL's is
  /// `COPY … FROM STDIN`, the fastest way it takes rows; the default is one INSERT a row.
  func append(into table: String, columns: [String], rows: [[SQLValue]]) throws
}

extension StoreConnection {
  package func rows(_ sql: String) throws -> [Row] { try rows(sql, []) }
  package func row(_ sql: String) throws -> Row? { try row(sql, []) }
  package func fetchAll(_ sql: String) throws -> [[SQLValue]] { try fetchAll(sql, []) }
  package func fetchOne(_ sql: String) throws -> [SQLValue]? { try fetchOne(sql, []) }

  /// The first column of the first row as an integer (counts, flags), or nil.
  package func scalarInt(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64? { try fetchOne(sql, arguments)?.first?.int64 }

  /// The first column of the first row as text, or nil.
  package func scalarText(_ sql: String, _ arguments: [SQLValue] = []) throws -> String? { try fetchOne(sql, arguments)?.first?.text }

  @discardableResult
  package func transaction<T>(_ kind: Connection.TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
    try transaction(kind, committingIf: { _ in true }, body)
  }

  package func transaction<T>(committingIf commit: (T) -> Bool, _ body: () throws -> T) throws -> T {
    try transaction(.immediate, committingIf: commit, body)
  }

  package func append(into table: String, columns: [String], rows: [[SQLValue]]) throws {
    let insert = "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    for row in rows { try execute(insert, row) }
  }

  /// The SQLite connection under the store, for what only SQLite does (its bulk import's prepared
  /// statements, its backup API, its pragmas); on another engine `feature` is refused by name.
  package func sqlite(for feature: String) throws -> Connection {
    guard let connection = self as? Connection else {
      throw CorridorError(.usage, "\(feature) needs a SQLite ledger; this one is on \(dialect.engineName)")
    }
    return connection
  }
}

/// Where the two engines' SQL differs, said once.
package enum SQLDialect: Sendable {
  case sqlite
  case postgresql

  package var engineName: String {
    switch self {
    case .sqlite: "SQLite"
    case .postgresql: "PostgreSQL"
    }
  }

  /// After rows were written with their own numbers in `table.column`: PostgreSQL's identity
  /// sequence moved past the highest, so that the next row without one does not collide;
  /// nothing on SQLite, which numbers a row after the table's highest anyway.
  package func resumeNumbering(of table: String, column: String) -> String? {
    switch self {
    case .sqlite: nil
    case .postgresql:
      "SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce((SELECT max(\(column)) FROM \(table)), 0) + 1, false)"
    }
  }

  /// SQLite's `INDEXED BY index` where its planner needs telling (each use says why);
  /// PostgreSQL plans from its statistics and has no such clause.
  package func indexedBy(_ index: String) -> String {
    switch self {
    case .sqlite: "INDEXED BY \(index)"
    case .postgresql: ""
    }
  }

  /// A join SQLite's planner keeps in the written order (its `CROSS JOIN`, where a use says
  /// why); PostgreSQL's `CROSS JOIN` takes no `ON`, and it plans the order itself.
  package var orderedJoin: String {
    switch self {
    case .sqlite: "CROSS JOIN"
    case .postgresql: "JOIN"
    }
  }

  /// The UTC month (`YYYY-MM`) of a time in milliseconds since 1970.
  package func utcMonth(ofMilliseconds expression: String) -> String {
    switch self {
    case .sqlite: "strftime('%Y-%m', \(expression) / 1000, 'unixepoch')"
    case .postgresql: "to_char(to_timestamp(\(expression) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM')"
    }
  }

  /// The values of `expression` in a group joined by `separator` (a SQL string literal):
  /// SQLite's `group_concat` (`string_agg` arrived in SQLite 3.44; Debian 12 has 3.40).
  package func groupConcat(_ expression: String, separator: String) -> String {
    switch self {
    case .sqlite: "group_concat(\(expression), \(separator))"
    case .postgresql: "string_agg(CAST(\(expression) AS TEXT), \(separator))"
    }
  }

  /// The distinct values of `expression` in a group, joined by commas, in no particular order:
  /// SQLite's `DISTINCT` form of `group_concat` takes no separator, so this one has none to give.
  package func distinctCommaList(_ expression: String) -> String {
    switch self {
    case .sqlite: "group_concat(DISTINCT \(expression))"
    case .postgresql: "string_agg(DISTINCT CAST(\(expression) AS TEXT), ',')"
    }
  }
}

extension Connection: StoreConnection {
  package var dialect: SQLDialect { .sqlite }
  package var auditSource: SQLiteAuditSource { SQLiteAuditSource(connection: self) }

  package func stream(_ sql: String, _ arguments: [SQLValue], _ body: (Row) throws -> Void) throws {
    let statement = try prepare(sql)
    try statement.bind(arguments)
    try statement.forEachNamedRow(body)
  }
}
