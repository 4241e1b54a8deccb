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
    if start { refresh(failures: 0) }
  }

  /// One refresh on the writer, queued like any write but not awaited: it runs on the writer's
  /// threads, never waiting for Swift's cooperative pool (a process whose pool is busy, as a
  /// test run's is, would otherwise hold the ETA back). Then again if events came meanwhile.
  private func refresh(failures: Int) {
    database.writeInBackground({ try $0.etaStore.refresh() }) { [self] outcome in
      var failures = failures
      switch outcome {
      case .success(let done):
        if done.published > 0 { logger.info("eta: \(done.published) estimated arrivals published") }
        failures = 0
      case .failure(let error):
        // The watermark stayed where it was: tried again at once, a few times, rather than only
        // at the next write, which may not come soon.
        logger.warning("eta: the summaries were not brought up to date: \(error)")
        failures += 1
      }
      let again = state.withLock { state in
        if state.again || (failures > 0 && failures < 5) {
          state.again = false
          return true
        }
        state.running = false
        return false
      }
      if again { refresh(failures: failures) }
    }
  }
}
