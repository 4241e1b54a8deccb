import CorridorInterchange
import CorridorModel
import SQLite

extension EventStore {
  /// Every sender's mapped status codes, for an EDIFACT import.
  public func senderStatusCodes() throws -> [SenderStatusCode.Key: EventCode] {
    try mapSQLiteErrors {
      var codes: [SenderStatusCode.Key: EventCode] = [:]
      for row in try connection.rows("SELECT sender, code, list, agency, event FROM sender_status_codes") {
        let key = SenderStatusCode.Key(
          sender: try row.text("sender"), code: try row.text("code"), list: try row.text("list"), agency: try row.text("agency"))
        codes[key] = try row.code("event")
      }
      return codes
    }
  }

  func upsert(_ mapping: SenderStatusCode, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let key: [SQLValue] = [.text(mapping.key.sender), .text(mapping.key.code), .text(mapping.key.list), .text(mapping.key.agency)]
    let existing = try connection.row(
      "SELECT event, note FROM sender_status_codes WHERE sender = ? AND code = ? AND list = ? AND agency = ?", key)
    if let existing, try existing.text("event") == mapping.event.rawValue, try existing.optionalText("note") == mapping.note {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO sender_status_codes(sender, code, list, agency, event, note) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(sender, code, list, agency) DO UPDATE SET event = excluded.event, note = excluded.note
      """, key + [.text(mapping.event.rawValue), SQLValue(mapping.note)])
    if existing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(action: existing == nil ? "insert" : "update", entity: "statusCode", key: mapping.key.audited, operator: op)
  }
}

extension StoreFeature {
  /// What the senders' own status codes feature audits.
  static let senderCodes = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "statusCode",
        select: """
          SELECT sender || '/' || code || '/' || list || '/' || agency AS key, sender, code, list, agency, event, note FROM sender_status_codes
          """, keyExpression: "sender || '/' || code || '/' || list || '/' || agency", lookup: "sender = ? AND code = ? AND list = ? AND agency = ?",
        splitKey: { key in key.split(separator: "/", omittingEmptySubsequences: false).map { .text(String($0)) } })
    ],
    referenceSections: [.statusCodes])
}

extension ReferenceSection {
  /// `statusCodes`: a sender's own IFTSTA status codes and the event each means.
  static let statusCodes = ReferenceSection(key: "statusCodes") { items, _ in
    var mappings: [SenderStatusCode] = []
    var keys: Set<SenderStatusCode.Key> = []
    for item in items {
      let mapping = try SenderStatusCode.parse(item)
      guard keys.insert(mapping.key).inserted else { throw item.error("duplicate status code \(mapping.key)") }
      mappings.append(mapping)
    }
    return { db, op, counts in
      for mapping in mappings { try db.eventStore.upsert(mapping, operator: op, counts: &counts) }
    }
  }
}
