import AsyncHTTPClient
import CorridorKit
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Delivers the outbox: per subscription, the oldest undelivered events (up to 100) in one
/// `POST callbackUrl`, signed; a 2xx marks them delivered, anything else or a timeout retries
/// with exponential backoff. Rows are only marked after the receiver answered, so a crash
/// between sending and marking sends again: at least once, never skipped, in recording order.
struct DeliveryService: Service {
  let database: ServerDatabase
  let client: HTTPClient
  let logger: Logger
  let settings: DeliverySettings
  /// `--callback-allow`, checked again at delivery: a subscription made before the list
  /// changed must not reach a host no longer allowed.
  let allowedHosts: [String]?

  func run() async throws {
    // On shutdown the loop is cancelled between batches (a batch under way finishes and is
    // marked); the sleeps end early and the loop returns.
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let due: [DueDelivery]
        do {
          due = try await database.read { try $0.dueDeliveries(nowMilliseconds: now, batchSize: settings.batchSize) }
        } catch is CancellationError {
          return
        } catch {
          logger.error("delivery: cannot read the outbox: \(error)")
          try? await Task.sleep(for: settings.pollInterval)
          continue
        }
        await withTaskGroup(of: Void.self) { group in
          for batch in due { group.addTask { await deliver(batch) } }
        }
        // A full batch means more is waiting: go on at once.
        if !due.contains(where: { $0.outboxIDs.count == settings.batchSize }) { try? await Task.sleep(for: settings.pollInterval) }
      }
    }
  }

  func deliver(_ batch: DueDelivery) async {
    let body = DCSAEventMapping.array(batch.events, created: .recorded)
    let failure: String?
    do {
      _ = try CallbackURL.validate(batch.callbackURL, allowedHosts: allowedHosts)
      var request = HTTPClientRequest(url: batch.callbackURL)
      request.method = .POST
      request.headers.add(name: "Content-Type", value: "application/json")
      request.headers.add(name: "API-Version", value: ServerVersion.api)
      request.headers.add(name: "Subscription-ID", value: batch.subscriptionID)
      request.headers.add(name: "Notification-Signature", value: NotificationSignature.header(body: body, secret: batch.secret))
      request.body = .bytes(ByteBuffer(bytes: body))
      let response = try await client.execute(request, timeout: .milliseconds(settings.timeout.milliseconds))
      _ = try? await response.body.collect(upTo: 1 << 16)
      failure = (200..<300).contains(Int(response.status.code)) ? nil : "HTTP \(response.status.code)"
    } catch let error as CorridorError {
      failure = error.message
    } catch {
      failure = "\(error)"
    }
    do {
      if let failure {
        let wait = settings.backoff(afterAttempts: batch.attempts + 1)
        let retryAt = Int64(Date().timeIntervalSince1970 * 1000) + wait.milliseconds
        try await database.write { try $0.markFailed(batch.outboxIDs, error: failure, retryAtMilliseconds: retryAt) }
        logger.warning("delivery to subscription \(batch.subscriptionID) failed (\(failure)); \(batch.outboxIDs.count) events retried in \(wait)")
      } else {
        try await database.write { try $0.markDelivered(batch.outboxIDs) }
        logger.info("delivered \(batch.events.count) events to subscription \(batch.subscriptionID)")
      }
    } catch {
      logger.error("delivery: cannot record the outcome for subscription \(batch.subscriptionID): \(error)")
    }
  }
}

/// How the delivery loop paces itself.
public struct DeliverySettings: Sendable {
  /// How often the outbox is read when nothing is waiting (rows written by other processes
  /// are seen within this time).
  public var pollInterval: Duration = .milliseconds(500)
  public var timeout: Duration = .seconds(10)
  /// The first retry's wait; each further failure doubles it, up to `maxBackoff`.
  public var firstBackoff: Duration = .seconds(1)
  public var maxBackoff: Duration = .seconds(300)
  public var batchSize = 100

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
