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

  /// Accepted rows per INSERT.
  static let chunkRows = 128

  private let db: CorridorDatabase
  /// The import's SQLite connection: its prepared multi-row INSERTs and `lastInsertRowID`.
  private let sqlite: Connection
  private let insertOne: Statement
  private let insertChunk: Statement
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
    sqlite = try db.connection.sqlite(for: "this import")
    insertOne = try sqlite.prepare(EventColumns.insertSQL)
    insertChunk = try sqlite.prepare(EventColumns.insertSQL(rows: Self.chunkRows))
    pending.reserveCapacity(Self.chunkRows)
  }

  /// Adds an accepted row. Returns false, writing nothing, when (row by row) its id turns out
  /// to be recorded with this content: a duplicate the facts could not see.
  func add(_ row: EventColumns.Row, of container: ContainerNumber) throws -> Bool {
    guard !refused else { return true }
    switch mode {
    case .rowByRow:
      guard try db.eventStore.insertImported(row, with: insertOne, values: &values) else { return false }
      written(&values, seq: sqlite.lastInsertRowID)
    case .chunks:
      var rowValues: [SQLValue] = []
      EventColumns.values(row, into: &rowValues)
      pending.append(rowValues)
      pendingContainers.insert(container)
      if pending.count == Self.chunkRows { try writePending() }
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
    return Written(firstSeq: firstSeq, lastSeq: lastSeq, digest: digest.finalize())
  }

  private func writePending() throws {
    guard !pending.isEmpty, !refused else { return }
    do {
      if pending.count == Self.chunkRows {
        for (index, row) in pending.enumerated() { try EventColumns.bind(row, asRow: index, to: insertChunk) }
        try insertChunk.run()
      } else {
        for row in pending {
          try EventColumns.bind(row, asRow: 0, to: insertOne)
          try insertOne.run()
        }
      }
    } catch let error as SQLiteError where error.isConstraintViolation {
      // SQLite undid the refused statement; the batch is rolled back and done row by row.
      refused = true
      pending.removeAll()
      pendingContainers.removeAll()
      return
    }
    // One writer in a transaction: the rows took consecutive sequence numbers.
    let last = sqlite.lastInsertRowID
    for index in pending.indices { written(&pending[index], seq: last - Int64(pending.count - 1 - index)) }
    pending.removeAll(keepingCapacity: true)
    pendingContainers.removeAll(keepingCapacity: true)
  }

  /// A written row's audited state into the batch's digest.
  private func written(_ values: inout [SQLValue], seq: Int64) {
    EventColumns.writeState(values: &values, seq: seq, to: &state)
    state.withUnsafeBytes { digest.update(bufferPointer: $0) }
    firstSeq = firstSeq ?? seq
    lastSeq = seq
  }
}
