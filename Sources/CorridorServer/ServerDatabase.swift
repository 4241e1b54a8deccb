import CorridorKit
import NIOConcurrencyHelpers
import NIOPosix

/// The server's way to the SQLite file: one writer connection, used by one request at a time,
/// and a small pool of read connections (WAL lets them read while the writer writes). Work runs
/// on a thread pool of its own, never on an event loop. The CLI and imports keep working on the
/// same file meanwhile: processes coordinate through SQLite's locks and busy timeout.
///
/// Connections are not Sendable; this type is, because the writer is only touched under
/// `writerLock` and a reader only after being taken out of the pool under `poolLock`.
public final class ServerDatabase: @unchecked Sendable {
  public let path: String
  private let clock: Clock
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
    threads = NIOThreadPool(numberOfThreads: max(2, readers))
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

  /// Runs `body` on the writer, one at a time.
  public func write<T: Sendable>(_ body: @escaping @Sendable (CorridorDatabase) throws -> T) async throws -> T {
    try await threads.runIfActive { [self] in try writerLock.withLock { try body(writer) } }
  }

  /// Runs `body` on the writer on the calling thread (start-up only).
  func writeNow<T>(_ body: (CorridorDatabase) throws -> T) throws -> T { try writerLock.withLock { try body(writer) } }
}
