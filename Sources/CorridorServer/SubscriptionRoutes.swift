import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Hummingbird

/// `/v2/event-subscriptions` (DCSA Track & Trace 2.2): a key sees and changes its own
/// subscriptions (an admin key, all). Another key's subscription reads as unknown (404).
struct SubscriptionRoutes {
  let database: ServerDatabase
  let maxBodyBytes: Int
  /// The callback rules (`--callback-allow`, `--callback-allow-private`).
  let policy: CallbackPolicy
  /// `--max-subscriptions-per-key`.
  let maxPerKey: Int

  func add(to router: RouterGroup<CorridorRequestContext>) {
    router.get("/v2/event-subscriptions") { request, context in try await list(request, context) }
    router.post("/v2/event-subscriptions") { request, context in try await create(request, context) }
    router.get("/v2/event-subscriptions/{subscriptionID}") { request, context in try await show(request, context) }
    router.put("/v2/event-subscriptions/{subscriptionID}") { request, context in try await update(request, context) }
    router.delete("/v2/event-subscriptions/{subscriptionID}") { request, context in try await delete(request, context) }
    router.put("/v2/event-subscriptions/{subscriptionID}/secret") { request, context in try await secret(request, context) }
  }

  func list(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let items = try QueryItems(request.uri.query)
    // `sort` is DCSA's, accepted and ignored as on /v2/events: the list is in the order made.
    try items.only(["limit", "cursor", "sort", "API-Version"], on: "GET /v2/event-subscriptions")
    let limit = try items.limit(default: 100, cap: 1000)
    let after = try items.single("cursor").map(SubscriptionCursor.init(decoding:))
    let all = try await database.read { try $0.accessStore.subscriptions(visibleTo: key) }
    // In the order they were made; a page ends where the limit does, and Next-Page goes on.
    let rest = after.map { after in all.filter { SubscriptionCursor(of: $0) > after } } ?? all
    var headers: HTTPFields = [.currentPage: request.uri.description]
    let page = rest.prefix(limit)
    if rest.count > limit, let last = page.last {
      headers[.nextPage] = "/v2/event-subscriptions?limit=\(limit)&cursor=" + SubscriptionCursor(of: last).encoded
    }
    return .json(.array(page.map { SubscriptionView($0).json }), headers: headers)
  }

  func create(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let body = try await Self.object(request, maxBytes: maxBodyBytes)
    let (callback, filter) = try await parse(body, path: nil)
    let alerts = try Self.freeTimeAlerts(body)
    guard let secretNode = body["secret"] else { throw DCSAError.badRequest("secret is required (base64)") }
    let secret = try Self.secret(secretNode)
    let cap = maxPerKey
    let created = try await database.write {
      try $0.accessStore.createSubscription(
        owner: key, callbackURL: callback, secret: secret, filter: filter, freeTimeAlerts: alerts, operator: key.name, maxPerKey: cap)
    }
    return .json(SubscriptionView(created).json, status: .created)
  }

  func show(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let id = try context.pathParameter("subscriptionID")
    guard let found = try await database.read({ try $0.accessStore.subscription(id: id, visibleTo: key) }) else { throw Self.unknown(id) }
    return .json(SubscriptionView(found).json)
  }

  func update(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let id = try context.pathParameter("subscriptionID")
    let body = try await Self.object(request, maxBytes: maxBodyBytes)
    guard body["secret"] == nil else {
      throw DCSAError.badRequest("secret is only accepted on create and on PUT /v2/event-subscriptions/{subscriptionID}/secret")
    }
    let (callback, filter) = try await parse(body, path: id)
    let alerts = try Self.freeTimeAlerts(body)
    guard
      let updated = try await database.write({
        try $0.accessStore.updateSubscription(id: id, callbackURL: callback, filter: filter, freeTimeAlerts: alerts, by: key, operator: key.name)
      }
      )
    else { throw Self.unknown(id) }
    return .json(SubscriptionView(updated).json)
  }

  func delete(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let id = try context.pathParameter("subscriptionID")
    guard try await database.write({ try $0.accessStore.deleteSubscription(id: id, by: key, operator: key.name) }) else { throw Self.unknown(id) }
    return Response(status: .noContent, headers: [.apiVersion: ServerVersion.api])
  }

  func secret(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let id = try context.pathParameter("subscriptionID")
    let body = try await Self.object(request, maxBytes: maxBodyBytes)
    guard let node = body["secret"] else { throw DCSAError.badRequest("secret is required (base64)") }
    let secret = try Self.secret(node)
    guard try await database.write({ try $0.accessStore.setSubscriptionSecret(id: id, secret: secret, by: key, operator: key.name) }) else {
      throw Self.unknown(id)
    }
    return Response(status: .noContent, headers: [.apiVersion: ServerVersion.api])
  }

  static func unknown(_ id: String) -> DCSAError { .notFound("no subscription \(id.prefix(100))") }

  /// The callback and filters of a subscription body. Fields DCSA defines and Corridor does not
  /// use are accepted (and match nothing); fields DCSA does not define are ignored.
  func parse(_ body: JSONNode, path id: String?) async throws -> (String, DCSAEventFilter) {
    guard case .string(let url)? = body["callbackUrl"]?.value else { throw DCSAError.badRequest("callbackUrl is required (a string)") }
    if let id, let given = body["subscriptionID"], !given.isNull {
      guard case .string(let text) = given.value, text.lowercased() == id.lowercased() else {
        throw DCSAError.badRequest("subscriptionID in the body does not match the path")
      }
    }
    do {
      let target = try policy.validate(url)
      // A name is checked again at every delivery; one that resolves now to a refused address
      // is refused now. (One that does not resolve yet is taken: it is retried at delivery.)
      if target.literal == nil, let addresses = try? await HostResolver.addresses(of: target.host) {
        try policy.check(addresses, for: target)
      }
      return (target.url, try DCSAEventFilter(json: body))
    } catch let error as CorridorError {
      throw DCSAError(error)
    }
  }

  /// Corridor's own `freeTimeAlerts` (a boolean; absent or null: false). PUT replaces the whole
  /// subscription, so leaving it out there turns the alerts off, as leaving out a filter drops it.
  static func freeTimeAlerts(_ body: JSONNode) throws -> Bool {
    guard let node = body["freeTimeAlerts"], !node.isNull else { return false }
    guard case .bool(let on) = node.value else { throw DCSAError.badRequest("freeTimeAlerts must be true or false") }
    return on
  }

  static func secret(_ node: JSONNode) throws -> [UInt8] {
    // Its length is the domain's rule (CorridorDatabase.checkSecret).
    guard case .string(let text) = node.value, let data = Data(base64Encoded: text) else {
      throw DCSAError.badRequest("secret must be a base64 string")
    }
    return [UInt8](data)
  }

  /// The request body as a JSON object (strict parser: depth-limited, exact numbers, UTF-8).
  static func object(_ request: Request, maxBytes: Int) async throws -> JSONNode {
    var request = request
    let body = try await request.collectBody(upTo: maxBytes)
    let node: JSONNode
    do { node = try JSONParser.parse([UInt8](buffer: body)) } catch {
      throw DCSAError.badRequest("request body, line \(error.line), column \(error.column): \(error.message)", reason: "invalidJSON")
    }
    guard case .object = node.value else { throw DCSAError.badRequest("the body must be a JSON object") }
    return node
  }
}

/// Where a page of `GET /v2/event-subscriptions` goes on: after the subscription made at
/// `createdAt` with `id` (the list's order). It names only a key's own subscriptions, which the
/// key reads anyway, so it needs no signature; a malformed one is a 400.
struct SubscriptionCursor: Comparable {
  let createdAt: String
  let id: String

  init(of subscription: Subscription) {
    createdAt = subscription.createdAt
    id = subscription.id
  }

  init(decoding text: String) throws {
    let invalid = DCSAError.badRequest("the cursor is not one this server issued", reason: "invalidCursor")
    guard text.utf8.count <= 400, let data = Data(base64URLEncoded: text), let decoded = String(data: data, encoding: .utf8) else {
      throw invalid
    }
    let parts = decoded.split(separator: " ", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { throw invalid }
    createdAt = parts[0]
    id = parts[1]
  }

  var encoded: String { Data("\(createdAt) \(id)".utf8).base64URLEncoded }

  static func < (a: SubscriptionCursor, b: SubscriptionCursor) -> Bool { (a.createdAt, a.id) < (b.createdAt, b.id) }
}
