import CorridorInterchange
import CorridorModel
import Crypto
import Foundation
import SQLite

/// Keys and subscriptions: who may read and write what, and who is told of which events.
public struct AccessStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var accessStore: AccessStore { AccessStore(db: self) }
}

/// What an API key may do (docs/server.md "Keys and roles").
public enum APIRole: String, Sendable, CaseIterable, Codable {
  /// Reads events and manages its own subscriptions.
  case reader
  /// A reader that may also post events (terminals, railways).
  case writer
  /// A writer that sees every subscription (when it has no party).
  case admin

  public var mayWrite: Bool { self != .reader }
}

/// An API key as stored: its hash, never the key.
public struct APIKey: Sendable, Equatable {
  public let name: String
  public let role: APIRole
  /// Reads only events of shipments whose shipper or consignee is this party.
  public let party: String?
  public let createdAt: String
  public let revokedAt: String?

  /// An admin without a party sees and manages every key's subscriptions.
  var seesEverySubscription: Bool { role == .admin && party == nil }
}

/// The JSON contract of `apikey list --format json` (the key itself is never in it).
public struct APIKeyView: Encodable, Sendable {
  public let name: String
  public let role: String
  public let party: String?
  public let createdAt: String
  public let revokedAt: String?

  public init(_ key: APIKey) {
    name = key.name
    role = key.role.rawValue
    party = key.party
    createdAt = key.createdAt
    revokedAt = key.revokedAt
  }
}

/// The JSON contract of `apikey create --format json`: the one time the key is shown.
public struct CreatedAPIKeyView: Encodable, Sendable {
  public let name: String
  public let role: String
  public let party: String?
  public let key: String

  public init(_ key: APIKey, secret: String) {
    name = key.name
    role = key.role.rawValue
    party = key.party
    self.key = secret
  }
}

/// What a party-scoped key may see: the shipments whose shipper or consignee is its party (and
/// their events). The one definition, used by every query that scopes by party.
enum PartyScope {
  /// `SELECT ref` of the party's shipments; its arguments are `arguments(party)`.
  static let shipments = "SELECT ref FROM shipments WHERE shipper = ? OR consignee = ?"
  static func arguments(_ party: String) -> [SQLValue] { [.text(party), .text(party)] }
  /// The same rule on a shipment's parties, for matching in memory.
  static func includes(shipper: String, consignee: String, party: String) -> Bool { shipper == party || consignee == party }
}

extension APIKey {
  /// SHA-256 of the key's text, in hex: what is stored and what a presented key is looked up by.
  /// A key is 256 random bits, so a plain hash (no salt, no stretching) cannot be guessed back.
  static func digest(_ key: String) -> String { hex(SHA256.hash(data: Data(key.utf8))) }

  /// A new key: `crd_` and 43 characters of base64url (256 random bits).
  static func generate() -> String {
    let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    return "crd_" + bytes.base64URLEncoded
  }
}

extension Data {
  /// Base64 with the URL alphabet and no padding (RFC 4648 §5).
  public var base64URLEncoded: String {
    // Byte by byte: the server writes two cursors per page, and three `replacingOccurrences`
    // cost more than the page's query.
    var bytes = Array(base64EncodedData())
    while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
    for index in bytes.indices {
      switch bytes[index] {
      case UInt8(ascii: "+"): bytes[index] = UInt8(ascii: "-")
      case UInt8(ascii: "/"): bytes[index] = UInt8(ascii: "_")
      default: break
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public init?(base64URLEncoded text: String) {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    self.init(base64Encoded: base64)
  }
}

extension AccessStore {
  /// Creates a key and returns it with its text, which is not stored and cannot be shown again.
  public func createAPIKey(name: String, role: APIRole, party: String?, operator op: String) throws -> (APIKey, key: String) {
    let name = name.trimmingSpaces
    guard !name.isEmpty, name.count <= 64, !name.contains(where: \.isNewline) else {
      throw CorridorError.invalid("a key's name is 1 to 64 characters on one line", rule: .apiKey)
    }
    try TextRule.identifier(name, field: "the key's name", rule: .apiKey)
    if let party, party.trimmingSpaces.isEmpty || party.count > 200 {
      throw CorridorError.invalid("--party is 1 to 200 characters", rule: .apiKey)
    }
    if let party, let bad = VisibleText.firstControl(in: party) {
      throw CorridorError.invalid("--party holds the control character \(bad)", rule: .apiKey)
    }
    let secret = APIKey.generate()
    return try mapSQLiteErrors {
      try connection.transaction {
        if try connection.row("SELECT 1 FROM api_keys WHERE name = ?", [.text(name)]) != nil {
          throw CorridorError.invalid(
            "an API key named \(name) exists", rule: .apiKey, hint: "choose another name, or revoke it with `corridor apikey revoke \(name)`")
        }
        let now = clock.nowUTC()
        try connection.execute(
          "INSERT INTO api_keys(name, role, party, key_sha256, created_at) VALUES (?, ?, ?, ?, ?)",
          [.text(name), .text(role.rawValue), SQLValue(party), .text(APIKey.digest(secret)), .text(now)])
        try db.auditTrail.audit(action: "insert", entity: "apiKey", key: name, operator: op)
        return (APIKey(name: name, role: role, party: party, createdAt: now, revokedAt: nil), secret)
      }
    }
  }

  public func apiKeys() throws -> [APIKey] {
    try mapSQLiteErrors { try connection.rows("SELECT \(Self.apiKeyColumns) FROM api_keys ORDER BY name").map(Self.apiKey) }
  }

  /// Revokes a key: requests with it get 401 from then on, and its subscriptions stop
  /// delivering. False when it was already revoked.
  @discardableResult
  public func revokeAPIKey(name: String, operator op: String) throws -> Bool {
    try mapSQLiteErrors {
      try connection.transaction {
        guard let row = try connection.row("SELECT revoked_at FROM api_keys WHERE name = ?", [.text(name)]) else {
          throw CorridorError.invalid("unknown API key \(name)", rule: .apiKey, hint: "see the names with `corridor apikey list`")
        }
        if try row.optionalText("revoked_at") != nil { return false }
        try connection.execute("UPDATE api_keys SET revoked_at = ? WHERE name = ?", [.text(clock.nowUTC()), .text(name)])
        try db.auditTrail.audit(action: "update", entity: "apiKey", key: name, operator: op)
        return true
      }
    }
  }

  /// The live key a request presented, or nil (unknown or revoked).
  public func apiKey(presented key: String) throws -> APIKey? {
    try mapSQLiteErrors {
      try connection.row(
        "SELECT \(Self.apiKeyColumns) FROM api_keys WHERE key_sha256 = ? AND revoked_at IS NULL", [.text(APIKey.digest(key))]
      ).map(Self.apiKey)
    }
  }

  static let apiKeyColumns = "name, role, party, created_at, revoked_at"

  static func apiKey(_ row: Row) throws(RowDecodingError) -> APIKey {
    APIKey(
      name: try row.text("name"), role: try row.code("role"), party: try row.optionalText("party"), createdAt: try row.text("created_at"),
      revokedAt: try row.optionalText("revoked_at"))
  }
}

extension AccessStore {
  /// The random key (made by migration 0011) that signs paging cursors.
  public func cursorSigningKey() throws -> [UInt8] {
    try mapSQLiteErrors {
      guard let row = try connection.row("SELECT value FROM server_secrets WHERE name = 'cursor'") else {
        throw CorridorError(.internal, "the cursor signing key is missing (server_secrets)")
      }
      return try row.blob("value")
    }
  }
}

extension StoreFeature {
  /// What the API keys feature audits.
  static let access = StoreFeature(
    auditedEntities: [
      // A key's hash is in its state (256 random bits: nothing to guess back); a subscription's
      // secret is not (the trail goes to customs), only when it was last set.
      AuditedEntity(
        name: "apiKey",
        select: """
          SELECT name AS key, name, role, party, key_sha256 AS "keySha256", created_at AS "createdAt", revoked_at AS "revokedAt" FROM api_keys
          """, keyExpression: "name")
    ])
}
