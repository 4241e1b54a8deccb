import Crypto

/// DCSA Track & Trace event codes Corridor records: equipment (gate, load, stuffing, …),
/// customs and border (3.0: CUSS, CUSI, CUSR, CROS), and transport (ARRI, DEPA).
// swift-format-ignore: AlwaysUseLowerCamelCase
// DCSA codes keep their codes: operators, files and the spec all spell them this way.
public enum EventCode: String, Sendable, CaseIterable {
  case GTIN, GTOT, LOAD, DISC, STUF, STRP, PICK, DROP, INSP, RSEA, RMVD
  case CUSS, CUSI, CUSR, CROS
  case ARRI, DEPA

  public var isTransport: Bool { self == .ARRI || self == .DEPA }

  public init(parsing text: String) throws(CorridorError) {
    guard let code = EventCode(rawValue: text) ?? EventCode(rawValue: text.uppercased()) else {
      throw .invalid(
        "unknown event code \(text.debugDescription); expected one of \(EventCode.allCases.map(\.rawValue).joined(separator: " "))",
        rule: .eventCode)
    }
    self = code
  }

  /// What the code means, for people.
  public var meaning: String {
    switch self {
    case .GTIN: "gate in"
    case .GTOT: "gate out"
    case .LOAD: "loaded"
    case .DISC: "discharged"
    case .STUF: "stuffed"
    case .STRP: "stripped"
    case .PICK: "picked up"
    case .DROP: "dropped off"
    case .INSP: "inspected"
    case .RSEA: "resealed"
    case .RMVD: "removed"
    case .CUSS: "customs: selected for scan"
    case .CUSI: "customs: selected for inspection"
    case .CUSR: "customs: released"
    case .CROS: "border crossed"
    case .ARRI: "arrived"
    case .DEPA: "departed"
    }
  }
}

/// ACT happened; EST is a forecast; PLN is the plan.
// swift-format-ignore: AlwaysUseLowerCamelCase
// DCSA codes keep their codes: operators, files and the spec all spell them this way.
public enum EventClassifier: String, Sendable, CaseIterable {
  case ACT, EST, PLN

  public init(parsing text: String) throws(CorridorError) {
    guard let value = EventClassifier(rawValue: text) ?? EventClassifier(rawValue: text.uppercased()) else {
      throw .invalid("unknown classifier \(text.debugDescription); expected ACT, EST or PLN", rule: .classifier)
    }
    self = value
  }
}

/// DCSA modeOfTransport.
// swift-format-ignore: AlwaysUseLowerCamelCase
// DCSA codes keep their codes: operators, files and the spec all spell them this way.
public enum TransportModeCode: String, Sendable, CaseIterable {
  case RAIL, VESSEL, TRUCK, BARGE

  public init(parsing text: String) throws(CorridorError) {
    guard let value = TransportModeCode(rawValue: text.uppercased()) else {
      throw .invalid("unknown mode \(text.debugDescription); expected rail, vessel, truck or barge", rule: .mode)
    }
    self = value
  }
}

// swift-format-ignore: AlwaysUseLowerCamelCase
// DCSA codes keep their codes: operators, files and the spec all spell them this way.
public enum EmptyLaden: String, Sendable {
  case EMPTY, LADEN

  /// What an event recorded without an empty indicator implies, for DCSA's API, which requires
  /// one: on a shipment the box carries its cargo (LADEN); on none it is being moved empty.
  public static func implied(by report: EventReport) -> EmptyLaden { report.shipment == nil ? .EMPTY : .LADEN }

  public init(parsing text: String) throws(CorridorError) {
    guard let value = EmptyLaden(rawValue: text) ?? EmptyLaden(rawValue: text.uppercased()) else {
      throw .invalid("expected EMPTY or LADEN, found \(text.debugDescription)", rule: .emptyLaden)
    }
    self = value
  }
}

/// Who put a seal on (DCSA `sealSource`): carrier, shipper, phytosanitary, veterinary, customs.
// swift-format-ignore: AlwaysUseLowerCamelCase
// DCSA codes keep their codes: operators, files and the spec all spell them this way.
public enum SealSource: String, Sendable, CaseIterable {
  case CAR, SHI, PHY, VET, CUS

  public init(parsing text: String) throws(CorridorError) {
    guard let value = SealSource(rawValue: text.uppercased()) else {
      throw .invalid("unknown seal source \(text.debugDescription); expected CAR, SHI, PHY, VET or CUS", rule: .seal)
    }
    self = value
  }
}

/// The kind of seal (DCSA `sealType`): keyless padlock, bolt, wire.
// swift-format-ignore: AlwaysUseLowerCamelCase
// DCSA codes keep their codes: operators, files and the spec all spell them this way.
public enum SealType: String, Sendable, CaseIterable {
  case KLP, BLT, WIR

  /// What DCSA's API says when the source named no type: a bolt seal, the high-security seal
  /// (ISO 17712) that container seals almost always are.
  public static let whenNotGiven = SealType.BLT

  public init(parsing text: String) throws(CorridorError) {
    guard let value = SealType(rawValue: text.uppercased()) else {
      throw .invalid("unknown seal type \(text.debugDescription); expected KLP, BLT or WIR", rule: .seal)
    }
    self = value
  }
}

/// An event as reported, before Corridor has checked it.
public struct EventReport: Sendable, Hashable {
  public var id: String?
  public var container: ContainerNumber
  public var code: EventCode
  public var time: EventTime
  /// As written (code or alias); resolved to the canonical code when recorded.
  public var location: LocationCode
  public var shipment: String?
  public var classifier: EventClassifier
  public var mode: TransportModeCode?
  public var vehicle: String?
  public var emptyLaden: EmptyLaden?
  public var seal: String?
  public var note: String?
  /// A carrier's booking reference as a terminal or railway reported it (EDIFACT RFF+BN), kept
  /// when it is not a Corridor shipment: the engine puts the event on the shipment it names when
  /// there is one (see `EventAcceptance.decide`).
  public var carrierBooking: String?
  /// Who put the seal on, and its kind, when the source said (only with a seal).
  public var sealSource: SealSource?
  public var sealType: SealType?

  public init(
    id: String? = nil, container: ContainerNumber, code: EventCode, time: EventTime, location: LocationCode, shipment: String? = nil,
    classifier: EventClassifier = .ACT, mode: TransportModeCode? = nil, vehicle: String? = nil, emptyLaden: EmptyLaden? = nil,
    seal: String? = nil, note: String? = nil, carrierBooking: String? = nil, sealSource: SealSource? = nil, sealType: SealType? = nil
  ) {
    // Empty means absent, whichever way the event came in: `--seal ""` was stored as "" but
    // exported as absent, so the export did not re-import; `--id ""` reached the schema.
    func absentIfEmpty(_ text: String?) -> String? { text?.isEmpty == true ? nil : text }
    self.id = absentIfEmpty(id)
    self.container = container
    self.code = code
    self.time = time
    self.location = location
    self.shipment = absentIfEmpty(shipment)
    self.classifier = classifier
    self.mode = mode
    self.vehicle = absentIfEmpty(vehicle)
    self.emptyLaden = emptyLaden
    self.seal = absentIfEmpty(seal)
    self.note = absentIfEmpty(note)
    self.carrierBooking = absentIfEmpty(carrierBooking)
    // A seal's source and type describe a seal: without one they are not kept.
    self.sealSource = self.seal == nil ? nil : sealSource
    self.sealType = self.seal == nil ? nil : sealType
  }

  /// Identical content, the written offset included: a report resent with another offset for
  /// the same instant is a different report (its derived id differs too).
  public static func == (a: EventReport, b: EventReport) -> Bool {
    a.id == b.id && a.container == b.container && a.code == b.code && a.time == b.time
      && a.time.offsetMinutes == b.time.offsetMinutes && a.location == b.location && a.shipment == b.shipment
      && a.classifier == b.classifier && a.mode == b.mode && a.vehicle == b.vehicle && a.emptyLaden == b.emptyLaden
      && a.seal == b.seal && a.note == b.note && a.carrierBooking == b.carrierBooking && a.sealSource == b.sealSource
      && a.sealType == b.sealType
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(id)
    hasher.combine(container)
    hasher.combine(code)
    hasher.combine(time.milliseconds)
    hasher.combine(time.offsetMinutes)
    hasher.combine(location)
    hasher.combine(shipment)
    hasher.combine(classifier)
    hasher.combine(mode)
    hasher.combine(vehicle)
    hasher.combine(emptyLaden)
    hasher.combine(seal)
    hasher.combine(note)
    hasher.combine(carrierBooking)
    hasher.combine(sealSource)
    hasher.combine(sealType)
  }

  /// A deterministic id from the content, so re-sending the same report never duplicates it.
  public var derivedID: String { Self.derivedID(contentDigest) }

  /// The derived id of a content digest: `ev-` and its first 16 bytes in hex.
  package static func derivedID(_ digest: SHA256.Digest) -> String { digest.withUnsafeBytes { hex($0.prefix(16), prefix: "ev-") } }

  /// SHA-256 of everything but the id. The derived id is made from it, and the import compares
  /// rows by it (the first 8 bytes), so a row is hashed once, on the reader thread.
  package var contentDigest: SHA256.Digest {
    // One buffer and one hash update: imports derive an id for every row.
    var bytes: [UInt8] = []
    bytes.reserveCapacity(160)
    func field(_ text: String?) {
      bytes.append(0x1F)
      if let text { bytes.append(contentsOf: text.utf8) }
    }
    bytes.append(contentsOf: container.text.utf8)
    field(code.rawValue)
    field(String(time.milliseconds))
    field(String(time.offsetMinutes))
    field(location.text)
    field(shipment)
    field(classifier.rawValue)
    field(mode?.rawValue)
    field(vehicle)
    field(emptyLaden?.rawValue)
    field(seal)
    field(note)
    // Only when present: ids derived before carrier references existed stay the same.
    if let carrierBooking { field(carrierBooking) }
    // Likewise a seal's source and type, tagged so that they never read as a carrier reference.
    if sealSource != nil || sealType != nil {
      field("sealSource=" + (sealSource?.rawValue ?? ""))
      field("sealType=" + (sealType?.rawValue ?? ""))
    }
    return SHA256.hash(data: bytes)
  }
}

/// A recorded event.
public struct MovementEvent: Sendable, Equatable {
  public var seq: Int64
  public var id: String
  public var report: EventReport
  /// The sequence rule an `--allow-gap` event broke.
  public var exception: String?
  public var offRoute: Bool
  public var retracted: Bool
  public var retractionReason: String?
  public var recordedAt: String
  public var recordedBy: String

  package init(
    seq: Int64, id: String, report: EventReport, exception: String?, offRoute: Bool, retracted: Bool, retractionReason: String?, recordedAt: String,
    recordedBy: String
  ) {
    self.seq = seq
    self.id = id
    self.report = report
    self.exception = exception
    self.offRoute = offRoute
    self.retracted = retracted
    self.retractionReason = retractionReason
    self.recordedAt = recordedAt
    self.recordedBy = recordedBy
  }

  public var container: ContainerNumber { report.container }
  public var code: EventCode { report.code }
  public var time: EventTime { report.time }
  public var location: LocationCode { report.location }
}

// The rule ids of movement events, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let classifier = RuleID("classifier")
  public static let emptyLaden = RuleID("empty-laden")
  public static let eventCode = RuleID("event-code")
  public static let eventRetracted = RuleID("event-retracted")
  public static let unknownEvent = RuleID("unknown-event")
}
