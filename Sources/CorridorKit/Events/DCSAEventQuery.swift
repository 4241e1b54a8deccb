import SQLite

/// A page of `GET /v2/events`: live (unretracted) events in the order Corridor recorded them.
public struct DCSAEventQuery: Sendable, Equatable {
  public enum Comparison: String, Sendable, CaseIterable {
    case gte, gt, lte, lt, eq
    var sql: String {
      switch self {
      case .gte: ">="
      case .gt: ">"
      case .lte: "<="
      case .lt: "<"
      case .eq: "="
      }
    }
  }

  public var filter = DCSAEventFilter()
  /// `eventCreatedDateTime` comparisons: when Corridor recorded the event, in UTC to the second.
  public var created: [(comparison: Comparison, utc: String)] = []
  /// Events after this recording sequence number (the cursor's position).
  public var afterSeq: Int64 = 0
  public var limit = 100

  public init() {}

  public static func == (a: Self, b: Self) -> Bool {
    a.filter == b.filter && a.afterSeq == b.afterSeq && a.limit == b.limit
      && a.created.elementsEqual(b.created) { $0.comparison == $1.comparison && $0.utc == $1.utc }
  }

  /// Adds an `eventCreatedDateTime[:op]` comparison from its ISO 8601 text.
  public mutating func addCreated(_ comparison: Comparison, _ text: String) throws(CorridorError) {
    let time: EventTime
    do { time = try EventTime(parsing: text) } catch {
      throw .invalid("eventCreatedDateTime: \(error.message)", rule: .eventFilter)
    }
    let ms = time.milliseconds
    created.append((comparison, Timestamps.formatUTC(epochSeconds: ms >= 0 ? ms / 1000 : (ms - 999) / 1000)))
  }
}

extension CorridorDatabase {
  /// One page: up to `limit` events matching the query that `party` (when given) may read, and
  /// whether more follow.
  public func dcsaEvents(_ query: DCSAEventQuery, party: String?) throws -> (events: [MovementEvent], more: Bool) {
    try mapSQLiteErrors {
      var conditions = Conditions("r.event_id IS NULL")
      conditions.add("e.seq > ?", .integer(query.afterSeq))
      query.filter.add(to: &conditions)
      for (comparison, utc) in query.created {
        conditions.add("e.recorded_at \(comparison.sql) ?", .text(utc))
        // A lower bound on the time is a lower bound on the sequence numbers (the smallest among
        // the events recorded since, found in the recorded_at index), so that polling "created
        // since" starts its scan there instead of at the first event of the year. Always
        // correct: recording times need not rise with seq for it to hold.
        if [.gte, .gt, .eq].contains(comparison) {
          // INDEXED BY: left alone, SQLite answers MIN(seq) by walking seq order from the start.
          conditions.add(
            "e.seq >= (SELECT MIN(seq) FROM events INDEXED BY events_recorded_at WHERE recorded_at \(comparison.sql) ?)", .text(utc))
        }
      }
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
