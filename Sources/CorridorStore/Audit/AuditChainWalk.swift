import CorridorModel

/// The chain's rule, one entry at a time in sequence order: each entry has the next sequence
/// number, carries the previous entry's hash, and hashes to its own `hash`. The first break is
/// reported and the rest of the walk is quiet (every later entry would differ too). `audit
/// verify` walks the trail with it, and `db copy` walks the copy at its target.
public struct AuditChainWalk: Sendable {
  private var expectedSeq: Int64
  private var previous: String
  public private(set) var broken = false
  public private(set) var entries: Int64 = 0

  /// From the start of the trail, or after an entry already verified (a checkpoint).
  public init(after start: AuditAnchor? = nil) {
    expectedSeq = (start?.seq ?? 0) + 1
    previous = start?.hash ?? AuditEntry.genesis
  }

  /// The chain is broken before the walk starts (the checkpoint's own entry changed).
  public mutating func markBroken() { broken = true }

  /// The head so far: the last entry's hash (the start's before any), and its sequence number.
  public var head: String { previous }
  public var headSeq: Int64 { expectedSeq - 1 }

  /// The finding `entry` makes, if the chain was intact up to it.
  public mutating func check(_ entry: AuditEntry) -> AuditFinding? {
    entries += 1
    defer {
      previous = entry.hash
      expectedSeq = entry.seq + 1
    }
    guard !broken else { return nil }
    let finding: AuditFinding
    if entry.seq != expectedSeq {
      finding = AuditFinding(
        seq: min(entry.seq, expectedSeq), kind: "chain",
        message: entry.seq > expectedSeq
          ? "audit entries \(expectedSeq)…\(entry.seq - 1) are missing (deleted)" : "audit entry \(entry.seq) is out of order")
    } else if entry.prevHash != previous {
      finding = AuditFinding(
        seq: entry.seq, kind: "chain",
        message:
          "audit entry \(entry.seq): prevHash \(entry.prevHash.prefix(12))… does not match entry \(entry.seq - 1)'s hash \(previous.prefix(12))… (entries inserted, deleted or reordered)"
      )
    } else if AuditEntry.hash(prevHash: entry.prevHash, canonical: entry.canonical) != entry.hash {
      finding = AuditFinding(
        seq: entry.seq, kind: "hash",
        message: "audit entry \(entry.seq) (\(entry.entity) \(entry.key)) was edited: its hash no longer matches its content")
    } else {
      return nil
    }
    broken = true
    return finding
  }
}
