import Foundation
import Testing

/// Runs the README's operator's cookbook, command by command, against a fresh database, so the
/// README cannot go stale.
@Suite struct CookbookTests {
  struct Step {
    let line: Int
    let arguments: [String]
    let expectedStatus: Int32
  }

  /// The `corridor …` lines of the cookbook section's code blocks, with their `# exit N`.
  static func steps() throws -> [Step] {
    let readme = AuditCLITests.repository.appendingPathComponent("README.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    var steps: [Step] = []
    var inSection = false
    var inCode = false
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = String(raw)
      if line.hasPrefix("## ") { inSection = line == "## Operator's cookbook" }
      guard inSection else { continue }
      if line.hasPrefix("```") {
        inCode.toggle()
        continue
      }
      guard inCode, line.hasPrefix("corridor ") else { continue }
      var command = line
      var status: Int32 = 0
      if let marker = line.range(of: "# exit ") {
        status = Int32(line[marker.upperBound...].trimmingCharacters(in: .whitespaces)) ?? -1
        command = String(line[..<marker.lowerBound])
      } else if let comment = line.range(of: " # ") {
        command = String(line[..<comment.lowerBound])
      }
      steps.append(Step(line: index + 1, arguments: Array(split(command).dropFirst()), expectedStatus: status))
    }
    return steps
  }

  /// Splits a command line the way a shell would for these simple lines (double quotes only).
  static func split(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quoted = false
    var started = false
    for character in line {
      if character == "\"" {
        quoted.toggle()
        started = true
      } else if character == " " && !quoted {
        if started { words.append(current) }
        current = ""
        started = false
      } else {
        current.append(character)
        started = true
      }
    }
    if started { words.append(current) }
    return words
  }

  @Test func everyCookbookCommandBehavesAsDocumented() throws {
    let steps = try Self.steps()
    #expect(steps.count >= 30)
    #expect(steps.contains { $0.expectedStatus != 0 })
    let folder = CLI.temporaryFolder()
    let env = ["CORRIDOR_DB": folder + "/cookbook.db", "CORRIDOR_OPERATOR": "cookbook"]
    for step in steps {
      let result = try CLI.run(step.arguments, environment: env, cwd: folder)
      #expect(
        result.status == step.expectedStatus,
        "README.md:\(step.line): corridor \(step.arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
      if step.expectedStatus != 0 {
        // A failure says what was wrong and what to do.
        #expect(result.stderr.hasPrefix("corridor: error: "), "README.md:\(step.line): \(result.stderr)")
        #expect(result.stderr.contains("corridor: hint: "), "README.md:\(step.line): no hint in \(result.stderr)")
      }
    }
    // The journey in the cookbook ends delivered at Duisburg.
    let track = try CLI.run(["track", "CSQU3054383", "--format", "json"], environment: env)
    let object = try #require(try CLI.json(track.stdout) as? [String: Any])
    #expect(object["state"] as? String == "delivered")
  }
}
