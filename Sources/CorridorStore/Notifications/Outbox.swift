import CorridorInterchange
import CorridorModel
import SQLite

/// The outbox: notifications enqueued in the transaction of the events they carry, and their deliveries.
public struct Outbox: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var outbox: Outbox { Outbox(db: self) }
}

/// Notifications waiting for a subscriber, written in the same transaction as the events they
/// carry by every way in (`event record`, every import format, `POST /corridor/v1/events`), so an
/// event accepted while the server is down is delivered when it starts (README "Server: push
/// notifications").
extension Outbox {
  /// Runs `body`, which records events in the caller's transaction, then adds the outbox rows
  /// for every event it recorded (the events after the newest one before it: one writer holds
  /// the transaction, so they are exactly its own).
  func notifying<T>(_ body: () throws -> T) throws -> T {
    let before = try connection.scalarInt("SELECT coalesce(MAX(seq), 0) FROM events") ?? 0
    let result = try body()
    try enqueueNotifications(afterSeq: before)
    return result
  }

  /// Adds an outbox row for each event after `afterSeq` that a live subscription matches, in the
  /// caller's transaction. The match is the subscription's filters and its owner's party, the
  /// same conditions `GET /v2/events` applies.
  ///
  /// A write records a few events and there may be many subscriptions: the new events are read
  /// once and matched in memory (`DCSAEventFilter.matches`), subscriptions with the same filters
  /// and party as one, so a thousand subscriptions add little to a write (README "Push
  /// notifications"; `Benchmarks/scripts/subscription-matching.sh`).
  func enqueueNotifications(afterSeq: Int64) throws {
    let targets = try liveNotificationTargets()
    guard !targets.isEmpty else { return }
    let events = try connection.rows(
      "SELECT \(EventStore.eventColumns) FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id WHERE e.seq > ? ORDER BY e.seq",
      [.integer(afterSeq)]
    ).map(db.eventStore.movementEvent)
    // The parties of the shipments the new events are on.
    var parties: [String: (shipper: String, consignee: String)] = [:]
    if targets.contains(where: { $0.party != nil }) {
      for ref in Set(events.compactMap(\.report.shipment)) { parties[ref] = try self.parties(of: ref) }
    }
    let now = clock.nowUTC()
    // Events in recording order, so each subscription's rows are in its delivery order.
    for event in events {
      for target in targets where target.filter.matches(event) {
        if let party = target.party {
          guard let ref = event.report.shipment, let shipment = parties[ref],
            PartyScope.includes(shipper: shipment.shipper, consignee: shipment.consignee, party: party)
          else { continue }
        }
        for id in target.ids {
          try connection.execute(
            "INSERT INTO outbox(subscription_id, event_seq, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(id), .integer(event.seq), .text(now)])
        }
      }
    }
  }
}

extension Outbox {
  /// The live subscriptions that ask for free-time alerts, grouped as for events.
  func alertTargets() throws -> [NotificationTarget] {
    try connection.rows(
      """
      SELECT s.filters, k.party, \(connection.dialect.groupConcat("s.id", separator: "' '")) AS ids
      FROM subscriptions s JOIN api_keys k ON k.name = s.owner
      WHERE s.free_time_alerts = 1 AND k.revoked_at IS NULL GROUP BY s.filters, k.party
      """
    ).map(notificationTarget)
  }

  /// Puts a raised alert in the outbox of each target that may see the box: its owner's party is
  /// the shipper or consignee of the stay's shipment (a stay on no shipment is no party's), and an
  /// `equipmentReference` filter names the box. The other filters are about events and do not
  /// apply to an alert.
  func enqueueAlert(_ id: Int64, container: ContainerNumber, shipment: String?, targets: [NotificationTarget]) throws {
    let shipmentParties = try shipment.flatMap(parties)
    for target in targets where target.filter.admits(container: container) {
      if let party = target.party {
        guard let shipmentParties, PartyScope.includes(shipper: shipmentParties.shipper, consignee: shipmentParties.consignee, party: party)
        else { continue }
      }
      for subscription in target.ids {
        try connection.execute(
          "INSERT INTO outbox(subscription_id, alert_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
          [.text(subscription), .integer(id), .text(clock.nowUTC())])
      }
    }
  }

  /// A shipment's shipper and consignee, whom a party-scoped subscription must be one of.
  func parties(of ref: String) throws -> (shipper: String, consignee: String)? {
    try connection.row("SELECT shipper, consignee FROM shipments WHERE ref = ?", [.text(ref)]).map { row in
      (try row.text("shipper"), try row.text("consignee"))
    }
  }
}

/// Subscriptions that match alike: the same filters, owners of the same party.
struct NotificationTarget {
  let filter: DCSAEventFilter
  let party: String?
  let ids: [String]
}

extension Outbox {
  /// The live subscriptions, grouped. Every change to a subscription or a key is audited, so
  /// the newest audit entry of those entities tells whether the copy kept from the last write
  /// still holds (one index range, whatever the number of events). Its hash, not its number:
  /// a rolled-back change frees its number for another change, never its hash, which chains
  /// the entry's content.
  func liveNotificationTargets() throws -> [NotificationTarget] {
    let version =
      try connection.scalarText(
        "SELECT hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log WHERE entity IN ('subscription', 'apiKey'))") ?? ""
    if let kept = db.notificationTargets, kept.version == version { return kept.targets }
    let targets = try connection.rows(
      """
      SELECT s.filters, k.party, \(connection.dialect.groupConcat("s.id", separator: "' '")) AS ids
      FROM subscriptions s JOIN api_keys k ON k.name = s.owner WHERE k.revoked_at IS NULL GROUP BY s.filters, k.party
      """
    ).map(notificationTarget)
    db.notificationTargets = (version, targets)
    return targets
  }

  /// A group of subscriptions from a row with `filters`, `party` and their `ids`.
  func notificationTarget(_ row: Row) throws -> NotificationTarget {
    NotificationTarget(
      filter: try db.accessStore.filter(of: row), party: try row.optionalText("party"),
      ids: try row.text("ids").split(separator: " ").map(String.init))
  }
}

/// A batch of notifications for one subscription, oldest first: events (one DCSA array), or
/// one free-time alert (its own JSON body), never both, so each goes out in its place in order.
public struct DueDelivery: Sendable {
  public enum Payload: Sendable {
    case events([MovementEvent])
    case alert(body: [UInt8])
  }

  public let subscriptionID: String
  public let callbackURL: String
  public let secret: [UInt8]
  public let outboxIDs: [Int64]
  public let payload: Payload
  /// Attempts made so far on the oldest row.
  public let attempts: Int
}

/// One outbox row, for `corridor subscription deliveries`.
public struct DeliveryView: Encodable, Sendable {
  public let id: Int64
  public let eventID: String
  public let createdAt: String
  public let attempts: Int
  public let lastError: String?
  public let deliveredAt: String?
}

extension Outbox {
  /// The subscriptions whose oldest undelivered row is due, and how many rows each has waiting:
  /// per subscription, events go out in the order they were recorded, so a row waiting for its
  /// retry holds back the rows behind it. Subscriptions in `skipping` (a delivery under way, or
  /// held back) are left out. What the delivery loop polls: the batch itself is read once, by
  /// `dueDelivery(of:…)`, when the subscription's lease is held.
  public func dueSubscriptions(nowMilliseconds: Int64, skipping: Set<String> = []) throws -> [(id: String, waiting: Int)] {
    // One statement a poll (the loop runs it every 50 ms): each subscription's oldest undelivered
    // row and its count, kept when that row's time has come.
    try mapSQLiteErrors {
      try connection.rows(
        """
        SELECT due.subscription_id, due.waiting FROM (
          SELECT o.subscription_id, MIN(o.id) AS head, COUNT(*) AS waiting FROM outbox o
          JOIN subscriptions s ON s.id = o.subscription_id JOIN api_keys k ON k.name = s.owner
          WHERE o.delivered_at IS NULL AND k.revoked_at IS NULL GROUP BY o.subscription_id
        ) due JOIN outbox head ON head.id = due.head
        WHERE head.next_attempt_ms <= ? ORDER BY due.subscription_id
        """, [.integer(nowMilliseconds)]
      ).compactMap { row -> (id: String, waiting: Int)? in
        let id = try row.text("subscription_id")
        return skipping.contains(id) ? nil : (id, Int(try row.int64("waiting")))
      }
    }
  }

  /// `subscription`'s next batch when its oldest undelivered row is due (nil otherwise, or when
  /// its owner's key is revoked): up to `batchSize` events, or one free-time alert.
  public func dueDelivery(of subscription: String, nowMilliseconds: Int64, batchSize: Int = 100) throws -> DueDelivery? {
    try mapSQLiteErrors {
      guard
        let head = try connection.row(
          """
          SELECT o.attempts, o.next_attempt_ms, s.callback_url, s.secret FROM outbox o
          JOIN subscriptions s ON s.id = o.subscription_id JOIN api_keys k ON k.name = s.owner
          WHERE o.subscription_id = ? AND o.delivered_at IS NULL AND k.revoked_at IS NULL ORDER BY o.id LIMIT 1
          """, [.text(subscription)]),
        try head.int64("next_attempt_ms") <= nowMilliseconds
      else { return nil }
      let rows = try connection.rows(
        """
        SELECT o.id AS outbox_id, a.body AS alert_body, \(EventStore.eventColumns) FROM outbox o
        LEFT JOIN events e ON e.seq = o.event_seq LEFT JOIN event_retractions r ON r.event_id = e.id
        LEFT JOIN free_time_alerts a ON a.id = o.alert_id
        WHERE o.subscription_id = ? AND o.delivered_at IS NULL ORDER BY o.id LIMIT ?
        """, [.text(subscription), .integer(Int64(batchSize))])
      let payload: DueDelivery.Payload
      let taken: [Row]
      if let body = try rows.first?.optionalText("alert_body") {
        (payload, taken) = (.alert(body: Array(body.utf8)), Array(rows.prefix(1)))
      } else {
        // The events up to the next alert.
        taken = Array(try rows.prefix { try $0.optionalText("alert_body") == nil })
        payload = .events(try taken.map(db.eventStore.movementEvent))
      }
      return DueDelivery(
        subscriptionID: subscription, callbackURL: try head.text("callback_url"), secret: try head.blob("secret"),
        outboxIDs: try taken.map { try $0.int64("outbox_id") }, payload: payload, attempts: Int(try head.int64("attempts")))
    }
  }

  /// Takes or renews the lease on a subscription's deliveries for `holder` (a server) until
  /// `untilMilliseconds`: true when `holder` has it, false while another server's lease runs.
  /// One statement, so two servers asking at once cannot both win (migration 0027).
  public func lease(_ subscription: String, holder: String, nowMilliseconds: Int64, untilMilliseconds: Int64) throws -> Bool {
    try mapSQLiteErrors {
      try connection.row(
        """
        INSERT INTO delivery_leases(subscription_id, holder, expires_ms) VALUES (?1, ?2, ?3)
        ON CONFLICT(subscription_id) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms
        WHERE delivery_leases.holder = excluded.holder OR delivery_leases.expires_ms <= ?4
        RETURNING holder
        """, [.text(subscription), .text(holder), .integer(untilMilliseconds), .integer(nowMilliseconds)]) != nil
    }
  }

  /// Who holds each subscription's delivery lease, and until when (for tests and operators).
  public func leases() throws -> [(subscription: String, holder: String, expiresMilliseconds: Int64)] {
    try mapSQLiteErrors {
      try connection.rows("SELECT subscription_id, holder, expires_ms FROM delivery_leases ORDER BY subscription_id").map {
        row throws(RowDecodingError) in (try row.text("subscription_id"), try row.text("holder"), try row.int64("expires_ms"))
      }
    }
  }

  /// Withdraws the notifications of a retracted event that are not yet sent: DCSA has no
  /// retraction message, so a subscriber never receives an event the feed no longer shows.
  func withdrawUndelivered(seq: Int64) throws {
    try connection.execute("DELETE FROM outbox WHERE delivered_at IS NULL AND event_seq = ?", [.integer(seq)])
  }

  /// Marks a batch delivered. `unrecorded`: earlier attempts whose outcome could not be written
  /// (a full disk), counted now with the error they met.
  public func markDelivered(_ outboxIDs: [Int64], unrecorded: (attempts: Int, error: String)? = nil) throws {
    try mapSQLiteErrors {
      try connection.transaction {
        let now = clock.nowUTC()
        let attempts = Int64(unrecorded?.attempts ?? 0)
        let error = SQLValue(unrecorded.map { String($0.error.prefix(500)) })
        for id in outboxIDs {
          try connection.execute(
            "UPDATE outbox SET delivered_at = ?, attempts = attempts + ?, last_error = coalesce(?, last_error) WHERE id = ?",
            [.text(now), .integer(attempts), error, .integer(id)])
        }
      }
    }
  }

  /// Records failed attempts on a batch (one, or more when earlier outcomes could not be
  /// written): the attempts, the error, and the time before which the subscription is not tried
  /// again.
  public func markFailed(_ outboxIDs: [Int64], error: String, retryAtMilliseconds: Int64, attempts: Int = 1) throws {
    try mapSQLiteErrors {
      try connection.transaction {
        for id in outboxIDs {
          try connection.execute(
            "UPDATE outbox SET attempts = attempts + ?, last_error = ?, next_attempt_ms = ? WHERE id = ?",
            [.integer(Int64(attempts)), .text(String(error.prefix(500))), .integer(retryAtMilliseconds), .integer(id)])
        }
      }
    }
  }

  /// A subscription's outbox rows, oldest first; `failedOnly`: undelivered rows with failed attempts.
  public func deliveries(subscription id: String, failedOnly: Bool) throws -> [DeliveryView] {
    try mapSQLiteErrors {
      try connection.rows(
        """
        SELECT o.id, coalesce(e.id, 'free-time-alert/' || o.alert_id) AS event_id, o.created_at, o.attempts, o.last_error, o.delivered_at
        FROM outbox o LEFT JOIN events e ON e.seq = o.event_seq
        WHERE o.subscription_id = ? \(failedOnly ? "AND o.delivered_at IS NULL AND o.attempts > 0" : "") ORDER BY o.id
        """, [.text(id)]
      ).map { row in
        DeliveryView(
          id: try row.int64("id"), eventID: try row.text("event_id"), createdAt: try row.text("created_at"), attempts: Int(try row.int64("attempts")),
          lastError: try row.optionalText("last_error"), deliveredAt: try row.optionalText("delivered_at"))
      }
    }
  }

  /// Counts per subscription: pending (undelivered) and delivered rows.
  public func outboxCounts(subscription id: String) throws -> (pending: Int, delivered: Int, failing: Int) {
    try mapSQLiteErrors {
      guard
        let row = try connection.row(
          """
          SELECT COUNT(*) FILTER (WHERE delivered_at IS NULL) AS pending, COUNT(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
            COUNT(*) FILTER (WHERE delivered_at IS NULL AND attempts > 0) AS failing
          FROM outbox WHERE subscription_id = ?
          """, [.text(id)])
      else { return (0, 0, 0) }
      return (Int(try row.int64("pending")), Int(try row.int64("delivered")), Int(try row.int64("failing")))
    }
  }

  /// Every subscription's undelivered notifications: how many, and when the oldest was queued
  /// (UTC text, as `created_at` holds it). Subscriptions with none are not listed.
  public func pendingBySubscription() throws -> [(subscription: String, pending: Int, oldestCreatedAt: String)] {
    try mapSQLiteErrors {
      try connection.rows(
        """
        SELECT subscription_id, COUNT(*) AS pending, MIN(created_at) AS oldest FROM outbox \(connection.dialect.indexedBy("outbox_pending"))
        WHERE delivered_at IS NULL GROUP BY subscription_id ORDER BY subscription_id
        """
      ).map { row throws(RowDecodingError) in
        (try row.text("subscription_id"), Int(try row.int64("pending", in: 0...Int64.max)), try row.text("oldest"))
      }
    }
  }
}
