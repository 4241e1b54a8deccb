/// The name of a broken rule: in every error (`[load-when-loaded]`), in the rejects file of an
/// import, in `exception` on an event recorded with `--allow-gap`. A closed set of named
/// constants, not free strings, so a misspelt rule cannot compile and the README's tables are
/// tested against `eventRules`.
public struct RuleID: Hashable, Sendable, CustomStringConvertible {
  public let name: String

  private init(_ name: String) { self.name = name }

  public var description: String { name }

  /// Finds a rule by the name stored in the database (an event's `exception`).
  public init?(stored name: String) {
    guard let rule = Self.all.first(where: { $0.name == name }) else { return nil }
    self = rule
  }

  // MARK: - What the event acceptance engine decides (README "Validation of actual events")

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

  public static let aliasTaken = RuleID("alias-taken")
  public static let apiKey = RuleID("api-key")
  public static let callbackURL = RuleID("callback-url")
  public static let cursor = RuleID("cursor")
  public static let eventFilter = RuleID("event-filter")
  public static let subscription = RuleID("subscription")
  public static let alreadyAssigned = RuleID("already-assigned")
  public static let amount = RuleID("amount")
  public static let auditVerify = RuleID("audit-verify")
  public static let basis = RuleID("basis")
  public static let classifier = RuleID("classifier")
  public static let commodity = RuleID("commodity")
  public static let component = RuleID("component")
  public static let containerBusy = RuleID("container-busy")
  public static let containerExists = RuleID("container-exists")
  public static let csv = RuleID("csv")
  public static let currency = RuleID("currency")
  public static let date = RuleID("date")
  public static let dbCheck = RuleID("db-check")
  public static let duplicateContainer = RuleID("duplicate-container")
  public static let emptyLaden = RuleID("empty-laden")
  public static let equipment = RuleID("equipment")
  public static let edifact = RuleID("edifact")
  public static let edifactMapping = RuleID("edifact-mapping")
  public static let eventCode = RuleID("event-code")
  public static let emissionFactor = RuleID("emission-factor")
  public static let eventRetracted = RuleID("event-retracted")
  public static let exportChain = RuleID("export-chain")
  public static let exportCount = RuleID("export-count")
  public static let exportDigest = RuleID("export-digest")
  public static let exportFormat = RuleID("export-format")
  public static let fxRate = RuleID("fx-rate")
  public static let generate = RuleID("generate")
  public static let hubFactor = RuleID("hub-factor")
  public static let hsCode = RuleID("hs-code")
  public static let iso6346 = RuleID("iso6346")
  public static let json = RuleID("json")
  public static let leg = RuleID("leg")
  public static let manifest = RuleID("manifest")
  public static let missingFxRate = RuleID("missing-fx-rate")
  public static let mode = RuleID("mode")
  public static let ndjson = RuleID("ndjson")
  public static let overweight = RuleID("overweight")
  public static let party = RuleID("party")
  public static let policy = RuleID("policy")
  public static let policyKind = RuleID("policy-kind")
  public static let reason = RuleID("reason")
  public static let reference = RuleID("reference")
  public static let routeBounds = RuleID("route-bounds")
  public static let routeCycle = RuleID("route-cycle")
  public static let schema = RuleID("schema")
  public static let seal = RuleID("seal")
  public static let shipmentExists = RuleID("shipment-exists")
  public static let shipmentRef = RuleID("shipment-ref")
  public static let sizeType = RuleID("size-type")
  public static let tariffOverlap = RuleID("tariff-overlap")
  public static let timestamp = RuleID("timestamp")
  public static let traction = RuleID("traction")
  public static let unknownCorridor = RuleID("unknown-corridor")
  public static let unknownEvent = RuleID("unknown-event")
  public static let unknownRoute = RuleID("unknown-route")
  public static let unlocode = RuleID("unlocode")
  public static let validity = RuleID("validity")
  public static let weight = RuleID("weight")

  /// Every rule, for reading stored names back.
  package static let all: [RuleID] =
    eventRules + [
      .firstSeenMidJourney, .aliasTaken, .apiKey, .callbackURL, .cursor, .eventFilter, .subscription, .alreadyAssigned, .amount, .auditVerify, .basis,
      .classifier,
      .commodity, .component, .containerBusy, .containerExists, .csv,
      .currency, .date, .dbCheck, .duplicateContainer, .edifact, .edifactMapping, .emissionFactor, .emptyLaden, .equipment, .eventCode,
      .eventRetracted, .exportChain,
      .exportCount,
      .exportDigest, .exportFormat, .fxRate, .generate, .hubFactor, .hsCode, .iso6346, .json, .leg, .manifest, .missingFxRate, .mode, .ndjson,
      .overweight,
      .party, .policy, .policyKind, .reason, .reference, .routeBounds, .routeCycle, .schema, .seal, .shipmentExists, .shipmentRef, .sizeType,
      .tariffOverlap, .timestamp, .traction, .unknownCorridor, .unknownEvent, .unknownRoute, .unlocode, .validity, .weight,
    ]
}
