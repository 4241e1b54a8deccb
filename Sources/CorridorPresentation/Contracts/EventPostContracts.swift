import CorridorInterchange
import CorridorModel

/// The answer to `POST /corridor/v1/events`: counts, and each event's outcome in request order
/// (docs/server.md "Writing events").
public struct PostedEventsView: Sendable {
  public let recorded: Int
  public let duplicates: Int
  public let refused: Int
  public let json: CanonicalJSON

  public init(_ outcomes: [Result<RecordOutcome, CorridorError>]) {
    var recorded = 0
    var duplicates = 0
    var refused = 0
    var events: [CanonicalJSON] = []
    for (index, outcome) in outcomes.enumerated() {
      var item: [String: CanonicalJSON] = ["index": .int(Int64(index))]
      switch outcome {
      case .success(.recorded(let id, let exception, let offRoute)):
        recorded += 1
        item["outcome"] = .string("recorded")
        item["eventID"] = .string(id)
        if let exception { item["exception"] = .string(exception.name) }
        item["offRoute"] = .bool(offRoute)
      case .success(.duplicate(let id, let retraction)):
        duplicates += 1
        item["outcome"] = .string("duplicate")
        item["eventID"] = .string(id)
        if let retraction { item["retracted"] = .string(retraction) }
      case .failure(let error):
        refused += 1
        item["outcome"] = .string("refused")
        var detail: [String: CanonicalJSON] = ["message": .string(error.message)]
        if let rule = error.rule { detail["rule"] = .string(rule.name) }
        if let hint = error.hint { detail["hint"] = .string(hint) }
        if let position = error.position {
          detail["line"] = .int(Int64(position.line))
          detail["column"] = .int(Int64(position.column))
        }
        item["error"] = .object(detail)
      }
      events.append(.object(item))
    }
    self.recorded = recorded
    self.duplicates = duplicates
    self.refused = refused
    json = .object([
      "recorded": .int(Int64(recorded)), "duplicates": .int(Int64(duplicates)), "refused": .int(Int64(refused)), "events": .array(events),
    ])
  }
}
