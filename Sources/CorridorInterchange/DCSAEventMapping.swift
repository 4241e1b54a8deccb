import CorridorModel

/// The one mapping between Corridor's movement events and DCSA Track & Trace 2.2 equipment and
/// transport events (docs/interchange.md): the NDJSON import and export, `POST
/// /corridor/v1/events`, `GET /v2/events` and the notifications all go through it, so a field
/// cannot mean one thing in a file and another over HTTP.
public enum DCSAEventMapping {
  /// What DCSA's `eventCreatedDateTime` carries.
  public enum Created: Sendable {
    /// The event's own time: exports stay byte-reproducible.
    case eventTime
    /// When Corridor recorded it (UTC, to the second): what a client polling "created since"
    /// needs, so that a late-reported event is not missed.
    case recorded
  }

  /// Writes the DCSA object for a recorded event as canonical JSON (keys in code-point order,
  /// as `CanonicalJSON` writes them), straight into bytes: the server writes every event it
  /// serves or pushes, and building a dictionary per event cost more than the query.
  public static func write(_ event: MovementEvent, created: Created, to out: inout [UInt8]) {
    let r = event.report
    /// Opens the next member of an object (`{` before the first, `,` before the others).
    func member(_ name: StaticString, first: inout Bool) {
      out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
      first = false
      out.append(UInt8(ascii: "\""))
      out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
      out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }
    var first = true
    func key(_ name: StaticString) { member(name, first: &first) }
    func string(_ name: StaticString, _ value: String) {
      key(name)
      CanonicalJSON.writeString(value, to: &out)
    }
    // Keys in code-point order.
    if let note = r.note { string("changeRemark", note) }
    // The shipment first, then a carrier's booking reference the event kept.
    let bookings = [r.shipment, r.carrierBooking].compactMap { $0 }
    if !bookings.isEmpty {
      key("documentReferences")
      for (index, booking) in bookings.enumerated() {
        out.append(contentsOf: Array((index == 0 ? "[" : ",").utf8) + Array("{\"documentReferenceType\":\"BKG\",\"documentReferenceValue\":".utf8))
        CanonicalJSON.writeString(booking, to: &out)
        out.append(UInt8(ascii: "}"))
      }
      out.append(UInt8(ascii: "]"))
    }
    // DCSA requires an equipment event's empty indicator and a seal's type. The server (what
    // `.recorded` writes) says what was recorded, else what the event implies
    // (`EmptyLaden.implied`, `SealType.whenNotGiven`); the export writes only what was recorded,
    // so that it imports back to the same events.
    let served = created == .recorded
    if let emptyLaden = r.emptyLaden ?? (served && !r.code.isTransport ? EmptyLaden.implied(by: r) : nil) {
      string("emptyIndicatorCode", emptyLaden.rawValue)
    }
    if !r.code.isTransport { string("equipmentEventTypeCode", r.code.rawValue) }
    string("equipmentReference", r.container.text)
    string("eventClassifierCode", r.classifier.rawValue)
    string("eventCreatedDateTime", created == .eventTime ? r.time.description : event.recordedAt)
    string("eventDateTime", r.time.description)
    string("eventID", event.id)
    if !r.code.isTransport {
      key("eventLocation")
      out.append(contentsOf: Array("{\"UNLocationCode\":".utf8))
      CanonicalJSON.writeString(r.location.text, to: &out)
      out.append(UInt8(ascii: "}"))
    }
    string("eventType", r.code.isTransport ? "TRANSPORT" : "EQUIPMENT")
    if let seal = r.seal {
      key("seals")
      out.append(contentsOf: Array("[{\"sealNumber\":".utf8))
      CanonicalJSON.writeString(seal, to: &out)
      if let source = r.sealSource {
        out.append(contentsOf: Array(",\"sealSource\":".utf8))
        CanonicalJSON.writeString(source.rawValue, to: &out)
      }
      if let type = r.sealType ?? (served ? SealType.whenNotGiven : nil) {
        out.append(contentsOf: Array(",\"sealType\":".utf8))
        CanonicalJSON.writeString(type.rawValue, to: &out)
      }
      out.append(contentsOf: Array("}]".utf8))
    }
    if r.code.isTransport || r.mode != nil || r.vehicle != nil {
      key("transportCall")
      var members: [(StaticString, String)] = []
      if r.code.isTransport { members.append(("UNLocationCode", r.location.text)) }
      if let vehicle = r.vehicle { members.append(("exportVoyageNumber", vehicle)) }
      if let mode = r.mode { members.append(("modeOfTransport", mode.rawValue)) }
      members.append(("transportCallID", transportCallID(r)))
      var firstMember = true
      for (name, value) in members {
        member(name, first: &firstMember)
        CanonicalJSON.writeString(value, to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
    if r.code.isTransport { string("transportEventTypeCode", r.code.rawValue) }
    out.append(UInt8(ascii: "}"))
  }

  /// The events as a JSON array (a `GET /v2/events` page, a notification's body).
  public static func array(_ events: [MovementEvent], created: Created) -> [UInt8] {
    var out: [UInt8] = [UInt8(ascii: "[")]
    out.reserveCapacity(events.count * 512)
    for (index, event) in events.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      write(event, created: created, to: &out)
    }
    out.append(UInt8(ascii: "]"))
    return out
  }

  /// DCSA requires a transport call to have an id; Corridor keeps no transport calls, so the id
  /// names the call by what identifies it: the place and the vehicle (or the mode), e.g.
  /// `KZDOS/X8001`. The same event always gets the same id; importing ignores it.
  package static func transportCallID(_ r: EventReport) -> String {
    String((r.location.text + "/" + (r.vehicle ?? r.mode?.rawValue ?? "call")).prefix(100))
  }

  /// The report a DCSA event object describes. `position` places an error at a node (a line of
  /// an NDJSON file, or a line and column of a request body).
  public static func report(_ node: JSONNode, at position: (JSONNode) -> SourcePosition) throws(CorridorError) -> EventReport {
    guard case .object = node.value else { throw .invalid("expected a JSON object", rule: .ndjson, at: position(node)) }
    func fail(_ at: JSONNode, _ message: String, rule: RuleID? = nil) -> CorridorError {
      .invalid(message, rule: rule ?? .ndjson, at: position(at))
    }
    func string(_ n: JSONNode?, _ name: String) throws(CorridorError) -> String? {
      guard let n, !n.isNull else { return nil }
      guard case .string(let text) = n.value else { throw fail(n, "\(name) must be a string") }
      return text
    }
    func parsed<T>(_ n: JSONNode?, _ name: String, _ parse: (String) throws(CorridorError) -> T) throws(CorridorError) -> T? {
      guard let text = try string(n, name), let n else { return nil }
      do { return try parse(text) } catch { throw fail(n, "\(name): \(error.message)", rule: error.rule) }
    }
    let eventType = try string(node["eventType"], "eventType")
    if eventType == "SHIPMENT" || node["shipmentEventTypeCode"] != nil {
      throw fail(node["eventType"] ?? node, "shipment events are not supported: Corridor records equipment and transport events")
    }
    let codeNode = node["equipmentEventTypeCode"] ?? node["transportEventTypeCode"]
    guard let code = try parsed(codeNode, "eventTypeCode", { t throws(CorridorError) in try EventCode(parsing: t) }) else {
      throw fail(node, "missing equipmentEventTypeCode or transportEventTypeCode")
    }
    if let eventType, !["EQUIPMENT", "TRANSPORT"].contains(eventType) {
      throw fail(node["eventType"] ?? node, "eventType \(eventType) is not EQUIPMENT or TRANSPORT")
    }
    let call = node["transportCall"]
    let locationNode = node["eventLocation"]?["UNLocationCode"] ?? call?["UNLocationCode"] ?? call?["location"]?["UNLocationCode"]
    guard let location = try parsed(locationNode, "UNLocationCode", { t throws(CorridorError) in try LocationCode(parsing: t) }) else {
      throw fail(node, "missing eventLocation.UNLocationCode or transportCall.UNLocationCode")
    }
    // An equipment event names its box in `equipmentReference`; a transport event, as DCSA
    // defines it, in `references` with type EQ.
    var equipmentNode = node["equipmentReference"]
    if equipmentNode == nil || equipmentNode?.isNull == true, let references = node["references"], case .array(let items) = references.value {
      for item in items where try string(item["referenceType"], "referenceType") == "EQ" {
        equipmentNode = item["referenceValue"]
        break
      }
    }
    guard let container = try parsed(equipmentNode, "equipmentReference", { t throws(CorridorError) in try ContainerNumber(parsing: t) })
    else { throw fail(node, "missing equipmentReference (or, for a transport event, a reference of type EQ)") }
    guard let time = try parsed(node["eventDateTime"], "eventDateTime", { t throws(CorridorError) in try EventTime(parsing: t) }) else {
      throw fail(node, "missing eventDateTime")
    }
    // Booking references as the export writes them: two are the shipment, then a carrier's
    // booking reference. One alone (a carrier's feed: its own booking number) is the carrier's
    // reference, which the engine puts the event on when it names a Corridor shipment and
    // otherwise keeps beside the box's own shipment (as EDIFACT's RFF+BN). Without a BKG, a
    // transport document reference (TRD) is kept the same way.
    var bookings: [String] = []
    var transportDocument: String?
    if let references = node["documentReferences"], case .array(let items) = references.value {
      for item in items {
        let type = try string(item["documentReferenceType"], "documentReferenceType")
        guard let value = try string(item["documentReferenceValue"], "documentReferenceValue") else { continue }
        if type == "BKG" { bookings.append(value) } else if type == "TRD" { transportDocument = transportDocument ?? value }
      }
    }
    guard bookings.count <= 2 else { throw fail(node["documentReferences"] ?? node, "more than two BKG document references") }
    var seal: String?
    var sealSource: SealSource?
    var sealType: SealType?
    if let seals = node["seals"], case .array(let items) = seals.value, let first = items.first {
      seal = try string(first["sealNumber"], "sealNumber")
      sealSource = try parsed(first["sealSource"], "sealSource") { t throws(CorridorError) in try SealSource(parsing: t) }
      sealType = try parsed(first["sealType"], "sealType") { t throws(CorridorError) in try SealType(parsing: t) }
    }
    var emptyLaden: EmptyLaden?
    if let text = try string(node["emptyIndicatorCode"], "emptyIndicatorCode") {
      guard let value = EmptyLaden(rawValue: text) else {
        throw fail(node["emptyIndicatorCode"] ?? node, "emptyIndicatorCode must be EMPTY or LADEN")
      }
      emptyLaden = value
    }
    return EventReport(
      id: try string(node["eventID"], "eventID"), container: container, code: code, time: time, location: location,
      shipment: bookings.count == 2 ? bookings[0] : nil,
      classifier: try parsed(node["eventClassifierCode"], "eventClassifierCode") { t throws(CorridorError) in try EventClassifier(parsing: t) }
        ?? .ACT,
      mode: try parsed(call?["modeOfTransport"], "modeOfTransport") { t throws(CorridorError) in try TransportModeCode(parsing: t) },
      vehicle: try string(call?["exportVoyageNumber"], "exportVoyageNumber"), emptyLaden: emptyLaden, seal: seal,
      note: try string(node["changeRemark"], "changeRemark"), carrierBooking: bookings.count == 2 ? bookings[1] : bookings.first ?? transportDocument,
      sealSource: sealSource, sealType: sealType)
  }
}
