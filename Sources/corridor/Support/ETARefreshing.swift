import CorridorStore

/// After a command wrote events: the ETA's summaries take them in and the estimates that moved
/// are published (docs/eta.md). The write has committed by then, so a failure here must not
/// read as the write's: it is a notice, and the next refresh (`corridor eta refresh`, or the
/// next write) catches up from where this one stopped.
enum ETARefreshing {
  static func afterWrite(_ db: CorridorDatabase) {
    do { try db.etaStore.refresh() } catch {
      Console.notice("the ETA summaries were not brought up to date (\(error)); `corridor eta refresh` catches up")
    }
  }
}
