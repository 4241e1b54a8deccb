/// What a box waits for, and who charges it: the three charges the trade bills for waiting.
public enum WaitingKind: String, Sendable, CaseIterable, Comparable {
  /// A box at a terminal or port between two events there (discharge to gate-out, say): the
  /// terminal's or the line's charge after the free days.
  case demurrage
  /// A carrier's box outside the carrier's control: from the gate-out at its destination to
  /// the empty box's gate-in, at any place.
  case detention
  /// A box at a border station or gauge change between two events there (the queues at
  /// Małaszewicze and Dostyk).
  case storage

  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Who owns a box. A shipper-owned box (SOC, common on the China-Europe trains) never pays
/// detention: there is no carrier's box to return.
public enum ContainerOwnership: String, Sendable, CaseIterable {
  case carrier, shipper

  public init(parsing text: String) throws(CorridorError) {
    guard let value = Self(rawValue: text.lowercased()) else {
      throw .invalid("unknown owner \(text.debugDescription); expected carrier or shipper", rule: .freeTimeRule)
    }
    self = value
  }
}

/// How a rule counts days: every calendar day, or Monday to Friday only (holidays are not
/// modelled yet).
public enum DayCount: String, Sendable, CaseIterable {
  case calendar, working
}

/// One band of a rule's daily rate: chargeable days `fromDay` through `toDay` (nil: every later
/// day), numbered from 1 after the last free day.
public struct FreeTimeTier: Sendable, Equatable {
  public var fromDay: Int
  public var toDay: Int?
  public var perDay: Money

  public init(fromDay: Int, toDay: Int?, perDay: Money) {
    self.fromDay = fromDay
    self.toDay = toDay
    self.perDay = perDay
  }
}

/// A free-time rule (the reference file's `freeTime` section): at a place (or any place), for
/// one kind of waiting between two events, the free days and then a daily rate by tiers, for a
/// length of box, an owner and commodities, over a validity window (the day a stay started).
public struct FreeTimeRule: Sendable, Equatable {
  /// The place; nil: any place (a line's detention terms wherever the box is gated out).
  public var location: LocationCode?
  public var kind: WaitingKind
  /// The event that starts a stay at the place, and the one that ends it (for detention: at
  /// any place).
  public var starts: EventCode
  public var ends: EventCode
  public var equipment: Equipment
  /// nil: any owner.
  public var ownership: ContainerOwnership?
  /// nil: any commodity.
  public var commodities: [Commodity]?
  public var freeDays: Int
  public var dayCount: DayCount
  public var tiers: [FreeTimeTier]
  public var currency: Currency
  public var validFrom: Day
  public var validTo: Day?
  public var source: String?
  /// Only boxes of shipments on routes of this direction (terms for return trains often
  /// differ); nil for both ways.
  public var direction: RouteDirection?

  public init(
    location: LocationCode?, kind: WaitingKind, starts: EventCode, ends: EventCode, equipment: Equipment, ownership: ContainerOwnership?,
    commodities: [Commodity]?, freeDays: Int, dayCount: DayCount, tiers: [FreeTimeTier], currency: Currency, validFrom: Day,
    validTo: Day?, source: String?, direction: RouteDirection? = nil
  ) {
    self.direction = direction
    self.location = location
    self.kind = kind
    self.starts = starts
    self.ends = ends
    self.equipment = equipment
    self.ownership = ownership
    self.commodities = commodities
    self.freeDays = freeDays
    self.dayCount = dayCount
    self.tiers = tiers
    self.currency = currency
    self.validFrom = validFrom
    self.validTo = validTo
    self.source = source
  }

  /// Free days and tiers at most this long: a rule is about weeks, and a bound keeps every
  /// count and charge exact.
  public static let maxDays = 3_650

  /// The rule's name, which reports, the audit trail and errors use:
  /// `DEDUI/demurrage/any/carrier/any/2024-01-01` (place, kind, equipment, owner, commodities,
  /// valid from), and the direction after them when the rule has one
  /// (`…/2024-01-01/import`): the names of rules for both ways stay as they were.
  public var name: String {
    let parts = [
      location?.text ?? "any", kind.rawValue, equipment.rawValue, ownership?.rawValue ?? "any",
      commodities.map { $0.map(\.rawValue).sorted().joined(separator: "+") } ?? "any", validFrom.description,
    ]
    return (parts + (direction.map { [$0.rawValue] } ?? [])).joined(separator: "/")
  }

  public func isValid(on day: Day) -> Bool { validFrom <= day && (validTo.map { day <= $0 } ?? true) }

  /// The same place, kind, equipment, owner and commodities: at most one of them may be valid
  /// on any day (which one applies would be a guess).
  package func competes(with other: FreeTimeRule) -> Bool {
    location == other.location && kind == other.kind && equipment == other.equipment && ownership == other.ownership
      && commodities.map(Set.init) == other.commodities.map(Set.init) && direction == other.direction
  }

  package func overlaps(_ other: FreeTimeRule) -> Bool {
    competes(with: other) && validFrom <= (other.validTo ?? Day(ordinal: .max)) && other.validFrom <= (validTo ?? Day(ordinal: .max))
  }

  /// Whether the rule prices a stay of this box: the place, the starting event, the box's
  /// length and owner, the shipment's commodity, and the day the stay started.
  public func applies(to stay: StayStart) -> Bool {
    (location == nil || location == stay.location) && starts == stay.code && isValid(on: stay.time.localDay)
      && (equipment == .any || equipment == stay.equipment) && (ownership == nil || ownership == stay.ownership)
      && (commodities == nil || stay.commodity.map { commodities?.contains($0) == true } == true)
      && (direction == nil || stay.direction == direction)
  }

  /// How specific the rule is, most significant first (place, then direction, equipment,
  /// owner, commodities): among the rules of one kind that apply, the most specific wins.
  var specificity: [Int] {
    [location != nil, direction != nil, equipment != .any, ownership != nil, commodities != nil].map { $0 ? 1 : 0 }
  }

  /// Among `rules`, for each kind, the most specific that applies to the stay (overlapping
  /// equal rules are refused at load, so there is one).
  public static func winners(among rules: [FreeTimeRule], for stay: StayStart) -> [FreeTimeRule] {
    var best: [WaitingKind: FreeTimeRule] = [:]
    for rule in rules where rule.applies(to: stay) {
      if let current = best[rule.kind], !current.specificity.lexicographicallyPrecedes(rule.specificity) { continue }
      best[rule.kind] = rule
    }
    return best.values.sorted { $0.kind < $1.kind }
  }

  /// The rule's own consistency, as the reference file's loader checks it: days in bounds,
  /// tiers from day 1 without gaps or overlaps up to an open last tier, rates not negative and in
  /// the rule's currency, a window that does not end before it starts.
  package func check() throws(CorridorError) {
    func refuse(_ message: String) -> CorridorError { .invalid("free-time rule \(name): \(message)", rule: .freeTimeRule) }
    guard (0...Self.maxDays).contains(freeDays) else { throw refuse("freeDays must be 0 to \(Self.maxDays), not \(freeDays)") }
    if let validTo, validTo < validFrom { throw refuse("validTo is before validFrom") }
    if kind == .detention, ownership == .shipper { throw refuse("a shipper-owned box pays no detention") }
    guard !tiers.isEmpty else { throw refuse("needs at least one tier") }
    var next = 1
    for (index, tier) in tiers.enumerated() {
      guard tier.fromDay == next else {
        throw refuse(
          tier.fromDay > next
            ? "tier \(index + 1) starts on day \(tier.fromDay), leaving days \(next)–\(tier.fromDay - 1) without a rate"
            : "tier \(index + 1) starts on day \(tier.fromDay), overlapping the tier before it (which ends on day \(next - 1))")
      }
      guard tier.perDay.minorUnits >= 0 else { throw refuse("tier \(index + 1) has a negative rate") }
      guard tier.perDay.currency == currency else { throw refuse("tier \(index + 1) is in \(tier.perDay.currency), the rule in \(currency)") }
      guard let toDay = tier.toDay else {
        guard index == tiers.count - 1 else { throw refuse("tier \(index + 1) is open-ended but tier \(index + 2) follows it") }
        return
      }
      guard toDay >= tier.fromDay, toDay <= Self.maxDays else {
        throw refuse("tier \(index + 1) ends on day \(toDay), before it starts or past \(Self.maxDays)")
      }
      next = toDay + 1
    }
    throw refuse("the last tier must be open-ended (toDay null): a stay can last longer than day \(next - 1)")
  }
}

/// Where and how a stay began, with what the rules select on.
public struct StayStart: Sendable, Equatable {
  public var location: LocationCode
  public var code: EventCode
  public var time: EventTime
  public var equipment: Equipment
  /// nil: not recorded.
  public var ownership: ContainerOwnership?
  public var commodity: Commodity?
  /// The direction of the shipment's route; nil without a shipment.
  public var direction: RouteDirection?

  public init(
    location: LocationCode, code: EventCode, time: EventTime, equipment: Equipment, ownership: ContainerOwnership?, commodity: Commodity?,
    direction: RouteDirection? = nil
  ) {
    self.direction = direction
    self.location = location
    self.code = code
    self.time = time
    self.equipment = equipment
    self.ownership = ownership
    self.commodity = commodity
  }
}

extension RuleID {
  /// A free-time rule that is inconsistent (tiers, days, window) or overlaps an equal one.
  public static let freeTimeRule = RuleID("free-time-rule")
}
