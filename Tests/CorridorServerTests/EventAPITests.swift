import AsyncHTTPClient
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// `GET /v2/events`, `GET /v2/events/{id}` and `POST /corridor/v1/events` on a real server on
/// loopback, over the fixture's two parties.
@Suite(.serialized, .onServerThreads) struct EventAPITests {
  @Test func keysAndRoles() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let none = try await server.send(.GET, "/v2/events", key: nil)
    #expect(none.status == 401)
    // The DCSA error body, with every required field.
    for field in ["httpMethod", "requestUri", "statusCode", "statusCodeText", "errorDateTime", "errors"] {
      #expect(none.object[field] != nil, "\(field) missing: \(none.text)")
    }
    #expect(none.object["statusCode"] as? Int == 401)
    #expect(try await server.send(.GET, "/v2/events", key: "crd_not-a-key").status == 401)
    #expect(try await server.send(.GET, "/v2/events", key: fixture.keys["old"]).status == 401)  // revoked
    #expect(try await server.send(.GET, "/v2/events", key: fixture.keys["reader"]).status == 200)
    let post = try await server.send(.POST, "/corridor/v1/events", key: fixture.keys["reader"], json: "[]")
    #expect(post.status == 403)
    #expect(post.errorMessage.contains("reader"))
    #expect(try await server.send(.POST, "/corridor/v1/events", key: fixture.keys["terminal"], json: "[]").status == 200)
    // Only the hash is stored.
    let stored = try fixture.db.connection.rows("SELECT key_sha256 FROM api_keys").map { try $0.text("key_sha256") }
    #expect(!stored.contains(fixture.keys["admin"] ?? ""))
    #expect(stored.count == 6)
  }

  @Test func filters() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let key = fixture.keys["reader"]
    func codes(_ query: String) async throws -> [String] {
      let reply = try await server.send(.GET, "/v2/events\(query)", key: key)
      #expect(reply.status == 200, "\(query): \(reply.text)")
      return reply.array.map { ($0["equipmentEventTypeCode"] ?? $0["transportEventTypeCode"]) as? String ?? "?" }
    }
    #expect(try await codes("") == ["GTIN", "LOAD", "DEPA", "GTIN", "LOAD"])
    #expect(try await codes("?eventType=TRANSPORT") == ["DEPA"])
    #expect(try await codes("?eventType=EQUIPMENT,TRANSPORT") == ["GTIN", "LOAD", "DEPA", "GTIN", "LOAD"])
    #expect(try await codes("?eventType=SHIPMENT") == [])
    #expect(try await codes("?equipmentEventTypeCode=GTIN") == ["GTIN", "GTIN"])
    #expect(try await codes("?equipmentEventTypeCode=GTIN,LOAD&equipmentReference=MSKU1234565") == ["GTIN", "LOAD"])
    #expect(try await codes("?transportEventTypeCode=DEPA,ARRI") == ["DEPA"])
    #expect(try await codes("?carrierBookingReference=S-DUI") == ["GTIN", "LOAD", "DEPA"])
    #expect(try await codes("?UNLocationCode=CNCQI&eventType=TRANSPORT") == ["DEPA"])
    #expect(try await codes("?UNLocationCode=KZDOS") == [])
    #expect(try await codes("?exportVoyageNumber=X8001") == ["LOAD", "DEPA"])
    #expect(try await codes("?vesselIMONumber=9321483") == [])  // data Corridor does not keep: matches nothing
    // eventCreatedDateTime compares when Corridor recorded the event (now), with the colon encoded or not.
    #expect(try await codes("?eventCreatedDateTime:gte=2020-01-01T00:00:00Z").count == 5)
    #expect(try await codes("?eventCreatedDateTime%3Alt=2020-01-01T00:00:00%2B08:00") == [])
    #expect(try await codes("?eventCreatedDateTime:gt=2999-01-01T00:00:00Z") == [])
    #expect(try await codes("?limit=2") == ["GTIN", "LOAD"])
    // Bad values are 400 with a message naming the parameter.
    for (query, says) in [
      ("?eventType=FOO", "eventType"), ("?equipmentEventTypeCode=ARRI", "equipmentEventTypeCode"), ("?limit=0", "limit"),
      ("?limit=99999999999999999999999", "limit"), ("?eventCreatedDateTime:gte=yesterday", "eventCreatedDateTime"),
      ("?eventCreatedDateTime:between=2024-01-01T00:00:00Z", "eventCreatedDateTime"), ("?equipmentRef=X", "equipmentRef"),
      ("?UNLocationCode=TOOLONG", "UNLocationCode"), ("?eventType=%FF", "percent"), ("?cursor=abc", "cursor"),
    ] {
      let reply = try await server.send(.GET, "/v2/events\(query)", key: key)
      #expect(reply.status == 400, "\(query): \(reply.status)")
      #expect(reply.errorMessage.contains(says), "\(query): \(reply.errorMessage)")
    }
  }

  @Test func pagingFollowsNextPageAndCursorsStayWithTheirKey() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let admin = fixture.keys["admin"]
    let all = try await server.send(.GET, "/v2/events", key: admin).array.map { $0["eventID"] as? String ?? "" }
    var seen: [String] = []
    var path = "/v2/events?limit=2"
    var pages = 0
    var cursor = ""
    while true {
      let reply = try await server.send(.GET, path, key: admin)
      #expect(reply.status == 200)
      #expect(reply.headers.first(name: "API-Version") == "2.2.0")
      #expect(reply.headers.first(name: "Current-Page") != nil)
      seen += reply.array.map { $0["eventID"] as? String ?? "" }
      pages += 1
      guard let next = reply.headers.first(name: "Next-Page") else { break }
      path = next
      cursor = String(next.dropFirst("/v2/events?cursor=".count))
    }
    #expect(seen == all)
    #expect(pages == 3)
    // The same cursor with another key: refused, not a page of events.
    let replay = try await server.send(.GET, "/v2/events?cursor=\(cursor)", key: fixture.keys["duisburg"])
    #expect(replay.status == 400)
    // An edited cursor: refused.
    var bytes = Array(cursor.utf8)
    bytes[5] = bytes[5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    #expect(try await server.send(.GET, "/v2/events?cursor=\(String(decoding: bytes, as: UTF8.self))", key: admin).status == 400)
  }

  @Test func aPartySeesOnlyItsShipmentsThroughEveryEndpoint() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let duisburg = fixture.keys["duisburg"]
    let mine = try await server.send(.GET, "/v2/events", key: duisburg).array
    #expect(mine.count == 3)
    #expect(mine.allSatisfy { $0["equipmentReference"] as? String == fixture.boxA })
    // Asking for the other party's box or booking gives nothing.
    #expect(try await server.send(.GET, "/v2/events?equipmentReference=\(fixture.boxB)", key: duisburg).array.isEmpty)
    #expect(try await server.send(.GET, "/v2/events?carrierBookingReference=S-HAN", key: duisburg).array.isEmpty)
    // An id of the other party's event is unknown (404), not forbidden: ids do not leak.
    let theirs = try await server.send(.GET, "/v2/events?equipmentReference=\(fixture.boxB)", key: fixture.keys["admin"]).array
    let theirID = try #require(theirs.first?["eventID"] as? String)
    #expect(try await server.send(.GET, "/v2/events/\(theirID)", key: duisburg).status == 404)
    #expect(try await server.send(.GET, "/v2/events/\(theirID)", key: fixture.keys["admin"]).status == 200)
    let ownID = try #require(mine.first?["eventID"] as? String)
    let own = try await server.send(.GET, "/v2/events/\(ownID)", key: duisburg)
    #expect(own.status == 200)
    #expect(own.object["eventID"] as? String == ownID)
    #expect(try await server.send(.GET, "/v2/events/ev-unknown", key: duisburg).status == 404)
    // A cursor issued to the admin, replayed by the party: refused.
    let page = try await server.send(.GET, "/v2/events?limit=1", key: fixture.keys["admin"])
    let next = try #require(page.headers.first(name: "Next-Page"))
    #expect(try await server.send(.GET, next, key: duisburg).status == 400)
    // Its own cursors page through its own events only.
    let first = try await server.send(.GET, "/v2/events?limit=2", key: duisburg)
    let second = try await server.send(.GET, try #require(first.headers.first(name: "Next-Page")), key: duisburg)
    #expect((first.array + second.array).count == 3)
    #expect(second.array.allSatisfy { $0["equipmentReference"] as? String == fixture.boxA })
  }

  @Test func postingGoesThroughTheEngineAllOrNothing() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let terminal = fixture.keys["terminal"]
    let before = try fixture.count("SELECT COUNT(*) FROM events")
    let auditBefore = try fixture.count("SELECT COUNT(*) FROM audit_log")
    let arri = """
      {"eventType":"TRANSPORT","transportEventTypeCode":"ARRI","eventClassifierCode":"ACT","eventDateTime":"2024-03-08T10:00:00+08:00",
       "equipmentReference":"\(fixture.boxA)","transportCall":{"UNLocationCode":"CNAKL","modeOfTransport":"RAIL"}}
      """
    // The second event breaks a sequence rule (a gate-in while on the train): nothing is recorded.
    let gtin = """
      {"eventType":"EQUIPMENT","equipmentEventTypeCode":"GTIN","eventDateTime":"2024-03-08T11:00:00+08:00",
       "equipmentReference":"\(fixture.boxA)","eventLocation":{"UNLocationCode":"CNAKL"}}
      """
    let refused = try await server.send(.POST, "/corridor/v1/events", key: terminal, json: "[\(arri),\(gtin)]")
    #expect(refused.status == 400)
    #expect(refused.errorMessage.hasPrefix("event 1"), "\(refused.errorMessage)")
    #expect(refused.errorMessage.contains("[gate-in-while-loaded]") || refused.errorMessage.contains("gate"), "\(refused.errorMessage)")
    #expect(try fixture.count("SELECT COUNT(*) FROM events") == before)
    #expect(try fixture.count("SELECT COUNT(*) FROM audit_log") == auditBefore)
    // skipInvalid: the good one is recorded, the bad one reported in its place.
    let partial = try await server.send(.POST, "/corridor/v1/events?skipInvalid=true", key: terminal, json: "[\(arri),\(gtin)]")
    #expect(partial.status == 200)
    #expect(partial.object["recorded"] as? Int == 1)
    #expect(partial.object["refused"] as? Int == 1)
    let outcomes = partial.object["events"] as? [[String: Any]] ?? []
    #expect(outcomes.map { $0["outcome"] as? String } == ["recorded", "refused"])
    #expect((outcomes[1]["error"] as? [String: Any])?["rule"] as? String != nil)
    let id = try #require(outcomes[0]["eventID"] as? String)
    #expect(try fixture.count("SELECT COUNT(*) FROM events") == before + 1)
    // The key is the operator, in the event and in the audit trail.
    #expect(try fixture.db.connection.fetchOne("SELECT operator FROM events WHERE id = ?", [.text(id)])?.first?.text == "terminal")
    #expect(
      try fixture.db.connection.fetchOne("SELECT operator FROM audit_log WHERE entity = 'event' AND key = ?", [.text(id)])?.first?.text
        == "terminal")
    // Resending is a no-op.
    let again = try await server.send(.POST, "/corridor/v1/events", key: terminal, json: "[\(arri)]")
    #expect(again.object["duplicates"] as? Int == 1)
    #expect(try fixture.count("SELECT COUNT(*) FROM events") == before + 1)
    // What the POST recorded reads back through GET the way the export writes it.
    let back = try await server.send(.GET, "/v2/events/\(id)", key: terminal)
    #expect(back.object["transportEventTypeCode"] as? String == "ARRI")
    #expect((back.object["transportCall"] as? [String: Any])?["UNLocationCode"] as? String == "CNAKL")
    #expect(try fixture.db.auditTrail.verifyAudit().findings.isEmpty)
  }

  /// A writer with a party posts for its own shipments' boxes; another party's box reads as
  /// unknown, whatever the event, so no answer tells it anything about that box.
  @Test func aPartyScopedWriterCannotTouchOrProbeAnotherPartysBoxes() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let hanoi = fixture.keys["hanoi-writer"]
    func event(_ box: String, _ code: String, _ at: String, _ place: String, extra: String = "") -> String {
      """
      {"eventType":"\(code == "DEPA" ? "TRANSPORT" : "EQUIPMENT")","\(code == "DEPA" ? "transportEventTypeCode" : "equipmentEventTypeCode")":"\(code)",
       "eventDateTime":"\(at)","equipmentReference":"\(box)",\(code == "DEPA" ? "\"transportCall\":{\"UNLocationCode\":\"\(place)\",\"modeOfTransport\":\"RAIL\"}" : "\"eventLocation\":{\"UNLocationCode\":\"\(place)\"}")\(extra)}
      """
    }
    // Its own box (consignee Hanoi Import JSC): recorded.
    let own = try await server.send(
      .POST, "/corridor/v1/events", key: hanoi, json: "[\(event(fixture.boxB, "DEPA", "2024-03-06T12:00:00+08:00", "CNCQI"))]")
    #expect(own.status == 200, "\(own.text)")
    #expect(own.object["recorded"] as? Int == 1)
    // Duisburg's box: unknown, for a valid event, a rule-breaking one, a resent one and one naming
    // Duisburg's shipment or an existing event id.
    let theirs = try await server.send(.GET, "/v2/events?equipmentReference=\(fixture.boxA)", key: fixture.keys["admin"]).array
    let theirID = try #require(theirs.first?["eventID"] as? String)
    let before = try fixture.count("SELECT COUNT(*) FROM events")
    for body in [
      event(fixture.boxA, "DEPA", "2024-03-06T12:00:00+08:00", "CNAKL"), event(fixture.boxA, "GTIN", "2024-03-05T09:00:00+08:00", "CNCQI"),
      event(fixture.boxA, "GTIN", "2024-03-05T20:00:00+08:00", "CNCQI"),
      event(
        fixture.boxB, "LOAD", "2024-03-06T13:00:00+08:00", "CNCQI",
        extra:
          #","documentReferences":[{"documentReferenceType":"BKG","documentReferenceValue":"S-DUI"},"#
          + #"{"documentReferenceType":"BKG","documentReferenceValue":"CARRIER-1"}]"#),
      event(fixture.boxB, "STUF", "2024-03-06T08:00:00+08:00", "CNCQI", extra: ",\"eventID\":\"\(theirID)\""),
    ] {
      let reply = try await server.send(.POST, "/corridor/v1/events", key: hanoi, json: "[\(body)]")
      #expect(reply.status == 400, "\(reply.text)")
      #expect(reply.errorMessage.contains("unknown") || reply.errorMessage.contains("cannot read"), "\(reply.errorMessage)")
      for leak in ["GTIN at", "S-DUI is", "Duisburg", "CNAKL", "delivered", "loaded", "not on shipment"] {
        #expect(!reply.errorMessage.contains(leak), "\(reply.errorMessage)")
      }
    }
    #expect(try fixture.count("SELECT COUNT(*) FROM events") == before)
  }

  @Test func hostileRequestsGetA4xxWithADCSABody() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture) { $0.maxBodyBytes = 64 * 1024 }
    defer { Task { await server.stop() } }
    let terminal = fixture.keys["terminal"]
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let cases: [(String, [UInt8], Int)] = [
      ("malformed", Array("[{\"equipmentReference\":".utf8), 400),
      ("not an array", Array("{}".utf8), 400),
      ("deep nesting", Array(deep.utf8), 413),
      ("deep but small", Array((String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)).utf8), 400),
      ("invalid UTF-8", [0x5B, 0x22, 0xFF, 0xFE, 0x22, 0x5D], 400),
      ("huge number", Array("[{\"eventDateTime\":1e999999999,\"equipmentReference\":\"X\"}]".utf8), 400),
      ("too large", [UInt8](repeating: 0x20, count: 70 * 1024) + Array("[]".utf8), 413),
      ("empty", [], 400),
    ]
    for (name, body, status) in cases {
      let reply = try await server.send(.POST, "/corridor/v1/events", key: terminal, body: body)
      #expect(reply.status == status, "\(name): \(reply.status) \(reply.text.prefix(200))")
      #expect(reply.object["statusCode"] as? Int == status, "\(name): \(reply.text.prefix(200))")
    }
    // Still serving, and nothing was recorded.
    #expect(try await server.send(.GET, "/v2/events", key: terminal).array.count == 5)
  }
}
