import Foundation
import Testing

@Suite struct FoundationCLITests {
  @Test func initCreatesFoldersAndMigrates() throws {
    let folder = CLI.temporaryFolder()
    let path = folder + "/nested/deeper/corridor.db"
    let result = try CLI.run(["init", "--db", path, "--empty"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: path))
    #expect(result.stderr.contains("applied migration 0001_schema_migrations.sql"))
  }

  @Test func dbStatusAsJSON() throws {
    let path = CLI.temporaryFolder() + "/c.db"
    try CLI.run(["init", "--db", path, "--empty"])
    let result = try CLI.run(["db", "status", "--db", path, "--format", "json"])
    #expect(result.status == 0)
    let object = try #require(try CLI.json(result.stdout) as? [String: Any])
    let migrations = try #require(object["migrations"] as? [[String: Any]])
    #expect(migrations.first?["name"] as? String == "0001_schema_migrations.sql")
    #expect(migrations.allSatisfy { $0["state"] as? String == "applied" })
    #expect(object["currentVersion"] as? Int == object["latestVersion"] as? Int)
  }

  @Test func environmentVariablePicksTheDatabase() throws {
    let path = CLI.temporaryFolder() + "/env.db"
    try CLI.run(["init", "--empty"], environment: ["CORRIDOR_DB": path])
    #expect(FileManager.default.fileExists(atPath: path))
    let check = try CLI.run(["db", "check"], environment: ["CORRIDOR_DB": path])
    #expect(check.status == 0)
    #expect(check.stdout.contains("ok"))
  }

  @Test func missingDatabaseExits66WithHint() throws {
    let result = try CLI.run(["db", "status", "--db", CLI.temporaryFolder() + "/missing.db"])
    #expect(result.status == 66)
    #expect(result.stderr.hasPrefix("corridor: error: no database at"))
    #expect(result.stderr.contains("corridor init"))
  }

  @Test func directoryAsDatabaseExits73() throws {
    let result = try CLI.run(["init", "--db", CLI.temporaryFolder()])
    #expect(result.status == 73)
    #expect(result.stderr.contains("is a directory"))
  }

  @Test func uncreatableFolderExits73() throws {
    let folder = CLI.temporaryFolder()
    #expect(FileManager.default.createFile(atPath: folder + "/file", contents: Data()))
    let result = try CLI.run(["init", "--db", folder + "/file/sub/c.db"])
    #expect(result.status == 73)
  }

  @Test func garbageFileExits65AndStaysIdentical() throws {
    let path = CLI.temporaryFolder() + "/junk.db"
    let bytes = Data((0..<4096).map { UInt8($0 % 251) })
    #expect(FileManager.default.createFile(atPath: path, contents: bytes))
    let result = try CLI.run(["db", "migrate", "--db", path])
    #expect(result.status == 65)
    #expect(result.stderr.contains("not a SQLite database"))
    #expect(FileManager.default.contents(atPath: path) == bytes)
  }

  @Test func unknownFlagIsUsageError() throws {
    let result = try CLI.run(["db", "status", "--no-such-flag"])
    #expect(result.status == 64)
  }

  @Test func versionAndHelp() throws {
    #expect(try CLI.run(["--version"]).stdout.contains("0."))
    let help = try CLI.run(["db", "--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("migrate"))
  }

  /// Scripts pass the common options to every command: every leaf command's help lists `--db`.
  @Test func everyCommandAcceptsTheDatabaseOption() throws {
    var queue: [[String]] = [[]]
    var leaves: [[String]] = []
    while let path = queue.popLast() {
      let help = try CLI.run(path + ["--help"]).stdout
      guard let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first else {
        leaves.append(path)
        #expect(help.contains("--db <db>"), "corridor \(path.joined(separator: " ")) has no --db")
        continue
      }
      // Subcommand lines are "  name   abstract"; the section ends with a "See 'corridor help …'" line.
      for line in section.split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("   ") {
        guard let name = line.split(separator: " ").first.map(String.init), name != "help", name.first?.isLowercase == true,
          path.count < 3
        else { continue }
        queue.append(path + [name])
      }
    }
    #expect(leaves.count > 30)
    #expect(try CLI.run(["container", "check", "CSQU3054383", "--db", CLI.temporaryFolder() + "/unused.db"]).status == 0)
  }

  /// Tables group money digits for people; JSON and CSV keep the plain decimal for machines.
  @Test func tablesGroupMoneyDigits() throws {
    let db = CLI.temporaryFolder() + "/s.db"
    #expect(try CLI.run(["init", "--sample", "--db", db]).status == 0)
    let arguments = ["report", "exports", "--year", "2024", "--db", db]
    #expect(try CLI.run(arguments).stdout.contains("145,000,000,000.00"))
    #expect(try CLI.run(arguments + ["--format", "json"]).stdout.contains("\"145000000000.00\""))
    #expect(try CLI.run(arguments + ["--format", "csv"]).stdout.contains(",145000000000.00,"))
  }
}
