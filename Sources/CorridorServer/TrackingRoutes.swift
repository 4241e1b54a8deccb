import CorridorModel
import CorridorPresentation
import CorridorStore
import Hummingbird

/// Where a box is and when it arrives (docs/eta.md): `GET /corridor/v1/tracking/{container}`,
/// the `track --format json` contract byte for byte, with the same learned estimate (or the
/// plan's: `eta=plan`). A party-scoped key sees only the boxes of its own shipments; any other
/// box is a 404, as an unknown one is.
struct TrackingRoutes {
  let database: ServerDatabase

  func add(to router: RouterGroup<CorridorRequestContext>) {
    router.get("/corridor/v1/tracking/{container}") { request, context in try await show(request, context) }
  }

  func show(_ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let items = try QueryItems(request.uri.query)
    try items.only(["eta"], on: "GET /corridor/v1/tracking/{container}")
    let method =
      try items.single("eta").map { text in
        guard let method = ETAMethod(rawValue: text) else {
          throw DCSAError.badRequest("eta must be learned or plan, not \(text.prefix(40).debugDescription)")
        }
        return method
      } ?? .learned
    let text = try context.pathParameter("container")
    let container: ContainerNumber
    do { container = try ContainerNumber(parsing: text) } catch { throw DCSAError.badRequest("container: \(error.message)") }
    let party = key.party
    guard let report = try await database.readMayLag({ try $0.reportStore.track(container, eta: method, party: party) }) else {
      throw DCSAError.notFound("no container \(container.text)")
    }
    return .json(bytes: Array(try ContractJSON.text(TrackView(report, history: false)).utf8))
  }
}
