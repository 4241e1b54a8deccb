/// What the free-time report and page read from a store: the stays still open as of a time,
/// priced. (The pages depend on this protocol, never on a database.)
public protocol FreeTimeReading {
  func openStays(asOf: EventTime, location: LocationCode?, party: String?) throws -> [PricedStay]
}

/// `report free-time`: the open stays whose last free day is within `within` days of the as-of
/// day or past, the most money at stake first, with totals per place, kind and currency.
public struct FreeTimeReport: Sendable, Equatable {
  public struct Total: Sendable, Equatable {
    public var location: LocationCode
    public var kind: WaitingKind
    public var stays: Int
    public var charge: Money
  }

  public var asOf: EventTime
  public var within: Int
  public var stays: [PricedStay]
  public var totals: [Total]

  public init(open: [PricedStay], asOf: EventTime, within: Int) throws(CorridorError) {
    try ReportBounds.checkWithinDays(within)
    self.asOf = asOf
    self.within = within
    stays = open.filter { stay in
      // The horizon is the as-of day where the box is (the starting event's offset).
      stay.endedAt == nil && stay.priced.lastFreeDay <= asOf.at(offsetMinutes: stay.startedAt.offsetMinutes).localDay.adding(days: Int64(within))
    }
    .sorted { a, b in
      if a.priced.charge.currency != b.priced.charge.currency { return a.priced.charge.currency.code < b.priced.charge.currency.code }
      if a.priced.charge.minorUnits != b.priced.charge.minorUnits { return a.priced.charge.minorUnits > b.priced.charge.minorUnits }
      return (a.priced.lastFreeDay, a.container.text) < (b.priced.lastFreeDay, b.container.text)
    }
    var totals: [String: Total] = [:]
    for stay in stays {
      let key = "\(stay.location.text) \(stay.kind.rawValue) \(stay.priced.charge.currency.code)"
      var total = totals[key] ?? Total(location: stay.location, kind: stay.kind, stays: 0, charge: .zero(stay.priced.charge.currency))
      total.stays += 1
      total.charge = try total.charge.plus(stay.priced.charge)
      totals[key] = total
    }
    self.totals = totals.sorted { $0.key < $1.key }.map(\.value)
  }
}
