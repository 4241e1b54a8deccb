import Crypto

/// One entry of the trail.
public struct AuditEntry: Sendable, Equatable {
  public let seq: Int64
  public let recordedAt: String
  public let operatorName: String
  public let action: String
  public let entity: String
  public let key: String
  /// Canonical JSON text of the state.
  public let state: String
  public let prevHash: String
  public let hash: String

  package init(
    seq: Int64, recordedAt: String, operatorName: String, action: String, entity: String, key: String, state: String, prevHash: String, hash: String
  ) {
    self.seq = seq
    self.recordedAt = recordedAt
    self.operatorName = operatorName
    self.action = action
    self.entity = entity
    self.key = key
    self.state = state
    self.prevHash = prevHash
    self.hash = hash
  }

  /// The bytes that are hashed after `prevHash`: the entry without its hashes, canonical.
  public static func canonical(
    seq: Int64, recordedAt: String, operator op: String, action: String, entity: String, key: String, state: String
  ) -> String {
    write(seq: seq, recordedAt: recordedAt, operator: op, action: action, entity: entity, key: key, state: state, hashes: nil)
  }

  /// The entry's JSON in key order; with `hashes`, `hash` and `prevHash` take their sorted
  /// places ("hash" before "key", "prevHash" before "recordedAt") for the export line.
  package static func write(
    seq: Int64, recordedAt: String, operator op: String, action: String, entity: String, key: String, state: String,
    hashes: (prev: String, hash: String)?
  ) -> String {
    var out = "{\"action\":"
    CanonicalJSON.writeString(action, to: &out)
    out += ",\"entity\":"
    CanonicalJSON.writeString(entity, to: &out)
    if let hashes { out += ",\"hash\":\"\(hashes.hash)\"" }
    out += ",\"key\":"
    CanonicalJSON.writeString(key, to: &out)
    out += ",\"operator\":"
    CanonicalJSON.writeString(op, to: &out)
    if let hashes { out += ",\"prevHash\":\"\(hashes.prev)\"" }
    out += ",\"recordedAt\":"
    CanonicalJSON.writeString(recordedAt, to: &out)
    out += ",\"seq\":\(seq),\"state\":\(state)}"
    return out
  }

  /// hash = SHA-256(prevHash as ASCII hex ‖ canonical entry as UTF-8), lower-case hex.
  public static func hash(prevHash: String, canonical: String) -> String {
    var hasher = SHA256()
    hasher.update(data: Array(prevHash.utf8))
    hasher.update(data: Array(canonical.utf8))
    return hex(hasher.finalize())
  }

  public var canonical: String {
    Self.canonical(seq: seq, recordedAt: recordedAt, operator: operatorName, action: action, entity: entity, key: key, state: state)
  }

  /// The export line: the canonical entry with `prevHash` and `hash` added (keys stay sorted).
  public var exportLine: String {
    Self.write(
      seq: seq, recordedAt: recordedAt, operator: operatorName, action: action, entity: entity, key: key, state: state,
      hashes: (prevHash, hash))
  }

  public static let genesis = String(repeating: "0", count: 64)
}

// The rule ids of the audit trail and exports, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let auditVerify = RuleID("audit-verify")
  public static let exportChain = RuleID("export-chain")
  public static let exportCount = RuleID("export-count")
  public static let exportDigest = RuleID("export-digest")
  public static let exportFormat = RuleID("export-format")
  public static let manifest = RuleID("manifest")
  public static let dbCheck = RuleID("db-check")
}
