// The SQLite layer against the raw C API, side by side in one run (these machines are noisy):
// 100k inserts of 10 columns in one transaction, and fetching 200k rows. Target: the layer
// within 1.1x of raw C in time and in allocations.
import Benchmark
import CSQLite
import Foundation
import SQLite

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
private let createSQL = """
  CREATE TABLE IF NOT EXISTS t(a INTEGER, b INTEGER, c REAL, d TEXT, e TEXT, f INTEGER, g TEXT, h REAL, i TEXT, j INTEGER)
  """
private let insertSQL = "INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?)"
private let texts = (0..<1000).map { "CSQU\(300_000 + $0)3 gate-in Tuanjiecun \($0)" }

private func freshPath() -> String {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).db").path
  return path
}

private func removeDatabase(_ path: String) {
  for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

private func rawOpen(_ path: String) -> OpaquePointer? {
  var db: OpaquePointer?
  sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", nil, nil, nil)
  sqlite3_exec(db, createSQL, nil, nil, nil)
  return db
}

private func rawInsert(_ db: OpaquePointer?, rows: Int) {
  var statement: OpaquePointer?
  sqlite3_prepare_v3(db, insertSQL, -1, 0, &statement, nil)
  sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil)
  for n in 0..<rows {
    let text = texts[n % texts.count]
    sqlite3_bind_int64(statement, 1, Int64(n))
    sqlite3_bind_int64(statement, 2, Int64(n * 7))
    sqlite3_bind_double(statement, 3, Double(n) * 0.5)
    text.utf8.withContiguousStorageIfAvailable { bytes in
      bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { p in
        sqlite3_bind_text(statement, 4, p, Int32(bytes.count), transient)
        sqlite3_bind_text(statement, 5, p, Int32(bytes.count), transient)
        sqlite3_bind_text(statement, 7, p, Int32(bytes.count), transient)
        sqlite3_bind_text(statement, 9, p, Int32(bytes.count), transient)
      }
    }
    sqlite3_bind_int64(statement, 6, Int64(n % 97))
    sqlite3_bind_double(statement, 8, 1.25)
    sqlite3_bind_int64(statement, 10, 1)
    sqlite3_step(statement)
    sqlite3_reset(statement)
  }
  sqlite3_exec(db, "COMMIT", nil, nil, nil)
  sqlite3_finalize(statement)
}

private func layerInsert(_ db: Connection, rows: Int) throws {
  let statement = try db.prepare(insertSQL)
  try db.transaction {
    for n in 0..<rows {
      let text = texts[n % texts.count]
      try statement.bind(Int64(n), at: 1)
      try statement.bind(Int64(n * 7), at: 2)
      try statement.bind(Double(n) * 0.5, at: 3)
      try statement.bind(text, at: 4)
      try statement.bind(text, at: 5)
      try statement.bind(Int64(n % 97), at: 6)
      try statement.bind(text, at: 7)
      try statement.bind(1.25, at: 8)
      try statement.bind(text, at: 9)
      try statement.bind(Int64(1), at: 10)
      try statement.run()
    }
  }
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
    maxDuration: .seconds(20),
    maxIterations: 10
  )

  Benchmark("insert 100k x 10 columns: raw C") { benchmark in
    let path = freshPath()
    let db = rawOpen(path)
    benchmark.startMeasurement()
    rawInsert(db, rows: 100_000)
    benchmark.stopMeasurement()
    sqlite3_close_v2(db)
    removeDatabase(path)
  }

  Benchmark("insert 100k x 10 columns: SQLite layer") { benchmark in
    let path = freshPath()
    do {
      // Scoped so the connection closes before its file is removed, as the raw C case does.
      let db = try Connection(path: path, options: .init(create: true))
      try db.execute(createSQL)
      benchmark.startMeasurement()
      try layerInsert(db, rows: 100_000)
      benchmark.stopMeasurement()
    }
    removeDatabase(path)
  }

  // One shared 200k-row file for both fetch benchmarks.
  let fetchPath = freshPath()
  let seed = rawOpen(fetchPath)
  rawInsert(seed, rows: 200_000)
  sqlite3_close_v2(seed)

  Benchmark("fetch 200k rows: raw C") { benchmark in
    let db = rawOpen(fetchPath)
    var statement: OpaquePointer?
    sqlite3_prepare_v3(db, "SELECT a, c, d, j FROM t", -1, 0, &statement, nil)
    var sum: Int64 = 0
    var bytes = 0
    benchmark.startMeasurement()
    while sqlite3_step(statement) == SQLITE_ROW {
      sum &+= sqlite3_column_int64(statement, 0)
      sum &+= Int64(sqlite3_column_double(statement, 1))
      let text = String(cString: sqlite3_column_text(statement, 2))
      bytes &+= text.utf8.count
      sum &+= sqlite3_column_int64(statement, 3)
    }
    benchmark.stopMeasurement()
    blackHole(sum &+ Int64(bytes))
    sqlite3_finalize(statement)
    sqlite3_close_v2(db)
  }

  Benchmark("fetch 200k rows: SQLite layer") { benchmark in
    let db = try Connection(path: fetchPath)
    let statement = try db.prepare("SELECT a, c, d, j FROM t")
    var sum: Int64 = 0
    var bytes = 0
    benchmark.startMeasurement()
    try statement.forEachRow { row in
      sum &+= row.int64(at: 0)
      sum &+= Int64(row.double(at: 1))
      bytes &+= row.string(at: 2).utf8.count
      sum &+= row.int64(at: 3)
    }
    benchmark.stopMeasurement()
    blackHole(sum &+ Int64(bytes))
  }
}
