import CorridorModel
import CorridorStore
import Crypto
import Foundation
import SQLite

/// `corridor db copy`: a whole ledger from one engine to the other, in one consistent read of
/// the source and one transaction at the target, verified before it commits: every table's
/// rows read back from the target hash to what was read from the source, and the audit chain
/// re-hashed at the target reaches the source's head. A failure leaves the target as it was.
public enum LedgerCopy {
  public struct Report: Sendable {
    public let tables: [(name: String, rows: Int64)]
    public let auditEntries: Int64
    public let auditHead: AuditAnchor?
    public var rows: Int64 { tables.reduce(0) { $0 + $1.rows } }
  }

  /// Rows per batch read and written: bounded memory at any size.
  static let batch = 5000

  public static func run(from source: LedgerLocation, to target: LedgerLocation, notice: (String) -> Void = { _ in }) throws -> Report {
    let sourceSide: any LedgerSide
    let targetSide: any LedgerSide
    switch (source, target) {
    case (.sqlite(let from), .postgres(let to)):
      sourceSide = try SQLiteSide(path: from, mode: .existing, notice: notice)
      targetSide = try PostgresSide(to, notice: notice)
    case (.postgres(let from), .sqlite(let to)):
      sourceSide = try PostgresSide(from, notice: notice)
      targetSide = try SQLiteSide(path: to, mode: .create, notice: notice)
    case (.sqlite, .sqlite):
      throw CorridorError(.usage, "--from and --to are both SQLite files", hint: "copy a file with `corridor db backup --out FILE`")
    case (.postgres, .postgres):
      throw CorridorError(.usage, "--from and --to are both PostgreSQL databases", hint: "use pg_dump, or PostgreSQL's replication")
    }
    // The tables, their columns, keys and parents come from the SQLite side: the reference
    // schema; the PostgreSQL side must have the same tables and columns.
    guard let sqliteSide = (sourceSide as? SQLiteSide) ?? (targetSide as? SQLiteSide) else {
      throw CorridorError(.internal, "db copy needs a SQLite side")
    }
    let tables = try sqliteSide.tables()
    for side in [sourceSide, targetSide] where side !== sqliteSide {
      try side.checkSchema(tables, against: sqliteSide.name)
    }
    for table in tables where !Migration.seededTables.contains(table.name) {
      let rows = try targetSide.count(table.name)
      if rows > 0 {
        throw CorridorError(
          .invalidData, "\(targetSide.name) holds a ledger already (\(rows) rows in \(table.name)); it was left untouched",
          hint: "copy into a new database")
      }
    }
    return try sourceSide.snapshot {
      try targetSide.writing {
        var counts: [(name: String, rows: Int64)] = []
        var digests: [String: String] = [:]
        for table in tables {
          if Migration.seededTables.contains(table.name) { try targetSide.clear(table.name) }
          var digest = RowDigest()
          try sourceSide.read(table) { rows in
            digest.add(rows)
            try targetSide.write(table, rows)
          }
          counts.append((table.name, digest.rows))
          digests[table.name] = digest.hex
        }
        try targetSide.finishWrites(tables)
        // Verified before the commit: read back what the target now holds, walking the audit
        // chain in the same pass over its table.
        var walk = AuditChainWalk()
        var broken: AuditFinding? = nil
        for table in tables {
          let trail = table.name == "audit_log" ? try AuditTrail.auditColumnNames.map { try table.index(of: $0) } : nil
          var digest = RowDigest()
          try targetSide.read(table) { rows in
            digest.add(rows)
            guard let trail else { return }
            for row in rows {
              if let finding = walk.check(try AuditTrail.auditEntry(values: trail.map { row[$0] })), broken == nil { broken = finding }
            }
          }
          guard digest.hex == digests[table.name] else {
            throw CorridorError(
              .internal,
              "the copy of \(table.name) at \(targetSide.name) does not read back as \(sourceSide.name) holds it (\(digest.rows) rows); nothing was written",
              hint: "report it with both engines' versions")
          }
        }
        if let broken {
          throw CorridorError(
            .invalidData,
            "the audit chain of \(sourceSide.name) is broken (\(broken.message)); nothing was copied",
            hint: "run `corridor audit verify` on the source")
        }
        let head = walk.entries > 0 ? AuditAnchor(seq: walk.headSeq, hash: walk.head) : nil
        return Report(tables: counts, auditEntries: walk.entries, auditHead: head)
      }
    }
  }
}

/// A table as the copy sees it: its columns in the SQLite order, the columns it is read in
/// order of (its primary key, else every column), and the tables it refers to.
struct TableShape: Sendable {
  let name: String
  let columns: [String]
  let order: [String]
  let parents: Set<String>

  /// Tables whose rows are read in the order they were written (a shipment's boxes in the order
  /// they were assigned): SQLite's rowid, a `rowid` column on PostgreSQL (migration 0026); the
  /// copy carries it as a column in both directions.
  static let writtenOrder: Set<String> = ["shipment_containers"]

  func index(of column: String) throws -> Int {
    guard let index = columns.firstIndex(of: column) else { throw CorridorError.damaged(nil, "\(name) has no column \(column)") }
    return index
  }
}

/// SHA-256 over rows as typed values (a tag per type, lengths before bytes), so the same rows
/// give the same digest whichever engine they were read from.
struct RowDigest {
  private var hasher = SHA256()
  private(set) var rows: Int64 = 0

  mutating func add(_ batch: [[SQLValue]]) {
    for row in batch {
      rows += 1
      hash(UInt64(row.count))
      for value in row {
        switch value {
        case .null: hash(0 as UInt8)
        case .integer(let number):
          hash(1 as UInt8)
          hash(number)
        case .real(let number):
          hash(2 as UInt8)
          hash(number.bitPattern)
        case .text(let text):
          hash(3 as UInt8)
          var text = text
          text.withUTF8 { bytes in
            hash(UInt64(bytes.count))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
          }
        case .blob(let blob):
          hash(4 as UInt8)
          hash(UInt64(blob.count))
          blob.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
      }
    }
  }

  private mutating func hash<T: FixedWidthInteger>(_ number: T) {
    withUnsafeBytes(of: number.littleEndian) { hasher.update(bufferPointer: $0) }
  }

  var hex: String { CorridorModel.hex(hasher.finalize()) }
}

/// One engine's side of a copy.
protocol LedgerSide: AnyObject {
  var name: String { get }
  func checkSchema(_ tables: [TableShape], against reference: String) throws
  func count(_ table: String) throws -> Int64
  /// Rows in `table.order`, in batches.
  func read(_ table: TableShape, _ body: ([[SQLValue]]) throws -> Void) throws
  func snapshot<T>(_ body: () throws -> T) throws -> T
  func writing<T>(_ body: () throws -> T) throws -> T
  func clear(_ table: String) throws
  func write(_ table: TableShape, _ rows: [[SQLValue]]) throws
  func finishWrites(_ tables: [TableShape]) throws
}

final class SQLiteSide: LedgerSide {
  let database: CorridorDatabase
  var name: String { database.path }

  private let connection: Connection

  init(path: String, mode: CorridorDatabase.OpenMode, notice: (String) -> Void) throws {
    database = try CorridorDatabase(path: path, mode: mode, notice: notice)
    connection = try database.connection.sqlite(for: "db copy's SQLite side")
  }

  /// Every table but the migration ledger (each engine keeps its own), parents first.
  func tables() throws -> [TableShape] {
    var shapes: [TableShape] = []
    let names = try connection.rows(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"
    ).map { row throws(RowDecodingError) in try row.text("name") }
    for name in names {
      let columns = try connection.rows("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", [.text(name)]).map {
        row throws(RowDecodingError) in (name: try row.text("name"), key: try row.int64("pk"))
      }
      let names = columns.map(\.name)
      let key = columns.filter { $0.key > 0 }.sorted { $0.key < $1.key }.map(\.name)
      let parents = try connection.rows("SELECT DISTINCT \"table\" AS parent FROM pragma_foreign_key_list(?)", [.text(name)]).map {
        row throws(RowDecodingError) in try row.text("parent")
      }.filter { $0 != name }
      if TableShape.writtenOrder.contains(name) {
        shapes.append(TableShape(name: name, columns: ["rowid"] + names, order: ["rowid"], parents: Set(parents)))
      } else {
        shapes.append(TableShape(name: name, columns: names, order: key.isEmpty ? names : key, parents: Set(parents)))
      }
    }
    // Parents first (the foreign keys are checked row by row on both engines).
    var ordered: [TableShape] = []
    var placed: Set<String> = []
    while ordered.count < shapes.count {
      guard let next = shapes.first(where: { !placed.contains($0.name) && $0.parents.isSubset(of: placed) }) else {
        throw CorridorError(.internal, "the tables' foreign keys form a cycle; db copy cannot order them")
      }
      ordered.append(next)
      placed.insert(next.name)
    }
    return ordered
  }

  func checkSchema(_ tables: [TableShape], against reference: String) throws {}

  func count(_ table: String) throws -> Int64 { try connection.scalarInt("SELECT count(*) FROM \(table)") ?? 0 }

  func read(_ table: TableShape, _ body: ([[SQLValue]]) throws -> Void) throws {
    let statement = try connection.prepare(
      "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order.joined(separator: ", "))")
    var rows: [[SQLValue]] = []
    rows.reserveCapacity(LedgerCopy.batch)
    let width = Int32(table.columns.count)
    try statement.forEachRow { row in
      rows.append((0..<width).map { row.value(at: $0) })
      if rows.count == LedgerCopy.batch {
        try body(rows)
        rows.removeAll(keepingCapacity: true)
      }
    }
    if !rows.isEmpty { try body(rows) }
  }

  func snapshot<T>(_ body: () throws -> T) throws -> T { try connection.transaction(.deferred, body) }
  func writing<T>(_ body: () throws -> T) throws -> T { try connection.transaction(.immediate, body) }
  func clear(_ table: String) throws { try connection.execute("DELETE FROM \(table)") }

  func write(_ table: TableShape, _ rows: [[SQLValue]]) throws {
    let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
    let statement = try connection.cachedStatement(
      "INSERT INTO \(table.name)(\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))")
    for row in rows {
      statement.reset()
      try statement.bind(row)
      try statement.run()
    }
  }

  func finishWrites(_ tables: [TableShape]) throws {}
}

final class PostgresSide: LedgerSide {
  let session: PostgresSession
  var name: String { "\(session.location)" }

  init(_ location: PostgresLocation, notice: (String) -> Void) throws {
    session = try PostgresSession(location)
    for migration in try PostgresMigrator().migrate(session) { notice("applied migration \(migration.name) to \(location)") }
  }

  func checkSchema(_ tables: [TableShape], against reference: String) throws {
    var present: [String: Set<String>] = [:]
    for row in try session.rows(
      "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema()")
    {
      if let table = row[0].text, let column = row[1].text { present[table, default: []].insert(column) }
    }
    for table in tables where present[table.name] != Set(table.columns) {
      throw CorridorError(
        .internal,
        "\(name) and \(reference) disagree on the table \(table.name) (columns \(present[table.name]?.sorted().joined(separator: ",") ?? "none") against \(table.columns.sorted().joined(separator: ",")))",
        hint: "both are at the same migration version: report it")
    }
  }

  func count(_ table: String) throws -> Int64 { try session.scalarInt("SELECT count(*) FROM \(table)") ?? 0 }

  /// Through a cursor, `batch` rows at a time, inside the snapshot or the write transaction.
  /// NULLs sort first, as in SQLite; text in byte order (the database's collation is C).
  func read(_ table: TableShape, _ body: ([[SQLValue]]) throws -> Void) throws {
    let order = table.order.map { "\($0) NULLS FIRST" }.joined(separator: ", ")
    try session.forEachBatch(
      "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(order)", batch: LedgerCopy.batch, body)
  }

  func snapshot<T>(_ body: () throws -> T) throws -> T { try session.transaction("ISOLATION LEVEL REPEATABLE READ READ ONLY", body) }
  func writing<T>(_ body: () throws -> T) throws -> T { try session.transaction("", body) }
  func clear(_ table: String) throws { try session.execute("DELETE FROM \(table)") }
  func write(_ table: TableShape, _ rows: [[SQLValue]]) throws { try session.copy(into: table.name, columns: table.columns, rows: rows) }

  /// Identity columns continue after the highest copied value, and the planner learns what was
  /// copied (`ANALYZE`): until autovacuum gets to the new rows, a fresh copy has no statistics,
  /// and the first writes through `serve` were planned blind (a second each, measured with
  /// `Benchmarks/scripts/servers.sh`).
  func finishWrites(_ tables: [TableShape]) throws {
    for row in try session.rows(
      "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'")
    {
      guard let table = row[0].text, let column = row[1].text,
        let resume = SQLDialect.postgresql.resumeNumbering(of: table, column: column)
      else { continue }
      try session.execute(resume)
    }
    _ = try session.rows("ANALYZE")
  }
}
