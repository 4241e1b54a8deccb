/// An ISO 4217 currency with its minor-unit exponent (CNY 2: yuan and fen; VND 0).
public struct Currency: Hashable, Sendable, CustomStringConvertible {
  public let code: String
  public let exponent: Int

  public var description: String { code }

  /// The currencies of the corridors. LAK's ISO exponent is 2 even though the att is rarely
  /// used in practice; VND has none.
  package static let known: [String: Int] = [
    "CNY": 2, "USD": 2, "EUR": 2, "LAK": 2, "VND": 0, "THB": 2, "SGD": 2, "KZT": 2, "RUB": 2, "PLN": 2,
    "BYN": 2, "MYR": 2, "MNT": 2, "GBP": 2, "HKD": 2,
  ]

  public static let cny = Currency(trusted: "CNY")
  public static let usd = Currency(trusted: "USD")

  public init(parsing text: String) throws(CorridorError) {
    let code = text.uppercased()
    guard let exponent = Self.known[code] else {
      throw .invalid(
        "unknown currency \(text.debugDescription); known: \(Self.known.keys.sorted().joined(separator: ", "))", rule: .currency)
    }
    self.code = code
    self.exponent = exponent
  }

  package init(trusted code: String) {
    self.code = code
    self.exponent = Self.known[code] ?? 2
  }

  /// 10^exponent: minor units per major unit.
  public var scale: Int64 {
    var value: Int64 = 1
    for _ in 0..<exponent { value *= 10 }
    return value
  }
}

/// An exact amount: integer minor units of one currency. No binary floating point anywhere on a
/// money path; decimal text is parsed and printed digit by digit.
public struct Money: Hashable, Sendable, CustomStringConvertible {
  public let minorUnits: Int64
  public let currency: Currency

  public init(minorUnits: Int64, currency: Currency) {
    self.minorUnits = minorUnits
    self.currency = currency
  }

  /// At most 10^15 minor units (ten trillion yuan): totals over many shipments then stay far
  /// from the 64-bit limit. Amount columns state the same bound in a CHECK.
  public static let maxMinorUnits: Int64 = 1_000_000_000_000_000

  public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

  /// Parses `6500`, `6500.5`, `6500.50` (at most the currency's exponent of decimals; trailing
  /// zeros beyond it are accepted). `allowNegative` is for adjustments, never for prices.
  public init(parsing text: String, currency: Currency, allowNegative: Bool = false) throws(CorridorError) {
    let decimal: ExactDecimal
    do {
      decimal = try ExactDecimal(parsing: text)
    } catch {
      throw .invalid("invalid amount \(text.debugDescription): expected a decimal such as 6500.00", rule: .amount)
    }
    if decimal.isNegative && !allowNegative {
      throw .invalid("invalid amount \(text): must not be negative", rule: .amount)
    }
    // At most 10^15 minor units (ten trillion yuan): totals over many shipments then stay far
    // from the 64-bit limit.
    guard let minor = decimal.exactMinorUnits(exponent: currency.exponent), minor.magnitude <= Self.maxMinorUnits else {
      throw .invalid(
        "invalid amount \(text) \(currency): \(currency) has \(currency.exponent) decimal places, or the amount is too large",
        rule: .amount)
    }
    self.init(minorUnits: minor, currency: currency)
  }

  /// ExactDecimal text with exactly the currency's decimals (`"6500.00"`, VND `"1500000"`).
  public var amountText: String { ExactDecimal(units: minorUnits, scale: currency.exponent).text(fractionDigits: currency.exponent) }

  public var description: String { "\(amountText) \(currency)" }

  public var decimal: ExactDecimal { ExactDecimal(units: minorUnits, scale: currency.exponent) }

  // MARK: - Arithmetic: one currency, no overflow

  /// The sum, refusing two currencies (a bug, exit 70: amounts are converted before they are
  /// added) and totals too large to add up exactly (exit 65, never a trap).
  public func plus(_ other: Money) throws(CorridorError) -> Money {
    guard other.currency == currency else {
      throw CorridorError(.internal, "cannot add \(other) to \(self): amounts in two currencies")
    }
    let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
    guard !overflow else { throw .invalid("totals too large to add up exactly", rule: .amount) }
    return Money(minorUnits: sum, currency: currency)
  }

  public func minus(_ other: Money) throws(CorridorError) -> Money {
    guard other.minorUnits != .min else { throw .invalid("amount too large", rule: .amount) }
    return try plus(Money(minorUnits: -other.minorUnits, currency: other.currency))
  }

  /// A gross less its reductions. Reductions never exceed the gross (the calculator bounds
  /// them line by line) and both are sums of bounded amounts, so this cannot overflow.
  public func less(_ reductions: Money) -> Money {
    Money(minorUnits: minorUnits.subtractingReportingOverflow(reductions.minorUnits).partialValue, currency: currency)
  }

  /// The amount per unit (per TEU), rounded half-to-even to the minor unit; nil for no units.
  public func per(_ units: Int) -> Money? {
    guard units > 0, let minor = try? Exact(numerator: Int128(minorUnits), denominator: Int128(units)).roundedHalfEven() else { return nil }
    return Money(minorUnits: minor, currency: currency)
  }

  /// The sum of `amounts`, all in `currency` (zero for none).
  public static func sum(_ amounts: some Sequence<Money>, in currency: Currency) throws(CorridorError) -> Money {
    var total = Money.zero(currency)
    for amount in amounts { total = try total.plus(amount) }
    return total
  }
}
