import AsyncHTTPClient
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorServer
import CorridorStore
import Foundation
import NIOHTTP1
import Testing

/// The third hostile round (issue 27) against the real server on loopback: whom push talks to,
/// what a stalled or unrecordable delivery does, and requests an attacker or a careless client
/// sends.
@Suite(.onServerThreads) struct HostileRound3Tests {
  static let secret = Data(repeating: 7, count: 32).base64EncodedString()

  func subscribe(_ server: RunningServer, key: String?, _ callback: String) async throws -> RunningServer.Reply {
    try await server.send(.POST, "/v2/event-subscriptions", key: key, json: "{\"callbackUrl\":\"\(callback)\",\"secret\":\"\(Self.secret)\"}")
  }

  /// A receiver that answers with a redirect to another receiver: the server records a failed
  /// attempt and never calls the redirect's target (with the body, the signature, or as GET).
  @Test func redirectsAreFailuresNeverFollowed() async throws {
    let fixture = try ServerFixture()
    let target = try await ScriptedReceiver.start(mode: "ok")
    defer { target.stop() }
    let redirecting = try await ScriptedReceiver.start(mode: "redirect", argument: "http://127.0.0.1:\(target.port)/stolen")
    defer { redirecting.stop() }
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let created = try await subscribe(server, key: fixture.keys["admin"], "http://127.0.0.1:\(redirecting.port)/hook")
    let id = try #require(created.object["subscriptionID"] as? String)
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    #expect(try await eventually { redirecting.requests.count >= 2 })
    #expect(target.requests.isEmpty)
    let attempts = try fixture.db.outbox.deliveries(subscription: id, failedOnly: true)
    #expect(attempts.first?.lastError == "HTTP 307", "\(attempts)")
  }

  /// Loopback, link-local, private and unspecified addresses in every spelling are refused
  /// unless the operator names the address or allows private addresses; a name is refused by
  /// what it resolves to, at subscription and again at delivery.
  @Test func callbacksGoToPublicAddressesUnlessAllowed() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture) { $0.callbackAllow = nil }
    defer { Task { await server.stop() } }
    let reader = fixture.keys["duisburg"]
    for callback in [
      "http://127.0.0.1:9/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/", "http://0.0.0.0/",
      "http://[::ffff:127.0.0.1]/", "http://[::1]:8080/", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/",
      "http://192.168.0.1/", "http://172.16.5.4/", "http://100.64.0.1/", "http://224.0.0.1/", "http://[fe80::1]/", "http://[fd00::1]/",
      "http://0x7f.1/", "http://localhost:9/", "HTTP://LOCALHOST/", "http://127.0.0.%31/",
    ] {
      let reply = try await subscribe(server, key: reader, callback)
      #expect(reply.status == 400, "\(callback): \(reply.status) \(reply.text)")
      #expect(reply.text.contains("callback-url"), "\(callback): \(reply.text)")
    }
    let loopback = try await subscribe(server, key: reader, "http://2130706433/")
    #expect(loopback.errorMessage.contains("loopback address (127.0.0.1)"), "\(loopback.errorMessage)")
    // Ports, control characters.
    for callback in ["http://hooks.example:0/", "http://hooks.example:70000/", "http://hooks.example/\u{1B}[2J", "http://hooks.example/\u{202E}x"] {
      let reply = try await subscribe(server, key: reader, callback)
      #expect(reply.status == 400, "\(callback.debugDescription): \(reply.status)")
    }
    // A public host that does not resolve here is taken (it is checked again at delivery).
    #expect(try await subscribe(server, key: reader, "https://hooks.example/corridor").status == 201)
    await server.stop()

    // The operator names the address: allowed. A name in the list still may not resolve to loopback.
    let allowing = try await RunningServer.start(fixture) { $0.callbackAllow = ["127.0.0.1", "localhost"] }
    defer { Task { await allowing.stop() } }
    #expect(try await subscribe(allowing, key: reader, "http://127.0.0.1:9/").status == 201)
    #expect(try await subscribe(allowing, key: reader, "http://2130706433:9/").status == 201)
    // localhost resolves to an address the list names.
    #expect(try await subscribe(allowing, key: reader, "http://localhost:9/").status == 201)
    await allowing.stop()
    let nameOnly = try await RunningServer.start(fixture) { $0.callbackAllow = ["localhost"] }
    defer { Task { await nameOnly.stop() } }
    let named = try await subscribe(nameOnly, key: reader, "http://localhost:9/")
    #expect(named.status == 400 && named.errorMessage.contains("loopback"), "\(named.text)")
    await nameOnly.stop()
    let rig = try await RunningServer.start(fixture) {
      $0.callbackAllow = nil
      $0.callbackAllowPrivate = true
    }
    defer { Task { await rig.stop() } }
    #expect(try await subscribe(rig, key: reader, "http://localhost:9/").status == 201)
  }

  /// A subscription that reached the database by another way (made before the rules changed)
  /// is checked again on the resolved address at delivery: nothing is sent, and the refusal is
  /// recorded as the attempt's error.
  @Test func deliveryChecksTheResolvedAddress() async throws {
    let fixture = try ServerFixture()
    let receiver = try await ScriptedReceiver.start(mode: "ok")
    defer { receiver.stop() }
    let owner = try #require(try fixture.db.accessStore.apiKeys().first { $0.name == "admin" })
    let subscription = try fixture.db.accessStore.createSubscription(
      owner: owner, callbackURL: "http://localhost:\(receiver.port)/", secret: [UInt8](repeating: 7, count: 32), filter: DCSAEventFilter(),
      operator: "test")
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    let server = try await RunningServer.start(fixture) { $0.callbackAllow = ["localhost"] }
    defer { Task { await server.stop() } }
    #expect(
      try await eventually {
        try fixture.db.outbox.deliveries(subscription: subscription.id, failedOnly: true).first?.lastError?.contains("loopback") == true
      })
    #expect(receiver.requests.isEmpty)
  }

  /// One receiver sends its head and then nothing; another works. The working one gets its
  /// events while the stalled exchange is still open; the stalled one becomes a failed attempt
  /// at the deadline, and is retried.
  @Test func aStalledReceiverDelaysOnlyItself() async throws {
    let fixture = try ServerFixture()
    let stalled = try await ScriptedReceiver.start(mode: "stall")
    defer { stalled.stop() }
    let working = try await ScriptedReceiver.start(mode: "ok")
    defer { working.stop() }
    let server = try await RunningServer.start(fixture) { $0.delivery.timeout = .seconds(8) }
    defer { Task { await server.stop() } }
    let slow = try #require(
      try await subscribe(server, key: fixture.keys["admin"], "http://127.0.0.1:\(stalled.port)/").object["subscriptionID"] as? String)
    _ = try await subscribe(server, key: fixture.keys["reader"], "http://127.0.0.1:\(working.port)/")
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    #expect(try await eventually { stalled.requests.count >= 1 })
    try fixture.record(fixture.boxA, .CROS, "2024-03-09T10:00:00+08:00", "CNAKL")
    // Both events reach the working receiver while the stalled exchange has no outcome yet.
    #expect(try await eventually(seconds: 30) { working.requests.flatMap(\.codes) == ["ARRI", "CROS"] })
    #expect(try fixture.db.outbox.deliveries(subscription: slow, failedOnly: true).isEmpty)
    #expect(stalled.requests.count == 1)
    // The deadline covers the body: the stalled exchange fails, and is retried.
    #expect(
      try await eventually(seconds: 30) {
        try fixture.db.outbox.deliveries(subscription: slow, failedOnly: true).first?.lastError?.contains("no complete answer within") == true
      })
  }

  /// When the outcome of a delivery cannot be written, the loop backs off as after a failure
  /// (not a re-send at every 50 ms poll), and the attempts are written once they can be.
  @Test func anUnrecordableOutcomeBacksOff() async throws {
    let fixture = try ServerFixture()
    let receiver = try await ScriptedReceiver.start(mode: "ok")
    defer { receiver.stop() }
    let server = try await RunningServer.start(fixture) { $0.delivery.firstBackoff = .seconds(5) }
    defer { Task { await server.stop() } }
    let id = try #require(
      try await subscribe(server, key: fixture.keys["admin"], "http://127.0.0.1:\(receiver.port)/").object["subscriptionID"] as? String)
    // Nothing about a delivery can be written (as on a full disk), in each engine's words.
    let postgres = fixture.ledger.postgres != nil
    try fixture.db.connection.execute(
      postgres
        ? """
        CREATE FUNCTION no_room() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
        CREATE TRIGGER no_room BEFORE UPDATE ON outbox FOR EACH ROW EXECUTE FUNCTION no_room()
        """
        : "CREATE TRIGGER no_room BEFORE UPDATE ON outbox BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    #expect(try await eventually { receiver.requests.count >= 1 })
    // Twenty polls later, still one: the next try waits for the 5 s backoff.
    try await Task.sleep(for: .seconds(1))
    #expect(receiver.requests.count == 1)
    try fixture.db.connection.execute(postgres ? "DROP TRIGGER no_room ON outbox" : "DROP TRIGGER no_room")
    #expect(try await eventually(seconds: 30) { try fixture.count("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 0 })
    let row = try #require(try fixture.db.outbox.deliveries(subscription: id, failedOnly: false).first)
    #expect(row.attempts == 1 && row.lastError?.contains("could not be recorded") == true, "\(row)")
    #expect(receiver.requests.count == 2)
  }

  /// An event retracted before its notification went out is not pushed; poll and push agree.
  @Test func aRetractedEventIsNotPushed() async throws {
    let fixture = try ServerFixture()
    let receiver = try await ScriptedReceiver.start(mode: "ok")
    defer { receiver.stop() }
    let owner = try #require(try fixture.db.accessStore.apiKeys().first { $0.name == "admin" })
    _ = try fixture.db.accessStore.createSubscription(
      owner: owner, callbackURL: "http://127.0.0.1:\(receiver.port)/", secret: [UInt8](repeating: 7, count: 32), filter: DCSAEventFilter(),
      operator: "test")
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    try fixture.record(fixture.boxA, .CROS, "2024-03-09T10:00:00+08:00", "CNAKL")
    let cros = try #require(try fixture.db.connection.scalarText("SELECT id FROM events WHERE code = 'CROS'"))
    try fixture.db.eventStore.retract(eventID: cros, reason: "keyed twice", operator: "test")
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    #expect(try await eventually { receiver.requests.count >= 1 })
    try await Task.sleep(for: .milliseconds(300))
    #expect(receiver.requests.flatMap(\.codes) == ["ARRI"])
    let polled = try await server.send(.GET, "/v2/events?equipmentReference=\(fixture.boxA)&eventType=TRANSPORT", key: fixture.keys["admin"])
    #expect(!polled.text.contains(cros))
  }

  /// A key holds a bounded number of subscriptions; the list pages with Next-Page.
  @Test func subscriptionsPerKeyAreCappedAndListed() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture) { $0.maxSubscriptionsPerKey = 3 }
    defer { Task { await server.stop() } }
    let key = fixture.keys["reader"]
    for _ in 0..<3 { #expect(try await subscribe(server, key: key, "http://127.0.0.1:9/").status == 201) }
    let fourth = try await subscribe(server, key: key, "http://127.0.0.1:9/")
    #expect(fourth.status == 400 && fourth.errorMessage.contains("--max-subscriptions-per-key"), "\(fourth.text)")
    // Another key has its own allowance.
    #expect(try await subscribe(server, key: fixture.keys["duisburg"], "http://127.0.0.1:9/").status == 201)
    let first = try await server.send(.GET, "/v2/event-subscriptions?limit=2", key: key)
    #expect(first.array.count == 2)
    let next = try #require(first.headers.first(name: "Next-Page"))
    let second = try await server.send(.GET, next, key: key)
    #expect(second.array.count == 1 && second.headers.first(name: "Next-Page") == nil)
    let ids = (first.array + second.array).compactMap { $0["subscriptionID"] as? String }
    #expect(Set(ids).count == 3)
    #expect(try await server.send(.GET, "/v2/event-subscriptions?cursor=%%%", key: key).status == 400)
    #expect(try await server.send(.GET, "/v2/event-subscriptions?bogus=1", key: key).status == 400)
  }

  /// Ids of every kind are fetched percent-encoded; a cursor stands alone but for `limit`;
  /// `bearer` in any case; POST refuses unknown parameters; control characters and oversized ids
  /// are refused at the door with the field named.
  @Test func requestsAreReadAsTheRFCsSay() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let writer = fixture.keys["terminal"]
    let ids = ["gate 7/1", "事件-1", "a#b?c", "100%"]
    let times = ["2024-03-08T10:00:00+08:00", "2024-03-09T10:00:00+08:00", "2024-03-09T14:00:00+05:00", "2024-03-09T15:00:00+05:00"]
    let codes = ["ARRI", "CROS", "DISC", "GTOT"]
    for (index, id) in ids.enumerated() {
      let event = EventJSON.event(
        id: id, box: fixture.boxA, code: codes[index], at: times[index], place: index < 2 ? "CNAKL" : "KZDOS")
      let posted = try await server.send(.POST, "/corridor/v1/events", key: writer, json: "[\(event)]")
      #expect(posted.status == 200, "\(id): \(posted.text)")
      let encoded = try #require(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
      let fetched = try await server.send(.GET, "/v2/events/\(encoded)", key: writer)
      #expect(fetched.status == 200 && fetched.object["eventID"] as? String == id, "\(id): \(fetched.text)")
    }
    // Sent raw: a client library would re-encode the bad `%`.
    let badEncoding = try await RawHTTP.exchange(
      port: server.port, bytes: "GET /v2/events/%E4%ZZ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(writer ?? "")\r\nConnection: close\r\n\r\n")
    #expect(badEncoding.hasPrefix("HTTP/1.1 400") && badEncoding.contains("percent-encoding"), "\(badEncoding)")

    let page = try await server.send(.GET, "/v2/events?limit=1&equipmentReference=\(fixture.boxA)", key: writer)
    let next = try #require(page.headers.first(name: "Next-Page"))
    #expect(try await server.send(.GET, next, key: writer).status == 200)
    #expect(try await server.send(.GET, next + "&limit=2", key: writer).status == 200)
    let mixed = try await server.send(.GET, next + "&equipmentReference=\(fixture.boxB)", key: writer)
    #expect(mixed.status == 400 && mixed.errorMessage.contains("equipmentReference"), "\(mixed.text)")
    #expect(try await server.send(.GET, next + "&bogus=1", key: writer).status == 400)

    for scheme in ["bearer", "BEARER", "bEaReR"] {
      var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/v2/events?limit=1")
      request.headers.add(name: "Authorization", value: "\(scheme) \(writer ?? "")")
      let response = try await server.client.execute(request, timeout: .seconds(10))
      #expect(response.status.code == 200, "\(scheme)")
    }

    let plain = EventJSON.event(id: "x-1", box: fixture.boxB, code: "DEPA", at: "2024-03-06T12:00:00+08:00", place: "CNCQI")
    let unknown = try await server.send(.POST, "/corridor/v1/events?skipinvalid=true", key: writer, json: "[\(plain)]")
    #expect(unknown.status == 400 && unknown.errorMessage.contains("skipinvalid"), "\(unknown.text)")

    for (id, remark) in [("ev\\u0000x", "fine"), ("ev\\u001b[2J", "fine"), (String(repeating: "x", count: 101), "fine"), ("ok-1", "bell\\u0007")] {
      let event = EventJSON.event(id: id, box: fixture.boxB, code: "DEPA", at: "2024-03-06T12:00:00+08:00", place: "CNCQI", remark: remark)
      let reply = try await server.send(.POST, "/corridor/v1/events", key: writer, json: "[\(event)]")
      #expect(reply.status == 400 && reply.text.contains("event-text"), "\(id): \(reply.text)")
    }
    // Line breaks and tabs in free text are kept.
    let multiline = EventJSON.event(
      id: "ok-2", box: fixture.boxB, code: "DEPA", at: "2024-03-06T12:00:00+08:00", place: "CNCQI", remark: "line one\\r\\nline\\ttwo")
    #expect(try await server.send(.POST, "/corridor/v1/events", key: writer, json: "[\(multiline)]").status == 200)
    #expect(try fixture.db.connection.scalarInt("SELECT COUNT(*) FROM events WHERE note = ?", [.text("line one\r\nline\ttwo")]) == 1)
  }

  /// Pages carry their security policy in the response, and no browser may sniff them.
  @Test func pagesCarrySecurityHeaders() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let page = try await server.send(.GET, "/corridor/v1/pages/network", key: fixture.keys["reader"])
    #expect(page.status == 200)
    #expect(page.headers.first(name: "Content-Security-Policy") == "default-src 'none'; style-src 'unsafe-inline'")
    #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
  }

  /// Malformed chunked framing is the client's error: 400 with a DCSA body, never a 500.
  @Test func malformedChunkedBodiesAre400() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let key = fixture.keys["terminal"] ?? ""
    for chunked in ["zz\r\n[]\r\n0\r\n\r\n", "2\r\n[]0\r\n\r\n", "FFFFFFFFFFFFFFFFFFFF\r\n[]\r\n0\r\n\r\n"] {
      let head =
        "POST /corridor/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      // The server closes after a 400 with bytes of the request unread, which the kernel may
      // answer with a reset that discards the response before the client reads it: try again.
      var answer = ""
      for _ in 0..<3 where answer.isEmpty { answer = try await RawHTTP.exchange(port: server.port, bytes: head + chunked) }
      #expect(answer.hasPrefix("HTTP/1.1 400"), "\(chunked.debugDescription): \(answer.prefix(200))")
    }
  }

  /// A writer scoped to a party writes on a box only while it is on the party's open shipment:
  /// delivered on Duisburg's shipment and then booked by Hanoi, the box reads as unknown to
  /// Duisburg's writer, whose events can no longer change it for Hanoi.
  @Test func aPartysWriterLosesTheBoxWhenItsShipmentEnds() async throws {
    let fixture = try ServerFixture()
    let duisburgWriter = try fixture.db.accessStore.createAPIKey(name: "duisburg-writer", role: .writer, party: "Duisburg GmbH", operator: "test").key
    for (code, at, place) in [
      (EventCode.ARRI, "2024-03-20T10:00:00+01:00", "DEDUI"), (.DISC, "2024-03-20T12:00:00+01:00", "DEDUI"),
      (.GTOT, "2024-03-21T09:00:00+01:00", "DEDUI"),
    ] {
      try fixture.record(fixture.boxA, code, at, place)
    }
    _ = try fixture.db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: "S-HAN-2", route: "CQ-NIN-HAN", shipper: "Chongqing Moto Works", consignee: "Hanoi Import JSC", commodity: .laptops, hsCode: nil,
        value: try Money(parsing: "10.00", currency: .usd), bookedOn: try Day(parsing: "2024-04-01")),
      operator: "test")
    try fixture.db.shipmentStore.assign(try ContainerNumber(parsing: fixture.boxA), to: "S-HAN-2", grossKg: nil, seals: [], operator: "test")
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    for at in ["2024-04-02T09:00:00+08:00", "2024-03-22T09:00:00+08:00", "2024-03-05T10:00:00+08:00"] {
      let event = EventJSON.event(id: nil, box: fixture.boxA, code: "GTIN", at: at, place: "CNCQI")
      let refused = try await server.send(.POST, "/corridor/v1/events", key: duisburgWriter, json: "[\(event)]")
      #expect(refused.status == 400 && refused.errorMessage.contains("unknown container"), "\(at): \(refused.text)")
      #expect(!refused.text.contains("ev-") && !refused.text.contains("GTOT"), "\(refused.text)")
    }
    // Hanoi's writer owns it now.
    let gateIn = EventJSON.event(id: nil, box: fixture.boxA, code: "GTIN", at: "2024-04-02T09:00:00+08:00", place: "CNCQI")
    let accepted = try await server.send(.POST, "/corridor/v1/events", key: fixture.keys["hanoi-writer"], json: "[\(gateIn)]")
    #expect(accepted.status == 200, "\(accepted.text)")
    // Duisburg's reader still sees its own shipment's events, and none of Hanoi's.
    let seen = try await server.send(.GET, "/v2/events?equipmentReference=\(fixture.boxA)&limit=100", key: fixture.keys["duisburg"])
    #expect(seen.array.count == 6 && !seen.text.contains("2024-04-02"), "\(seen.text)")
  }
}

/// DCSA events as JSON text, for requests.
enum EventJSON {
  static func event(id: String?, box: String, code: String, at: String, place: String, remark: String? = nil) -> String {
    let transport = code == "ARRI" || code == "DEPA"
    var fields = [
      "\"eventType\":\"\(transport ? "TRANSPORT" : "EQUIPMENT")\"", "\"eventClassifierCode\":\"ACT\"", "\"eventDateTime\":\"\(at)\"",
      "\"eventCreatedDateTime\":\"\(at)\"", "\"equipmentReference\":\"\(box)\"",
    ]
    if let id { fields.append("\"eventID\":\"\(id)\"") }
    if let remark { fields.append("\"changeRemark\":\"\(remark)\"") }
    if transport {
      fields.append("\"transportEventTypeCode\":\"\(code)\"")
      fields.append("\"transportCall\":{\"UNLocationCode\":\"\(place)\",\"modeOfTransport\":\"RAIL\"}")
    } else {
      fields.append("\"equipmentEventTypeCode\":\"\(code)\"")
      fields.append("\"eventLocation\":{\"UNLocationCode\":\"\(place)\"}")
    }
    return "{" + fields.joined(separator: ",") + "}"
  }
}

/// A raw HTTP/1.1 exchange over a socket, for framing no client library will send.
enum RawHTTP {
  /// Runs on a thread of its own: it blocks until the server answers, and the server's request
  /// handlers run on the same cooperative pool as the tests.
  static func exchange(port: Int, bytes: String) async throws -> String {
    try await offThePool { try blockingExchange(port: port, bytes: bytes) }
  }

  static func blockingExchange(port: Int, bytes: String) throws -> String {
    let script = """
      import socket, sys
      s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)
      s.sendall(sys.stdin.buffer.read())
      data = b''
      try:
          while True:
              chunk = s.recv(65536)
              if not chunk: break
              data += chunk
      except (socket.timeout, ConnectionResetError):
          pass
      sys.stdout.buffer.write(data)
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, String(port)]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data(bytes.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    return String(decoding: data, as: UTF8.self)
  }
}

/// A webhook receiver in Python with a behaviour: `ok` (204), `redirect` (307 to the argument),
/// `stall` (sends its head and part of the body, then never the rest). Each process serves
/// one request at a time, as a small real receiver would; every request is logged.
final class ScriptedReceiver: @unchecked Sendable {
  struct Request: Decodable {
    let path: String
    let codes: [String]
  }

  let receiver: ReceiverProcess
  var port: Int { receiver.port }

  static let script = """
    import json, sys, time, http.server
    mode = sys.argv[1]; argument = sys.argv[2]; log = open(sys.argv[3], 'a')
    class Receiver(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
            try: codes = [e.get('equipmentEventTypeCode') or e.get('transportEventTypeCode') for e in json.loads(body)]
            except Exception: codes = []
            log.write(json.dumps({'path': self.path, 'codes': codes}) + '\\n'); log.flush()
            if mode == 'redirect':
                self.send_response(307); self.send_header('Location', argument); self.send_header('Content-Length', '0'); self.end_headers()
            elif mode == 'stall':
                self.send_response(200); self.send_header('Content-Length', '100'); self.end_headers()
                self.wfile.write(b'{"partial":'); self.wfile.flush(); time.sleep(3600)
            else:
                self.send_response(204); self.send_header('Content-Length', '0'); self.end_headers()
        def log_message(self, *args): pass
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Receiver) if mode == 'ok' else http.server.HTTPServer(('127.0.0.1', 0), Receiver)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """

  /// Starts a receiver; waiting for its port blocks, so it is done off the cooperative pool.
  static func start(mode: String, argument: String = "") async throws -> ScriptedReceiver {
    try await offThePool { try ScriptedReceiver(mode: mode, argument: argument) }
  }

  private init(mode: String, argument: String = "") throws {
    receiver = try ReceiverProcess(script: Self.script, arguments: [mode, argument])
  }

  var requests: [Request] { receiver.lines(Request.self) }

  func stop() { receiver.stop() }
}

/// Runs blocking work (a child process's pipes) on a thread outside Swift's cooperative pool,
/// where the in-process server's handlers run: two blocked pool threads on two cores would stall
/// the server the test is talking to.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
  }
}

extension HostileRound3Tests {
  /// Every path the router serves answers a method it does not serve with 405 and the methods it
  /// does in `Allow`, read from the router's own registrations; an unknown path stays 404.
  @Test func everyServedPathAnswers405WithItsMethods() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let key = fixture.keys["admin"]
    for (method, path, allow) in [
      (HTTPMethod.PATCH, "/v2/events", "GET"), (.POST, "/v2/events/ev-1", "GET"), (.DELETE, "/v2/event-subscriptions", "GET, POST"),
      (.POST, "/v2/event-subscriptions/x", "DELETE, GET, PUT"), (.GET, "/v2/event-subscriptions/x/secret", "PUT"),
      (.GET, "/corridor/v1/events", "POST"), (.POST, "/corridor/v1/openapi.yaml", "GET"), (.DELETE, "/corridor/v1/pages/transit", "GET"),
    ] {
      let reply = try await server.send(method, path, key: key, body: method == .GET ? nil : [])
      #expect(reply.status == 405, "\(method) \(path): \(reply.status)")
      #expect(reply.headers.first(name: "Allow") == allow, "\(method) \(path): \(reply.headers.first(name: "Allow") ?? "none")")
    }
    #expect(try await server.send(.GET, "/v2/nothing-here", key: key).status == 404)
  }
}

extension HostileRound3Tests {
  /// The server has one clock, injected: an error body's errorDateTime is its time.
  @Test func errorBodiesAreStampedByTheServersClock() async throws {
    let fixture = try ServerFixture()
    let fixed = try EventTime(parsing: "2024-03-10T08:00:00Z")
    let server = try await RunningServer.start(fixture) { $0.clock = .fixed(fixed) }
    defer { Task { await server.stop() } }
    let reply = try await server.send(.GET, "/v2/events?bogus=1", key: fixture.keys["admin"])
    #expect(reply.status == 400 && reply.object["errorDateTime"] as? String == "2024-03-10T08:00:00Z", "\(reply.text)")
  }
}
