/// A page of `GET /v2/events`: live (unretracted) events in the order Corridor recorded them.
public struct DCSAEventQuery: Sendable, Equatable {
  public enum Comparison: String, Sendable, CaseIterable {
    case gte, gt, lte, lt, eq
    package var sql: String {
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
