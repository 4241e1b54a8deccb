import AsyncHTTPClient
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Dispatch
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// `corridor serve`: how it is started.
public struct ServerConfiguration: Sendable {
  public var databasePath: String
  public var host = "127.0.0.1"
  /// 0: any free port (tests read the port from `onRunning`).
  public var port = 8080
  /// `--metrics-listen`: where `GET /metrics` answers without a key; nil: only on the main
  /// address, for an admin key.
  public var metricsAddress: (host: String, port: Int)?
  /// The only hosts callbacks may name (`--callback-allow`); nil: any public host.
  public var callbackAllow: [String]?
  /// `--callback-allow-private`: callbacks may reach loopback and private addresses.
  public var callbackAllowPrivate = false
  /// Subscriptions one key may hold (`--max-subscriptions-per-key`).
  public var maxSubscriptionsPerKey = 100
  /// Largest request body accepted; larger is 413 with a DCSA error body.
  public var maxBodyBytes = 1 << 20
  public var readers = 4
  /// The threads that run reads and writes (nil: one per core, at least two: SQLite's work is
  /// the CPU's). A server on PostgreSQL waits on the network for each answer, and a waiting
  /// thread holds no core: more threads keep reads from queuing behind each other and writes
  /// behind reads (`PostgresLedger.serverThreads`).
  public var threads: Int?
  /// A connection idle this long is closed.
  public var idleTimeout: Duration = .seconds(30)
  public var delivery = DeliverySettings()
  /// "Now" for everything the server does: recording, delivery times and retries, error bodies.
  public var clock: CorridorModel.Clock = .system

  /// How to open the ledger when it is not the SQLite file at `databasePath` (then only its name
  /// in messages): PostgreSQL's `PostgresLedger.opener`.
  public var open: ServerDatabase.Opener?
  /// A hot standby of the ledger for the reads that may lag (`serve --read-from`): GETs of
  /// events, tracking and declarations, and the pages.
  public var standby: ServerDatabase.Opener?

  public init(databasePath: String) { self.databasePath = databasePath }

  var callbackPolicy: CallbackPolicy { CallbackPolicy(allowedHosts: callbackAllow, allowPrivate: callbackAllowPrivate) }
}

/// The Hummingbird application: routes, keys, DCSA errors, and the delivery loop as a service.
public enum CorridorServer {
  /// Builds the application. `onRunning` receives the bound port once it listens.
  public static func application(
    _ configuration: ServerConfiguration, logger: Logger, notice: @Sendable (String) -> Void = { _ in },
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }, onMetricsRunning: @escaping @Sendable (Int) async -> Void = { _ in }
  ) throws -> some ApplicationProtocol {
    let metrics = ServerMetrics()
    let database = try ServerDatabase(
      name: configuration.databasePath, open: configuration.open ?? ServerDatabase.sqlite(configuration.databasePath, clock: configuration.clock),
      readers: configuration.readers, standby: configuration.standby, threads: configuration.threads, clock: configuration.clock, notice: notice,
      onGroup: metrics.groupCommit)
    let signingKey = try database.writeNow { try $0.accessStore.cursorSigningKey() }
    let router = Router(context: CorridorRequestContext.self)
    let routes = RouteTable()
    let answers = ErrorAnswers(routes: routes, clock: database.clock)
    router.middlewares.add(RequestLogAndErrors(logger: logger, answers: answers, metrics: metrics))
    router.get("/corridor/v1/openapi.yaml") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: CorridorOpenAPI.document)))
    }
    let api = router.group().add(middleware: Authentication(database: database, answers: answers))
    EventRoutes(
      database: database, signingKey: signingKey, maxBodyBytes: configuration.maxBodyBytes, eta: ETARefresher(database: database, logger: logger)
    ).add(to: api)
    SubscriptionRoutes(
      database: database, maxBodyBytes: configuration.maxBodyBytes, policy: configuration.callbackPolicy,
      maxPerKey: configuration.maxSubscriptionsPerKey
    ).add(to: api)
    PageRoutes(database: database).add(to: api)
    DeclarationRoutes(database: database).add(to: api)
    TrackingRoutes(database: database).add(to: api)
    let metricsRoutes = MetricsRoutes(database: database, metrics: metrics)
    metricsRoutes.add(to: api)
    routes.load(router.routes)
    // Never follow a redirect: a 3xx from an allowed host would re-send the signed batch to a
    // host the callback rules refuse. A 3xx is a failed attempt.
    let client = HTTPClient(
      eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
    let delivery = DeliveryService(
      database: database, client: client, logger: logger, settings: configuration.delivery, policy: configuration.callbackPolicy,
      clock: database.clock, metrics: metrics)
    var app = Application(
      router: router,
      server: .http1(configuration: .init(idleTimeout: .seconds(configuration.idleTimeout.components.seconds))),
      configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "corridor"),
      onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) }, logger: logger)
    app.addServices(delivery, ClientShutdown(client: client))
    if let (host, port) = configuration.metricsAddress {
      app.addServices(metricsRoutes.listener(host: host, port: port, logger: logger, onRunning: onMetricsRunning))
    }
    return app
  }
}

/// Shuts the HTTP client down when the server stops.
struct ClientShutdown: Service {
  let client: HTTPClient
  func run() async throws {
    try? await gracefulShutdown()
    try await client.shutdown()
  }
}

extension CorridorServer {
  /// Runs the server until SIGTERM or SIGINT: it stops accepting, finishes the requests in
  /// flight and the deliveries under way, then returns. Log lines go to stderr.
  public static func serve(_ configuration: ServerConfiguration, notice: @escaping @Sendable (String) -> Void) throws {
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = .info
      return handler
    }
    let logger = Logger(label: "corridor")
    let app = try application(
      configuration, logger: logger, notice: notice,
      onRunning: { port in
        notice("serving \(configuration.databasePath) on http://\(configuration.host):\(port) (DCSA Track & Trace 2.2 at /v2)")
      },
      onMetricsRunning: { port in
        notice("metrics on http://\(configuration.metricsAddress?.host ?? ""):\(port)/metrics (Prometheus text, no key)")
      })
    let outcome = RunOutcome()
    let done = DispatchSemaphore(value: 0)
    Task {
      do { try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint]) } catch { outcome.set(error) }
      done.signal()
    }
    done.wait()
    guard let error = outcome.error else { return }
    if let error = error as? CorridorError { throw error }
    // Binding the port is what fails in practice (in use, not permitted, an unknown host).
    if let error = error as? IOError {
      throw CorridorError(
        .io, "cannot serve on \(configuration.host):\(configuration.port): \(String(cString: strerror(error.errnoCode)))",
        hint: "choose another address with --listen HOST:PORT")
    }
    throw CorridorError(.io, "cannot serve on \(configuration.host):\(configuration.port): \(error)")
  }
}

/// The error the server stopped with, handed from its task to the waiting thread.
private final class RunOutcome: @unchecked Sendable {
  private let lock = NIOLock()
  private var stored: (any Error)?
  var error: (any Error)? { lock.withLock { stored } }
  func set(_ error: any Error) { lock.withLock { stored = error } }
}
