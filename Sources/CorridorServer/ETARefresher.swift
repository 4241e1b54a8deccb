import CorridorStore
import Logging
import Synchronization

/// After the event intake wrote: the ETA's summaries take the new events in and the estimates
/// that moved are published (docs/eta.md), in the background on the writer, never on the
/// request's path, so a terminal's POST answers as fast as before. Requests that arrive while a
/// refresh runs share the next one.
final class ETARefresher: Sendable {
  let database: ServerDatabase
  let logger: Logger
  private let state = Mutex(State())

  private struct State {
    var running = false
    var again = false
  }

  init(database: ServerDatabase, logger: Logger) {
    self.database = database
    self.logger = logger
  }

  /// Events were written: refresh soon (now, or after the refresh under way).
  func poke() {
    let start = state.withLock { state in
      if state.running {
        state.again = true
        return false
      }
      state.running = true
      return true
    }
    if start { Task { await run() } }
  }

  private func run() async {
    repeat {
      do {
        let done = try await database.write { try $0.etaStore.refresh() }
        if done.published > 0 { logger.info("eta: \(done.published) estimated arrivals published") }
      } catch {
        // The watermark stayed where it was: the next refresh catches up.
        logger.warning("eta: the summaries were not brought up to date: \(error)")
      }
    } while state.withLock { state in
      if state.again {
        state.again = false
        return true
      }
      state.running = false
      return false
    }
  }
}
