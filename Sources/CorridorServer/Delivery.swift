import AsyncHTTPClient
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Delivers the outbox: per subscription, the oldest undelivered events (up to 100) in one
/// `POST callbackUrl`, signed; a 2xx marks them delivered, anything else (a 3xx included: never
/// followed) or a timeout retries with exponential backoff. Rows are only marked after the
/// receiver answered, so a crash between sending and marking sends again: at least once, never
/// skipped, in recording order.
///
/// Each subscription is delivered on its own: a receiver that stalls or is down delays only its
/// own queue, and the whole exchange (resolve, connect, head and body) has one deadline.
struct DeliveryService: Service {
  let database: ServerDatabase
  let client: HTTPClient
  let logger: Logger
  let settings: DeliverySettings
  /// The callback rules, checked again at delivery on the resolved addresses: a subscription
  /// made before the rules changed, or a name that now resolves elsewhere, must not be reached.
  let policy: CallbackPolicy
  let clock: CorridorModel.Clock
  let metrics: ServerMetrics
  let state = DeliveryState()

  func run() async throws {
    // On shutdown the loop is cancelled between polls (deliveries under way finish, within their
    // deadline, and are marked); the sleeps end early and the loop returns.
    await cancelWhenGracefulShutdown {
      await withDiscardingTaskGroup { group in
        var nextSweep: Int64 = 0
        while !Task.isCancelled {
          let now = clock.now().milliseconds
          if now >= nextSweep {
            nextSweep = now + settings.freeTimeSweep.milliseconds
            await raiseFreeTimeAlerts()
          }
          let skipping = state.busy(now: now)
          let due: [(id: String, waiting: Int)]
          do {
            due = try await database.read { try $0.outbox.dueSubscriptions(nowMilliseconds: now, skipping: skipping) }
          } catch is CancellationError {
            return
          } catch {
            logger.error("delivery: cannot read the outbox: \(error)")
            try? await Task.sleep(for: settings.pollInterval)
            continue
          }
          var full = false
          for (subscription, waiting) in due where state.start(subscription) {
            full = full || waiting >= settings.batchSize
            group.addTask {
              await deliver(subscription)
              state.finish(subscription)
            }
          }
          // A full batch waiting means more may come after it: go on at once.
          if !full { try? await Task.sleep(for: settings.pollInterval) }
        }
      }
    }
  }

  /// Raises the free-time alerts due now (`FreeTimeStore.raiseAlerts`); they are delivered with
  /// the events, in order. A failure is logged and tried again at the next sweep.
  func raiseFreeTimeAlerts() async {
    let now = clock.now()
    do {
      // Found on a reader, written in a short write: intake is not held up while a year's open
      // stays are looked at.
      let open = try await database.read { db -> [PricedStay] in
        try db.freeTimeStore.alertsWanted() ? try db.freeTimeStore.openStays(asOf: now) : []
      }
      guard !open.isEmpty else { return }
      let raised = try await database.write { try $0.freeTimeStore.raiseAlerts(for: open, asOf: now) }
      if !raised.isEmpty { logger.info("raised \(raised.count) free-time alerts") }
    } catch {
      logger.error("delivery: cannot raise free-time alerts: \(error)")
    }
  }

  /// Delivers a subscription's next batch, if this server holds (or can take) the
  /// subscription's lease: with several servers on one ledger, one at a time sends a
  /// subscription's notifications, in order. The batch is read only with the lease held, since
  /// another server may have sent part of what was due when the loop polled.
  func deliver(_ subscription: String) async {
    let now = clock.now().milliseconds
    let batch: DueDelivery
    do {
      let until = now + settings.lease.milliseconds
      guard
        try await database.write({
          try $0.outbox.lease(subscription, holder: settings.holder, nowMilliseconds: now, untilMilliseconds: until)
        })
      else { return }
      guard
        let due = try await database.read({
          try $0.outbox.dueDelivery(of: subscription, nowMilliseconds: now, batchSize: settings.batchSize)
        })
      else { return }
      batch = due
    } catch {
      logger.error("delivery: subscription \(subscription): cannot take its lease: \(error)")
      return
    }
    let failure = await send(batch)
    metrics.delivery(subscription: batch.subscriptionID, failed: failure != nil, notifications: batch.outboxIDs.count)
    let unrecorded = state.unrecorded(batch.subscriptionID)
    do {
      if let failure {
        let attempts = 1 + (unrecorded?.attempts ?? 0)
        let wait = settings.backoff(afterAttempts: batch.attempts + attempts)
        let retryAt = clock.now().milliseconds + wait.milliseconds
        try await database.write { try $0.outbox.markFailed(batch.outboxIDs, error: failure, retryAtMilliseconds: retryAt, attempts: attempts) }
        logger.warning("delivery to subscription \(batch.subscriptionID) failed (\(failure)); \(batch.outboxIDs.count) events retried in \(wait)")
      } else {
        try await database.write { try $0.outbox.markDelivered(batch.outboxIDs, unrecorded: unrecorded) }
        logger.info("delivered \(batch.outboxIDs.count) notifications to subscription \(batch.subscriptionID)")
      }
      state.recorded(batch.subscriptionID)
    } catch {
      // The outcome cannot be written (a full disk, most often): back off as after a failure,
      // counting in memory, so a receiver is not sent the same batch at every poll. The attempts
      // and this error are written with the next outcome that can be.
      let attempts = (unrecorded?.attempts ?? 0) + 1
      let wait = settings.backoff(afterAttempts: batch.attempts + attempts)
      let message = "the outcome of an attempt (\(failure ?? "delivered")) could not be recorded: \(error)"
      state.hold(batch.subscriptionID, until: clock.now().milliseconds + wait.milliseconds, attempts: attempts, error: message)
      logger.error("delivery: subscription \(batch.subscriptionID): \(message); \(attempts) attempts unrecorded, next in \(wait)")
    }
  }

  /// One exchange with the receiver: nil when it answered 2xx, else why not.
  func send(_ batch: DueDelivery) async -> String? {
    let body: [UInt8] =
      switch batch.payload {
      case .events(let events): DCSAEventMapping.array(events, created: .recorded)
      case .alert(let alert): alert
      }
    do {
      let target = try policy.validate(batch.callbackURL)
      return try await withDeadline(settings.timeout) {
        var request = HTTPClientRequest(url: try await pinnedURL(target))
        request.method = .POST
        // The URL may name the address the host resolved to: the receiver still sees its name.
        let defaultPort = target.scheme == "https" ? 443 : 80
        let host = target.literal.map(\.urlHost) ?? target.host
        request.headers.add(name: "Host", value: target.port == defaultPort ? host : "\(host):\(target.port)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "API-Version", value: ServerVersion.api)
        request.headers.add(name: "Subscription-ID", value: batch.subscriptionID)
        request.headers.add(name: "Notification-Signature", value: NotificationSignature.header(body: body, secret: batch.secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .milliseconds(settings.timeout.milliseconds))
        // Read (and drop) the answer's body, up to 64 KiB, within the same deadline.
        var read = 0
        for try await chunk in response.body {
          read += chunk.readableBytes
          if read > 1 << 16 { break }
        }
        return (200..<300).contains(Int(response.status.code)) ? nil : "HTTP \(response.status.code)"
      }
    } catch let error as CorridorError {
      return error.message
    } catch is DeliveryTimeout {
      return "no complete answer within \(settings.timeout)"
    } catch {
      return "\(error)"
    }
  }

  /// The URL to connect to. A name is resolved here and every address it has must pass the
  /// rules; for `http` the connection goes to the checked address (pinned: no second
  /// resolution can send it elsewhere). For `https` the name stays in the URL, since the
  /// certificate is checked against it: a name rebound to an internal address fails that check.
  func pinnedURL(_ target: CallbackPolicy.Target) async throws -> String {
    if let literal = target.literal { return "\(target.scheme)://\(literal.urlHost):\(target.port)\(target.pathAndQuery)" }
    let addresses = try await HostResolver.addresses(of: target.host)
    guard let first = addresses.first else {
      throw CorridorError.invalid("callbackUrl host \(target.host) has no address", rule: .callbackURL)
    }
    try policy.check(addresses, for: target)
    guard target.scheme == "http" else { return target.url }
    return "http://\(first.urlHost):\(target.port)\(target.pathAndQuery)"
  }
}

/// The delivery loop's memory: which subscriptions have a delivery under way, and which are
/// held back because an outcome could not be recorded.
final class DeliveryState: Sendable {
  private struct Held {
    var until: Int64
    var attempts: Int
    var error: String
  }
  private struct Store {
    var inFlight: Set<String> = []
    var held: [String: Held] = [:]
  }
  private let store = Mutex(Store())

  /// Subscriptions not to read from the outbox now.
  func busy(now: Int64) -> Set<String> {
    store.withLock { store in store.inFlight.union(store.held.filter { $0.value.until > now }.keys) }
  }

  /// Marks a delivery under way; false when one already is.
  func start(_ id: String) -> Bool { store.withLock { $0.inFlight.insert(id).inserted } }

  func finish(_ id: String) { store.withLock { _ = $0.inFlight.remove(id) } }

  /// Attempts whose outcome could not be written yet, and the error they met.
  func unrecorded(_ id: String) -> (attempts: Int, error: String)? {
    store.withLock { store in store.held[id].map { ($0.attempts, $0.error) } }
  }

  func hold(_ id: String, until: Int64, attempts: Int, error: String) {
    store.withLock { $0.held[id] = Held(until: until, attempts: attempts, error: error) }
  }

  func recorded(_ id: String) { store.withLock { _ = $0.held.removeValue(forKey: id) } }
}

struct DeliveryTimeout: Error {}

/// Runs `body` with a deadline on all of it; past it, `body` is cancelled and `DeliveryTimeout`
/// thrown.
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: limit)
      throw DeliveryTimeout()
    }
    defer { group.cancelAll() }
    guard let first = try await group.next() else { throw DeliveryTimeout() }
    return first
  }
}

/// Name resolution (getaddrinfo) on a thread of its own, never on an event loop.
enum HostResolver {
  static func addresses(of host: String) async throws -> [IPAddress] {
    try await NIOThreadPool.singleton.runIfActive {
      var hints = addrinfo()
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
      var list: UnsafeMutablePointer<addrinfo>?
      let status = getaddrinfo(host, nil, &hints, &list)
      guard status == 0, let list else {
        throw CorridorError.invalid(
          "callbackUrl host \(host) cannot be resolved (\(String(cString: gai_strerror(status))))", rule: .callbackURL)
      }
      defer { freeaddrinfo(list) }
      var addresses: [IPAddress] = []
      var node: UnsafeMutablePointer<addrinfo>? = list
      while let current = node {
        if let address = current.pointee.ai_addr {
          switch Int32(address.pointee.sa_family) {
          case AF_INET:
            let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            addresses.append(IPAddress(networkOrder: withUnsafeBytes(of: v4) { Array($0) }))
          case AF_INET6:
            let v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            addresses.append(IPAddress(networkOrder: withUnsafeBytes(of: v6) { Array($0) }))
          default: break
          }
        }
        node = current.pointee.ai_next
      }
      return addresses
    }
  }
}

/// How the delivery loop paces itself.
public struct DeliverySettings: Sendable {
  /// How often the outbox is read when nothing is waiting (rows written by other processes
  /// are seen within this time).
  public var pollInterval: Duration = .milliseconds(500)
  /// The deadline of one whole exchange: resolve, connect, send, the answer's head and body.
  public var timeout: Duration = .seconds(10)
  /// The first retry's wait; each further failure doubles it, up to `maxBackoff`.
  public var firstBackoff: Duration = .seconds(1)
  public var maxBackoff: Duration = .seconds(300)
  public var batchSize = 100
  /// How often open stays are looked at for free-time alerts (a day's granularity needs no
  /// more; the 10M-event year's open stays take about a second to find).
  public var freeTimeSweep: Duration = .seconds(600)
  /// How long this server's hold on a subscription's deliveries lasts (renewed with each batch):
  /// longer than `timeout`, so it never runs out while a batch is being sent. When several
  /// servers share the ledger, a server that stops leaves its subscriptions to the others after
  /// this long.
  public var lease: Duration = .seconds(30)
  /// This server among those that share the ledger, in the leases it holds.
  public var holder = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"

  public init() {}

  func backoff(afterAttempts attempts: Int) -> Duration {
    var wait = firstBackoff
    for _ in 1..<max(1, attempts) where wait < maxBackoff { wait *= 2 }
    return min(wait, maxBackoff)
  }
}

extension Duration {
  var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
