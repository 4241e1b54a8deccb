/// An exact decimal: `units × 10^-scale`, for rates and amounts in arithmetic. Corridor's own
/// small type rather than Foundation's `Decimal`, whose text parsing is locale-sensitive and
/// whose rounding is not the banker's rounding money needs.
///
/// Arithmetic is overflow-checked: a result that does not fit in 64 bits is an error, never a
/// trap and never a silently wrong number.
public struct ExactDecimal: Hashable, Sendable, CustomStringConvertible {
  public let units: Int64
  public let scale: Int

  public struct Overflow: Error {}

  public init(units: Int64, scale: Int) {
    self.units = units
    self.scale = scale
  }

  /// Parses `-12.345`, `7.2988`, `100`. At most 18 significant digits.
  public init(parsing text: String) throws(Overflow) {
    var bytes = Array(text.utf8)
    var negative = false
    if bytes.first == UInt8(ascii: "-") {
      negative = true
      bytes.removeFirst()
    } else if bytes.first == UInt8(ascii: "+") {
      bytes.removeFirst()
    }
    guard !bytes.isEmpty else { throw Overflow() }
    var units: Int64 = 0
    var scale = 0
    var seenPoint = false
    var digitCount = 0
    for byte in bytes {
      if byte == UInt8(ascii: ".") {
        guard !seenPoint else { throw Overflow() }
        seenPoint = true
        continue
      }
      guard byte >= 0x30, byte <= 0x39 else { throw Overflow() }
      digitCount += 1
      guard digitCount <= 18 else { throw Overflow() }
      units = units * 10 + Int64(byte - 0x30)
      if seenPoint { scale += 1 }
    }
    guard digitCount > 0, !(seenPoint && bytes.last == UInt8(ascii: ".")), bytes.first != UInt8(ascii: ".") else { throw Overflow() }
    self.units = negative ? -units : units
    self.scale = scale
  }

  /// The same value with trailing fractional zeros dropped (`7.2900` → `7.29`).
  public var normalized: ExactDecimal {
    var units = self.units
    var scale = self.scale
    while scale > 0, units % 10 == 0 {
      units /= 10
      scale -= 1
    }
    return ExactDecimal(units: units, scale: scale)
  }

  /// Equal by value: `7.29` == `7.2900`.
  public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
    let (x, y) = (a.normalized, b.normalized)
    return x.units == y.units && x.scale == y.scale
  }

  public func hash(into hasher: inout Hasher) {
    let n = normalized
    hasher.combine(n.units)
    hasher.combine(n.scale)
  }

  public var isNegative: Bool { units < 0 }
  public var isZero: Bool { units == 0 }

  package static func pow10(_ n: Int) -> Int64? {
    guard n >= 0, n <= 18 else { return nil }
    var value: Int64 = 1
    for _ in 0..<n { value *= 10 }
    return value
  }

  /// The value in minor units with `exponent` decimals, only if that is exact.
  public func exactMinorUnits(exponent: Int) -> Int64? {
    if scale <= exponent {
      guard let factor = Self.pow10(exponent - scale) else { return nil }
      let (value, overflow) = units.multipliedReportingOverflow(by: factor)
      return overflow ? nil : value
    }
    guard let factor = Self.pow10(scale - exponent), units % factor == 0 else { return nil }
    return units / factor
  }

  /// Text with exactly `fractionDigits` decimals (this value must have scale ≤ fractionDigits).
  public func text(fractionDigits: Int) -> String {
    let magnitude = units.magnitude
    var digits = String(magnitude)
    let totalScale = max(scale, 0)
    if digits.count <= totalScale { digits = String(repeating: "0", count: totalScale - digits.count + 1) + digits }
    var integer = String(digits.prefix(digits.count - totalScale))
    var fraction = String(digits.suffix(totalScale))
    if fraction.count < fractionDigits { fraction += String(repeating: "0", count: fractionDigits - fraction.count) }
    if integer.isEmpty { integer = "0" }
    let sign = units < 0 ? "-" : ""
    return fraction.isEmpty ? sign + integer : sign + integer + "." + fraction
  }

  /// Shortest exact text (`7.2988`, `0.5`, `100`).
  public var description: String {
    var text = self.text(fractionDigits: scale)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }
}
