import AsyncHTTPClient
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// Customs declarations over HTTP: `/corridor/v1/declarations` gives the `customs show` JSON,
/// byte for byte, and a party's key sees only its own shipments' declarations (another party's
/// number is a 404, as an unknown one is); the clearance page is the report's page, party-scoped.
@Suite(.serialized, .onServerThreads) struct DeclarationRouteTests {
  @Test func declarationsAndTheClearancePageArePartyScoped() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let (admin, duisburg) = (fixture.keys["admin"], fixture.keys["duisburg"])
    for (number, shipment, office) in [("500020240000000001", "S-DUI", "CNAKL"), ("500020240000000002", "S-HAN", "CNPIN")] {
      try fixture.db.customsStore.declare(
        DeclarationRequest(
          number: number, foreign: false, shipment: shipment, procedure: .transit, office: office, containers: nil, mode: .oneStep,
          value: try Money(parsing: "1000.00", currency: .usd), at: try EventTime(parsing: "2024-03-08T08:00:00+08:00")), operator: "test")
      try fixture.db.customsStore.record(
        number,
        DeclarationChange(status: .accepted, at: try EventTime(parsing: "2024-03-08T09:30:00+08:00"), recordedAt: "t", operatorName: "test"),
        operator: "test")
    }
    let own = try #require(try fixture.db.customsStore.declaration("500020240000000001"))
    let other = try #require(try fixture.db.customsStore.declaration("500020240000000002"))
    let one = try await server.send(.GET, "/corridor/v1/declarations/500020240000000001", key: duisburg)
    #expect(one.status == 200 && one.headers.first(name: "Content-Type") == "application/json")
    #expect(one.text == (try ContractJSON.text(DeclarationView(own))))
    #expect(
      try await server.send(.GET, "/corridor/v1/declarations/500020240000000002", key: admin).text
        == (try ContractJSON.text(DeclarationView(other))))
    // Another party's declaration reads as unknown.
    for number in ["500020240000000002", "500020249999999999"] {
      let hidden = try await server.send(.GET, "/corridor/v1/declarations/\(number)", key: duisburg)
      #expect(hidden.status == 404 && hidden.text.contains("\"statusCode\":404") && hidden.text.contains("no declaration \(number)"))
    }
    let list = try await server.send(.GET, "/corridor/v1/declarations?shipment=S-DUI&open=true", key: duisburg)
    let expectedList = try ContractJSON.text([DeclarationView(own)])
    #expect(list.status == 200 && list.text == expectedList)
    #expect(try await server.send(.GET, "/corridor/v1/declarations?shipment=S-HAN", key: duisburg).text == "[\n\n]\n")
    #expect(try await server.send(.GET, "/corridor/v1/declarations?shipment=S-HAN&status=accepted", key: admin).text.contains("S-HAN"))
    for path in [
      "declarations", "declarations?shipment=S-DUI&status=bogus", "declarations?shipment=S-DUI&open=maybe", "declarations?shipment=S-DUI&limit=3",
      "declarations?shipment=S-DUI&office=XXNOP", "declarations/500020240000000001?x=1", "pages/clearance?by=carrier", "pages/clearance?from=today",
    ] {
      let reply = try await server.send(.GET, "/corridor/v1/\(path)", key: admin)
      #expect(reply.status == 400 && reply.text.contains("\"statusCode\":400"), "\(path): \(reply.status) \(reply.text.prefix(200))")
    }
    #expect(try await server.send(.GET, "/corridor/v1/declarations?shipment=S-DUI", key: nil).status == 401)
    // The clearance page: the report's page, a party's own declarations only.
    for (key, party) in [(admin, String?.none), (duisburg, "Duisburg GmbH")] {
      let page = try await server.send(.GET, "/corridor/v1/pages/clearance?by=office", key: key)
      let expected = try fixture.db.customsStore.clearancePage(from: nil, to: nil, by: .office, party: party)
      #expect(page.status == 200 && page.text == expected)
    }
    let duisburgPage = try await server.send(.GET, "/corridor/v1/pages/clearance", key: duisburg).text
    #expect(duisburgPage.contains("CNAKL") && !duisburgPage.contains("CNPIN"))
  }
}
