/// An exact non-integral quantity of minor units: `numerator / denominator` with 128-bit
/// integers. Reductions stay exact until the one rounding the cost rules allow (converting a
/// line into the reporting currency), so no fen is lost or invented on the way.
public struct Exact: Sendable, Equatable, CustomStringConvertible {
  public let numerator: Int128
  public let denominator: Int128

  /// Raised when a value no longer fits 128 bits: a cost that large is bad input, not a trap.
  public struct Overflow: Error {}

  public init(_ integer: Int64) {
    numerator = Int128(integer)
    denominator = 1
  }

  public init(numerator: Int128, denominator: Int128) throws(Overflow) {
    guard denominator != 0 else { throw Overflow() }
    let sign: Int128 = denominator < 0 ? -1 : 1
    let divisor = Self.gcd(numerator.magnitude, denominator.magnitude)
    self.numerator = sign * numerator / Int128(divisor)
    self.denominator = sign * denominator / Int128(divisor)
  }

  public static let zero = Exact(0)

  package static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a == 0 ? 1 : a
  }

  package static func multiply(_ a: Int128, _ b: Int128) throws(Overflow) -> Int128 {
    let (value, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw Overflow() }
    return value
  }

  package static func add(_ a: Int128, _ b: Int128) throws(Overflow) -> Int128 {
    let (value, overflow) = a.addingReportingOverflow(b)
    guard !overflow else { throw Overflow() }
    return value
  }

  public func plus(_ other: Exact) throws(Overflow) -> Exact {
    try Exact(
      numerator: try Self.add(try Self.multiply(numerator, other.denominator), try Self.multiply(other.numerator, denominator)),
      denominator: try Self.multiply(denominator, other.denominator))
  }

  public func minus(_ other: Exact) throws(Overflow) -> Exact {
    try plus(try Exact(numerator: -other.numerator, denominator: other.denominator))
  }

  public func times(_ other: Exact) throws(Overflow) -> Exact {
    // Cross-reduce first to keep the intermediates small.
    let g1 = Int128(Self.gcd(numerator.magnitude, other.denominator.magnitude))
    let g2 = Int128(Self.gcd(other.numerator.magnitude, denominator.magnitude))
    return try Exact(
      numerator: try Self.multiply(numerator / g1, other.numerator / g2),
      denominator: try Self.multiply(denominator / g2, other.denominator / g1))
  }

  public func times(_ integer: Int64) throws(Overflow) -> Exact { try times(Exact(integer)) }

  public func dividedBy(_ integer: Int64) throws(Overflow) -> Exact {
    try times(try Exact(numerator: 1, denominator: Int128(integer)))
  }

  /// An exact decimal as a fraction.
  public init(_ decimal: ExactDecimal) throws(Overflow) {
    guard let scale = ExactDecimal.pow10(decimal.scale) else { throw Overflow() }
    try self.init(numerator: Int128(decimal.units), denominator: Int128(scale))
  }

  public static func < (a: Exact, b: Exact) -> Bool { a.numerator * b.denominator < b.numerator * a.denominator }
  public static func min(_ a: Exact, _ b: Exact) -> Exact { b < a ? b : a }
  public var isPositive: Bool { numerator > 0 }

  /// Rounded to an integer, ties to even (banker's rounding): 2.5 → 2, 3.5 → 4, -2.5 → -2.
  public func roundedHalfEven() throws(Overflow) -> Int64 {
    var (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
    // Make the remainder non-negative so the comparison below is one-sided.
    if remainder < 0 {
      quotient -= 1
      remainder += denominator
    }
    let twice = remainder * 2
    if twice > denominator || (twice == denominator && quotient % 2 != 0) { quotient += 1 }
    guard let value = Int64(exactly: quotient) else { throw Overflow() }
    return value
  }

  public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
}
