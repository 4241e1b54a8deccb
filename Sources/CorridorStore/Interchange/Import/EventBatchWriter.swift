import CorridorModel
import Crypto
import SQLite

/// The write pass's accepted rows on their way into the events table, one batch (one write
/// transaction) at a time: held back and inserted `chunkRows` to a statement, because SQLite
/// opens the events table's indexes once a statement and one INSERT of many rows costs
/// less than many of one. The acceptance facts read the database, so before they read a
/// container's events (or anything a pending row could change) they ask this writer to make
/// those rows visible (`writePending(visibleTo:)`).
///
/// A chunk the database refuses (an id the facts did not know, which only the id's UNIQUE index
/// finds in the write pass) cannot say which of its rows was at fault, and the rows after it were
/// decided as if it had gone in: the writer marks the batch `refused` and writes nothing more,
/// and the import rolls the batch back and does it again in `rowByRow` mode, which answers each
/// row (a duplicate, an id conflict) the way `event record` does.
final class EventBatchWriter {
  enum Mode {
    /// Rows are held and inserted `chunkRows` at a time.
    case chunks
    /// Each row is inserted as it is added (a batch done again after a refused chunk).
    case rowByRow
  }

  /// Accepted rows per INSERT on SQLite.
  static let chunkRows = 128
  /// Accepted rows per `COPY` on PostgreSQL: a round trip each, so chunks are larger there.
  static let copyRows = 2_000

  /// How rows reach the events table.
  private enum Sink {
    /// SQLite: prepared INSERTs of one row and of `chunkRows` rows; SQLite numbers them after
    /// the table's last row (`lastInsertRowID`).
    case sqlite(Connection, one: Statement, chunk: Statement)
    /// Another engine (PostgreSQL): `StoreConnection.append`, its `COPY`, each row in a
    /// savepoint when row by row (a refused statement aborts PostgreSQL's transaction). The
    /// rows carry their sequence numbers, numbered after the table's last row as SQLite does:
    /// an identity sequence is not transactional, so a refused `COPY` would leave a gap and the
    /// same file would get other numbers, and another audit head, than on SQLite. Only this
    /// writer adds events while it holds the write lock; `finish` moves the sequence past them.
    case append(any StoreConnection)
  }

  private let db: CorridorDatabase
  private let sink: Sink
  private let chunkRows: Int
  let mode: Mode
  /// A chunk was refused: nothing more is written, and the batch must be done again row by row.
  private(set) var refused = false

  /// What the batch wrote: the sequence numbers of its first and last rows and the SHA-256 of
  /// their audited states, in order (the `event-batch` audit entry).
  struct Written {
    let firstSeq: Int64
    let lastSeq: Int64
    let digest: SHA256.Digest
    var count: Int64 { lastSeq - firstSeq + 1 }
  }

  private var pending: [[SQLValue]] = []
  private var pendingContainers = Set<ContainerNumber>()
  private var firstSeq: Int64?
  private var lastSeq: Int64?
  private var digest = SHA256()
  /// Reused buffers: this runs for every imported row.
  private var values: [SQLValue] = []
  private var state: [UInt8] = []

  init(db: CorridorDatabase, mode: Mode) throws {
    self.db = db
    self.mode = mode
    if let sqlite = db.connection as? Connection {
      sink = .sqlite(
        sqlite, one: try sqlite.prepare(EventColumns.insertSQL), chunk: try sqlite.prepare(EventColumns.insertSQL(rows: Self.chunkRows)))
      chunkRows = Self.chunkRows
    } else {
      sink = .append(db.connection)
      chunkRows = Self.copyRows
    }
    pending.reserveCapacity(chunkRows)
  }

  /// Adds an accepted row. Returns false, writing nothing, when (row by row) its id turns out
  /// to be recorded with this content: a duplicate the facts could not see.
  func add(_ row: EventColumns.Row, of container: ContainerNumber) throws -> Bool {
    guard !refused else { return true }
    switch mode {
    case .rowByRow:
      EventColumns.values(row, into: &values)
      var seq: Int64 = 0
      let inserted = try db.eventStore.insertImported(row) {
        switch sink {
        case .sqlite(let sqlite, let one, _):
          try EventColumns.bind(values, asRow: 0, to: one)
          try one.run()
          seq = sqlite.lastInsertRowID
        case .append(let connection):
          seq = try nextSeq(connection)
          values[EventColumns.seqIndex] = .integer(seq)
          try connection.savepoint { try connection.append(into: "events", columns: EventColumns.columns, rows: [values]) }
        }
      }
      guard inserted else { return false }
      written(&values, seq: seq)
    case .chunks:
      var rowValues: [SQLValue] = []
      EventColumns.values(row, into: &rowValues)
      pending.append(rowValues)
      pendingContainers.insert(container)
      if pending.count == chunkRows { try writePending() }
    }
    return true
  }

  /// Writes the held rows that a read of `container`'s events (nil: of anything) could see.
  func writePending(visibleTo container: ContainerNumber?) throws {
    if container.map(pendingContainers.contains) ?? true { try writePending() }
  }

  /// Writes the held rows, and returns what the batch wrote (nil when nothing).
  func finish() throws -> Written? {
    try writePending()
    guard !refused, let firstSeq, let lastSeq else { return nil }
    if case .append(let connection) = sink, let resume = connection.dialect.resumeNumbering(of: "events", column: "seq") {
      try connection.execute(resume)
    }
    return Written(firstSeq: firstSeq, lastSeq: lastSeq, digest: digest.finalize())
  }

  private func writePending() throws {
    guard !pending.isEmpty, !refused else { return }
    // The number the chunk's first row takes on another engine (SQLite numbers them itself).
    var first: Int64 = 0
    do {
      switch sink {
      case .sqlite(_, let one, let chunk):
        if pending.count == chunkRows {
          for (index, row) in pending.enumerated() { try EventColumns.bind(row, asRow: index, to: chunk) }
          try chunk.run()
        } else {
          for row in pending {
            try EventColumns.bind(row, asRow: 0, to: one)
            try one.run()
          }
        }
      case .append(let connection):
        first = try nextSeq(connection)
        for index in pending.indices { pending[index][EventColumns.seqIndex] = .integer(first + Int64(index)) }
        try connection.append(into: "events", columns: EventColumns.columns, rows: pending)
      }
    } catch  where SchemaRefusal(error) != nil {
      // The engine undid the refused statement (PostgreSQL: the transaction is aborted); the
      // batch is rolled back and done row by row.
      refused = true
      pending.removeAll()
      pendingContainers.removeAll()
      return
    }
    for index in pending.indices {
      let seq: Int64
      switch sink {
      // One writer in a transaction: the chunk took consecutive numbers up to the last.
      case .sqlite(let sqlite, _, _): seq = sqlite.lastInsertRowID - Int64(pending.count - 1 - index)
      case .append: seq = first + Int64(index)
      }
      written(&pending[index], seq: seq)
    }
    pending.removeAll(keepingCapacity: true)
    pendingContainers.removeAll(keepingCapacity: true)
  }

  /// The next row's sequence number on another engine: after the batch's last row, or (its
  /// first) after the table's last, read under the write lock.
  private func nextSeq(_ connection: any StoreConnection) throws -> Int64 {
    if let lastSeq { return lastSeq + 1 }
    return (try connection.scalarInt("SELECT coalesce(max(seq), 0) FROM events") ?? 0) + 1
  }

  /// A written row's audited state into the batch's digest.
  private func written(_ values: inout [SQLValue], seq: Int64) {
    EventColumns.writeState(values: &values, seq: seq, to: &state)
    state.withUnsafeBytes { digest.update(bufferPointer: $0) }
    firstSeq = firstSeq ?? seq
    lastSeq = seq
  }
}
