import CorridorStorePostgres
import Foundation
import Testing

/// `corridor serve --read-from`: a real hot standby (streaming replication, `.ci/postgres
/// standby`) of a primary made for the test, its replay paused to make it lag on demand. GETs of
/// events are served from the standby and lag; keys are read from the primary (a key made during
/// the lag works at once); a cursor taken during the lag, followed after the standby caught up,
/// gives every later event in recording order, none skipped. Needs PostgreSQL's server
/// (`CORRIDOR_TEST_POSTGRES` says it is there).
@Suite struct StandbyReadTests {
  static let script = ServerCLITests.repository.appendingPathComponent(".ci/postgres")

  static func cluster(_ arguments: [String]) throws -> String {
    let result = try CLI.run(executable: script, arguments)
    guard result.status == 0 else { throw CLISetupError(message: ".ci/postgres \(arguments): \(result.stderr)") }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test(.enabled(if: PostgresCLITests.available)) func readsFromALaggingStandbyNeverSkipAnEvent() throws {
    let folder = CLI.temporaryFolder()
    let port = Int.random(in: 56_100...56_800)
    let primaryAdmin = try Self.cluster(["start", folder + "/primary", "\(port)"])
    defer { _ = try? Self.cluster(["stop", folder + "/primary"]) }
    let admin = try PostgresSession(PostgresLocation(parsing: primaryAdmin, environment: [:]))
    try admin.execute("CREATE DATABASE corridor TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    let primary = primaryAdmin.replacingOccurrences(of: "/postgres", with: "/corridor")
    let env = ["CORRIDOR_DB": primary, "CORRIDOR_OPERATOR": "ops"]
    for step in [["init"], ["container", "add", "CSQU3054383", "--type", "42G1"]] {
      let result = try CLI.run(step, environment: env)
      #expect(result.status == 0, "\(step): \(result.stderr)")
    }
    let key = try CLI.run(["apikey", "create", "ops", "--role", "admin"], environment: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let standbyAdmin = try Self.cluster(["standby", folder + "/standby", "\(port + 1)", "\(port)"])
    defer { _ = try? Self.cluster(["stop", folder + "/standby"]) }
    let standby = standbyAdmin.replacingOccurrences(of: "/postgres", with: "/corridor")
    let replay = try PostgresSession(PostgresLocation(parsing: standbyAdmin, environment: [:]))

    let servers = ServerCLITests()
    let (server, serverPort) = try servers.serve(primary, folder: folder, options: ["--read-from", standby])
    defer { server.signal(SIGTERM) }
    func post(_ index: Int) throws {
      let code = index.isMultiple(of: 2) ? "GTIN" : "GTOT"
      let body =
        "[{\"eventType\":\"EQUIPMENT\",\"equipmentEventTypeCode\":\"\(code)\",\"eventClassifierCode\":\"ACT\","
        + "\"eventDateTime\":\"2025-01-03T\(String(format: "%02d", index)):00:00+08:00\",\"equipmentReference\":\"CSQU3054383\","
        + "\"eventLocation\":{\"UNLocationCode\":\"CNCQI\"}}]"
      let answer = try servers.curl([
        "-X", "POST", "http://127.0.0.1:\(serverPort)/corridor/v1/events", "-H", "Authorization: Bearer \(key)", "-d", body,
      ])
      #expect(answer.stdout.hasSuffix("200"), "\(index): \(answer.stdout)")
    }
    /// The events of a GET, and its Next-Page header.
    func get(_ path: String, key: String = key) throws -> (ids: [String], next: String?, status: String) {
      let answer = try servers.curl(["-D", folder + "/headers", "-H", "Authorization: Bearer \(key)", "http://127.0.0.1:\(serverPort)" + path])
      let status = String(answer.stdout.suffix(3))
      let events = (try? CLI.json(String(answer.stdout.dropLast(4))) as? [[String: Any]]) ?? []
      let headers = (try? String(contentsOfFile: folder + "/headers", encoding: .utf8)) ?? ""
      let next = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("next-page:") }.map {
        String($0.dropFirst("next-page:".count)).trimmingCharacters(in: .whitespaces)
      }
      return (events.compactMap { $0["eventID"] as? String }, next, status)
    }

    for index in 0..<3 { try post(index) }
    #expect(try servers.waitFor(30) { try get("/v2/events?limit=100").ids.count == 3 })
    let firstPage = try get("/v2/events?limit=1")
    let cursor = try #require(firstPage.next, "no Next-Page after the first of three events")

    // The standby stops replaying: what is posted now is on the primary only.
    _ = try replay.rows("SELECT pg_wal_replay_pause()::text")
    for index in 3..<6 { try post(index) }
    let recorded = try CLI.run(["export", "events", "--format", "ndjson"], environment: env).stdout.split(separator: "\n").count
    #expect(recorded == 6)
    #expect(try get("/v2/events?limit=100").ids.count == 3, "the GET was not served by the lagging standby")
    let lagging = try get(cursor + "&limit=100")
    #expect(lagging.ids.count == 2 && lagging.status == "200", "\(lagging)")
    // Keys are read from the primary: one made during the lag works at once.
    let lateKey = try CLI.run(["apikey", "create", "late", "--role", "reader"], environment: env).stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(try get("/v2/events?limit=1", key: lateKey).status == "200")

    _ = try replay.rows("SELECT pg_wal_replay_resume()::text")
    #expect(try servers.waitFor(30) { try get("/v2/events?limit=100").ids.count == 6 })
    let all = try get("/v2/events?limit=100").ids
    let caughtUp = try get(cursor + "&limit=100")
    #expect(caughtUp.ids == Array(all.dropFirst()), "a cursor from the lag skipped or reordered events: \(caughtUp.ids) against \(all)")
    #expect(!server.stderr.contains("ci-secret-pw"))
  }
}
