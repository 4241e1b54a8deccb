import CorridorInterchange
import CorridorKit
import CorridorModel
import SQLite

/// Benchmark support for `audit verify` and `audit export` at scale: appends `count` entries of
/// entity `note` (not a table, so nothing to compare rows against) with a state the size of a
/// typical event's, chained with the trail's own hash (`AuditEntry`), in batches of 50,000.
public enum AuditFill {
  public static func append(_ count: Int, to db: CorridorDatabase) throws {
    let connection = db.connection
    var done = 0
    while done < count {
      try connection.transaction {
        let head = try connection.row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        var seq = try head?.int64("seq") ?? 0
        var previous = try head?.text("hash") ?? AuditEntry.genesis
        let recordedAt = db.clock.nowUTC()
        for _ in 0..<min(50_000, count - done) {
          done += 1
          seq += 1
          let state = CanonicalJSON.object([
            "container": .string("CSQU3054383"), "code": .string("GTIN"), "atMs": .int(Int64(done) * 60_000), "location": .string("CNCQI"),
            "note": .string("synthetic entry \(done) for benchmarks: gate-in at Tuanjiecun, loaded on train X8001"),
            "operator": .string("benchmark"),
          ]).text
          let canonical = AuditEntry.canonical(
            seq: seq, recordedAt: recordedAt, operator: "benchmark", action: "insert", entity: "note", key: "note-\(done)", state: state)
          let hash = AuditEntry.hash(prevHash: previous, canonical: canonical)
          try connection.execute(
            "INSERT INTO audit_log(seq, recorded_at, operator, action, entity, key, state, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
              .integer(seq), .text(recordedAt), .text("benchmark"), .text("insert"), .text("note"), .text("note-\(done)"), .text(state),
              .text(previous), .text(hash),
            ])
          previous = hash
        }
      }
    }
  }
}
