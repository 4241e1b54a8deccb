import Foundation
import Testing

/// Databases written by a release (`fixtures/release-databases`, made by its `make.sh` with the
/// release's own binary) must open, take every later migration and verify byte for byte: the
/// audit trail is what customs holds, and no redesign may change how a state is rendered.
@Suite struct ReleaseDatabaseTests {
  static let folder = AuditCLITests.repository.appendingPathComponent("fixtures/release-databases")

  /// Every kept database (`*.db.xz`), by release and name.
  static let fixtures: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".db.xz") }.sorted()
  }()

  @Test func thereAreReleaseDatabases() {
    #expect(Self.fixtures.count >= 2, "\(Self.fixtures)")
  }

  @Test(arguments: fixtures) func aReleaseDatabaseMigratesAndVerifies(_ name: String) throws {
    let work = CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: work) }
    let db = work + "/" + String(name.dropLast(3))
    let unpacked = try CLI.run(
      executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "xz -dc \"$0\" > \"$1\"", Self.folder.appendingPathComponent(name).path, db])
    #expect(unpacked.status == 0, "\(unpacked.stderr)")

    let migrated = try CLI.run(["db", "migrate", "--db", db])
    #expect(migrated.status == 0, "\(migrated.stderr)")
    let status = try CLI.run(["db", "status", "--db", db, "--format", "json"])
    let statusJSON = try #require(try CLI.json(status.stdout) as? [String: Any])
    #expect(statusJSON["currentVersion"] as? Int == statusJSON["latestVersion"] as? Int, "\(status.stdout)")

    let verified = try CLI.run(["audit", "verify", "--db", db])
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    let checked = try CLI.run(["db", "check", "--db", db])
    #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")

    // A row edited behind the trail's back is still caught: the verification is not vacuous.
    let tampered = try CLI.run(
      executable: URL(fileURLWithPath: "/usr/bin/sqlite3"), [db, "UPDATE routes SET name = name || '.' WHERE code = 'CQ-AKL-DUI'"])
    #expect(tampered.status == 0, "\(tampered.stderr)")
    #expect(try CLI.run(["audit", "verify", "--db", db]).status != 0)
  }
}
