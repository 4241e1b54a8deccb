import AsyncHTTPClient
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// Where a box is and when it arrives over HTTP (issue 31): `/corridor/v1/tracking/{container}`
/// is `track --format json` byte for byte, with the same estimate; a party's key sees only its
/// own boxes (another party's box is a 404, as an unknown one is).
@Suite(.serialized, .onServerThreads) struct TrackingRouteTests {
  @Test func trackingIsTheTrackContractAndPartyScoped() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let (admin, duisburg) = (fixture.keys["admin"], fixture.keys["duisburg"])
    let box = try ContainerNumber(parsing: fixture.boxA)
    for (query, method) in [("", ETAMethod.learned), ("?eta=plan", .plan)] {
      let reply = try await server.send(.GET, "/corridor/v1/tracking/\(fixture.boxA)\(query)", key: duisburg)
      let expected = try ContractJSON.text(TrackView(try fixture.db.reportStore.track(box, eta: method), history: false))
      #expect(reply.status == 200 && reply.text == expected)
      #expect(reply.text.contains("\"etaBasis\"") && reply.text.contains("\"etaWindow\""))
    }
    // Another party's box and an unknown one read alike.
    for number in [fixture.boxB, "MSCU1234566"] {
      let hidden = try await server.send(.GET, "/corridor/v1/tracking/\(number)", key: duisburg)
      #expect(hidden.status == 404 && hidden.text.contains("\"statusCode\":404") && hidden.text.contains("no container"))
    }
    #expect(try await server.send(.GET, "/corridor/v1/tracking/\(fixture.boxB)", key: admin).status == 200)
    for path in ["tracking/NOTABOX", "tracking/\(fixture.boxA)?eta=guess", "tracking/\(fixture.boxA)?history=true"] {
      let reply = try await server.send(.GET, "/corridor/v1/\(path)", key: admin)
      #expect(reply.status == 400 && reply.text.contains("\"statusCode\":400"), "\(path): \(reply.status) \(reply.text.prefix(200))")
    }
    #expect(try await server.send(.GET, "/corridor/v1/tracking/\(fixture.boxA)", key: nil).status == 401)
  }

  /// The intake answers first; the ETA's summaries take the new events in right after, in the
  /// background on the writer (docs/server.md).
  @Test func theIntakesEventsReachTheETAsSummaries() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let arri = """
      [{"eventType":"TRANSPORT","transportEventTypeCode":"ARRI","eventClassifierCode":"ACT","eventDateTime":"2024-03-08T14:00:00+08:00",
        "equipmentReference":"\(fixture.boxA)","transportCall":{"UNLocationCode":"CNAKL","modeOfTransport":"RAIL"}}]
      """
    #expect(try await server.send(.POST, "/corridor/v1/events", key: fixture.keys["terminal"], json: arri).status == 200)
    let leg = RouteSegment(.leg, route: "CQ-AKL-DUI", from: try LocationCode(parsing: "CNCQI"), to: try LocationCode(parsing: "CNAKL"))
    // By the clock, not a count of tries: on a loaded machine (the full suite beside the
    // PostgreSQL suites) the background refresh took longer than a hundred short naps.
    var counted: [SegmentDuration] = []
    _ = try await eventually {
      counted = try fixture.db.etaStore.durations(of: leg, days: 0...100_000)
      return !counted.isEmpty
    }
    // Departed Chongqing 2024-03-05 14:00, arrived at Alashankou three days later: 72 h.
    #expect(counted.map(\.hours) == [72] && counted.map(\.boxes) == [1], "\(counted)")
  }
}
