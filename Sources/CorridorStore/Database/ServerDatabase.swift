import CorridorInterchange
import CorridorModel
import NIOCore
import NIOPosix
import Synchronization

/// The server's way to the SQLite file (here, in the store, because it holds connections and
/// runs transactions): one writer connection, used by one group of writes at a time, and a small
/// pool of read connections (WAL lets them read while the writer writes). Work runs on a thread
/// pool of its own, never on an event loop. The CLI and imports keep working on the same file
/// meanwhile: processes coordinate through SQLite's locks and busy timeout.
///
/// Connections are not Sendable. Each one lives inside its own `Mutex` and is only ever touched
/// inside it, so the compiler checks that no two threads use one at once (no `@unchecked`).
public final class ServerDatabase: Sendable {
  /// The ledger's name in messages (a path, or a URL without its password).
  public let path: String
  package let clock: Clock
  private let writer: Mutex<CorridorDatabase>
  /// Reads of the primary ledger (what must see the last write: keys, subscriptions, delivery).
  private let primary: ReadPool
  /// Reads that may lag behind the last write (events, tracking, declarations, pages): a hot
  /// standby's connections when the server was given one (`serve --read-from`), else the primary's.
  private let mayLag: ReadPool
  /// Writes waiting for the writer, and whether a thread is draining them.
  private let queue = Mutex<(jobs: [WriteJob], draining: Bool)>(([], false))
  private let threads: NIOThreadPool
  /// At most this many writes share a transaction.
  private let maxGroup = 64
  /// Told of each group the writer takes: its size and the writes still waiting behind it (the
  /// server's metrics).
  private let onGroup: @Sendable (_ size: Int, _ waiting: Int) -> Void

  /// How the server opens a connection to its ledger: SQLite's file here, PostgreSQL's session
  /// from CorridorStorePostgres (`PostgresLedger.opener`). Called with whether to migrate (the
  /// writer, once) and what to tell of each migration.
  public typealias Opener = @Sendable (_ migrate: Bool, _ notice: @Sendable (String) -> Void) throws -> sending CorridorDatabase

  /// The SQLite file at `path`, opened with `clock`.
  public static func sqlite(_ path: String, clock: Clock) -> Opener {
    { migrate, notice in try CorridorDatabase(path: path, mode: .existing, migrate: migrate, clock: clock, notice: notice) }
  }

  /// Opens the SQLite file at `path`: see `init(name:open:…)`.
  public convenience init(
    path: String, readers: Int = 4, clock: Clock = .system, notice: @Sendable (String) -> Void = { _ in },
    onGroup: @escaping @Sendable (_ size: Int, _ waiting: Int) -> Void = { _, _ in }
  ) throws {
    try self.init(name: path, open: Self.sqlite(path, clock: clock), readers: readers, clock: clock, notice: notice, onGroup: onGroup)
  }

  /// Opens the writer (applying pending migrations) and `readers` read connections; with
  /// `standby`, as many again to it, for the reads that may lag.
  public init(
    name: String, open: @escaping Opener, readers: Int = 4, standby: Opener? = nil, threads: Int? = nil, clock: Clock = .system,
    notice: @Sendable (String) -> Void = { _ in },
    onGroup: @escaping @Sendable (_ size: Int, _ waiting: Int) -> Void = { _, _ in }
  ) throws {
    path = name
    self.clock = clock
    self.onGroup = onGroup
    writer = Mutex(try open(true, notice))
    primary = try ReadPool(open: open, readers: readers)
    mayLag = try standby.map { try ReadPool(open: $0, readers: readers) } ?? primary
    // One thread per core: more only switch between each other (measured: 4 threads on 2 cores
    // gave 5,300 reads/s and a p99 of 23 ms at 64 connections, 2 threads 6,000 and 17–19 ms).
    self.threads = NIOThreadPool(numberOfThreads: threads ?? max(2, System.coreCount))
    self.threads.start()
  }

  deinit { try? threads.syncShutdownGracefully() }

  /// Runs `body` on a read connection of the primary: it sees every committed write.
  public func read<T: Sendable>(_ body: @escaping @Sendable (CorridorDatabase) throws -> T) async throws -> T {
    try await threads.runIfActive { [primary] in try primary.read(body) }
  }

  /// Runs `body` on a read connection that may lag behind the last write: the standby's when
  /// there is one. For what a client pages through by cursor (seq order: a standby shows a
  /// prefix of the ledger's writes in that order, so a cursor can be late, never skip) and what
  /// a page shows; not for keys (a revocation holds at once) or anything a write then relies on.
  public func readMayLag<T: Sendable>(_ body: @escaping @Sendable (CorridorDatabase) throws -> T) async throws -> T {
    try await threads.runIfActive { [mayLag] in try mayLag.read(body) }
  }

  /// Runs `body` on the writer, one at a time, in its own savepoint.
  ///
  /// Group commit: writes that arrive while the writer is busy wait in a queue and are then run
  /// together in one transaction, each in its own savepoint (a write that throws undoes only its
  /// own work). Every caller is answered after the commit, so a success means committed; a
  /// failed commit fails them all. Sixteen terminals posting at once cost one commit, not
  /// sixteen.
  public func write<T: Sendable>(_ body: @escaping @Sendable (CorridorDatabase) throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
      writeInBackground(body) { continuation.resume(with: $0) }
    }
  }

  /// Runs `body` on the writer, in its own savepoint of the group's transaction, without waiting:
  /// `done` is called with its outcome once the group committed (or failed), on the writer's
  /// thread (a group whose transaction could not begin never runs `body`). For work the server
  /// starts itself (the ETA's refresh after an intake), which must not wait for a thread of
  /// Swift's cooperative pool.
  public func writeInBackground<T: Sendable>(
    _ body: @escaping @Sendable (CorridorDatabase) throws -> T, done: @escaping @Sendable (Result<T, any Error>) -> Void
  ) {
    let outcome = Outcome<T>()
    enqueue(
      WriteJob(
        run: { db in outcome.result.withLock { $0 = Result { try db.savepoint { try body(db) } } } },
        finish: { commitError in done(commitError.map { .failure($0) } ?? outcome.result.withLock { $0 }) }))
  }

  private func enqueue(_ job: WriteJob) {
    let start = queue.withLock { queue in
      queue.jobs.append(job)
      if queue.draining { return false }
      queue.draining = true
      return true
    }
    if start { threads.submit { [self] _ in drain() } }
  }

  /// Runs the queued writes in groups until the queue is empty.
  private func drain() {
    while true {
      let (group, waiting): ([WriteJob], Int) = queue.withLock { queue in
        let taken = Array(queue.jobs.prefix(maxGroup))
        queue.jobs.removeFirst(taken.count)
        if taken.isEmpty { queue.draining = false }
        return (taken, queue.jobs.count)
      }
      if group.isEmpty { return }
      onGroup(group.count, waiting)
      let commitError: (any Error)? = writer.withLock { writer in
        do {
          try writer.transaction { for job in group { job.run(writer) } }
          return nil
        } catch {
          return error
        }
      }
      for job in group { job.finish(commitError) }
    }
  }

  /// Runs `body` on the writer on the calling thread (start-up only).
  package func writeNow<T: Sendable>(_ body: (CorridorDatabase) throws -> T) throws -> T { try writer.withLock { try body($0) } }
}

/// A write waiting for the writer: `run` does it (in the group's transaction), `finish` answers
/// the caller once the transaction committed or failed.
private struct WriteJob: Sendable {
  let run: @Sendable (CorridorDatabase) -> Void
  let finish: @Sendable ((any Error)?) -> Void
}

/// Read connections to one ledger, each in its own lock; `idle` lists those free to take.
private final class ReadPool: Sendable {
  private let open: ServerDatabase.Opener
  private let readers: [Locked]
  private let idle: Mutex<[Int]>

  init(open: @escaping ServerDatabase.Opener, readers: Int) throws {
    self.open = open
    self.readers = try (0..<readers).map { _ in Locked(try open(false, { _ in })) }
    idle = Mutex(Array(0..<readers))
  }

  /// Runs `body` on a pooled connection when one is free, else on one opened for it.
  func read<T: Sendable>(_ body: @Sendable (CorridorDatabase) throws -> T) throws -> T {
    guard let index = idle.withLock({ $0.popLast() }) else { return try body(try open(false, { _ in })) }
    defer { idle.withLock { $0.append(index) } }
    return try readers[index].connection.withLock { db in try body(db) }
  }
}

/// A connection in its own lock (an array cannot hold a `Mutex` itself).
private final class Locked: Sendable {
  let connection: Mutex<CorridorDatabase>
  init(_ connection: consuming sending CorridorDatabase) { self.connection = Mutex(connection) }
}

/// What a write's body returned, handed from the writing thread to the answer.
private final class Outcome<T: Sendable>: Sendable {
  let result = Mutex<Result<T, any Error>>(.failure(CorridorError(.internal, "the write was not run")))
}
