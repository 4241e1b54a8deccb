import CorridorInterchange
import CorridorModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The server's way to the SQLite file (here, in the store, because it holds connections and
/// runs transactions): one writer connection, used by one request at a time,
/// and a small pool of read connections (WAL lets them read while the writer writes). Work runs
/// on a thread pool of its own, never on an event loop. The CLI and imports keep working on the
/// same file meanwhile: processes coordinate through SQLite's locks and busy timeout.
///
/// A write waiting for the writer: `run` does it (in the group's transaction) and sets `finish`,
/// which answers the caller once the transaction committed or failed.
private final class WriteJob: @unchecked Sendable {
  var run: (CorridorDatabase) -> Void = { _ in }
  var finish: ((any Error)?) -> Void = { _ in }
}

/// Connections are not Sendable; this type is, because the writer is only touched under
/// `writerLock` and a reader only after being taken out of the pool under `poolLock`.
public final class ServerDatabase: @unchecked Sendable {
  public let path: String
  package let clock: Clock
  private let writer: CorridorDatabase
  private let writerLock = NIOLock()
  private var idleReaders: [CorridorDatabase] = []
  private let poolLock = NIOLock()
  private let maxIdleReaders: Int
  private let threads: NIOThreadPool

  /// Opens the writer (applying pending migrations) and `readers` read connections.
  public init(path: String, readers: Int = 4, clock: Clock = .system, notice: (String) -> Void = { _ in }) throws {
    self.path = path
    self.clock = clock
    writer = try CorridorDatabase(path: path, mode: .existing, clock: clock, notice: notice)
    maxIdleReaders = readers
    for _ in 0..<readers { idleReaders.append(try CorridorDatabase(path: path, mode: .existing, migrate: false, clock: clock)) }
    // One thread per core: more only switch between each other (measured: 4 threads on 2 cores
    // gave 5,300 reads/s and a p99 of 23 ms at 64 connections, 2 threads 6,000 and 17–19 ms).
    threads = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
    threads.start()
  }

  deinit { try? threads.syncShutdownGracefully() }

  /// Runs `body` on a read connection.
  public func read<T: Sendable>(_ body: @escaping @Sendable (CorridorDatabase) throws -> T) async throws -> T {
    try await threads.runIfActive { [self] in
      let db = try poolLock.withLock { idleReaders.popLast() } ?? CorridorDatabase(path: path, mode: .existing, migrate: false, clock: clock)
      defer { poolLock.withLock { if idleReaders.count < maxIdleReaders { idleReaders.append(db) } } }
      return try body(db)
    }
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
      let job = WriteJob()
      // Set by `run`; a group whose transaction could not begin never runs it.
      var result: Result<T, any Error> = .failure(CorridorError(.internal, "the write was not run"))
      job.run = { db in result = Result { try db.savepoint { try body(db) } } }
      job.finish = { commitError in continuation.resume(with: commitError.map { .failure($0) } ?? result) }
      enqueue(job)
    }
  }

  private var queue: [WriteJob] = []
  private var draining = false
  private let queueLock = NIOLock()
  /// At most this many writes share a transaction.
  private let maxGroup = 64

  private func enqueue(_ job: WriteJob) {
    let start = queueLock.withLock {
      queue.append(job)
      if draining { return false }
      draining = true
      return true
    }
    if start { threads.submit { [self] _ in drain() } }
  }

  /// Runs the queued writes in groups until the queue is empty.
  private func drain() {
    while true {
      let group: [WriteJob] = queueLock.withLock {
        let taken = Array(queue.prefix(maxGroup))
        queue.removeFirst(taken.count)
        if taken.isEmpty { draining = false }
        return taken
      }
      if group.isEmpty { return }
      let commitError: (any Error)? = writerLock.withLock {
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
  package func writeNow<T>(_ body: (CorridorDatabase) throws -> T) throws -> T { try writerLock.withLock { try body(writer) } }
}
