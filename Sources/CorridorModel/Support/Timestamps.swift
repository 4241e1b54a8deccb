import Foundation

/// Formats for instants stored and shown by Corridor: ISO 8601, UTC, whole seconds. (Now comes
/// from a `Clock`.)
public enum Timestamps {
  /// Formats seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, no leap seconds).
  public static func formatUTC(epochSeconds: Int64) -> String {
    format(epochSeconds: epochSeconds, offsetMinutes: 0)
  }

  /// Formats an instant in local time at `offsetMinutes` east of UTC, with the offset written
  /// (`Z` for zero).
  public static func format(epochSeconds: Int64, offsetMinutes: Int) -> String {
    let local = epochSeconds + Int64(offsetMinutes) * 60
    let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    let secondsOfDay = local - days * 86_400
    let (y, m, d) = CivilDate.fromDays(days)
    let hh = secondsOfDay / 3600
    let mm = (secondsOfDay % 3600) / 60
    let ss = secondsOfDay % 60
    var text = "\(pad(y, 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))"
    if offsetMinutes == 0 {
      text += "Z"
    } else {
      let sign = offsetMinutes < 0 ? "-" : "+"
      let magnitude = abs(offsetMinutes)
      text += "\(sign)\(pad(Int64(magnitude / 60), 2)):\(pad(Int64(magnitude % 60), 2))"
    }
    return text
  }

  package static func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithms),
/// so dates need neither Foundation's calendars nor floating point.
public enum CivilDate {
  public static func toDays(year: Int64, month: Int, day: Int) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = Int64((month + 9) % 12)
    let doy = (153 * mp + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  public static func fromDays(_ days: Int64) -> (year: Int64, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = Int(doy - (153 * mp + 2) / 5 + 1)
    let m = Int(mp < 10 ? mp + 3 : mp - 9)
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  public static func daysInMonth(year: Int64, month: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}
