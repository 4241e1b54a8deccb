import CorridorModel
import Foundation

/// Reads and parses an event file on a second thread, a few thousand rows ahead of the
/// validator. Parsing and deriving ids need nothing from the database, so on a machine with
/// two cores they overlap the validation and SQLite's inserts instead of adding to them.
///
/// Rows arrive in file order with their errors in place; the error that ends the file (a
/// syntax error, an unreadable file) arrives after the rows before it, as from the source
/// itself. Dropping the source stops the reader thread.
package final class PrefetchingRowSource: EventRowSource {
  /// Rows handed over at once, and chunks in flight: small enough that memory stays flat.
  package static let chunkRows = 1_024
  package static let chunksInFlight = 8

  private let channel = Channel()
  private var chunk: [ImportRow] = []
  private var index = 0
  private var finished = false
  package private(set) var bytesRead = 0
  package private(set) var unmapped = Unmapped()

  /// - Parameter open: makes the real source; it runs on the reader thread, and so does every
  ///   call to it.
  package init(open: @escaping @Sendable () throws -> EventRowSource) {
    let channel = self.channel
    let thread = Thread {
      do {
        let source = try open()
        var rows: [ImportRow] = []
        rows.reserveCapacity(Self.chunkRows)
        while let row = try source.next() {
          rows.append(row.withDerivedID())
          if rows.count == Self.chunkRows {
            guard channel.put(.rows(rows, bytesRead: source.bytesRead)) else { return }
            rows.removeAll(keepingCapacity: true)
          }
        }
        if !rows.isEmpty { guard channel.put(.rows(rows, bytesRead: source.bytesRead)) else { return } }
        _ = channel.put(.end(nil, unmapped: source.unmapped))
      } catch {
        _ = channel.put(.end(error, unmapped: Unmapped()))
      }
    }
    thread.name = "corridor-import-reader"
    thread.start()
  }

  deinit { channel.cancel() }

  package func next() throws -> ImportRow? {
    while index == chunk.count {
      if finished { return nil }
      switch channel.take() {
      case .rows(let rows, let bytes):
        chunk = rows
        index = 0
        bytesRead = bytes
      case .end(let error, let counts):
        finished = true
        unmapped = counts
        if let error { throw error }
        return nil
      }
    }
    index += 1
    return chunk[index - 1]
  }

  package enum Message: Sendable {
    case rows([ImportRow], bytesRead: Int)
    /// The end of the file, or the error that ended it; what the source could not map.
    case end(Error?, unmapped: Unmapped)
  }

  /// A bounded queue between the reader thread and the importer.
  package final class Channel: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Message] = []
    private var cancelled = false

    /// Waits for room; false when the consumer has gone.
    package func put(_ message: Message) -> Bool {
      condition.lock()
      defer { condition.unlock() }
      while queue.count >= PrefetchingRowSource.chunksInFlight && !cancelled { condition.wait() }
      guard !cancelled else { return false }
      queue.append(message)
      condition.broadcast()
      return true
    }

    package func take() -> Message {
      condition.lock()
      defer { condition.unlock() }
      while queue.isEmpty { condition.wait() }
      condition.broadcast()
      return queue.removeFirst()
    }

    package func cancel() {
      condition.lock()
      cancelled = true
      queue.removeAll()
      condition.broadcast()
      condition.unlock()
    }
  }
}
