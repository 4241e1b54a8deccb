/// What a stay costs under its rule, up to its end or an as-of time: the one definition of how
/// the trade counts free time (docs/waiting-costs.md).
///
/// Day 1 of a stay is the local calendar day (the place's UTC offset, as the starting event
/// gave it) on which the starting event happened; the last free day is day `freeDays`; each
/// local day after it, up to and including the day the stay ended (or the as-of day while the
/// box is still there), is chargeable, numbered from 1 for the tiers. Counting working days,
/// Saturdays and Sundays are not days at all: day 1 is the first working day on or after the
/// start, and only working days are free or charged.
public struct WaitingCharge: Sendable, Equatable {
  /// The last local day without charge (the day before day 1 when there are no free days).
  public let lastFreeDay: Day
  public let chargeableDays: Int
  public let charge: Money
}

extension FreeTimeRule {
  /// Prices a stay that started at `start` and ended (or is looked at) at `end`. The end is read
  /// in its own offset (an ending event) — pass an as-of time in the start's offset.
  public func charge(startedAt start: EventTime, until end: EventTime) throws(CorridorError) -> WaitingCharge {
    let first = dayCount == .working ? Self.firstWorkingDay(onOrAfter: start.localDay) : start.localDay
    let lastFree: Day
    switch dayCount {
    case .calendar: lastFree = first.adding(days: Int64(freeDays) - 1)
    case .working: lastFree = freeDays == 0 ? first.adding(days: -1) : Self.workingDay(freeDays, from: first)
    }
    let endDay = end.localDay
    var days: Int64 = 0
    if endDay > lastFree {
      switch dayCount {
      case .calendar: days = endDay.ordinal - lastFree.ordinal
      case .working: days = Self.workingDaysBefore(endDay.adding(days: 1)) - Self.workingDaysBefore(lastFree.adding(days: 1))
      }
    }
    var total = Money.zero(currency)
    for tier in tiers {
      let last = min(Int64(tier.toDay ?? Int.max), days)
      let count = last - Int64(tier.fromDay) + 1
      guard count > 0 else { continue }
      let (amount, overflow) = tier.perDay.minorUnits.multipliedReportingOverflow(by: count)
      guard !overflow, amount <= Money.maxMinorUnits else {
        throw .invalid("a waiting charge too large to count exactly (\(count) days at \(tier.perDay))", rule: .amount)
      }
      total = try total.plus(Money(minorUnits: amount, currency: currency))
    }
    guard days <= Int64(Int32.max) else { throw .invalid("a stay of \(days) days cannot be charged", rule: .amount) }
    return WaitingCharge(lastFreeDay: lastFree, chargeableDays: Int(days), charge: total)
  }

  /// Monday 0 … Sunday 6 (1970-01-01, day 0, was a Thursday).
  static func weekday(_ day: Day) -> Int64 { ((day.ordinal + 3) % 7 + 7) % 7 }

  static func firstWorkingDay(onOrAfter day: Day) -> Day {
    let weekday = weekday(day)
    return weekday < 5 ? day : day.adding(days: 7 - weekday)
  }

  /// The working days before `day` since a Monday long ago (a difference of two is a count).
  static func workingDaysBefore(_ day: Day) -> Int64 {
    let sinceMonday = day.ordinal + 3
    let weeks = sinceMonday >= 0 ? sinceMonday / 7 : (sinceMonday - 6) / 7
    return weeks * 5 + min(sinceMonday - weeks * 7, 5)
  }

  /// The `n`th working day counting `first` (a working day) as the first.
  static func workingDay(_ n: Int, from first: Day) -> Day {
    let target = workingDaysBefore(first) + Int64(n) - 1
    // Five working days a week: jump by whole weeks, then step over the weekend if needed.
    var day = first.adding(days: (Int64(n) - 1) / 5 * 7)
    while workingDaysBefore(day) < target || weekday(day) >= 5 { day = day.adding(days: 1) }
    return day
  }
}

extension EventTime {
  /// The calendar day at the event's own UTC offset: the day people at the place call it.
  public var localDay: Day {
    let local = milliseconds + Int64(offsetMinutes) * 60_000
    return Day(ordinal: local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000)
  }

  /// The same instant at another UTC offset (an as-of time read at a place).
  public func at(offsetMinutes: Int) -> EventTime { EventTime(milliseconds: milliseconds, offsetMinutes: offsetMinutes) }
}
