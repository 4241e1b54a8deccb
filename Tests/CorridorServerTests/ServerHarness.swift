import AsyncHTTPClient
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorServer
import CorridorStore
import CorridorTestSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// A database with two parties' shipments and events, and one key per role.
struct ServerFixture {
  /// On the engine the run selects (`TestLedger`).
  let ledger: TestLedger
  var db: CorridorDatabase { ledger.db }
  /// What `--db` names: the file, or the PostgreSQL URL.
  var path: String { ledger.location }
  /// A folder of the test's own for the files it writes (imports, receivers' logs).
  let folder: String
  /// On shipment S-DUI (shipper Chongqing Laptop Co, consignee Duisburg GmbH).
  let boxA = "CSQU3054383"
  /// On shipment S-HAN (shipper Chongqing Moto Works, consignee Hanoi Import JSC).
  let boxB = "MSKU1234565"
  var keys: [String: String] = [:]

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-server-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    ledger = try TestLedger.shipped(operator: "test")
    for (box, ref, route, shipper, consignee) in [
      (boxA, "S-DUI", "CQ-AKL-DUI", "Chongqing Laptop Co", "Duisburg GmbH"),
      (boxB, "S-HAN", "CQ-NIN-HAN", "Chongqing Moto Works", "Hanoi Import JSC"),
    ] {
      let number = try ContainerNumber(parsing: box)
      try db.containerStore.addContainer(number, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
      try db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: ref, route: route, shipper: shipper, consignee: consignee, commodity: .laptops, hsCode: nil,
          value: try Money(parsing: "1000.00", currency: .usd), bookedOn: try Day(parsing: "2024-03-01")),
        operator: "test")
      try db.shipmentStore.assign(number, to: ref, grossKg: nil, seals: [], operator: "test")
    }
    try record(boxA, .GTIN, "2024-03-05T09:00:00+08:00", "CNCQI")
    try record(boxA, .LOAD, "2024-03-05T12:00:00+08:00", "CNCQI", mode: .RAIL, vehicle: "X8001")
    try record(boxA, .DEPA, "2024-03-05T14:00:00+08:00", "CNCQI", mode: .RAIL, vehicle: "X8001")
    try record(boxB, .GTIN, "2024-03-06T09:00:00+08:00", "CNCQI")
    try record(boxB, .LOAD, "2024-03-06T11:00:00+08:00", "CNCQI", mode: .RAIL)
    for (name, role, party) in [
      ("admin", APIRole.admin, String?.none), ("terminal", .writer, nil), ("reader", .reader, nil), ("duisburg", .reader, "Duisburg GmbH"),
      ("hanoi-writer", .writer, "Hanoi Import JSC"), ("old", .reader, nil),
    ] {
      keys[name] = try db.accessStore.createAPIKey(name: name, role: role, party: party, operator: "test").key
    }
    try db.accessStore.revokeAPIKey(name: "old", operator: "test")
  }

  func record(
    _ box: String, _ code: EventCode, _ at: String, _ place: String, mode: TransportModeCode? = nil, vehicle: String? = nil
  ) throws {
    _ = try db.eventStore.record(
      EventReport(
        id: nil, container: try ContainerNumber(parsing: box), code: code, time: try EventTime(parsing: at),
        location: try LocationCode(parsing: place),
        shipment: nil, classifier: .ACT, mode: mode, vehicle: vehicle, emptyLaden: nil, seal: nil, note: nil, carrierBooking: nil),
      operator: "test")
  }

  func count(_ sql: String) throws -> Int64 { try db.connection.fetchOne(sql)?.first?.int64 ?? -1 }
}

/// The server started in-process on an ephemeral loopback port, and a client for it.
final class RunningServer: Sendable {
  let port: Int
  /// The `--metrics-listen` listener's port, when the configuration asked for one.
  let metricsPort: Int?
  let task: Task<Void, any Error>
  let client: HTTPClient

  static func start(_ fixture: ServerFixture, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
    var configuration = ServerConfiguration(databasePath: fixture.path)
    configuration.port = 0
    configuration.delivery.pollInterval = .milliseconds(50)
    configuration.delivery.firstBackoff = .milliseconds(100)
    // The receivers run on loopback, which callbacks reach only when the operator names it.
    configuration.callbackAllow = ["127.0.0.1"]
    if let threads = fixture.ledger.serverThreads { (configuration.readers, configuration.threads) = (threads, threads) }
    configure(&configuration)
    // Opened as `corridor serve --db URL` opens PostgreSQL, with the clock the test set.
    if configuration.open == nil { configuration.open = fixture.ledger.serverOpener(clock: configuration.clock) }
    var logger = Logger(label: "corridor-test")
    logger.logLevel = .error
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let (metricsPorts, metricsContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = try CorridorServer.application(
      configuration, logger: logger, onRunning: { port in continuation.yield(port) },
      onMetricsRunning: { port in metricsContinuation.yield(port) })
    let task = Task(executorPreference: ServerThreads.shared) { try await app.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw CorridorError(.internal, "the server did not start") }
    var metricsPort: Int?
    if configuration.metricsAddress != nil {
      var metricsIterator = metricsPorts.makeAsyncIterator()
      metricsPort = await metricsIterator.next()
    }
    return RunningServer(port: port, metricsPort: metricsPort, task: task)
  }

  private init(port: Int, metricsPort: Int?, task: Task<Void, any Error>) {
    self.port = port
    self.metricsPort = metricsPort
    self.task = task
    client = HTTPClient(eventLoopGroupProvider: .singleton)
  }

  func stop() async {
    try? await client.shutdown()
    task.cancel()
    _ = try? await task.value
  }

  struct Reply {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    /// The DCSA error body's first message.
    var errorMessage: String { ((object["errors"] as? [[String: Any]])?.first?["message"] as? String) ?? "" }
  }

  func send(
    _ method: HTTPMethod, _ path: String, key: String?, body: [UInt8]? = nil, headers: [(String, String)] = [], port: Int? = nil
  ) async throws -> Reply {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port ?? self.port)\(path)")
    request.method = method
    if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body {
      request.headers.add(name: "Content-Type", value: "application/json")
      request.body = .bytes(ByteBuffer(bytes: body))
    }
    let response = try await client.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 64 << 20)
    return Reply(status: Int(response.status.code), headers: response.headers, body: [UInt8](buffer: bytes))
  }

  func send(_ method: HTTPMethod, _ path: String, key: String?, json: String) async throws -> Reply {
    try await send(method, path, key: key, body: Array(json.utf8))
  }
}

/// Threads of the server suites' own, apart from Swift's cooperative pool.
///
/// The CLI and browser suites are synchronous and wait on child processes, each holding one of
/// the pool's threads (two on a two-core machine), and the test runner queues every other test
/// behind them. A server test that awaited a response was resumed only when that queue drained,
/// by which time its client's deadline had passed: in CI, nine tests failed with
/// `deadlineExceeded` on answers the server had given in milliseconds. Here the tests of the
/// server suites (the `onServerThreads` trait) and the servers they start (listener, every
/// connection's task, the delivery service) run on threads of their own. `corridor serve` needs
/// none of this: nothing in its process blocks the pool.
final class ServerThreads: TaskExecutor {
  static let shared = ServerThreads()
  private let queue = DispatchQueue(label: "corridor-test-server", attributes: .concurrent)

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    queue.async { job.runSynchronously(on: executor) }
  }
}

/// Runs each test of a suite on `ServerThreads`.
struct OnServerThreads: SuiteTrait, TestTrait, TestScoping {
  var isRecursive: Bool { true }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    try await withTaskExecutorPreference(ServerThreads.shared) { try await function() }
  }
}

extension Trait where Self == OnServerThreads {
  /// The suite's tests and the servers they start run apart from the synchronous suites.
  static var onServerThreads: Self { Self() }
}

/// Waits until `condition` holds, polling, up to `seconds`: long enough that a machine busy with
/// other builds still gets there (a delivery took over 20 s while two release builds and
/// valgrind shared the two cores), short enough that a delivery that never comes fails the test.
func eventually(seconds: Double = 60, _ condition: () async throws -> Bool) async throws -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if try await condition() { return true }
    try await Task.sleep(for: .milliseconds(50))
  }
  return try await condition()
}
