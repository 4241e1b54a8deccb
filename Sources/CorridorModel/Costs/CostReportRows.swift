/// `report costs`: freight cost per group of shipments.
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
  public var net: Money { gross.less(reductions) }

  package init(parts: [String], currency: Currency) {
    self.parts = parts
    group = parts.joined(separator: " / ")
    gross = .zero(currency)
    reductions = .zero(currency)
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
package func checkedSum(_ a: Int64, _ b: Int64) throws -> Int64 {
  let (sum, overflow) = a.addingReportingOverflow(b)
  guard !overflow else { throw CorridorError.invalid("totals too large to add up exactly", rule: .amount) }
  return sum
}
