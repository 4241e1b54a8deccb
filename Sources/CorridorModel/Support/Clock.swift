import Foundation

/// Where "now" comes from: the system clock, or a fixed instant (the demo, so the same seed
/// gives the same database byte for byte, audit hashes included; tests). A database is opened
/// with one and every write reads it there: there is no global clock to set.
public struct Clock: Sendable {
  private let read: @Sendable () -> EventTime

  public init(_ read: @escaping @Sendable () -> EventTime) { self.read = read }

  public static let system = Clock {
    EventTime(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)), offsetMinutes: 0)
  }

  public static func fixed(_ time: EventTime) -> Clock { Clock { time } }

  public func now() -> EventTime { read() }

  /// Now as `YYYY-MM-DDTHH:MM:SSZ`, the form of every `recorded_at`.
  public func nowUTC() -> String {
    let ms = now().milliseconds
    return Timestamps.formatUTC(epochSeconds: ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
  }
}
