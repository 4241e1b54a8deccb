import SQLite

/// A sender's own IFTSTA status code and the Corridor event it means (README "A sender's own
/// codes"). Railways and carriers send statuses from their own code lists (`STS+1+P::HS`, a
/// mutually defined code), which Recommendation 24 does not define: mapped once by an operator in
/// the reference data's `statusCodes` section, and applied to that sender's interchanges only.
public struct SenderStatusCode: Sendable, Equatable {
  /// What a status is matched by: the interchange's sender (UNB 0004) and the code as sent, with
  /// its list (1131) and agency (3055), '' when not given.
  public struct Key: Sendable, Hashable, CustomStringConvertible {
    public let sender: String
    public let code: String
    public let list: String
    public let agency: String

    public var description: String { "\(code):\(list):\(agency) from \(sender)" }
    var audited: String { "\(sender)/\(code)/\(list)/\(agency)" }
  }

  public let key: Key
  public let event: EventCode
  public let note: String?

  static func parse(_ item: JSONCursor) throws -> SenderStatusCode {
    func text(_ name: String) throws -> String {
      let value = try item.optional(name)?.string() ?? ""
      if let bad = VisibleText.firstControl(in: value) { throw try item.required(name).error("\(name) holds the control character \(bad)") }
      // The audit trail keys a mapping by its four parts joined with '/'.
      if value.contains("/") { throw try item.required(name).error("\(name) may not hold '/'") }
      return value.trimmingSpaces
    }
    let sender = try text("sender")
    let code = try text("code")
    guard !sender.isEmpty else { throw item.error("a status code needs the sender it comes from (UNB's sender identification)") }
    guard !code.isEmpty else { throw item.error("a status code needs its code, as the sender writes it in STS") }
    let event = try item.required("event").parsed { text throws(CorridorError) in try EventCode(parsing: text) }
    return SenderStatusCode(
      key: Key(sender: sender, code: code, list: try text("list"), agency: try text("agency")), event: event,
      note: try item.optional("note")?.string())
  }
}

extension CorridorDatabase {
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
    try audit(action: existing == nil ? "insert" : "update", entity: "statusCode", key: mapping.key.audited, operator: op)
  }
}
