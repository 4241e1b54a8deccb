import Foundation
import Testing

/// Real feeds (issue 28) through the real binary: DCSA bodies as carriers send them, written from
/// DCSA's TNT 2.2 schema (not copied from any published example).
@Suite struct RealFeedTests {
  /// A carrier's own booking number in `documentReferences` is its reference, not a Corridor
  /// shipment: the event goes on the box's shipment and keeps the carrier's number. A transport
  /// event names its box in `references` (EQ). A shipment event is refused in one clear sentence.
  @Test func carrierBodiesAreReadAsDCSADefinesThem() throws {
    let (folder, db) = try Fixture.journey()
    let file = folder + "/carrier.ndjson"
    let load = """
      {"eventID":"c-1","eventType":"EQUIPMENT","equipmentEventTypeCode":"LOAD","eventClassifierCode":"ACT","eventDateTime":"2025-01-03T10:00:00+08:00","eventCreatedDateTime":"2025-01-03T10:05:00+08:00","equipmentReference":"CSQU3054383","emptyIndicatorCode":"LADEN","eventLocation":{"locationName":"Chongqing","UNLocationCode":"CNCQI"},"transportCall":{"UNLocationCode":"CNCQI","modeOfTransport":"RAIL","exportVoyageNumber":"X8001"},"documentReferences":[{"documentReferenceType":"BKG","documentReferenceValue":"ABC123123123"}]}
      """
    let departure = """
      {"eventID":"c-2","eventType":"TRANSPORT","transportEventTypeCode":"DEPA","eventClassifierCode":"ACT","eventDateTime":"2025-01-03T11:00:00+08:00","eventCreatedDateTime":"2025-01-03T11:05:00+08:00","transportCall":{"UNLocationCode":"CNCQI","modeOfTransport":"RAIL","exportVoyageNumber":"X8001"},"references":[{"referenceType":"FF","referenceValue":"FWD-1"},{"referenceType":"EQ","referenceValue":"CSQU3054383"}],"documentReferences":[{"documentReferenceType":"TRD","documentReferenceValue":"BL-778"}]}
      """
    try (load + "\n" + departure + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    let imported = try CLI.run(["import", "events", file, "--db", db])
    #expect(imported.status == 0 && imported.stdout.contains("2 imported"), "\(imported.stdout) \(imported.stderr)")
    let events = try CLI.run(["export", "events", "--shipment", "S1", "--format", "ndjson", "--db", db]).stdout
    #expect(events.contains("\"c-1\"") && events.contains("\"c-2\""), "the events are on the box's shipment S1: \(events)")
    // The carrier's numbers are kept, as the second booking reference.
    #expect(events.contains("\"ABC123123123\"") && events.contains("\"BL-778\""), "\(events)")
    #expect(try CLI.run(["import", "events", file, "--db", db]).stdout.contains("2 already recorded"))

    // A booking number that is a Corridor shipment the box is not on is a conflict.
    try CLI.run([
      "shipment", "create", "S2", "--route", "CQ-AKL-DUI", "--shipper", "a", "--consignee", "b", "--commodity", "laptops", "--value",
      "1.00", "--currency", "USD", "--booked", "2025-01-02", "--db", db,
    ])
    let conflict = folder + "/conflict.ndjson"
    try load.replacingOccurrences(of: "ABC123123123", with: "S2").replacingOccurrences(of: "c-1", with: "c-3")
      .replacingOccurrences(of: "10:00:00", with: "12:00:00").write(toFile: conflict, atomically: true, encoding: .utf8)
    let refused = try CLI.run(["import", "events", conflict, "--db", db])
    #expect(refused.status == 65 && refused.stderr.contains("[not-on-shipment]"), "\(refused.stderr)")

    let shipmentEvent = folder + "/shipment.ndjson"
    try """
    {"eventType":"SHIPMENT","shipmentEventTypeCode":"CONF","eventClassifierCode":"ACT","eventDateTime":"2025-01-03T10:00:00+08:00","documentTypeCode":"BKG","documentID":"ABC123123123"}

    """.write(toFile: shipmentEvent, atomically: true, encoding: .utf8)
    let shipment = try CLI.run(["import", "events", shipmentEvent, "--db", db])
    #expect(shipment.status == 65 && shipment.stderr.contains("shipment events are not supported"), "\(shipment.stderr)")
    #expect(shipment.stderr.contains("\(shipmentEvent):1:"), "\(shipment.stderr)")
    #expect(!shipment.stderr.contains("equipmentEventTypeCode"))
  }

  /// A bare message (UNH first, no envelope) is recognised as EDIFACT and refused with what to
  /// add, not read as a CSV with an unknown column.
  @Test func aBareMessageIsRefusedAsSuch() throws {
    let (folder, db) = try Fixture.journey()
    let file = folder + "/bare.txt"
    try "UNH+1+COARRI:D:95B:UN'\nBGM+46+L1+9'\nLOC+9+CNCQI:139:6'\nEQD+CN+CSQU3054383+42G1:102:5++2+5'\nDTM+203:202501031000:203'\nUNT+6+1'\n"
      .write(toFile: file, atomically: true, encoding: .utf8)
    let refused = try CLI.run(["import", "events", file, "--db", db])
    #expect(refused.status == 65, "\(refused.stderr)")
    #expect(refused.stderr.contains("without an interchange envelope") && refused.stderr.contains("UNB"), "\(refused.stderr)")
    #expect(!refused.stderr.contains("unknown column"))
  }

  /// Pre-1995 size-type codes in a feed: registered as today's code, with the code as sent in
  /// the container's record (JSON and the audit trail); a legacy code with no agreed equivalent
  /// is refused, not guessed.
  @Test func legacySizeCodesAreReadAsTodaysCodes() throws {
    let (folder, db) = try Fixture.journey()
    func coarri(_ box: String, _ size: String) -> String {
      "UNB+UNOA:2+QZPORT+CORRIDOR+250103:1200+R9'\nUNH+1+COARRI:D:95B:UN'\nBGM+44+D1+9'\nLOC+11+CNQZH:139:6'\n"
        + "EQD+CN+\(box)+\(size):102:5++3+5'\nDTM+203:202501031000:203'\nUNT+6+1'\nUNZ+1+R9'\n"
    }
    let file = folder + "/legacy.edi"
    try (coarri("MSKU0308961", "4500") + coarri("TCNU7200794", "2210").replacingOccurrences(of: "R9", with: "R10"))
      .write(toFile: file, atomically: true, encoding: .utf8)
    let imported = try CLI.run(["import", "events", file, "--register-containers", "--allow-gap", "--db", db])
    #expect(imported.status == 0 && imported.stdout.contains("2 imported"), "\(imported.stdout) \(imported.stderr)")
    let boxes = try #require(try CLI.json(try CLI.run(["container", "list", "--format", "json", "--db", db]).stdout) as? [[String: Any]])
    let high = try #require(boxes.first { $0["number"] as? String == "MSKU0308961" })
    #expect(high["sizeType"] as? String == "45G1" && high["sizeTypeAsSent"] as? String == "4500", "\(high)")
    let standard = try #require(boxes.first { $0["number"] as? String == "TCNU7200794" })
    #expect(standard["sizeType"] as? String == "22G1" && standard["sizeTypeAsSent"] as? String == "2210", "\(standard)")
    // Registered by hand with today's code: no legacy note.
    #expect(boxes.first { $0["number"] as? String == "CSQU3054383" }?["sizeTypeAsSent"] == nil)
    let again = try CLI.run(["import", "events", file, "--register-containers", "--allow-gap", "--db", db])
    #expect(again.stdout.contains("0 imported, 2 already recorded"), "\(again.stdout) \(again.stderr)")
    let log = try CLI.run(["audit", "log", "--entity", "container", "--format", "json", "--db", db]).stdout
    #expect(log.contains("sizeTypeAsSent"), "\(log)")
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
    // A tank code of the old list has no agreed equivalent here.
    let tank = folder + "/tank.edi"
    try coarri("SUDU3070079", "2270").write(toFile: tank, atomically: true, encoding: .utf8)
    let refused = try CLI.run(["import", "events", tank, "--register-containers", "--allow-gap", "--db", db])
    #expect(refused.status == 65 && refused.stderr.contains("2270 is a pre-1995 ISO 6346 code"), "\(refused.stderr)")
  }

  /// A new partner's first file starts mid-journey: with `--onboard` a box with no event yet is
  /// taken from its first event (one `first-seen-mid-journey` flag), and every other rule holds.
  @Test func onboardingTakesABoxFromWhereTheFeedFirstSeesIt() throws {
    let (folder, db) = try Fixture.journey()
    #expect(try CLI.run(["container", "add", "MSKU0308961", "--type", "42G1", "--db", db]).status == 0)
    #expect(try CLI.run(["shipment", "assign", "S1", "MSKU0308961", "--db", db]).status == 0)
    let file = folder + "/first-day.csv"
    try """
    container,code,at,location
    MSKU0308961,DISC,2025-01-08T14:00:00+05:00,KZDOS
    MSKU0308961,LOAD,2025-01-09T09:00:00+05:00,KZDOS
    MSKU0308961,DEPA,2025-01-09T10:00:00+05:00,KZDOS

    """.write(toFile: file, atomically: true, encoding: .utf8)
    let plain = try CLI.run(["import", "events", file, "--db", db])
    #expect(plain.status == 65 && plain.stderr.contains("[disc-when-not-loaded]"), "\(plain.stderr)")
    let onboarded = try CLI.run(["import", "events", file, "--onboard", "--db", db])
    #expect(onboarded.status == 0 && onboarded.stdout.contains("3 imported"), "\(onboarded.stdout) \(onboarded.stderr)")
    let report = try CLI.run(["report", "exceptions", "--format", "json", "--as-of", "2025-01-09T12:00:00+05:00", "--db", db]).stdout
    #expect(report.components(separatedBy: "first-seen-mid-journey").count == 2, "\(report)")
    #expect(report.contains("MSKU0308961"))
    // Every other rule holds: a gate-in while on the train, for the onboarded box and for a box
    // Corridor already followed.
    let later = folder + "/second-day.csv"
    try """
    container,code,at,location
    MSKU0308961,GTIN,2025-01-09T11:00:00+05:00,KZDOS

    """.write(toFile: later, atomically: true, encoding: .utf8)
    let refused = try CLI.run(["import", "events", later, "--onboard", "--db", db])
    #expect(refused.status == 65 && refused.stderr.contains("[gate-in-while-loaded]"), "\(refused.stderr)")
    let known = folder + "/known.csv"
    try """
    container,code,at,location
    CSQU3054383,DISC,2025-01-08T14:00:00+05:00,KZDOS

    """.write(toFile: known, atomically: true, encoding: .utf8)
    let followed = try CLI.run(["import", "events", known, "--onboard", "--db", db])
    #expect(followed.status == 65 && followed.stderr.contains("[disc-when-not-loaded]"), "\(followed.stderr)")
  }

  /// A seal's source and type come in through every way (DCSA bodies, CSV columns, EDIFACT SEL's
  /// sealing party) and go out again through every export, reading back as the same events.
  @Test func sealSourceAndTypeTravelEveryWay() throws {
    let (folder, db) = try Fixture.journey()
    let ndjson = folder + "/sealed.ndjson"
    try """
    {"eventID":"s-1","eventType":"EQUIPMENT","equipmentEventTypeCode":"LOAD","eventClassifierCode":"ACT","eventDateTime":"2025-01-03T10:00:00+08:00","equipmentReference":"CSQU3054383","eventLocation":{"UNLocationCode":"CNCQI"},"seals":[{"sealNumber":"CU-778","sealSource":"CUS","sealType":"WIR"}]}

    """.write(toFile: ndjson, atomically: true, encoding: .utf8)
    #expect(try CLI.run(["import", "events", ndjson, "--db", db]).stdout.contains("1 imported"))
    let csv = folder + "/sealed.csv"
    try """
    id,container,code,at,location,seal,sealSource,sealType
    s-2,CSQU3054383,DEPA,2025-01-03T11:00:00+08:00,CNCQI,VET-9,VET,KLP

    """.write(toFile: csv, atomically: true, encoding: .utf8)
    let fromCSV = try CLI.run(["import", "events", csv, "--db", db])
    #expect(fromCSV.stdout.contains("1 imported"), "\(fromCSV.stdout) \(fromCSV.stderr)")
    let recorded = try CLI.run([
      "event", "record", "CSQU3054383", "ARRI", "--at", "2025-01-05T10:00:00+08:00", "--location", "CNAKL", "--seal", "PHY-1",
      "--seal-source", "phy", "--db", db,
    ])
    #expect(recorded.status == 0, "\(recorded.stderr)")
    let exported = try CLI.run(["export", "events", "--format", "ndjson", "--db", db]).stdout
    #expect(exported.contains(#""sealNumber":"CU-778","sealSource":"CUS","sealType":"WIR""#), "\(exported)")
    #expect(exported.contains(#""sealNumber":"VET-9","sealSource":"VET","sealType":"KLP""#), "\(exported)")
    #expect(exported.contains(#""sealNumber":"PHY-1","sealSource":"PHY"}"#), "no type was recorded, none is exported: \(exported)")
    // Every export format reads back as the same events.
    for format in ["csv", "ndjson", "iftsta"] {
      let out = folder + "/back.\(format)"
      #expect(try CLI.run(["export", "events", "--format", format, "--out", out, "--db", db]).status == 0)
      let back = try CLI.run(["import", "events", out, "--db", db])
      #expect(back.status == 0 && back.stdout.contains("0 imported, 4 already recorded"), "\(format): \(back.stdout) \(back.stderr)")
    }
    // EDIFACT's sealing party: CU is customs.
    let edi = folder + "/sel.edi"
    try "UNB+UNOA:2+CQRAIL+CORRIDOR+250106:1200+R5'\nUNH+1+COARRI:D:95B:UN'\nBGM+44+D1+9'\nLOC+11+CNAKL:139:6'\n"
      .appending("EQD+CN+CSQU3054383+42G1:102:5++2+5'\nDTM+203:202501061000:203'\nSEL+CU-900+CU'\nUNT+7+1'\nUNZ+1+R5'\n")
      .write(toFile: edi, atomically: true, encoding: .utf8)
    let sel = try CLI.run(["import", "events", edi, "--db", db])
    #expect(sel.stdout.contains("1 imported"), "\(sel.stdout) \(sel.stderr)")
    #expect(try CLI.run(["export", "events", "--format", "ndjson", "--db", db]).stdout.contains(#""sealNumber":"CU-900","sealSource":"CUS"}"#))
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
    // A source or type without a seal is a usage error; an unknown type names the values.
    #expect(
      try CLI.run([
        "event", "record", "CSQU3054383", "INSP", "--at", "2025-01-06T12:00:00+08:00", "--location", "CNAKL", "--seal-type", "BLT", "--db", db,
      ])
      .status == 64)
    let bad = try CLI.run([
      "event", "record", "CSQU3054383", "INSP", "--at", "2025-01-06T12:00:00+08:00", "--location", "CNAKL", "--seal", "X1", "--seal-type", "tape",
      "--db", db,
    ])
    #expect(bad.status == 65 && bad.stderr.contains("KLP, BLT or WIR"), "\(bad.stderr)")
  }

  /// A railway's own status codes, mapped once in the reference data, apply to its interchanges
  /// only; what stays unmapped is listed with where it was first seen, `--strict-codes` makes it
  /// a row error, and an unmapped status's box is still checked.
  @Test func aSendersOwnCodesAreMappedOnce() throws {
    let (folder, db) = try Fixture.journey()
    #expect(
      try CLI.run(["event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-03T10:00:00+08:00", "--location", "CNCQI", "--db", db]).status
        == 0)
    let reference = folder + "/codes.json"
    try """
    {"statusCodes": [{"sender": "CNRAIL", "code": "P", "agency": "HS", "event": "DEPA", "note": "train departed (railway's own code)"}]}
    """.write(toFile: reference, atomically: true, encoding: .utf8)
    let loaded = try CLI.run(["reference", "load", reference, "--db", db])
    #expect(loaded.status == 0 && loaded.stdout.contains("statusCodes: 1 new"), "\(loaded.stdout) \(loaded.stderr)")
    func status(_ sender: String, _ box: String = "CSQU3054383", reference: String = "R1") -> String {
      "UNB+UNOA:2+\(sender)+CORRIDOR+250103:1200+\(reference)'\nUNH+1+IFTSTA:D:00B:UN'\nBGM+23+S1+9'\nCNI+1'\nSTS+1+P::HS'\n"
        + "DTM+334:202501031100:203'\nLOC+175+CNCQI:139:6'\nEQD+CN+\(box)'\nUNT+8+1'\nUNZ+1+\(reference)'\n"
    }
    let railway = folder + "/railway.edi"
    try status("CNRAIL").write(toFile: railway, atomically: true, encoding: .utf8)
    let mapped = try CLI.run(["import", "events", railway, "--db", db])
    #expect(mapped.status == 0 && mapped.stdout.contains("1 imported"), "\(mapped.stdout) \(mapped.stderr)")
    #expect(try CLI.run(["track", "CSQU3054383", "--db", db, "--format", "json"]).stdout.contains("DEPA"))
    #expect(try CLI.run(["import", "events", railway, "--db", db]).stdout.contains("0 imported, 1 already recorded"))
    // Another sender's P::HS means nothing here: listed, with where it was first seen.
    let other = folder + "/other.edi"
    try status("OTHERRAIL", reference: "R2").write(toFile: other, atomically: true, encoding: .utf8)
    let unmapped = try CLI.run(["import", "events", other, "--db", db])
    #expect(unmapped.status == 0 && unmapped.stdout.contains("0 imported"), "\(unmapped.stdout)")
    #expect(unmapped.stdout.contains("IFTSTA STS P::HS from OTHERRAIL ×1"), "\(unmapped.stdout)")
    #expect(unmapped.stdout.contains("first at \(other): interchange R2, message 1, segment"), "\(unmapped.stdout)")
    let strict = try CLI.run(["import", "events", other, "--strict-codes", "--db", db])
    #expect(strict.status == 65 && strict.stderr.contains("P::HS from OTHERRAIL has no Corridor event"), "\(strict.stderr)")
    // An unmapped status's box is still checked: a wrong check digit is named.
    let wrong = folder + "/wrong.edi"
    try status("OTHERRAIL", "CSQU3054384", reference: "R3").write(toFile: wrong, atomically: true, encoding: .utf8)
    let digit = try CLI.run(["import", "events", wrong, "--db", db])
    #expect(digit.status == 65 && digit.stderr.contains("check digit"), "\(digit.stderr)")
    // The mapping is audited like the rest, and refused with its position when wrong.
    #expect(try CLI.run(["audit", "log", "--entity", "statusCode", "--db", db]).stdout.contains("CNRAIL/P//HS"))
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
    try """
    {"statusCodes": [{"sender": "CNRAIL", "code": "Q", "event": "LEFT"}]}
    """.write(toFile: reference, atomically: true, encoding: .utf8)
    let bad = try CLI.run(["reference", "load", reference, "--db", db])
    #expect(bad.status == 65 && bad.stderr.contains("\(reference):1:") && bad.stderr.contains("LEFT"), "\(bad.stderr)")
  }
}
