/// What a shipment's boxes have cost by waiting, up to an as-of time, in a report's currency:
/// the components `cost` and `report costs` show beside the freight (docs/waiting-costs.md).
///
/// Each stay's charge (in its rule's currency) is converted once, with the freight's FX rule (at
/// `--fx-at`, else the shipment's booked date), and rounded half-to-even to the report currency's
/// minor unit; the components are sums of the rounded stays, as the freight's totals are sums of
/// rounded lines.
public struct WaitingCost: Sendable, Equatable {
  public private(set) var demurrage: Money
  public private(set) var detention: Money
  public private(set) var storage: Money
  /// The three together, kept as they are added (so a sum too large is refused there).
  public private(set) var total: Money

  public static func zero(_ currency: Currency) -> WaitingCost {
    WaitingCost(demurrage: .zero(currency), detention: .zero(currency), storage: .zero(currency), total: .zero(currency))
  }

  public func amount(_ kind: WaitingKind) -> Money {
    switch kind {
    case .demurrage: demurrage
    case .detention: detention
    case .storage: storage
    }
  }

  /// The stays' charges converted into `currency` on `day`, by kind.
  public init(stays: [PricedStay], currency: Currency, fx: FXTable, on day: Day) throws {
    self = .zero(currency)
    for stay in stays {
      let converted = try fx.convert(Exact(stay.priced.charge.minorUnits), from: stay.priced.charge.currency, to: currency, on: day)
      let rounded: Int64
      do { rounded = try converted.roundedHalfEven() } catch { throw CorridorError.invalid("waiting charge too large", rule: .amount) }
      try add(Money(minorUnits: rounded, currency: currency), as: stay.kind)
    }
  }

  private init(demurrage: Money, detention: Money, storage: Money, total: Money) {
    self.demurrage = demurrage
    self.detention = detention
    self.storage = storage
    self.total = total
  }

  /// Adds another shipment's waiting (a report's group).
  public mutating func add(_ other: WaitingCost) throws(CorridorError) {
    for kind in WaitingKind.allCases { try add(other.amount(kind), as: kind) }
  }

  private mutating func add(_ amount: Money, as kind: WaitingKind) throws(CorridorError) {
    switch kind {
    case .demurrage: demurrage = try demurrage.plus(amount)
    case .detention: detention = try detention.plus(amount)
    case .storage: storage = try storage.plus(amount)
    }
    total = try total.plus(amount)
  }
}

/// One shipment's waiting up to an as-of time (`cost SHIPMENT`): the stays that began on it and
/// what they cost in the report's currency.
public struct ShipmentWaiting: Sendable {
  public let asOf: EventTime
  public let stays: [PricedStay]
  public let cost: WaitingCost

  public init(asOf: EventTime, stays: [PricedStay], cost: WaitingCost) {
    self.asOf = asOf
    self.stays = stays
    self.cost = cost
  }
}
