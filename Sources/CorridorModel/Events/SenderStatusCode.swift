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

    package init(sender: String, code: String, list: String, agency: String) {
      self.sender = sender
      self.code = code
      self.list = list
      self.agency = agency
    }

    public var description: String { "\(code):\(list):\(agency) from \(sender)" }
    package var audited: String { "\(sender)/\(code)/\(list)/\(agency)" }
  }

  public let key: Key
  public let event: EventCode
  public let note: String?

  package static func parse(_ item: JSONCursor) throws -> SenderStatusCode {
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

// The rule ids of EDIFACT, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let edifact = RuleID("edifact")
  public static let edifactMapping = RuleID("edifact-mapping")
}
