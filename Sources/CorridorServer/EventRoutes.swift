import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Hummingbird

/// `GET /v2/events` and `GET /v2/events/{eventID}` (DCSA Track & Trace 2.2), and Corridor's
/// `POST /corridor/v1/events`.
struct EventRoutes {
  let database: ServerDatabase
  let signingKey: [UInt8]
  let maxBodyBytes: Int
  let eta: ETARefresher
  static let maxLimit = 1000

  func add(to router: RouterGroup<CorridorRequestContext>) {
    router.get("/v2/events") { request, context in try await list(request, context) }
    router.get("/v2/events/{eventID}") { request, context in try await show(request, context) }
    router.post("/corridor/v1/events") { request, context in try await post(request, context) }
  }

  func list(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let items = try QueryItems(request.uri.query)
    var query: DCSAEventQuery
    if let cursor = try items.single("cursor") {
      // The cursor carries the filters: beside it only `limit` may be given.
      try items.only(["cursor", "limit"], on: "GET /v2/events with a cursor (only limit may go beside it)")
      query = try EventCursor(decoding: cursor, key: key, signingKey: signingKey).query
      if items.items.contains(where: { $0.name == "limit" }) { query.limit = try items.limit(default: query.limit, cap: Self.maxLimit) }
    } else {
      query = try Self.query(items)
    }
    let page = query
    let party = key.party
    let (events, more) = try await database.readMayLag { try $0.eventStore.dcsaEvents(page, party: party) }
    var headers: HTTPFields = [:]
    headers[.currentPage] = request.uri.description
    var first = page
    first.afterSeq = 0
    headers[.firstPage] = "/v2/events?cursor=" + EventCursor(keyName: key.name, query: first).encoded(signingKey: signingKey)
    if more, let last = events.last {
      var next = page
      next.afterSeq = last.seq
      headers[.nextPage] = "/v2/events?cursor=" + EventCursor(keyName: key.name, query: next).encoded(signingKey: signingKey)
    }
    return .json(bytes: DCSAEventMapping.array(events, created: .recorded), headers: headers)
  }

  /// The filters of a first page, from the query string.
  static func query(_ items: QueryItems) throws -> DCSAEventQuery {
    var query = DCSAEventQuery()
    query.limit = try items.limit(default: 100, cap: maxLimit)
    var seen: Set<String> = []
    for (name, value) in items.items {
      switch name {
      case "limit", "sort", "API-Version": continue
      case "cursor": throw DCSAError.badRequest("cursor is given more than once")
      case _ where name == "eventCreatedDateTime" || name.hasPrefix("eventCreatedDateTime:"):
        let op = name == "eventCreatedDateTime" ? "eq" : String(name.dropFirst("eventCreatedDateTime:".count))
        guard let comparison = DCSAEventQuery.Comparison(rawValue: op) else {
          throw DCSAError.badRequest("eventCreatedDateTime takes :gte, :gt, :lte, :lt or :eq, not :\(op.prefix(20))")
        }
        do throws(CorridorError) { try query.addCreated(comparison, value) } catch { throw DCSAError(error) }
      default:
        guard DCSAEventFilter.names.contains(name) else {
          throw DCSAError.badRequest("\(name.prefix(60)) is not a filter of GET /v2/events", reason: "invalidQuery")
        }
        guard seen.insert(name).inserted else { throw DCSAError.badRequest("\(name) is given more than once") }
        do throws(CorridorError) { try query.filter.set(name, text: value) } catch { throw DCSAError(error) }
      }
    }
    return query
  }

  func show(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let id = try context.pathParameter("eventID")
    let party = key.party
    guard let event = try await database.readMayLag({ try $0.eventStore.dcsaEvent(id: id, party: party) }) else {
      throw DCSAError.notFound("no event \(id.prefix(100))")
    }
    var body: [UInt8] = []
    DCSAEventMapping.write(event, created: .recorded, to: &body)
    return .json(bytes: body)
  }

  /// A JSON array of DCSA events through the acceptance engine, as one transaction (all or
  /// nothing) or, with `?skipInvalid=true`, each on its own; resending is a no-op.
  func post(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    guard key.role.mayWrite else { throw DCSAError.forbidden("key \(key.name) is a reader; posting events needs a writer or admin key") }
    let items = try QueryItems(request.uri.query)
    try items.only(["skipInvalid", "allowGap"], on: "POST /corridor/v1/events")
    let skipInvalid = try items.flag("skipInvalid")
    let allowGap = try items.flag("allowGap")
    var request = request
    let body = try await request.collectBody(upTo: maxBodyBytes)
    let node: JSONNode
    do { node = try JSONParser.parse([UInt8](buffer: body)) } catch {
      throw DCSAError.badRequest("request body, line \(error.line), column \(error.column): \(error.message)", reason: "invalidJSON")
    }
    guard case .array(let elements) = node.value else { throw DCSAError.badRequest("the body must be a JSON array of DCSA events") }
    guard elements.count <= 10_000 else { throw DCSAError.badRequest("at most 10,000 events per request") }
    let reports = elements.map { element in
      Result { () throws(CorridorError) in
        try DCSAEventMapping.report(element) { at in SourcePosition(file: "request body", line: at.line, column: at.column) }
      }
    }
    let writer = key.name
    let party = key.party
    let outcomes: [Result<RecordOutcome, CorridorError>]
    do {
      outcomes = try await database.write {
        try $0.eventStore.record(batch: reports, allowGap: allowGap, skipInvalid: skipInvalid, party: party, operator: writer)
      }
    } catch let refusal as EventStore.BatchRefusal {
      throw EventBatchRefusal(index: refusal.index, error: refusal.error)
    }
    let view = PostedEventsView(outcomes)
    if view.recorded > 0 { eta.poke() }
    return .json(view.json)
  }
}

/// An all-or-nothing request with a refused event: 400, naming the event by its index.
struct EventBatchRefusal: Error {
  let index: Int
  let error: CorridorError

  var dcsa: DCSAError {
    var base = DCSAError(error)
    if base.status == .badRequest {
      let at = error.position.map { " (line \($0.line), column \($0.column))" } ?? ""
      base = DCSAError(
        status: .badRequest, reason: base.reason, message: "event \(index)\(at): \(base.message); no event of the request was recorded")
    }
    return base
  }
}
