/// The name of a broken rule: in every error (`[load-when-loaded]`), in the rejects file of an
/// import, in `exception` on an event recorded with `--allow-gap`. A closed set of named
/// constants, not free strings, so a misspelt rule cannot compile and the README's tables are
/// tested against `eventRules`.
public struct RuleID: Hashable, Sendable, CustomStringConvertible {
  public let name: String

  /// A rule named by a feature; names are kebab-case and unique across features.
  package init(_ name: String) { self.name = name }

  public var description: String { name }

  /// Finds a rule by the name stored in the database (an event's `exception`).
  public init?(stored name: String) {
    guard let rule = Self.stored.first(where: { $0.name == name }) else { return nil }
    self = rule
  }

  // MARK: - What the event acceptance engine decides (docs/shipments-and-events.md "Validation of actual events")

  public static let eventText = RuleID("event-text")
  public static let unknownContainer = RuleID("unknown-container")
  public static let unknownLocation = RuleID("unknown-location")
  public static let unknownShipment = RuleID("unknown-shipment")
  public static let notOnShipment = RuleID("not-on-shipment")
  public static let shipmentClosed = RuleID("shipment-closed")
  public static let futureEvent = RuleID("future-event")
  public static let eventIdConflict = RuleID("event-id-conflict")
  public static let gateInWhileLoaded = RuleID("gate-in-while-loaded")
  public static let gateInWhileInFacility = RuleID("gate-in-while-in-facility")
  public static let gateOutNotInFacility = RuleID("gate-out-not-in-facility")
  public static let loadWhenLoaded = RuleID("load-when-loaded")
  public static let loadNotAtPlace = RuleID("load-not-at-place")
  public static let discWhenNotLoaded = RuleID("disc-when-not-loaded")
  public static let depaWhenNotLoaded = RuleID("depa-when-not-loaded")
  public static let arriWhenNotLoaded = RuleID("arri-when-not-loaded")
  public static let crosWhenNotLoaded = RuleID("cros-when-not-loaded")
  public static let sameInstantDifferentPlaces = RuleID("same-instant-different-places")
  public static let customsHold = RuleID("customs-hold")

  /// Every rule `EventAcceptance` can refuse an event with, in the README's order.
  public static let eventRules: [RuleID] = [
    .eventText, .unknownContainer, .unknownLocation, .unknownShipment, .notOnShipment, .shipmentClosed, .futureEvent, .eventIdConflict,
    .gateInWhileLoaded, .gateInWhileInFacility, .gateOutNotInFacility, .loadWhenLoaded, .loadNotAtPlace, .discWhenNotLoaded, .depaWhenNotLoaded,
    .arriWhenNotLoaded,
    .crosWhenNotLoaded, .sameInstantDifferentPlaces, .customsHold,
  ]

  /// Not a refusal: the data-quality flag of a box's first event when an onboarding import
  /// (`--onboard`) met it mid-journey.
  public static let firstSeenMidJourney = RuleID("first-seen-mid-journey")

  // MARK: - Input and reference data

  public static let csv = RuleID("csv")
  public static let date = RuleID("date")
  public static let generate = RuleID("generate")
  public static let json = RuleID("json")
  public static let ndjson = RuleID("ndjson")
  public static let reason = RuleID("reason")
  public static let schema = RuleID("schema")
  public static let timestamp = RuleID("timestamp")
  public static let validity = RuleID("validity")

  /// The rules an event's `exception` may name (a refusal let through with `--allow-gap`, or
  /// the onboarding flag), for reading stored names back. Every other rule only ever names an
  /// error, so features declare theirs beside their own code (`extension RuleID`) and no central
  /// list has to know them.
  package static let stored: [RuleID] = eventRules + [.firstSeenMidJourney]
}
