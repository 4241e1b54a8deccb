import CorridorModel
import CorridorStore

/// Benchmark support for `audit verify` and `audit export` at scale: appends `count` entries of
/// entity `note` (not a table, so nothing to compare rows against) with a state the size of a
/// typical event's, chained with the trail's own hash (`AuditEntry`), in batches of 50,000.
public enum AuditFill {
  public static func append(_ count: Int, to db: CorridorDatabase) throws {
    var done = 0
    while done < count {
      let batch = (done + 1)...min(done + 50_000, count)
      try db.auditTrail.appendNoteEntries(
        batch.map { n in
          let state = CanonicalJSON.object([
            "container": .string("CSQU3054383"), "code": .string("GTIN"), "atMs": .int(Int64(n) * 60_000), "location": .string("CNCQI"),
            "note": .string("synthetic entry \(n) for benchmarks: gate-in at Tuanjiecun, loaded on train X8001"),
            "operator": .string("benchmark"),
          ]).text
          return (key: "note-\(n)", state: state)
        }, operator: "benchmark")
      done = batch.upperBound
    }
  }
}
