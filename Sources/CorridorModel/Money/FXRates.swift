/// One exchange rate: on `date`, 1 `base` = `rate` `quote`.
public struct FXRate: Sendable, Equatable {
  public var date: Day
  public var base: Currency
  public var quote: Currency
  public var rate: ExactDecimal
  public var source: String?

  public init(date: Day, base: Currency, quote: Currency, rate: ExactDecimal, source: String? = nil) {
    self.date = date
    self.base = base
    self.quote = quote
    self.rate = rate
    self.source = source
  }

  package static func parse(_ item: JSONCursor) throws -> FXRate {
    func located<T>(_ key: String, _ parse: (String) throws(CorridorError) -> T) throws -> T { try item.required(key).parsed(parse) }
    let rateCursor = try item.required("rate")
    guard let rate = try? ExactDecimal(parsing: try rateCursor.string()) else {
      throw rateCursor.error("expected a decimal string such as \"7.2988\"")
    }
    let value = FXRate(
      date: try located("date") { text throws(CorridorError) in try Day(parsing: text) },
      base: try located("base") { text throws(CorridorError) in try Currency(parsing: text) },
      quote: try located("quote") { text throws(CorridorError) in try Currency(parsing: text) }, rate: rate,
      source: try item.optional("source")?.string())
    do { try validate(rate: value.rate, base: value.base, quote: value.quote) } catch { throw item.error(error.message) }
    return value
  }

  public static func validate(rate: ExactDecimal, base: Currency, quote: Currency) throws(CorridorError) {
    guard rate.units > 0 else { throw .invalid("exchange rate \(rate) must be positive", rule: .fxRate) }
    guard base != quote else { throw .invalid("an exchange rate needs two different currencies", rule: .fxRate) }
  }
}

/// Every rate in the database, for conversions: the latest rate on or before the date needed;
/// a pair without a direct rate uses the inverse, and otherwise goes through CNY.
public struct FXTable: Sendable {
  /// Rates per (base, quote), sorted by date.
  private var rates: [String: [(day: Day, rate: ExactDecimal)]] = [:]

  /// The days on which a rate was published: on the days between two of them every lookup
  /// gives the same answer (`CostCalculator.period(of:)`).
  package private(set) var days: [Day] = []

  public init(_ list: [FXRate]) {
    for item in list.sorted(by: { $0.date < $1.date }) {
      rates["\(item.base.code)/\(item.quote.code)", default: []].append((item.date, item.rate))
      days.append(item.date)
    }
  }

  private func latest(_ base: Currency, _ quote: Currency, on day: Day) -> ExactDecimal? {
    guard let list = rates["\(base.code)/\(quote.code)"] else { return nil }
    // Binary search for the last rate on or before `day`.
    var low = 0
    var high = list.count
    while low < high {
      let mid = (low + high) / 2
      if list[mid].day <= day { low = mid + 1 } else { high = mid }
    }
    return low == 0 ? nil : list[low - 1].rate
  }

  /// How many `quote` one `base` buys on `day`, exactly.
  private func direct(_ base: Currency, _ quote: Currency, on day: Day) throws -> Exact? {
    if base == quote { return Exact(1) }
    if let rate = latest(base, quote, on: day) { return try Exact(rate) }
    if let inverse = latest(quote, base, on: day) {
      let value = try Exact(inverse)
      return try Exact(numerator: value.denominator, denominator: value.numerator)
    }
    return nil
  }

  /// The rate from `base` to `quote` on `day`, or exit 65 naming the pair and the date.
  public func rate(from base: Currency, to quote: Currency, on day: Day) throws -> Exact {
    do {
      if let rate = try direct(base, quote, on: day) { return rate }
      if let toCNY = try direct(base, .cny, on: day), let fromCNY = try direct(.cny, quote, on: day) {
        return try toCNY.times(fromCNY)
      }
    } catch is Exact.Overflow {
      throw CorridorError.invalid("exchange rate \(base)/\(quote) is out of range", rule: .fxRate)
    }
    throw CorridorError.invalid(
      "no exchange rate for \(base)/\(quote) on or before \(day)", rule: .missingFxRate,
      hint: "add one with `corridor fx add --date \(day) --base \(base) --quote \(quote == .cny ? base : quote) --rate R`")
  }

  /// Converts exact minor units of one currency into exact minor units of another.
  public func convert(_ minor: Exact, from: Currency, to: Currency, on day: Day) throws -> Exact {
    if from == to { return minor }
    let rate = try rate(from: from, to: to, on: day)
    do {
      let scale = try Exact(numerator: Int128(to.scale), denominator: Int128(from.scale))
      return try minor.times(rate).times(scale)
    } catch {
      throw CorridorError.invalid("amount too large to convert \(from) to \(to)", rule: .amount)
    }
  }
}
