extension FreeTimeRule {
  /// One item of the reference file's `freeTime` section, every error at its JSON position.
  /// `resolve` turns a location (code or alias) into a place of the network.
  package static func parse(_ item: JSONCursor, resolve: (JSONCursor) throws -> LocationCode) throws -> FreeTimeRule {
    let currency = try item.required("currency").parsed { text throws(CorridorError) in try Currency(parsing: text) }
    func event(_ key: String) throws -> EventCode {
      try item.required(key).parsed { text throws(CorridorError) in try EventCode(parsing: text) }
    }
    let freeDaysCursor = try item.required("freeDays")
    let freeDays = try freeDaysCursor.int()
    guard (0...maxDays).contains(freeDays) else {
      throw freeDaysCursor.error("freeDays must be 0 to \(maxDays), not \(freeDays)", rule: .freeTimeRule)
    }
    var tiers: [FreeTimeTier] = []
    for tierItem in try item.required("tiers").elements() {
      let fromDay = try tierItem.required("fromDay").int()
      let toDay = try tierItem.optional("toDay")?.int()
      let perDay = try tierItem.required("perDay").parsed { text throws(CorridorError) in try Money(parsing: text, currency: currency) }
      guard (1...maxDays).contains(fromDay), toDay.map({ (1...maxDays).contains($0) }) ?? true else {
        throw tierItem.error("tier days must be 1 to \(maxDays)", rule: .freeTimeRule)
      }
      tiers.append(FreeTimeTier(fromDay: fromDay, toDay: toDay, perDay: perDay))
    }
    let kind: WaitingKind = try item.required("kind").code("kind")
    var ownership: ContainerOwnership?
    if let cursor = item.optional("ownership"), try cursor.string() != "any" {
      ownership = try cursor.code("ownership", as: ContainerOwnership.self)
    }
    let rule = FreeTimeRule(
      location: try item.optional("location").map(resolve), kind: kind, starts: try event("starts"), ends: try event("ends"),
      equipment: try item.required("equipment").parsed { text throws(CorridorError) in try Equipment(parsing: text) }, ownership: ownership,
      commodities: try item.optional("commodities").map { cursor in
        try cursor.elements().map { element in try element.parsed { text throws(CorridorError) in try Commodity(parsing: text) } }
      },
      freeDays: freeDays, dayCount: try item.optional("dayCount")?.code("dayCount") ?? .calendar, tiers: tiers, currency: currency,
      validFrom: try item.required("validFrom").parsed { text throws(CorridorError) in try Day(parsing: text) },
      validTo: try item.optional("validTo").map { cursor in try cursor.parsed { text throws(CorridorError) in try Day(parsing: text) } },
      source: try item.optional("source")?.string(), direction: try item.optional("direction")?.code("direction", as: RouteDirection.self))
    if rule.commodities?.isEmpty == true {
      throw try item.required("commodities").error("an empty list; use null for any commodity", rule: .freeTimeRule)
    }
    if rule.location == nil, kind != .detention {
      throw item.error("a \(kind.rawValue) rule needs a location: it prices the stay at one place", rule: .freeTimeRule)
    }
    do { try rule.check() } catch { throw item.error(error.message, rule: .freeTimeRule) }
    return rule
  }
}

extension FreeTimeTier {
  /// The tiers as the database keeps them: `FROM-TO:AMOUNT` joined by `;`, an open last tier
  /// written `FROM-:AMOUNT` (`1-5:40.00;6-:75.00`): one short line in the audit trail.
  package static func text(_ tiers: [FreeTimeTier]) -> String {
    tiers.map { "\($0.fromDay)-\($0.toDay.map(String.init) ?? ""):\($0.perDay.amountText)" }.joined(separator: ";")
  }

  /// Reads `text(_:)` back; nil when it is not that form.
  package static func parse(_ text: String, currency: Currency) -> [FreeTimeTier]? {
    var tiers: [FreeTimeTier] = []
    for part in text.split(separator: ";", omittingEmptySubsequences: false) {
      let halves = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
      guard halves.count == 2 else { return nil }
      let days = halves[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
      guard days.count == 2, let from = Int(days[0]), days[1].isEmpty || Int(days[1]) != nil,
        let perDay = try? Money(parsing: String(halves[1]), currency: currency)
      else { return nil }
      tiers.append(FreeTimeTier(fromDay: from, toDay: days[1].isEmpty ? nil : Int(days[1]), perDay: perDay))
    }
    return tiers
  }
}

/// One stay of a box priced by its rule (`corridor free-time`, `report free-time`).
public struct PricedStay: Sendable, Equatable {
  public var container: ContainerNumber
  public var shipment: String?
  public var location: LocationCode
  public var kind: WaitingKind
  public var startedAt: EventTime
  /// nil while the box is still there (as of the time asked).
  public var endedAt: EventTime?
  public var rule: String
  public var freeDays: Int
  public var priced: WaitingCharge
  /// For an open stay, when a reporter estimated the box would leave (`projecting(from:rules:)`).
  public var expectedEndedAt: EventTime? = nil
  /// The charge on that day.
  public var projected: WaitingCharge? = nil

  public init(
    container: ContainerNumber, shipment: String?, location: LocationCode, kind: WaitingKind, startedAt: EventTime, endedAt: EventTime?,
    rule: String, freeDays: Int, priced: WaitingCharge
  ) {
    self.container = container
    self.shipment = shipment
    self.location = location
    self.kind = kind
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.rule = rule
    self.freeDays = freeDays
    self.priced = priced
  }
}
