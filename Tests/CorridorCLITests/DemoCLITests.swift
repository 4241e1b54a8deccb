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
      "automobiles          24         1432  43130000000.00", "94.1", "intact: ",
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

  @Test func completionScripts() throws {
    for shell in ["bash", "zsh", "fish"] {
      let result = try CLI.run(["--generate-completion-script", shell])
      #expect(result.status == 0)
      #expect(result.stdout.contains("corridor"))
    }
  }
}
