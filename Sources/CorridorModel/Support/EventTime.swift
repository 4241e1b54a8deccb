import Foundation

/// An instant as a reporter wrote it: ISO 8601 with a mandatory offset
/// (`2024-03-05T14:20:00+08:00`, `2024-03-05T06:20:00.250Z`). Stored as UTC milliseconds with the
/// original offset kept, so both "when" and "what the terminal's clock said" survive.
public struct EventTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let milliseconds: Int64
  public let offsetMinutes: Int

  public init(milliseconds: Int64, offsetMinutes: Int) {
    self.milliseconds = milliseconds
    self.offsetMinutes = offsetMinutes
  }

  /// Instants compare as instants: `<` and `==` agree, so 10:00+08:00 equals 02:00Z. The written
  /// offset is data (kept, shown, hashed into derived ids), not part of the order.
  public static func < (a: EventTime, b: EventTime) -> Bool { a.milliseconds < b.milliseconds }
  public static func == (a: EventTime, b: EventTime) -> Bool { a.milliseconds == b.milliseconds }
  public func hash(into hasher: inout Hasher) { hasher.combine(milliseconds) }

  /// Instants Corridor stores: 0000-01-01T00:00:00Z through 9999-12-31T23:59:59.999Z, what a
  /// four-digit year can say. The `events.at_ms` CHECK states the same bounds (a test compares
  /// them), so the parser refuses everything the schema would refuse.
  public static let storableMilliseconds: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999
  /// Offsets from UTC Corridor stores: ±18:00, as ISO 8601 profiles (and `events.at_offset_minutes`)
  /// allow; real zones stay within -12:00…+14:00.
  public static let storableOffsetMinutes: ClosedRange<Int> = -1080...1080

  public init(parsing text: String) throws(CorridorError) {
    var text = text
    guard let parsed = text.withUTF8({ Self.parse($0) }) else {
      throw .invalid(
        "invalid timestamp \(text.debugDescription): expected ISO 8601 with an offset up to ±18:00 in years 0000-9999, e.g. 2024-03-05T14:20:00+08:00 or …Z",
        rule: .timestamp)
    }
    self = parsed
  }

  /// Parses a field of a file without a String detour (the String is made only for the error).
  package init(parsing bytes: UnsafeBufferPointer<UInt8>) throws(CorridorError) {
    guard let parsed = Self.parse(bytes) else {
      try self.init(parsing: String(decoding: bytes, as: UTF8.self))
      return
    }
    self = parsed
  }

  /// Parses the bytes of a timestamp; nil when they are not one.
  public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> EventTime? {
    func digits(_ start: Int, _ count: Int) -> Int? {
      guard start + count <= b.count else { return nil }
      var value = 0
      for i in start..<start + count {
        guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
        value = value * 10 + Int(b[i] - 0x30)
      }
      return value
    }
    guard b.count >= 17, let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
      let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), let hour = digits(11, 2),
      b[13] == UInt8(ascii: ":"), let minute = digits(14, 2), (1...12).contains(month),
      (1...CivilDate.daysInMonth(year: Int64(year), month: month)).contains(day), hour < 24, minute < 60
    else { return nil }
    var i = 16
    var second = 0
    var millis = 0
    if i < b.count, b[i] == UInt8(ascii: ":") {
      guard let s = digits(i + 1, 2), s < 60 else { return nil }
      second = s
      i += 3
      if i < b.count, b[i] == UInt8(ascii: ".") {
        i += 1
        var scale = 100
        let start = i
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
          millis += Int(b[i] - 0x30) * scale
          scale /= 10
          i += 1
        }
        guard i > start, i - start <= 9 else { return nil }
      }
    }
    guard i < b.count else { return nil }  // the offset is required
    var offset = 0
    if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
      i += 1
    } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
      let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
      guard let hh = digits(i + 1, 2) else { return nil }
      var j = i + 3
      if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
      guard let mm = digits(j, 2), mm < 60, storableOffsetMinutes.contains(hh * 60 + mm) else { return nil }
      offset = sign * (hh * 60 + mm)
      i = j + 2
    } else {
      return nil
    }
    guard i == b.count else { return nil }
    let days = CivilDate.toDays(year: Int64(year), month: month, day: day)
    let local = ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60 + Int64(second)
    let milliseconds = (local - Int64(offset) * 60) * 1000 + Int64(millis)
    guard storableMilliseconds.contains(milliseconds) else { return nil }
    return EventTime(milliseconds: milliseconds, offsetMinutes: offset)
  }

  /// As written: local time at the original offset.
  public var description: String { Self.format(milliseconds: milliseconds, offsetMinutes: offsetMinutes) }
  /// The same instant in UTC.
  public var utc: String { Self.format(milliseconds: milliseconds, offsetMinutes: 0) }

  public static func format(milliseconds: Int64, offsetMinutes: Int) -> String {
    let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
    let fraction = milliseconds - seconds * 1000
    var text = Timestamps.format(epochSeconds: seconds, offsetMinutes: offsetMinutes)
    if fraction != 0 {
      let index = text.index(text.startIndex, offsetBy: 19)
      text.insert(contentsOf: "." + Timestamps.pad(fraction, 3), at: index)
    }
    return text
  }

  public var day: Day { Day(ordinal: (milliseconds >= 0 ? milliseconds : milliseconds - 86_399_999) / 86_400_000) }
}
