import AsyncHTTPClient
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// Event subscriptions, the outbox and signed delivery, checked by a receiver written in Python
/// (its `hmac` module: a third party's HMAC-SHA256).
@Suite(.serialized, .onServerThreads) struct SubscriptionTests {
  static let secret = Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()

  func body(_ callback: String, _ extra: String = "", secret: String? = SubscriptionTests.secret) -> String {
    "{\"callbackUrl\":\"\(callback)\"" + (secret.map { ",\"secret\":\"\($0)\"" } ?? "") + extra + "}"
  }

  @Test func createReadUpdateDelete() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture) { $0.callbackAllow = ["127.0.0.1", "receiver.example"] }
    defer { Task { await server.stop() } }
    let reader = fixture.keys["reader"]
    let created = try await server.send(
      .POST, "/v2/event-subscriptions", key: reader,
      json: body("http://127.0.0.1:9/cb", ",\"eventType\":[\"TRANSPORT\"],\"equipmentReference\":\"\(fixture.boxA)\""))
    #expect(created.status == 201, "\(created.text)")
    let id = try #require(created.object["subscriptionID"] as? String)
    #expect(created.object["secret"] == nil)
    #expect(created.object["eventType"] as? [String] == ["TRANSPORT"])
    #expect(created.object["equipmentReference"] as? String == fixture.boxA)
    #expect(!created.text.contains(Self.secret))
    // Reading: the owner and an admin; another key gets 404.
    #expect(try await server.send(.GET, "/v2/event-subscriptions/\(id)", key: reader).status == 200)
    #expect(try await server.send(.GET, "/v2/event-subscriptions/\(id)", key: fixture.keys["admin"]).status == 200)
    #expect(try await server.send(.GET, "/v2/event-subscriptions/\(id)", key: fixture.keys["duisburg"]).status == 404)
    #expect(try await server.send(.GET, "/v2/event-subscriptions", key: fixture.keys["duisburg"]).array.isEmpty)
    #expect(try await server.send(.GET, "/v2/event-subscriptions", key: reader).array.count == 1)
    // An admin with a party sees its own subscriptions only (others name other parties' boxes).
    let partyAdmin = try fixture.db.accessStore.createAPIKey(name: "party-admin", role: .admin, party: "Duisburg GmbH", operator: "test").key
    #expect(try await server.send(.GET, "/v2/event-subscriptions", key: partyAdmin).array.isEmpty)
    #expect(try await server.send(.GET, "/v2/event-subscriptions/\(id)", key: partyAdmin).status == 404)
    // Update replaces the callback and the filters; a secret is not accepted here.
    let updated = try await server.send(
      .PUT, "/v2/event-subscriptions/\(id)", key: reader, json: body("https://receiver.example/hook", ",\"UNLocationCode\":\"DEDUI\"", secret: nil))
    #expect(updated.status == 200, "\(updated.text)")
    #expect(updated.object["callbackUrl"] as? String == "https://receiver.example/hook")
    #expect(updated.object["eventType"] == nil)
    #expect(updated.object["UNLocationCode"] as? String == "DEDUI")
    #expect(try await server.send(.PUT, "/v2/event-subscriptions/\(id)", key: reader, json: body("http://127.0.0.1:9/cb")).status == 400)
    #expect(
      try await server.send(.PUT, "/v2/event-subscriptions/\(id)", key: fixture.keys["duisburg"], json: body("http://127.0.0.1:9/", secret: nil))
        .status == 404)
    // The secret endpoint.
    let newSecret = Data(repeating: 9, count: 24).base64EncodedString()
    #expect(try await server.send(.PUT, "/v2/event-subscriptions/\(id)/secret", key: reader, json: "{\"secret\":\"\(newSecret)\"}").status == 204)
    #expect(try await server.send(.PUT, "/v2/event-subscriptions/\(id)/secret", key: reader, json: "{\"secret\":\"c2hvcnQ=\"}").status == 400)
    // Callbacks: http or https only, and only allowed hosts.
    for callback in ["ftp://127.0.0.1/x", "file:///etc/passwd", "http://evil.example/x", "not a url", "http://user:pw@127.0.0.1/"] {
      let reply = try await server.send(.POST, "/v2/event-subscriptions", key: reader, json: body(callback))
      #expect(reply.status == 400, "\(callback): \(reply.status)")
    }
    #expect(
      try await server.send(.POST, "/v2/event-subscriptions", key: reader, json: body("http://127.0.0.1:9/", ",\"eventType\":[\"NOPE\"]")).status
        == 400)
    #expect(try await server.send(.POST, "/v2/event-subscriptions", key: reader, json: "{\"callbackUrl\":\"http://127.0.0.1:9/\"}").status == 400)
    // Delete, then it is gone; every change is in the audit trail without the secret.
    #expect(try await server.send(.DELETE, "/v2/event-subscriptions/\(id)", key: fixture.keys["duisburg"]).status == 404)
    #expect(try await server.send(.DELETE, "/v2/event-subscriptions/\(id)", key: reader).status == 204)
    #expect(try await server.send(.GET, "/v2/event-subscriptions/\(id)", key: reader).status == 404)
    let trail = try fixture.db.connection.rows("SELECT action, state FROM audit_log WHERE entity = 'subscription'")
    #expect(try trail.map { try $0.text("action") } == ["insert", "update", "update", "delete"])
    #expect(try trail.allSatisfy { !(try $0.text("state")).contains(Self.secret) })
    #expect(try fixture.db.auditTrail.verifyAudit().findings.isEmpty)
  }

  @Test func outboxRowsAreWrittenWithTheEventOrNotAtAll() throws {
    let fixture = try ServerFixture()
    let owner = try #require(try fixture.db.accessStore.apiKeys().first { $0.name == "duisburg" })
    _ = try fixture.db.accessStore.createSubscription(
      owner: owner, callbackURL: "http://127.0.0.1:9/", secret: Array(repeating: 1, count: 32), filter: DCSAEventFilter(), operator: "test")
    // Accepted through the CLI's door: one row, for the subscriber's party only.
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    try fixture.record(fixture.boxB, .DEPA, "2024-03-06T12:00:00+08:00", "CNCQI")
    #expect(try fixture.count("SELECT COUNT(*) FROM outbox") == 1)
    // A refused event leaves no row.
    #expect(throws: CorridorError.self) { try fixture.record(fixture.boxA, .GTIN, "2024-03-08T11:00:00+08:00", "CNAKL") }
    #expect(try fixture.count("SELECT COUNT(*) FROM outbox") == 1)
    // An import's batch writes its rows in the batch's transaction; a refused file writes none.
    let folder = fixture.folder
    let good = folder + "/good.csv"
    try "container,code,at,location\n\(fixture.boxA),CROS,2024-03-09T10:00:00+08:00,CNAKL\n".write(toFile: good, atomically: true, encoding: .utf8)
    var options = EventImportOptions()
    options.operatorName = "test"
    _ = try fixture.db.eventStore.importEvents(path: good, format: .csv, options: options)
    #expect(try fixture.count("SELECT COUNT(*) FROM outbox") == 2)
    let bad = folder + "/bad.csv"
    try "container,code,at,location\n\(fixture.boxA),DISC,2024-03-09T14:00:00+05:00,KZDOS\n\(fixture.boxA),DISC,2024-03-09T15:00:00+05:00,KZDOS\n"
      .write(toFile: bad, atomically: true, encoding: .utf8)
    #expect(throws: CorridorError.self) { _ = try fixture.db.eventStore.importEvents(path: bad, format: .csv, options: options) }
    #expect(try fixture.count("SELECT COUNT(*) FROM outbox") == 2)
    // A revoked owner's subscription gets no more rows.
    try fixture.db.accessStore.revokeAPIKey(name: "duisburg", operator: "test")
    try fixture.record(fixture.boxA, .DISC, "2024-03-09T14:00:00+05:00", "KZDOS")
    #expect(try fixture.count("SELECT COUNT(*) FROM outbox") == 2)
  }

  /// The receiver fails twice (503), then verifies every signature with Python's `hmac` and
  /// answers 204; the events arrive in recording order, each once delivered.
  @Test func deliveryRetriesAndIsSignedAsPythonChecksIt() async throws {
    let fixture = try ServerFixture()
    let receiver = try PythonReceiver(secret: Self.secret, failFirst: 2)
    defer { receiver.stop() }
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let created = try await server.send(
      .POST, "/v2/event-subscriptions", key: fixture.keys["duisburg"], json: body("http://127.0.0.1:\(receiver.port)/callback?ref=42"))
    let id = try #require(created.object["subscriptionID"] as? String)
    // Recorded by the CLI's door (another connection), after the subscription.
    for (code, at, place) in [
      (EventCode.ARRI, "2024-03-08T10:00:00+08:00", "CNAKL"), (.CROS, "2024-03-09T10:00:00+08:00", "CNAKL"),
      (.DISC, "2024-03-09T14:00:00+05:00", "KZDOS"),
    ] {
      try fixture.record(fixture.boxA, code, at, place)
    }
    try fixture.record(fixture.boxB, .DEPA, "2024-03-06T12:00:00+08:00", "CNCQI")  // the other party's
    #expect(try await eventually { receiver.accepted.count >= 1 })
    let log = receiver.requests
    #expect(log.count >= 3)
    #expect(log.prefix(2).allSatisfy { $0.status == 503 })
    let delivered = receiver.accepted
    #expect(delivered.allSatisfy { $0.signatureValid })
    #expect(delivered.allSatisfy { $0.subscriptionID == id && $0.apiVersion == "2.2.0" && $0.path == "/callback?ref=42" })
    #expect(delivered.flatMap(\.codes) == ["ARRI", "CROS", "DISC"])
    #expect(try await eventually { try fixture.count("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 0 })
    let attempts = try fixture.db.outbox.deliveries(subscription: id, failedOnly: false)
    #expect(attempts.count == 3)
    #expect(attempts.allSatisfy { $0.deliveredAt != nil })
    #expect(attempts.first?.attempts == 2)
    #expect(attempts.first?.lastError == "HTTP 503")
  }

  @Test func eventsRecordedWhileTheServerIsDownAreDeliveredWhenItStarts() async throws {
    let fixture = try ServerFixture()
    let receiver = try PythonReceiver(secret: Self.secret, failFirst: 0)
    defer { receiver.stop() }
    let owner = try #require(try fixture.db.accessStore.apiKeys().first { $0.name == "admin" })
    _ = try fixture.db.accessStore.createSubscription(
      owner: owner, callbackURL: "http://127.0.0.1:\(receiver.port)/", secret: [UInt8](try #require(Data(base64Encoded: Self.secret))),
      filter: DCSAEventFilter(), operator: "test")
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    try fixture.record(fixture.boxB, .DEPA, "2024-03-06T12:00:00+08:00", "CNCQI")
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    #expect(try await eventually { receiver.accepted.flatMap(\.codes).count == 2 })
    #expect(receiver.accepted.flatMap(\.codes) == ["ARRI", "DEPA"])
    #expect(receiver.accepted.allSatisfy { $0.signatureValid })
  }

  /// A subscription with `freeTimeAlerts` gets, through the same outbox and in order, the events
  /// and then the alerts of its party's boxes: the one raised by `corridor subscription alerts`
  /// before the server started (the last free day at Dostyk is today), and the one the server's
  /// own sweep raises when it starts (as of now, long after it), each signed as Python checks it.
  @Test func freeTimeAlertsArePushedInOrderAfterTheEvents() async throws {
    let fixture = try ServerFixture()
    let receiver = try PythonReceiver(secret: Self.secret, failFirst: 0)
    defer { receiver.stop() }
    let keys = try fixture.db.accessStore.apiKeys()
    let secret = [UInt8](try #require(Data(base64Encoded: Self.secret)))
    let duisburg = try #require(keys.first { $0.name == "duisburg" })
    let id = try fixture.db.accessStore.createSubscription(
      owner: duisburg, callbackURL: "http://127.0.0.1:\(receiver.port)/", secret: secret, filter: DCSAEventFilter(), freeTimeAlerts: true,
      operator: "test"
    ).id
    // The other party's subscription asks for alerts too, and must not get box A's.
    let hanoi = try #require(keys.first { $0.name == "hanoi-writer" })
    let other = try fixture.db.accessStore.createSubscription(
      owner: hanoi, callbackURL: "http://127.0.0.1:\(receiver.port)/hanoi", secret: secret, filter: DCSAEventFilter(), freeTimeAlerts: true,
      operator: "test"
    ).id
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    try fixture.record(fixture.boxA, .CROS, "2024-03-09T10:00:00+08:00", "CNAKL")
    // Storage at Dostyk: 2 free days, 9 and 10 March (+05:00).
    try fixture.record(fixture.boxA, .ARRI, "2024-03-09T12:00:00+05:00", "KZDOS")
    #expect(try fixture.db.freeTimeStore.raiseAlerts(asOf: try EventTime(parsing: "2024-03-08T20:00:00Z")).isEmpty)
    let raised = try fixture.db.freeTimeStore.raiseAlerts(asOf: try EventTime(parsing: "2024-03-09T20:00:00Z"))
    #expect(raised.map(\.alert) == [.approaching] && raised.first?.lastFreeDay == "2024-03-10")
    // Raised once: looking again adds nothing.
    #expect(try fixture.db.freeTimeStore.raiseAlerts(asOf: try EventTime(parsing: "2024-03-09T22:00:00Z")).isEmpty)
    #expect(try fixture.db.outbox.deliveries(subscription: other, failedOnly: false).isEmpty)

    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    #expect(try await eventually { receiver.accepted.filter { $0.alert != nil }.count == 2 })
    let delivered = receiver.accepted
    #expect(delivered.allSatisfy { $0.signatureValid && $0.subscriptionID == id })
    #expect(delivered.flatMap(\.codes) == ["ARRI", "CROS", "ARRI"])
    #expect(delivered.compactMap(\.alert) == ["approaching", "passed"])
    #expect(delivered.compactMap(\.container) == [fixture.boxA, fixture.boxA])
    // The events went first, in one array; then each alert on its own.
    #expect(delivered.first?.codes.count == 3 && delivered.first?.alert == nil)
    // The server marks a row delivered after the receiver has answered: wait for the marks.
    #expect(try await eventually { try fixture.count("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 0 })
    let rows = try fixture.db.outbox.deliveries(subscription: id, failedOnly: false)
    #expect(rows.count == 5 && rows.allSatisfy { $0.deliveredAt != nil })
    #expect(rows.suffix(2).allSatisfy { $0.eventID.hasPrefix("free-time-alert/") })
  }
}

/// A webhook receiver in Python: verifies `Notification-Signature` with `hmac` and logs each
/// request as a JSON line.
final class PythonReceiver: @unchecked Sendable {
  struct Request: Decodable {
    let status: Int
    let signatureValid: Bool
    let subscriptionID: String?
    let apiVersion: String?
    let path: String
    let codes: [String]
    /// A free-time alert's stage and box (a JSON object body rather than an event array).
    let alert: String?
    let container: String?
  }

  let receiver: ReceiverProcess
  var port: Int { receiver.port }

  static let script = """
    import hashlib, hmac, base64, json, sys, http.server
    secret = base64.b64decode(sys.argv[1]); fail_first = int(sys.argv[2]); log = open(sys.argv[3], 'a'); seen = [0]
    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
            seen[0] += 1
            expected = 'sha256=' + hmac.new(secret, body, hashlib.sha256).hexdigest()
            valid = hmac.compare_digest(expected, self.headers.get('Notification-Signature', ''))
            status = 503 if seen[0] <= fail_first else (204 if valid else 401)
            doc = json.loads(body)
            alert = doc if isinstance(doc, dict) else {}
            codes = [e.get('equipmentEventTypeCode') or e.get('transportEventTypeCode') for e in doc] if isinstance(doc, list) else []
            log.write(json.dumps({'status': status, 'signatureValid': valid, 'subscriptionID': self.headers.get('Subscription-ID'),
                                  'apiVersion': self.headers.get('API-Version'), 'path': self.path, 'codes': codes,
                                  'alert': alert.get('alert'), 'container': alert.get('container')}) + '\\n'); log.flush()
            self.send_response(status); self.send_header('Content-Length', '0'); self.end_headers()
        def log_message(self, *args): pass
    server = http.server.HTTPServer(('127.0.0.1', 0), Receiver)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """

  init(secret: String, failFirst: Int) throws {
    receiver = try ReceiverProcess(script: Self.script, arguments: [secret, String(failFirst)])
  }

  var requests: [Request] { receiver.lines(Request.self) }

  var accepted: [Request] { requests.filter { $0.status == 204 } }

  func stop() { receiver.stop() }
}

/// A receiver written in Python, run as a child process: started with its script and arguments
/// (a log file is added last), it prints its port, then logs each request as a JSON line.
struct ReceiverProcess: Sendable {
  let process: Process
  let port: Int
  let log: String

  init(script: String, arguments: [String]) throws {
    log = FileManager.default.temporaryDirectory.appendingPathComponent("receiver-\(UUID().uuidString).log").path
    FileManager.default.createFile(atPath: log, contents: nil)
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments + [log]
    let out = Pipe()
    process.standardOutput = out
    // Not the test run's own output: `swift test` waits for every holder of it to close it.
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    var line: [UInt8] = []
    while true {
      let byte = out.fileHandleForReading.readData(ofLength: 1)
      guard let first = byte.first, first != 0x0A else { break }
      line.append(first)
    }
    guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw CorridorError(.internal, "the receiver did not start") }
    self.port = port
  }

  /// The log's lines, decoded.
  func lines<T: Decodable>(_ type: T.Type) -> [T] {
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
  }

  /// Kills the receiver. SIGKILL: the child inherits the test process's blocked signals, so
  /// SIGTERM may never arrive; and not `waitUntilExit()`, which on Linux spins a run loop that
  /// never ends when called from a task (Foundation reaps the child itself).
  func stop() { kill(process.processIdentifier, SIGKILL) }
}

/// Push matches a write's events in memory and poll selects in SQL, from one declaration of each
/// filter: for every filter and party, the outbox holds exactly what `GET /v2/events` returns.
@Suite(.onServerThreads) struct PushAgreesWithPollTests {
  @Test func everyFilterSelectsTheSameEventsBothWays() throws {
    let fixture = try ServerFixture()
    let filters = [
      "{}", #"{"eventType":["TRANSPORT"]}"#, #"{"eventType":["EQUIPMENT"]}"#, #"{"eventType":["SHIPMENT"]}"#,
      #"{"eventType":["EQUIPMENT","TRANSPORT"]}"#, #"{"equipmentEventTypeCode":["GTIN","DISC"]}"#, #"{"transportEventTypeCode":["DEPA"]}"#,
      #"{"equipmentReference":"CSQU3054383"}"#, #"{"UNLocationCode":"CNAKL"}"#, #"{"exportVoyageNumber":"X8001"}"#,
      #"{"carrierVoyageNumber":"X8002"}"#, #"{"carrierBookingReference":"S-DUI"}"#, #"{"bookingReference":"S-HAN"}"#,
      #"{"vesselIMONumber":"1234567"}"#, #"{"eventType":["EQUIPMENT"],"UNLocationCode":"KZDOS"}"#,
      #"{"equipmentReference":"MSKU1234565","transportEventTypeCode":["ARRI","DEPA"]}"#,
    ]
    let owners = try fixture.db.accessStore.apiKeys().filter { ["admin", "duisburg", "hanoi-writer"].contains($0.name) }
    #expect(owners.count == 3)
    var made: [(Subscription, String?)] = []
    for owner in owners {
      for text in filters {
        let filter = try DCSAEventFilter(json: try JSONParser.parse(Array(text.utf8)))
        made.append(
          (
            try fixture.db.accessStore.createSubscription(
              owner: owner, callbackURL: "https://hooks.example/", secret: [UInt8](repeating: 1, count: 16), filter: filter, operator: "test",
              maxPerKey: 100), owner.party
          ))
      }
    }
    let before = try fixture.count("SELECT MAX(seq) FROM events")
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL", mode: .RAIL, vehicle: "X8001")
    try fixture.record(fixture.boxA, .CROS, "2024-03-09T10:00:00+08:00", "CNAKL")
    try fixture.record(fixture.boxA, .DISC, "2024-03-09T14:00:00+05:00", "KZDOS")
    try fixture.record(fixture.boxB, .DEPA, "2024-03-06T12:00:00+08:00", "CNCQI", mode: .RAIL, vehicle: "X8002")
    try fixture.record(fixture.boxB, .ARRI, "2024-03-07T12:00:00+08:00", "CNNIN", mode: .RAIL, vehicle: "X8002")
    var nonEmpty = 0
    for (subscription, party) in made {
      let pushed = try fixture.db.outbox.deliveries(subscription: subscription.id, failedOnly: false).map(\.eventID)
      var query = DCSAEventQuery()
      query.filter = subscription.filter
      query.afterSeq = before
      query.limit = 1000
      let polled = try fixture.db.eventStore.dcsaEvents(query, party: party).events.map(\.id)
      #expect(pushed == polled, "\(subscription.filter.json.text) for \(party ?? "everyone")")
      if !polled.isEmpty { nonEmpty += 1 }
    }
    // The table is not vacuous: most filters select something for someone.
    #expect(nonEmpty >= 20, "\(nonEmpty)")
  }
}

extension PushAgreesWithPollTests {
  /// The subscriptions a write matches against are kept between writes: a subscription made,
  /// a key revoked or a subscription deleted counts from the next write on.
  @Test func aWriteSeesSubscriptionChangesAtOnce() throws {
    let fixture = try ServerFixture()
    func pushed(_ id: String) throws -> [String] { try fixture.db.outbox.deliveries(subscription: id, failedOnly: false).map(\.eventID) }
    func lastEvent() throws -> String { try #require(try fixture.db.connection.scalarText("SELECT id FROM events ORDER BY seq DESC LIMIT 1")) }
    let admin = try #require(try fixture.db.accessStore.apiKeys().first { $0.name == "admin" })
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    #expect(try fixture.count("SELECT COUNT(*) FROM outbox") == 0)
    let first = try fixture.db.accessStore.createSubscription(
      owner: admin, callbackURL: "https://hooks.example/", secret: [UInt8](repeating: 1, count: 16), filter: DCSAEventFilter(), operator: "t")
    try fixture.record(fixture.boxA, .CROS, "2024-03-09T10:00:00+08:00", "CNAKL")
    let cros = try lastEvent()
    #expect(try pushed(first.id) == [cros])
    _ = try fixture.db.accessStore.createAPIKey(name: "broker", role: .reader, party: nil, operator: "t")
    let broker = try #require(try fixture.db.accessStore.apiKeys().first { $0.name == "broker" })
    let second = try fixture.db.accessStore.createSubscription(
      owner: broker, callbackURL: "https://hooks.example/", secret: [UInt8](repeating: 1, count: 16), filter: DCSAEventFilter(), operator: "t")
    try fixture.record(fixture.boxA, .DISC, "2024-03-09T14:00:00+05:00", "KZDOS")
    let disc = try lastEvent()
    #expect(try pushed(second.id) == [disc])
    try fixture.db.accessStore.revokeAPIKey(name: "broker", operator: "t")
    try fixture.record(fixture.boxA, .LOAD, "2024-03-09T18:00:00+05:00", "KZDOS")
    let load = try lastEvent()
    #expect(try pushed(first.id) == [cros, disc, load])
    #expect(try pushed(second.id) == [disc])
    #expect(try fixture.db.accessStore.deleteSubscription(id: first.id, by: admin, operator: "t"))
    try fixture.record(fixture.boxA, .DEPA, "2024-03-09T19:00:00+05:00", "KZDOS")
    #expect(try fixture.count("SELECT COUNT(*) FROM outbox WHERE subscription_id = '\(first.id)'") == 0)
  }
}
