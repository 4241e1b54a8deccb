import CorridorInterchange
import CorridorModel
import SQLite

extension EventStore {
  /// One page: up to `limit` events matching the query that `party` (when given) may read, and
  /// whether more follow.
  public func dcsaEvents(_ query: DCSAEventQuery, party: String?) throws -> (events: [MovementEvent], more: Bool) {
    try mapSQLiteErrors {
      var conditions = Conditions("r.event_id IS NULL")
      // A first page polling "created since" starts its scan at the smallest seq recorded since
      // (found in the recorded_at index) instead of at the first event of the year: correct even
      // when recording times do not rise with seq. One lower bound on seq, so that SQLite uses it
      // as the range of its scan (no event recorded since: past every seq). INDEXED BY: left
      // alone, SQLite answers MIN(seq) by walking seq from the start. Later pages need no bound:
      // their cursor is past everything the first page skipped.
      if query.afterSeq == 0, let since = query.created.first(where: { [.gte, .gt, .eq].contains($0.comparison) }) {
        conditions.add(
          """
          e.seq >= coalesce((SELECT MIN(seq) FROM events \(connection.dialect.indexedBy("events_recorded_at")) WHERE recorded_at \(since.comparison.sql) ?),
            9223372036854775807)
          """, .text(since.utc))
      } else {
        conditions.add("e.seq > ?", .integer(query.afterSeq))
      }
      query.filter.add(to: &conditions)
      for (comparison, utc) in query.created { conditions.add("e.recorded_at \(comparison.sql) ?", .text(utc)) }
      DCSAEventFilter.add(party: party, to: &conditions)
      let rows = try connection.rows(
        """
        SELECT \(Self.eventColumns) FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id
        \(conditions.sql) ORDER BY e.seq LIMIT ?
        """, conditions.arguments + [.integer(Int64(query.limit) + 1)])
      let events = try rows.prefix(query.limit).map(movementEvent)
      return (events, rows.count > query.limit)
    }
  }

  /// A live event by id, when `party` (when given) may read it: nil otherwise, so that another
  /// party's ids read as unknown.
  public func dcsaEvent(id: String, party: String?) throws -> MovementEvent? {
    try mapSQLiteErrors {
      var conditions = Conditions("r.event_id IS NULL")
      conditions.add("e.id = ?", .text(id))
      DCSAEventFilter.add(party: party, to: &conditions)
      return try connection.row(
        "SELECT \(Self.eventColumns) FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id \(conditions.sql)", conditions.arguments
      ).map(movementEvent)
    }
  }
}
