import CorridorKit
import Hummingbird

/// The HTML pages (README "Pages") under `/corridor/v1/pages/…`, the same bytes as `corridor
/// report … --format html`; a party-scoped key's pages show only its own shipments.
struct PageRoutes {
  let database: ServerDatabase

  func add(to router: RouterGroup<CorridorRequestContext>) {
    router.get("/corridor/v1/pages/network") { request, context in
      try await page(request, context, allowed: ["asOf"]) { db, items, party in
        try db.networkPage(asOf: try Self.instant(items, "asOf") ?? db.clock.now(), party: party)
      }
    }
    router.get("/corridor/v1/pages/costs") { request, context in
      try await page(request, context, allowed: ["from", "to", "corridor", "route", "currency", "fxAt"]) { db, items, party in
        let (corridor, route) = (try items.single("corridor"), try items.single("route"))
        try db.requireFilters(corridor: corridor, route: route)
        return try db.costPage(
          from: try Self.day(items, "from"), to: try Self.day(items, "to"), corridor: corridor, route: route,
          currency: try Currency(parsing: try items.single("currency") ?? "CNY"), fxAt: try Self.day(items, "fxAt"), party: party)
      }
    }
    router.get("/corridor/v1/pages/exports") { request, context in
      try await page(request, context, allowed: ["year", "compare", "currency", "fxAt"]) { db, items, party in
        guard let year = try Self.number(items, "year") else { throw DCSAError.badRequest("year is required") }
        let compare = try Self.number(items, "compare")
        try CorridorDatabase.checkReportYears(year: year, compare: compare)
        return try db.exportsPage(
          year: year, compare: compare, currency: try Currency(parsing: try items.single("currency") ?? "CNY"), fxAt: try Self.day(items, "fxAt"),
          party: party)
      }
    }
    router.get("/corridor/v1/pages/transit") { request, context in
      try await page(request, context, allowed: ["from", "to", "corridor", "route"]) { db, items, party in
        let (corridor, route) = (try items.single("corridor"), try items.single("route"))
        try db.requireFilters(corridor: corridor, route: route)
        return try db.transitPage(from: try Self.day(items, "from"), to: try Self.day(items, "to"), corridor: corridor, route: route, party: party)
      }
    }
    router.get("/corridor/v1/pages/exceptions") { request, context in
      try await page(request, context, allowed: ["staleHours", "asOf"]) { db, items, party in
        let hours = try Self.number(items, "staleHours") ?? 72
        try CorridorDatabase.checkStaleHours(hours)
        return try db.exceptionsPage(staleHours: hours, now: try Self.instant(items, "asOf") ?? db.clock.now(), party: party)
      }
    }
  }

  /// Reads the query (refusing parameters the page does not take) and renders on a read
  /// connection.
  func page(
    _ request: Request, _ context: CorridorRequestContext, allowed: Set<String>,
    render: @escaping @Sendable (CorridorDatabase, QueryItems, String?) throws -> String
  ) async throws -> Response {
    let key = try context.requireKey()
    let items = try QueryItems(request.uri.query)
    if let unknown = items.items.first(where: { !allowed.contains($0.name) }) {
      throw DCSAError.badRequest("\(unknown.name.prefix(60)) is not a parameter of this page (it takes \(allowed.sorted().joined(separator: ", ")))")
    }
    let party = key.party
    let html = try await database.read { db in try render(db, items, party) }
    return Response(
      status: .ok, headers: [.contentType: "text/html; charset=utf-8", .apiVersion: ServerVersion.api],
      body: .init(byteBuffer: ByteBuffer(string: html)))
  }

  static func day(_ items: QueryItems, _ name: String) throws -> Day? {
    guard let text = try items.single(name) else { return nil }
    do { return try Day(parsing: text) } catch { throw DCSAError.badRequest("\(name): \(error.message)") }
  }

  static func instant(_ items: QueryItems, _ name: String) throws -> EventTime? {
    guard let text = try items.single(name) else { return nil }
    do { return try EventTime(parsing: text) } catch { throw DCSAError.badRequest("\(name): \(error.message)") }
  }

  static func number(_ items: QueryItems, _ name: String) throws -> Int? {
    guard let text = try items.single(name) else { return nil }
    guard let number = Int32(text) else { throw DCSAError.badRequest("\(name) must be a whole number") }
    return Int(number)
  }
}
