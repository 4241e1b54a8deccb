import Foundation

/// A free-time alert (docs/waiting-costs.md "Alerts"): one per open stay when its last free day
/// comes near, and one when it has passed, pushed to the subscriptions that ask for them.
public struct FreeTimeAlert: Sendable, Equatable, Encodable {
  public enum Stage: String, Sendable, Encodable {
    /// The last free day is tomorrow or today (the box's local day).
    case approaching
    /// The last free day is behind: the stay is being charged.
    case passed
  }

  /// Always `free-time`: a receiver tells an alert from DCSA's event arrays by it.
  public let type = "free-time"
  public let alert: Stage
  public let container: String
  public let shipment: String?
  public let location: String
  public let kind: String
  public let startedAt: String
  public let lastFreeDay: String
  public let chargeableDays: Int
  /// What the stay has cost so far, in its rule's currency: `{amount, currency}`.
  public let charge: [String: String]
  public let rule: String
  /// When Corridor looked.
  public let asOf: String

  /// The alert a stay gives as of a time, if any: `approaching` from the day before its last
  /// free day, `passed` after it (each counted in the place's local days). A stay first seen
  /// after its last free day gives only `passed`: a warning for a day already gone would mislead.
  public init?(_ stay: PricedStay, asOf: EventTime) {
    guard stay.endedAt == nil else { return nil }
    let today = asOf.at(offsetMinutes: stay.startedAt.offsetMinutes).localDay
    let lastFree = stay.priced.lastFreeDay
    if today > lastFree {
      alert = .passed
    } else if lastFree.ordinal - today.ordinal <= 1 {
      alert = .approaching
    } else {
      return nil
    }
    container = stay.container.text
    shipment = stay.shipment
    location = stay.location.text
    kind = stay.kind.rawValue
    startedAt = stay.startedAt.description
    lastFreeDay = lastFree.description
    chargeableDays = stay.priced.chargeableDays
    charge = ["amount": stay.priced.charge.amountText, "currency": stay.priced.charge.currency.code]
    rule = stay.rule
    self.asOf = asOf.description
  }

  private enum CodingKeys: String, CodingKey {
    case type, alert, container, shipment, location, kind, startedAt, lastFreeDay, chargeableDays, charge, rule, asOf
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(type, forKey: .type)
    try container.encode(alert, forKey: .alert)
    try container.encode(self.container, forKey: .container)
    // Present and null when the starting event named no shipment.
    try container.encode(shipment, forKey: .shipment)
    try container.encode(location, forKey: .location)
    try container.encode(kind, forKey: .kind)
    try container.encode(startedAt, forKey: .startedAt)
    try container.encode(lastFreeDay, forKey: .lastFreeDay)
    try container.encode(chargeableDays, forKey: .chargeableDays)
    try container.encode(charge, forKey: .charge)
    try container.encode(rule, forKey: .rule)
    try container.encode(asOf, forKey: .asOf)
  }

  /// The body as sent: sorted keys, no escaped slashes.
  public func body() throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return [UInt8](try encoder.encode(self))
  }
}
