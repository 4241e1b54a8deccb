import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Hummingbird

/// The HTML pages (docs/pages.md) under `/corridor/v1/pages/…`, the same bytes as `corridor
/// report … --format html`; a party-scoped key's pages show only its own shipments.
struct PageRoutes {
  let database: ServerDatabase

  /// A page: its name under `/corridor/v1/pages/`, the query parameters it takes (besides
  /// `lang`, which every page takes), and how it is drawn on a read connection for a key's party
  /// (nil: every shipment) in a language.
  struct Page: Sendable {
    let name: String
    let parameters: Set<String>
    let render: @Sendable (CorridorDatabase, QueryItems, String?, PageLanguage) throws -> String
  }

  /// Every page, once: the router is made from it (and the 405 table from the router).
  static let pages: [Page] = [
    Page(name: "network", parameters: ["asOf", "corridor"]) { db, items, party, language in
      let corridor = try items.single("corridor")
      try db.networkStore.requireFilters(corridor: corridor, route: nil)
      return try db.reportStore.networkPage(asOf: try instant(items, "asOf") ?? db.clock.now(), corridor: corridor, party: party, language: language)
    },
    Page(name: "costs", parameters: ["from", "to", "corridor", "route", "currency", "fxAt", "asOf", "direction"]) { db, items, party, language in
      let (corridor, route) = (try items.single("corridor"), try items.single("route"))
      try db.networkStore.requireFilters(corridor: corridor, route: route)
      return try db.reportStore.costPage(
        from: try day(items, "from"), to: try day(items, "to"), corridor: corridor, route: route,
        currency: try Currency(parsing: try items.single("currency") ?? "CNY"), fxAt: try day(items, "fxAt"),
        asOf: try instant(items, "asOf") ?? db.clock.now(), party: party, language: language, direction: try direction(items))
    },
    trade("exports", .export), trade("imports", .import),
    Page(name: "exceptions", parameters: ["staleHours", "asOf"]) { db, items, party, language in
      let hours = try number(items, "staleHours") ?? 72
      try ReportBounds.checkStaleHours(hours)
      return try db.reportStore.exceptionsPage(staleHours: hours, now: try instant(items, "asOf") ?? db.clock.now(), party: party, language: language)
    },
    Page(name: "transit", parameters: ["from", "to", "corridor", "route", "direction"]) { db, items, party, language in
      let (corridor, route) = (try items.single("corridor"), try items.single("route"))
      try db.networkStore.requireFilters(corridor: corridor, route: route)
      return try db.reportStore.transitPage(
        from: try day(items, "from"), to: try day(items, "to"), corridor: corridor, route: route, party: party, language: language,
        direction: try direction(items))
    },
    Page(name: "free-time", parameters: ["asOf", "within", "location"]) { db, items, party, language in
      let location = try items.single("location").map { try db.networkStore.resolveLocation($0) }
      return try db.freeTimeStore.freeTimePage(
        asOf: try instant(items, "asOf") ?? db.clock.now(), within: try number(items, "within") ?? 3, location: location, party: party,
        language: language)
    },
    Page(name: "clearance", parameters: ["from", "to", "by"]) { db, items, party, language in
      let by = try items.single("by").map { text in
        guard let grouping = ClearanceGrouping(rawValue: text) else { throw DCSAError.badRequest("by must be office, commodity, route or month") }
        return grouping
      }
      return try db.customsStore.clearancePage(
        from: try day(items, "from"), to: try day(items, "to"), by: by ?? .office, party: party, language: language)
    },
    Page(name: "eta", parameters: ["from", "to", "route", "checkpoints"]) { db, items, party, language in
      let route = try items.single("route")
      try db.networkStore.requireFilters(corridor: nil, route: route)
      let checkpoints = try items.single("checkpoints").map(ETACheckpoint.parseList)
      let (from, to) = (try day(items, "from"), try day(items, "to"))
      let rows = try db.etaStore.backtest(from: from, to: to, route: route, checkpoints: checkpoints ?? Set(ETACheckpoint.allCases), party: party)
      return ETABacktestView(rows).page(from: from, to: to, party: party, language: language)
    },
  ]

  /// The exports page, or the imports page: the same figures for the shipments on routes of
  /// that direction (`report exports|imports --format html`).
  static func trade(_ name: String, _ direction: RouteDirection) -> Page {
    Page(name: name, parameters: ["year", "compare", "currency", "fxAt"]) { db, items, party, language in
      guard let year = try number(items, "year") else { throw DCSAError.badRequest("year is required") }
      let compare = try number(items, "compare")
      try ReportBounds.checkReportYears(year: year, compare: compare)
      return try db.reportStore.exportsPage(
        year: year, compare: compare, currency: try Currency(parsing: try items.single("currency") ?? "CNY"), fxAt: try day(items, "fxAt"),
        party: party, language: language, direction: direction)
    }
  }

  func add(to router: RouterGroup<CorridorRequestContext>) {
    for page in Self.pages {
      router.get("/corridor/v1/pages/\(page.name)") { request, context in
        try await serve(page, request, context)
      }
    }
  }

  /// Reads the query (refusing parameters the page does not take) and renders on a read
  /// connection.
  func serve(_ page: Page, _ request: Request, _ context: CorridorRequestContext) async throws -> Response {
    let key = try context.requireKey()
    let items = try QueryItems(request.uri.query)
    let parameters = page.parameters.union(["lang"])
    if let unknown = items.items.first(where: { !parameters.contains($0.name) }) {
      throw DCSAError.badRequest(
        "\(unknown.name.prefix(60)) is not a parameter of this page (it takes \(parameters.sorted().joined(separator: ", ")))")
    }
    // `lang` when given (anything but a language we have is refused), else the client's
    // `Accept-Language`.
    let language: PageLanguage
    if let tag = try items.single("lang") {
      guard let asked = PageLanguage(tag: tag) else { throw DCSAError.badRequest("lang must be en or zh-CN") }
      language = asked
    } else {
      language = PageLanguage.fromAcceptLanguage(request.headers[.acceptLanguage])
    }
    let party = key.party
    let html = try await database.readMayLag { db in try page.render(db, items, party, language) }
    return Response(
      status: .ok,
      headers: [
        .contentType: "text/html; charset=utf-8", .apiVersion: ServerVersion.api,
        // The pages load nothing from elsewhere and run only their own inline code; a served
        // page says so in its headers (a `<meta>` policy alone can be bypassed, and no
        // browser may sniff it as anything but HTML).
        .contentSecurityPolicy: HTMLPage.contentSecurityPolicy, .xContentTypeOptions: "nosniff",
        // The language follows `Accept-Language` when the query does not name one.
        .contentLanguage: language.htmlTag, .vary: "Accept-Language",
      ],
      body: .init(byteBuffer: ByteBuffer(string: html)))
  }

  static func direction(_ items: QueryItems) throws -> RouteDirection? {
    guard let text = try items.single("direction") else { return nil }
    guard let direction = RouteDirection(rawValue: text) else {
      throw DCSAError.badRequest("direction must be export, import, transit or domestic")
    }
    return direction
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
