/// A calendar date (`YYYY-MM-DD`), as used for bookings, tariff validity and exchange rates.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Days since 1970-01-01.
  public let ordinal: Int64

  public init(ordinal: Int64) { self.ordinal = ordinal }

  public init(year: Int64, month: Int, day: Int) { ordinal = CivilDate.toDays(year: year, month: month, day: day) }

  /// Parses `YYYY-MM-DD`, refusing impossible dates (2024-02-30).
  public init(parsing text: String) throws(CorridorError) {
    let bytes = Array(text.utf8)
    func digits(_ range: Range<Int>) -> Int? {
      var value = 0
      for i in range {
        guard bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
        value = value * 10 + Int(bytes[i] - 0x30)
      }
      return value
    }
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10), (1...12).contains(m),
      (1...CivilDate.daysInMonth(year: Int64(y), month: m)).contains(d)
    else {
      throw .invalid("invalid date \(text.debugDescription): expected YYYY-MM-DD", rule: .date)
    }
    ordinal = CivilDate.toDays(year: Int64(y), month: m, day: d)
  }

  public var components: (year: Int64, month: Int, day: Int) { CivilDate.fromDays(ordinal) }
  public var year: Int { Int(components.year) }

  public var description: String {
    let (y, m, d) = components
    return "\(Timestamps.pad(y, 4))-\(Timestamps.pad(Int64(m), 2))-\(Timestamps.pad(Int64(d), 2))"
  }

  /// `YYYY-MM`, for monthly reports.
  public var month: String { String(description.prefix(7)) }

  public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }
  public func adding(days: Int64) -> Day { Day(ordinal: ordinal + days) }
  /// Milliseconds since 1970 at 00:00 UTC of this day.
  public var startMilliseconds: Int64 { ordinal * 86_400_000 }
}
