import Foundation
import Testing

/// The third hostile round (issue 27) through the real binary: spreadsheets, terminals, exports
/// that read back, and EDIFACT that must not be misread.
@Suite struct HostileRound3CLITests {
  /// CSV meant for people neutralises formulas; the interchange export keeps text as it is and
  /// imports back.
  @Test func spreadsheetCSVIsNeutralisedAndInterchangeCSVIsLossless() throws {
    let (folder, db) = try Fixture.journey()
    let hostile = ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(A1:A2)", "+1+1", "-2+3", "\tTAB"]
    for (index, shipper) in hostile.enumerated() {
      let created = try CLI.run([
        "shipment", "create", "F\(index)", "--route", "CQ-AKL-DUI", "--shipper=\(shipper)", "--consignee", "b", "--commodity", "laptops",
        "--value", "1.00", "--currency", "USD", "--booked", "2025-01-02", "--db", db,
      ])
      #expect(created.status == 0, "\(created.stderr)")
    }
    let listed = try CLI.run(["shipment", "list", "--format", "csv", "--db", db])
    #expect(listed.status == 0)
    for shipper in hostile {
      #expect(listed.stdout.contains("'\(shipper.replacingOccurrences(of: "\"", with: "\"\""))"), "\(shipper) in \(listed.stdout)")
    }
    // A formula is never at a cell's start: not after a comma, nor after an opening quote.
    for line in listed.stdout.split(separator: "\r\n") {
      for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
        let text = cell.hasPrefix("\"") ? cell.dropFirst() : cell
        #expect(!["=", "+", "@", "\t"].contains(where: { text.hasPrefix($0) }), "\(cell)")
      }
    }
    // A plain negative number stays a number.
    #expect(!listed.stdout.contains("'-1"))
    // The interchange export keeps a formula-like note byte for byte and reads it back.
    let noted = try CLI.run([
      "event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-03T10:00:00+08:00", "--location", "CNCQI", "--mode", "rail", "--note",
      "=1+1", "--db", db,
    ])
    #expect(noted.status == 0, "\(noted.stderr)")
    let file = folder + "/day.csv"
    #expect(try CLI.run(["export", "events", "--out", file, "--db", db]).status == 0)
    #expect(try String(contentsOfFile: file, encoding: .utf8).contains(",=1+1,"))
    let again = try CLI.run(["import", "events", file, "--db", db])
    #expect(again.status == 0 && again.stdout.contains("0 imported, 2 already recorded"), "\(again.stdout) \(again.stderr)")
  }

  /// Stored text with escape sequences or bidi overrides is shown, not obeyed, in tables and
  /// messages; ids and URLs with control characters are refused at the door, the field named.
  @Test func controlCharactersNeverReachTheTerminal() throws {
    let (folder, db) = try Fixture.journey()
    let created = try CLI.run([
      "shipment", "create", "E1", "--route", "CQ-AKL-DUI", "--shipper", "Evil\u{1B}]0;pwned\u{07}Co\u{202E}", "--consignee", "b",
      "--commodity", "laptops", "--value", "1.00", "--currency", "USD", "--booked", "2025-01-02", "--db", db,
    ])
    #expect(created.status == 0, "\(created.stderr)")
    let table = try CLI.run(["shipment", "list", "--db", db])
    #expect(table.stdout.contains("Evil<U+001B>]0;pwned<U+0007>Co<U+202E>"), "\(table.stdout)")
    #expect(!table.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })

    for (flag, value, field) in [
      ("--id", "ev\u{1B}[2J", "id"), ("--id", "line\nbreak", "id"), ("--id", String(repeating: "x", count: 101), "id"),
      ("--vehicle", "X\u{202E}1", "vehicle"), ("--note", "bell\u{07}", "note"),
    ] {
      let refused = try CLI.run([
        "event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-03T10:00:00+08:00", "--location", "CNCQI", flag, value, "--db", db,
      ])
      #expect(refused.status == 65, "\(flag): \(refused.stderr)")
      #expect(refused.stderr.contains(field) && refused.stderr.contains("[event-text]"), "\(refused.stderr)")
      #expect(!refused.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
    }
    // NDJSON: a NUL in an id is refused with the file's position.
    let ndjson = folder + "/nul.ndjson"
    try """
    {"eventType":"EQUIPMENT","equipmentEventTypeCode":"LOAD","eventClassifierCode":"ACT","eventDateTime":"2025-01-03T10:00:00+08:00","eventID":"a\\u0000b","equipmentReference":"CSQU3054383","eventLocation":{"UNLocationCode":"CNCQI"}}

    """.write(toFile: ndjson, atomically: true, encoding: .utf8)
    let nul = try CLI.run(["import", "events", ndjson, "--db", db])
    #expect(nul.status == 65 && nul.stderr.contains("\(ndjson):1:") && nul.stderr.contains("U+0000"), "\(nul.stderr)")
    // API key names.
    #expect(try CLI.run(["apikey", "create", "ops\u{1B}", "--role", "reader", "--db", db]).status == 65)
  }

  /// A note with line breaks goes out in IFTSTA released, and the export imports back as the
  /// same events.
  @Test func anIFTSTAExportReadsBack() throws {
    let (folder, db) = try Fixture.journey()
    let recorded = try CLI.run([
      "event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-03T10:00:00+08:00", "--location", "CNCQI", "--mode", "rail", "--note",
      "seal checked\r\nsecond line\nthird: 50% + ?", "--db", db,
    ])
    #expect(recorded.status == 0, "\(recorded.stderr)")
    let file = folder + "/status.edi"
    #expect(try CLI.run(["export", "events", "--format", "iftsta", "--out", file, "--db", db]).status == 0)
    let back = try CLI.run(["import", "events", file, "--db", db])
    #expect(back.status == 0 && back.stdout.contains("0 imported, 2 already recorded"), "\(back.stdout) \(back.stderr)")
  }

  static func coarri(dtm: String, bgm: Bool = true) -> String {
    let segments = [bgm ? "BGM+46+L1+9'" : nil, "LOC+9+CNCQI:139:6'", "EQD+CN+CSQU3054383+42G1:102:5++2+5'", dtm].compactMap { $0 }
    return "UNB+UNOA:2+CQRAIL+CORRIDOR+250103:1200+R1'\nUNH+1+COARRI:D:95B:UN'\n" + segments.joined(separator: "\n")
      + "\nUNT+\(segments.count + 2)+1'\nUNZ+1+R1'\n"
  }

  /// A time zone's `+` sent unreleased, or a message without BGM: refused with the position,
  /// never read another way; with --skip-invalid and no rejects file the reasons are printed.
  @Test func edifactIsNeverQuietlyMisread() throws {
    let (folder, db) = try Fixture.journey()
    let before = try CLI.run(["audit", "log", "--db", db]).stdout
    let unreleased = folder + "/zone.edi"
    try Self.coarri(dtm: "DTM+7:202501031000+05:303'").write(toFile: unreleased, atomically: true, encoding: .utf8)
    let zone = try CLI.run(["import", "events", unreleased, "--db", db])
    #expect(zone.status == 65 && zone.stderr.contains("DTM+7") && zone.stderr.contains("?+"), "\(zone.stderr)")
    #expect(zone.stderr.contains("\(unreleased): interchange R1, message 1, segment"), "\(zone.stderr)")
    let noZone = folder + "/nozone.edi"
    try Self.coarri(dtm: "DTM+7:202501031000:303'").write(toFile: noZone, atomically: true, encoding: .utf8)
    #expect(try CLI.run(["import", "events", noZone, "--db", db]).status == 65)
    let headless = folder + "/nobgm.edi"
    try Self.coarri(dtm: "DTM+7:202501031000?+08:303'", bgm: false).write(toFile: headless, atomically: true, encoding: .utf8)
    let missing = try CLI.run(["import", "events", headless, "--db", db])
    #expect(missing.status == 65 && missing.stderr.contains("COARRI message 1 has no BGM"), "\(missing.stderr)")
    #expect(try CLI.run(["audit", "log", "--db", db]).stdout == before)
    // With --skip-invalid and no --rejects, the reasons are on stderr.
    let skipped = try CLI.run(["import", "events", headless, "--skip-invalid", "--db", db])
    #expect(skipped.status == 0 && skipped.stdout.contains("1 rejected"), "\(skipped.stdout)")
    #expect(skipped.stderr.contains("corridor: rejected: ") && skipped.stderr.contains("no BGM"), "\(skipped.stderr)")
    // Released properly, the same message is read in its zone.
    let good = folder + "/good.edi"
    try Self.coarri(dtm: "DTM+7:202501031000?+08:303'").write(toFile: good, atomically: true, encoding: .utf8)
    let imported = try CLI.run(["import", "events", good, "--db", db])
    #expect(imported.status == 0 && imported.stdout.contains("1 imported"), "\(imported.stdout) \(imported.stderr)")
  }
}
