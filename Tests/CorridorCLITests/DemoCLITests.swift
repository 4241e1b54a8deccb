import Foundation
import Testing

@Suite struct DemoCLITests {
  /// Same seed, same output (audit head hash included), and a tour that shows what it promises.
  @Test func demoIsDeterministicAndTakesTheTour() throws {
    let folder = CLI.temporaryFolder()
    let first = try CLI.run(["demo", "--db", "a.db"], cwd: folder)
    #expect(first.status == 0, "\(first.stderr)")
    let second = try CLI.run(["demo", "--db", "b.db"], cwd: folder)
    #expect(second.stdout.replacingOccurrences(of: "b.db", with: "a.db") == first.stdout)
    for fragment in [
      "== A container on its way", "progress    leg", "eta ", "Freight cost by corridor", "CN-EU", "CN-LA", "CN-VN", "ILSTC",
      "automobiles          24         1432  43,130,000,000.00", "94.1", "intact: ", "GMS-ROAD", "YANGTZE", "== Coming home",
      "automobiles  2          24   67,860,000.00",
    ] {
      #expect(first.stdout.contains(fragment), "missing \(fragment)")
    }
    // An explicit --db that exists is not overwritten.
    let again = try CLI.run(["demo", "--db", "a.db"], cwd: folder)
    #expect(again.status == 73)
    #expect(again.stderr.contains("corridor: hint:"))
    // The default file is the demo's own: replaced on every run.
    #expect(try CLI.run(["demo"], cwd: folder).status == 0)
    #expect(FileManager.default.fileExists(atPath: folder + "/corridor-demo.db"))
  }

  /// The README's demo paragraph states what the demo prints.
  @Test func theReadmeStatesTheDemosFigures() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let paragraph = try #require(readme.components(separatedBy: "The demo builds a fresh").dropFirst().first?.components(separatedBy: "\n\n").first)
      .replacingOccurrences(of: "\n", with: " ")
    func figure(before words: String) throws -> String {
      let head = try #require(paragraph.components(separatedBy: words).first, "no \(words)")
      return String(head.split(separator: " ").last ?? "").replacingOccurrences(of: ",", with: "")
    }
    let folder = CLI.temporaryFolder()
    let demo = try CLI.run(["demo", "--db", "r.db"], cwd: folder)
    #expect(demo.status == 0)
    let summary = try #require(demo.stdout.split(separator: "\n").first { $0.contains("movement events on") })
    #expect(summary.contains("\(try figure(before: " shipments of 2023–2024")) shipments"), "\(summary)")
    #expect(summary.contains("on \(try figure(before: " corridors as of")) corridors"), "\(summary)")
    #expect(summary.contains("\(try figure(before: " containers;")) containers"), "\(summary)")
    #expect(summary.contains("\(try figure(before: " movement events")) movement events"), "\(summary)")
    let asOf = try #require(paragraph.components(separatedBy: "as of ").dropFirst().first?.prefix(10))
    #expect(summary.contains("as of \(asOf)T"), "\(summary)")
    #expect(demo.stdout.contains("\(try figure(before: " open data-quality exceptions")) open exceptions"))
  }

  @Test func completionScripts() throws {
    for shell in ["bash", "zsh", "fish"] {
      let result = try CLI.run(["--generate-completion-script", shell])
      #expect(result.status == 0)
      #expect(result.stdout.contains("corridor"))
    }
  }
}
