import CorridorModel
import CorridorPresentation
import CorridorStore
import Hummingbird

/// Customs declarations (docs/customs.md) under `/corridor/v1/declarations`: the `customs show`
/// JSON, byte for byte, scoped to the key's party (another party's declaration is a 404, as an
/// unknown one is).
struct DeclarationRoutes {
  let database: ServerDatabase

  func add(to router: RouterGroup<CorridorRequestContext>) {
    router.get("/corridor/v1/declarations") { request, context in try await list(request, context) }
    router.get("/corridor/v1/declarations/{number}") { request, context in try await show(request, context) }
  }

  /// A shipment's declarations, newest first; `status`, `open` and `office` narrow them.
  func list(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let items = try QueryItems(request.uri.query)
    try items.only(["shipment", "status", "open", "office"], on: "GET /corridor/v1/declarations")
    guard let shipment = try items.single("shipment") else { throw DCSAError.badRequest("shipment is required") }
    let status = try items.single("status").map { text in
      guard let status = DeclarationStatus(rawValue: text) else {
        throw DCSAError.badRequest(
          "status must be one of \(DeclarationStatus.allCases.map(\.rawValue).joined(separator: ", ")), not \(text.prefix(40).debugDescription)")
      }
      return status
    }
    let (openOnly, office, party) = (try items.flag("open"), try items.single("office"), key.party)
    let views = try await database.readMayLag { db in
      try db.customsStore.declarations(shipment: shipment, status: status, openOnly: openOnly, office: office, party: party)
        .map(DeclarationView.init)
    }
    return .json(bytes: Array(try ContractJSON.text(views).utf8))
  }

  func show(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    try QueryItems(request.uri.query).only([], on: "GET /corridor/v1/declarations/{number}")
    let number = try context.pathParameter("number")
    let party = key.party
    guard let declaration = try await database.readMayLag({ try $0.customsStore.declaration(number, party: party) }) else {
      throw DCSAError.notFound("no declaration \(number.prefix(100))")
    }
    return .json(bytes: Array(try ContractJSON.text(DeclarationView(declaration)).utf8))
  }
}
