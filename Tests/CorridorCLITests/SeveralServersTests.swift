import Foundation
import Testing

/// Two `corridor serve` processes on one PostgreSQL ledger: writes to either go through the one
/// acceptance engine (each under the audit chain's lock), and a subscriber made through one
/// receives every event, once, in recording order, from whichever server holds its delivery
/// lease (migration 0027). Needs `CORRIDOR_TEST_POSTGRES`.
@Suite struct SeveralServersTests {
  @Test(.enabled(if: PostgresCLITests.available)) func twoServersShareOneLedgerAndOneDeliveryOrder() throws {
    let (url, secret, drop) = try PostgresCLITests.freshDatabase()
    defer { drop() }
    let folder = CLI.temporaryFolder()
    let env = ["CORRIDOR_DB": url, "CORRIDOR_OPERATOR": "ops"]
    for step in [["init"], ["container", "add", "CSQU3054383", "--type", "42G1"]] {
      let result = try CLI.run(step, environment: env)
      #expect(result.status == 0, "\(step): \(result.stderr)")
    }
    let created = try CLI.run(["apikey", "create", "ops", "--role", "admin", "--format", "json"], environment: env)
    #expect(created.status == 0, "\(created.stderr)")
    let key = try #require((try CLI.json(created.stdout) as? [String: Any])?["key"] as? String)

    let servers = ServerCLITests()
    let log = folder + "/received.log"
    let receiver = try ServerCLITests.Background(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["python3", ServerCLITests.repository.appendingPathComponent("Benchmarks/load/receiver.py").path, "0", ServerCLITests.secret, log],
      folder: folder)
    defer { receiver.signal(SIGKILL) }
    let receiverPort = receiver.firstLine()
    let (first, firstPort) = try servers.serve(url, folder: folder)
    defer { first.signal(SIGTERM) }
    let (second, secondPort) = try servers.serve(url, folder: folder)
    defer { second.signal(SIGTERM) }
    let subscription = try servers.curl([
      "-X", "POST", "http://127.0.0.1:\(firstPort)/v2/event-subscriptions", "-H", "Authorization: Bearer \(key)", "-d",
      "{\"callbackUrl\":\"http://127.0.0.1:\(receiverPort)/hook\",\"secret\":\"\(ServerCLITests.secret)\"}",
    ])
    #expect(subscription.stdout.hasSuffix("201"), "\(subscription.stdout)")

    // Gate in, gate out, twenty times, each posted to the other server than the one before.
    for index in 0..<20 {
      let code = index.isMultiple(of: 2) ? "GTIN" : "GTOT"
      let at = String(format: "2025-01-%02dT%02d:00:00+08:00", 3 + index / 12, index % 12 * 2)
      let body =
        "[{\"eventType\":\"EQUIPMENT\",\"equipmentEventTypeCode\":\"\(code)\",\"eventClassifierCode\":\"ACT\","
        + "\"eventDateTime\":\"\(at)\",\"equipmentReference\":\"CSQU3054383\",\"eventLocation\":{\"UNLocationCode\":\"CNCQI\"}}]"
      let port = index.isMultiple(of: 2) ? firstPort : secondPort
      let post = try servers.curl([
        "-X", "POST", "http://127.0.0.1:\(port)/corridor/v1/events", "-H", "Authorization: Bearer \(key)", "-d", body,
      ])
      #expect(post.stdout.hasSuffix("200"), "\(index): \(post.stdout)")
    }
    // Recorded once each, in the order posted, whichever server took them.
    let listed = try servers.curl([
      "-H", "Authorization: Bearer \(key)", "http://127.0.0.1:\(secondPort)/v2/events?equipmentReference=CSQU3054383&limit=100",
    ])
    let events = try #require(try CLI.json(String(listed.stdout.dropLast(4))) as? [[String: Any]], "\(listed.stdout)")
    let recorded = events.compactMap { $0["eventID"] as? String }
    #expect(recorded.count == 20, "\(listed.stdout)")

    func received() -> [String] {
      ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map { String($0.split(separator: " ")[1]) }
    }
    #expect(try servers.waitFor(60) { received().count >= 20 }, "\(received())")
    Thread.sleep(forTimeInterval: 1.5)  // a duplicate, were there one, would arrive by now
    #expect(received() == recorded, "received \(received()) recorded \(recorded)")
    #expect(try CLI.run(["audit", "verify"], environment: env).status == 0)
    #expect(!first.stderr.contains(secret) && !second.stderr.contains(secret))
  }
}
