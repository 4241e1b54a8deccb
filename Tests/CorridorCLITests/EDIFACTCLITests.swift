import Foundation
import Testing

/// `corridor import events` with EDIFACT files, as a terminal's feed arrives: detected by content,
/// one line on stderr and exit 65 for a broken envelope, nothing written.
@Suite struct EDIFACTCLITests {
  /// A LOAD at Chongqing for the fixture's container, after its gate-in.
  static func loading(untCount: Int = 6) -> String {
    "UNB+UNOA:2+CQRAIL+CORRIDOR+250103:1200+R1'\nUNH+1+COARRI:D:95B:UN'\nBGM+46+L1+9'\nLOC+9+CNCQI:139:6'\n"
      + "EQD+CN+CSQU3054383+42G1:102:5++2+5'\nDTM+203:202501031000:203'\nUNT+\(untCount)+1'\nUNZ+1+R1'\n"
  }

  @Test func anEDIFACTFileIsRecognisedByItsContentAndImportedOnce() throws {
    let (folder, db) = try Fixture.journey()
    let path = folder + "/feed.txt"
    try Self.loading().write(toFile: path, atomically: true, encoding: .utf8)
    let first = try CLI.run(["import", "events", path, "--db", db])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("1 rows: 1 imported"))
    let again = try CLI.run(["import", "events", path, "--db", db])
    #expect(again.stdout.contains("1 already recorded"), "\(again.stdout)")
    let track = try CLI.run(["track", "CSQU3054383", "--db", db, "--format", "json"])
    #expect(track.stdout.contains("LOAD"))
    let out = folder + "/out.edi"
    let export = try CLI.run(["export", "events", "--format", "iftsta", "--out", out, "--db", db])
    #expect(export.status == 0, "\(export.stderr)")
    let written = try String(contentsOfFile: out, encoding: .utf8)
    #expect(written.hasPrefix("UNA:+.? '\nUNB+UNOW:4+") && written.contains("STS+1+LOAD::ZZZ'") && written.hasSuffix("UNZ+1+1'\n"))
  }

  @Test func aBrokenEnvelopeIsOneLineAndExit65WithNothingWritten() throws {
    let (folder, db) = try Fixture.journey()
    let before = try CLI.run(["audit", "log", "--db", db]).stdout
    for (name, text) in [("count.edi", Self.loading(untCount: 9)), ("cut.edi", String(Self.loading().prefix(120)))] {
      let path = folder + "/" + name
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      let result = try CLI.run(["import", "events", path, "--db", db])
      #expect(result.status == 65, "\(name): \(result.stderr)")
      let lines = result.stderr.split(separator: "\n")
      #expect(lines.first?.contains("\(path): interchange R1, message 1, segment") == true, "\(result.stderr)")
      #expect(lines.first?.contains("[edifact]") == true)
    }
    #expect(try CLI.run(["audit", "log", "--db", db]).stdout == before)
  }

  @Test func rejectsNameTheInterchangeMessageSegmentAndRule() throws {
    let (folder, db) = try Fixture.journey()
    let path = folder + "/feed.edi"
    try Self.loading().replacingOccurrences(of: "CSQU3054383", with: "MSKU0308961").write(toFile: path, atomically: true, encoding: .utf8)
    let refused = try CLI.run(["import", "events", path, "--db", db])
    #expect(refused.status == 65 && refused.stderr.contains("--register-containers"), "\(refused.stderr)")
    let rejects = folder + "/rejects.csv"
    let skipped = try CLI.run(["import", "events", path, "--skip-invalid", "--rejects", rejects, "--db", db])
    #expect(skipped.status == 0, "\(skipped.stderr)")
    let text = try String(contentsOfFile: rejects, encoding: .utf8)
    #expect(text.contains("unknown-container") && text.contains("interchange R1, message 1, segment 4, byte"), "\(text)")
    let registered = try CLI.run(["import", "events", path, "--register-containers", "--db", db])
    #expect(registered.status == 0 && registered.stdout.contains("1 imported"), "\(registered.stderr)")
  }
}
