import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

/// A DCSA event subscription: where to push, the filters, and the key that owns it. It delivers
/// only what its owner may read (the owner's party), and stops while the owner is revoked.
public struct Subscription: Sendable, Equatable {
  public let id: String
  public let owner: String
  public let callbackURL: String
  public let filter: DCSAEventFilter
  public let createdAt: String
  public let updatedAt: String
  public let secretSetAt: String
  /// Corridor's own field: free-time alerts are pushed too (docs/waiting-costs.md "Alerts").
  public let freeTimeAlerts: Bool
}

/// The JSON of a subscription, as `GET /v2/event-subscriptions/{id}` returns it and
/// `corridor subscription show --format json` prints it: DCSA's fields (`subscriptionID`,
/// `callbackUrl`, the filters) and Corridor's (`owner`, `createdAt`, `updatedAt`). Never the secret.
public struct SubscriptionView: Encodable, Sendable {
  public let json: CanonicalJSON

  public init(_ subscription: Subscription) {
    guard case .object(var members) = subscription.filter.json else { preconditionFailure("filters encode as an object") }
    members["subscriptionID"] = .string(subscription.id)
    members["callbackUrl"] = .string(subscription.callbackURL)
    members["owner"] = .string(subscription.owner)
    members["createdAt"] = .string(subscription.createdAt)
    members["updatedAt"] = .string(subscription.updatedAt)
    members["freeTimeAlerts"] = .bool(subscription.freeTimeAlerts)
    json = .object(members)
  }

  public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension CanonicalJSON: Encodable {
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .int(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let items): try container.encode(items)
    case .object(let members): try container.encode(members)
    }
  }
}

extension AccessStore {
  public func createSubscription(
    owner: APIKey, callbackURL: String, secret: [UInt8], filter: DCSAEventFilter, freeTimeAlerts: Bool = false, operator op: String,
    maxPerKey: Int = 100
  ) throws -> Subscription {
    try Self.checkSecret(secret)
    let id = UUID().uuidString.lowercased()
    return try mapSQLiteErrors {
      try connection.transaction {
        // Each subscription costs every writer a match per event: a key holds a bounded number.
        let held = try connection.scalarInt("SELECT COUNT(*) FROM subscriptions WHERE owner = ?", [.text(owner.name)]) ?? 0
        guard held < maxPerKey else {
          throw CorridorError.invalid(
            "key \(owner.name) already holds \(held) subscriptions, the most one key may hold (the server's --max-subscriptions-per-key)",
            rule: .subscription, hint: "delete subscriptions it no longer needs")
        }
        let now = clock.nowUTC()
        try connection.execute(
          """
          INSERT INTO subscriptions(id, owner, callback_url, secret, filters, created_at, updated_at, secret_set_at, free_time_alerts)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
          [
            .text(id), .text(owner.name), .text(callbackURL), .blob(secret), .text(filter.json.text), .text(now), .text(now), .text(now),
            Self.flag(freeTimeAlerts),
          ])
        try db.auditTrail.audit(action: "insert", entity: "subscription", key: id, operator: op)
        guard let created = try subscription(id: id, visibleTo: owner) else { throw CorridorError(.internal, "subscription \(id) vanished") }
        return created
      }
    }
  }

  /// The subscriptions a key may see: its own, or all for an admin without a party (and for the
  /// CLI: `nil`). An admin with a party sees its own only: others' callbacks and filters name
  /// other parties' boxes.
  public func subscriptions(visibleTo key: APIKey?) throws -> [Subscription] {
    try mapSQLiteErrors {
      let owned = key.map { !$0.seesEverySubscription } ?? false
      return try connection.rows(
        "SELECT \(Self.subscriptionColumns) FROM subscriptions \(owned ? "WHERE owner = ?" : "") ORDER BY created_at, id",
        owned ? [.text(key?.name ?? "")] : []
      ).map(subscription)
    }
  }

  /// The subscription, when `key` may see it (nil: the CLI, which sees all).
  public func subscription(id: String, visibleTo key: APIKey?) throws -> Subscription? {
    try mapSQLiteErrors {
      guard let found = try connection.row("SELECT \(Self.subscriptionColumns) FROM subscriptions WHERE id = ?", [.text(id)]).map(subscription)
      else { return nil }
      if let key, !key.seesEverySubscription, key.name != found.owner { return nil }
      return found
    }
  }

  /// The subscription (every one: the CLI's view), or the refusal naming where to find ids.
  public func requireSubscription(id: String) throws -> Subscription {
    guard let found = try subscription(id: id, visibleTo: nil) else {
      throw CorridorError.invalid("unknown subscription \(id)", rule: .subscription, hint: "see ids with `corridor subscription list`")
    }
    return found
  }

  /// Replaces the callback and the filters (DCSA PUT: the body is the whole subscription).
  public func updateSubscription(
    id: String, callbackURL: String, filter: DCSAEventFilter, freeTimeAlerts: Bool = false, by key: APIKey, operator op: String
  ) throws -> Subscription? {
    try mapSQLiteErrors {
      try connection.transaction {
        guard try subscription(id: id, visibleTo: key) != nil else { return nil }
        try connection.execute(
          "UPDATE subscriptions SET callback_url = ?, filters = ?, free_time_alerts = ?, updated_at = ? WHERE id = ?",
          [.text(callbackURL), .text(filter.json.text), Self.flag(freeTimeAlerts), .text(clock.nowUTC()), .text(id)])
        try db.auditTrail.audit(action: "update", entity: "subscription", key: id, operator: op)
        return try subscription(id: id, visibleTo: key)
      }
    }
  }

  public func setSubscriptionSecret(id: String, secret: [UInt8], by key: APIKey, operator op: String) throws -> Bool {
    try Self.checkSecret(secret)
    return try mapSQLiteErrors {
      try connection.transaction {
        guard try subscription(id: id, visibleTo: key) != nil else { return false }
        let now = clock.nowUTC()
        try connection.execute(
          "UPDATE subscriptions SET secret = ?, secret_set_at = ?, updated_at = ? WHERE id = ?", [.blob(secret), .text(now), .text(now), .text(id)])
        try db.auditTrail.audit(action: "update", entity: "subscription", key: id, operator: op)
        return true
      }
    }
  }

  /// Deletes the subscription and its undelivered notifications.
  public func deleteSubscription(id: String, by key: APIKey, operator op: String) throws -> Bool {
    try mapSQLiteErrors {
      try connection.transaction {
        guard try subscription(id: id, visibleTo: key) != nil else { return false }
        try connection.execute("DELETE FROM subscriptions WHERE id = ?", [.text(id)])
        try connection.execute("DELETE FROM delivery_leases WHERE subscription_id = ?", [.text(id)])
        try db.auditTrail.audit(action: "delete", entity: "subscription", key: id, operator: op)
        return true
      }
    }
  }

  static func checkSecret(_ secret: [UInt8]) throws(CorridorError) {
    guard (16...1024).contains(secret.count) else {
      throw .invalid("secret must be base64 of 16 to 1024 bytes", rule: .subscription)
    }
  }

  static let subscriptionColumns = "id, owner, callback_url, filters, created_at, updated_at, secret_set_at, free_time_alerts"

  /// The stored flag: NULL when not asked (the column came later; see the migration).
  static func flag(_ on: Bool) -> SQLValue { on ? .integer(1) : .null }

  func subscription(_ row: Row) throws -> Subscription {
    Subscription(
      id: try row.text("id"), owner: try row.text("owner"), callbackURL: try row.text("callback_url"), filter: try filter(of: row),
      createdAt: try row.text("created_at"), updatedAt: try row.text("updated_at"), secretSetAt: try row.text("secret_set_at"),
      freeTimeAlerts: try row.optionalInt("free_time_alerts", in: 1...1) != nil)
  }

  /// The stored filters of a subscription row (`filters`): one that cannot be read is a bug.
  func filter(of row: Row) throws -> DCSAEventFilter {
    let filters = try row.text("filters")
    do { return try DCSAEventFilter(json: try JSONParser.parse(Array(filters.utf8))) } catch {
      throw CorridorError(.internal, "a subscription has unreadable filters: \(error)")
    }
  }
}

extension StoreFeature {
  /// What the event subscriptions feature audits.
  static let notifications = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "subscription",
        select: """
          SELECT id AS key, id, owner, callback_url AS "callbackUrl", filters, created_at AS "createdAt", updated_at AS "updatedAt",
            secret_set_at AS "secretSetAt", free_time_alerts AS "freeTimeAlerts"
          FROM subscriptions
          """, keyExpression: "id")
    ])
}
