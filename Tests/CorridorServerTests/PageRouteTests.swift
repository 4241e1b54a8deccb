import AsyncHTTPClient
import CorridorKit
import Foundation
import Testing

/// The pages under `/corridor/v1/pages/…`: the same bytes as the report commands' `--format
/// html`, and a party-scoped key's pages show only its own shipments.
@Suite(.serialized) struct PageRouteTests {
  @Test func pagesAreTheReportsPagesAndAPartySeesItsOwn() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let asOf = "2024-12-01T00:00:00Z"
    let now = try EventTime(parsing: asOf)
    let admin = fixture.keys["admin"]
    let duisburg = fixture.keys["duisburg"]
    for (path, key, expected) in [
      ("exceptions?asOf=\(asOf)", admin, try fixture.db.exceptionsPage(staleHours: 72, now: now)),
      ("exceptions?asOf=\(asOf)&staleHours=48", duisburg, try fixture.db.exceptionsPage(staleHours: 48, now: now, party: "Duisburg GmbH")),
      ("network?asOf=\(asOf)", duisburg, try fixture.db.networkPage(asOf: now, party: "Duisburg GmbH")),
      (
        "costs?from=2024-01-01&to=2024-12-31&currency=USD", duisburg,
        try fixture.db.costPage(
          from: try Day(parsing: "2024-01-01"), to: try Day(parsing: "2024-12-31"), currency: try Currency(parsing: "USD"), party: "Duisburg GmbH")
      ),
      ("exports?year=2024&compare=2023", admin, try fixture.db.exportsPage(year: 2024, compare: 2023)),
    ] {
      let reply = try await server.send(.GET, "/corridor/v1/pages/\(path)", key: key)
      #expect(reply.status == 200, "\(path): \(reply.text.prefix(300))")
      #expect(reply.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
      #expect(reply.text == expected, "\(path)")
    }
    // Both boxes are silent by December: the admin's page lists both, Duisburg's only its own.
    let all = try await server.send(.GET, "/corridor/v1/pages/exceptions?asOf=\(asOf)", key: admin).text
    let own = try await server.send(.GET, "/corridor/v1/pages/exceptions?asOf=\(asOf)", key: duisburg).text
    #expect(all.contains(fixture.boxA) && all.contains(fixture.boxB))
    #expect(own.contains(fixture.boxA) && !own.contains(fixture.boxB) && !own.contains("S-HAN"))
    #expect(own.contains("shipments of Duisburg GmbH only"))
    let allCosts = try await server.send(.GET, "/corridor/v1/pages/costs", key: admin).text
    let ownCosts = try await server.send(.GET, "/corridor/v1/pages/costs", key: duisburg).text
    #expect(allCosts != ownCosts)
    // Bad parameters: 400 with a DCSA body; no key: 401.
    for path in [
      "exports", "exports?year=2024&compare=2024", "exports?year=99999999999", "exceptions?staleHours=0", "costs?from=yesterday",
      "costs?corridor=NOPE", "network?asOf=now", "network?limit=3", "costs?currency=XXX",
    ] {
      let reply = try await server.send(.GET, "/corridor/v1/pages/\(path)", key: admin)
      #expect(reply.status == 400, "\(path): \(reply.status) \(reply.text.prefix(200))")
      #expect(reply.object["statusCode"] as? Int == 400, "\(path)")
    }
    #expect(try await server.send(.GET, "/corridor/v1/pages/network", key: nil).status == 401)
    #expect(try await server.send(.GET, "/corridor/v1/pages/nothing", key: admin).status == 404)
  }
}
