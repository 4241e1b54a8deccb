import CorridorModel
import CorridorStore
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import Synchronization

/// What one server measures, in Prometheus' text format at `GET /metrics` (an admin key): its
/// requests by route, method and status and their latency, the writer's group commits and the
/// writes waiting behind them, the outbox's depth and the age of its oldest undelivered
/// notification per subscription, and delivery attempts and failures. Recorded through
/// swift-metrics into a registry of this server's own (not the process-wide `MetricsSystem`), so
/// two servers in one process (the tests) keep their own counts.
public final class ServerMetrics: Sendable {
  private let registry = PrometheusCollectorRegistry()
  private let factory: PrometheusMetricsFactory
  /// Subscriptions with an outbox gauge: set to 0 when their queue empties.
  private let subscriptions = Mutex<Set<String>>([])

  public init() {
    var factory = PrometheusMetricsFactory(registry: registry)
    // Latency buckets from 1 ms to 10 s: a tracking read takes milliseconds, a large POST seconds.
    factory.defaultDurationHistogramBuckets = [
      .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]
    // Group commits hold 1 to 64 writes (ServerDatabase's maximum).
    factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64]
    self.factory = factory
  }

  /// One answered request. `route` is the router's pattern (`/v2/events`,
  /// `/corridor/v1/tracking/{container}`), never the raw path: a label per container would grow
  /// without end.
  func request(method: String, route: String, status: Int, duration: Duration) {
    let labels = [("method", method), ("route", route), ("status", String(status))]
    Counter(label: "corridor_http_requests_total", dimensions: labels, factory: factory).increment()
    Metrics.Timer(label: "corridor_http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
      .record(duration: duration)
  }

  /// The writer took `size` writes into one transaction, `waiting` stayed queued behind them.
  @Sendable func groupCommit(size: Int, waiting: Int) {
    Recorder(label: "corridor_writer_group_commit_size", factory: factory).record(size)
    Gauge(label: "corridor_writer_queue_waiting", factory: factory).record(waiting)
    Counter(label: "corridor_writer_commits_total", factory: factory).increment()
  }

  /// One delivery attempt to a subscription's callback, successful or not.
  func delivery(subscription: String, failed: Bool, notifications: Int) {
    let labels = [("subscription", subscription)]
    Counter(label: "corridor_delivery_attempts_total", dimensions: labels, factory: factory).increment()
    if failed {
      Counter(label: "corridor_delivery_failures_total", dimensions: labels, factory: factory).increment()
    } else {
      Counter(label: "corridor_delivered_notifications_total", dimensions: labels, factory: factory).increment(by: notifications)
    }
  }

  /// The text a scrape returns, after reading the outbox as of `now`.
  func scrape(outbox: [(subscription: String, pending: Int, oldestCreatedAt: String)], now: EventTime) -> String {
    let listed = Set(outbox.map(\.subscription))
    let emptied = subscriptions.withLock { known in
      let emptied = known.subtracting(listed)
      known = listed
      return emptied
    }
    for (subscription, pending, oldest) in outbox {
      let labels = [("subscription", subscription)]
      Gauge(label: "corridor_outbox_pending", dimensions: labels, factory: factory).record(pending)
      let age = (try? EventTime(parsing: oldest)).map { max(0, Double(now.milliseconds - $0.milliseconds) / 1000) } ?? 0
      Gauge(label: "corridor_outbox_oldest_pending_age_seconds", dimensions: labels, factory: factory).record(age)
    }
    for subscription in emptied {
      let labels = [("subscription", subscription)]
      Gauge(label: "corridor_outbox_pending", dimensions: labels, factory: factory).record(0)
      Gauge(label: "corridor_outbox_oldest_pending_age_seconds", dimensions: labels, factory: factory).record(0)
    }
    Gauge(label: "corridor_outbox_pending_total", factory: factory).record(outbox.reduce(0) { $0 + $1.pending })
    return registry.emitToString()
  }
}

/// `GET /metrics`, for an admin key: Prometheus' text exposition format 0.0.4.
struct MetricsRoutes {
  let database: ServerDatabase
  let metrics: ServerMetrics

  func add(to router: RouterGroup<CorridorRequestContext>) {
    router.get("/metrics") { _, context in
      let key = try context.requireKey()
      guard key.role == .admin else { throw DCSAError.forbidden("key \(key.name) is a \(key.role.rawValue); /metrics needs an admin key") }
      return try await scrape()
    }
  }

  /// The scrape's response: the outbox read as of the server's clock, then every series.
  func scrape() async throws -> Response {
    let outbox = try await database.read { try $0.outbox.pendingBySubscription() }
    let text = metrics.scrape(outbox: outbox, now: database.clock.now())
    return Response(
      status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  /// `--metrics-listen HOST:PORT`: a listener of its own that answers `GET /metrics` without a
  /// key, the usual way a Prometheus server scrapes (the address, on loopback or a monitoring
  /// network, is the access control); every other path is 404. It runs as one of the main
  /// application's services, so it starts and stops with it.
  func listener(host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void) -> MetricsListener {
    let router = Router()
    router.get("/metrics") { _, _ in try await scrape() }
    let application = Application(
      router: router, configuration: .init(address: .hostname(host, port: port), serverName: "corridor-metrics"),
      onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    return MetricsListener(host: host, port: port, application: application)
  }
}

/// The metrics listener as a service: a failure to bind names its own address, not the API's.
struct MetricsListener: Service {
  let host: String
  let port: Int
  let application: any ApplicationProtocol

  func run() async throws {
    do { try await application.run() } catch let error as IOError {
      throw CorridorError(
        .io, "cannot serve metrics on \(host):\(port): \(String(cString: strerror(error.errnoCode)))",
        hint: "choose another address with --metrics-listen HOST:PORT")
    }
  }
}
