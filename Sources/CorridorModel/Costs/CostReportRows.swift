/// What a report adds up of one shipment's freight cost (a report keeps these, not the lines).
public struct CostSummary: Sendable {
  public let containers: Int
  public let teu: Int
  public let gross: Money
  public let reductions: Money
  /// TEU × route km.
  public let teuKm: Int64

  public init(_ cost: ShipmentCost) {
    containers = cost.containers.count
    teu = cost.teu
    gross = cost.gross
    reductions = cost.reductions
    teuKm = Int64(cost.teu) * Int64(cost.routeKm)
  }
}

/// `report costs`: freight and waiting cost per group of shipments.
public struct CostReportRow: Sendable {
  public let group: String
  /// The group's value for each grouping asked for (`costReports`); `group` joins them with " / ".
  public let parts: [String]
  public var shipments = 0
  public var containers = 0
  public var teu = 0
  public var gross: Money
  public var reductions: Money
  /// Σ TEU × route km, for cost per TEU-km.
  public var teuKm: Int64 = 0
  /// Net freight: gross less reductions.
  public var net: Money { gross.less(reductions) }
  /// Demurrage, detention and storage incurred by the group's boxes up to the as-of time.
  public var waiting: WaitingCost
  /// Net freight plus waiting.
  public private(set) var total: Money

  package init(parts: [String], currency: Currency) {
    self.parts = parts
    group = parts.joined(separator: " / ")
    gross = .zero(currency)
    reductions = .zero(currency)
    waiting = .zero(currency)
    total = .zero(currency)
  }

  /// Adds one shipment: its freight and its waiting, in the row's currency.
  public mutating func add(_ cost: CostSummary, waiting shipmentWaiting: WaitingCost) throws(CorridorError) {
    shipments += 1
    containers += cost.containers
    teu += cost.teu
    gross = try gross.plus(cost.gross)
    reductions = try reductions.plus(cost.reductions)
    teuKm = try checkedSum(teuKm, cost.teuKm)
    try waiting.add(shipmentWaiting)
    total = try total.plus(cost.gross.less(cost.reductions)).plus(shipmentWaiting.total)
  }

  /// Net per TEU, rounded half-to-even to the minor unit.
  public var netPerTeu: Money? { net.per(teu) }

  /// Net per TEU-km in minor units, exact; shown with 4 decimals of the major unit.
  public var netPerTeuKm: Exact? {
    teuKm == 0 ? nil : try? Exact(numerator: Int128(net.minorUnits), denominator: Int128(teuKm))
  }
}

public enum CostGrouping: String, Sendable, CaseIterable {
  case corridor, route, month, commodity, shipper
}

/// `report exports`: declared export value per group, with the year-on-year change.
public struct ExportReportRow: Sendable {
  public let group: String
  /// For a subcategory row (electric-vehicles), the category it belongs to.
  public let parent: String?
  public var shipments = 0
  public var teu = 0
  public var value: Int64 = 0
  public var previousValue: Int64?

  package init(group: String, parent: String?, value: Int64 = 0, previousValue: Int64? = nil) {
    self.group = group
    self.parent = parent
    self.value = value
    self.previousValue = previousValue
  }
  public var previousShipments = 0

  /// (value − previous) / previous in percent, to one decimal, rounded half-to-even.
  public var changePercent: ExactDecimal? {
    guard let previousValue, previousValue != 0,
      let tenths = try? Exact(numerator: (Int128(value) - Int128(previousValue)) * 1000, denominator: Int128(previousValue))
        .roundedHalfEven()
    else { return nil }
    return ExactDecimal(units: tenths, scale: 1)
  }
}

public enum ExportGrouping: String, Sendable, CaseIterable {
  case commodity, corridor
  case destinationCountry = "destination-country"
  /// The country at the other end: the destination's for exports, the origin's for imports.
  case partnerCountry = "partner-country"
}

extension Exact {
  /// Decimal text of this many minor units in `currency`, with `digits` decimals of the major
  /// unit, rounded half-to-even.
  public func majorUnitsText(_ currency: Currency, digits: Int) throws -> String {
    guard let factor = ExactDecimal.pow10(digits) else { throw Overflow() }
    let scaled = try times(Exact(numerator: Int128(factor), denominator: Int128(currency.scale))).roundedHalfEven()
    return ExactDecimal(units: scaled, scale: digits).text(fractionDigits: digits)
  }
}

/// Adds two totals, refusing (exit 65) instead of trapping when hostile amounts would overflow.
package func checkedSum(_ a: Int64, _ b: Int64) throws(CorridorError) -> Int64 {
  let (sum, overflow) = a.addingReportingOverflow(b)
  guard !overflow else { throw .invalid("totals too large to add up exactly", rule: .amount) }
  return sum
}
