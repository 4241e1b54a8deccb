import AsyncHTTPClient
import CorridorModel
import CorridorStore
import Foundation
import Testing

/// `GET /metrics` (issue 33): Prometheus' text format for an admin key, and the counters move
/// with what the server does: requests by route pattern and status, group commits, the outbox's
/// depth and its oldest notification's age per subscription, delivery attempts and failures.
@Suite(.serialized, .onServerThreads) struct MetricsTests {
  /// The value of the sample `name{labels…}` (labels in any order), nil when absent.
  static func sample(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: " ")
      guard parts.count == 2 else { continue }
      let series = parts[0]
      let metric = series.prefix { $0 != "{" }
      guard metric == name else { continue }
      var found: [String: String] = [:]
      if let open = series.firstIndex(of: "{"), series.hasSuffix("}") {
        for pair in series[series.index(after: open)..<series.index(before: series.endIndex)].split(separator: ",") {
          let kv = pair.split(separator: "=", maxSplits: 1)
          if kv.count == 2 { found[String(kv[0])] = String(kv[1].dropFirst().dropLast()) }
        }
      }
      if labels.allSatisfy({ found[$0.key] == $0.value }) && found.count == labels.count { return Double(parts[1]) }
    }
    return nil
  }

  @Test func anAdminScrapesCountersThatMove() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture) {
      $0.callbackAllow = ["127.0.0.1"]
      $0.delivery.pollInterval = .milliseconds(50)
      $0.delivery.firstBackoff = .milliseconds(100)
    }
    defer { Task { await server.stop() } }
    let admin = fixture.keys["admin"]

    // Only an admin key reads it; the others get DCSA error bodies.
    #expect(try await server.send(.GET, "/metrics", key: nil).status == 401)
    let reader = try await server.send(.GET, "/metrics", key: fixture.keys["reader"])
    #expect(reader.status == 403 && reader.text.contains("\"statusCode\":403"))

    // A subscription whose callback refuses connections (port 9), and two accepted events for it.
    let created = try await server.send(
      .POST, "/v2/event-subscriptions", key: fixture.keys["reader"],
      json: "{\"callbackUrl\":\"http://127.0.0.1:9/cb\",\"secret\":\"\(SubscriptionTests.secret)\"}")
    #expect(created.status == 201, "\(created.text)")
    let subscription = try #require(created.object["subscriptionID"] as? String)
    for (code, at) in [("ARRI", "2024-03-08T14:00:00+08:00"), ("DEPA", "2024-03-09T10:00:00+08:00")] {
      let event = """
        [{"eventType":"TRANSPORT","transportEventTypeCode":"\(code)","eventClassifierCode":"ACT","eventDateTime":"\(at)",
          "equipmentReference":"\(fixture.boxA)","transportCall":{"UNLocationCode":"CNAKL","modeOfTransport":"RAIL"}}]
        """
      let posted = try await server.send(.POST, "/corridor/v1/events", key: fixture.keys["terminal"], json: event)
      #expect(posted.status == 200, "\(posted.text)")
    }
    for _ in 0..<3 { _ = try await server.send(.GET, "/corridor/v1/tracking/\(fixture.boxA)", key: admin) }
    _ = try await server.send(.GET, "/corridor/v1/tracking/NOTABOX", key: admin)

    var text = ""
    let failed = try await eventually(seconds: 30) {
      text = try await server.send(.GET, "/metrics", key: admin).text
      return (Self.sample(text, "corridor_delivery_failures_total", ["subscription": subscription]) ?? 0) >= 1
    }
    #expect(failed, "no delivery failure counted:\n\(text)")
    let scrape = try await server.send(.GET, "/metrics", key: admin)
    #expect(scrape.status == 200)
    #expect(scrape.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
    text = scrape.text

    // Requests by the route's pattern, never the raw path, with their status.
    let post = ["method": "POST", "route": "/corridor/v1/events", "status": "200"]
    #expect(Self.sample(text, "corridor_http_requests_total", post) == 2)
    let track = ["method": "GET", "route": "/corridor/v1/tracking/{container}"]
    #expect(Self.sample(text, "corridor_http_requests_total", track.merging(["status": "200"]) { $1 }) == 3)
    #expect(Self.sample(text, "corridor_http_requests_total", track.merging(["status": "400"]) { $1 }) == 1)
    #expect(Self.sample(text, "corridor_http_requests_total", ["method": "GET", "route": "/metrics", "status": "403"]) == 1)
    #expect(Self.sample(text, "corridor_http_requests_total", ["method": "GET", "route": "/metrics", "status": "401"]) == 1)
    #expect(!text.contains(fixture.boxA) && !text.contains("NOTABOX"))
    // Latency histograms: every request lands in the +Inf bucket.
    #expect(Self.sample(text, "corridor_http_request_duration_seconds_count", track) == 4)
    #expect(Self.sample(text, "corridor_http_request_duration_seconds_bucket", track.merging(["le": "+Inf"]) { $1 }) == 4)

    // The writer committed the posts (and the subscription), in groups of at least one.
    #expect((Self.sample(text, "corridor_writer_commits_total") ?? 0) >= 3)
    #expect((Self.sample(text, "corridor_writer_group_commit_size_count") ?? 0) >= 3)
    #expect(Self.sample(text, "corridor_writer_queue_waiting") != nil)

    // Two notifications wait for the refusing callback; the oldest was queued at the server's
    // clock, so its age is small and not negative.
    #expect(Self.sample(text, "corridor_outbox_pending", ["subscription": subscription]) == 2)
    #expect(Self.sample(text, "corridor_outbox_pending_total") == 2)
    let age = try #require(Self.sample(text, "corridor_outbox_oldest_pending_age_seconds", ["subscription": subscription]))
    #expect(age >= 0 && age < 120)
    let attempts = try #require(Self.sample(text, "corridor_delivery_attempts_total", ["subscription": subscription]))
    #expect(attempts >= Self.sample(text, "corridor_delivery_failures_total", ["subscription": subscription]) ?? 0)
    #expect(Self.sample(text, "corridor_delivered_notifications_total", ["subscription": subscription]) == nil)

    // Deleting the subscription empties its queue: the gauge goes to zero at the next scrape.
    #expect(try await server.send(.DELETE, "/v2/event-subscriptions/\(subscription)", key: fixture.keys["reader"]).status == 204)
    let after = try await server.send(.GET, "/metrics", key: admin).text
    #expect(Self.sample(after, "corridor_outbox_pending", ["subscription": subscription]) == 0)
    #expect(Self.sample(after, "corridor_outbox_pending_total") == 0)
  }

  /// `--metrics-listen`: the same registry on an address of its own, without a key; only
  /// `/metrics` there, and the API's address still asks for an admin key.
  @Test func aSeparateMetricsAddressAnswersWithoutAKey() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture) { $0.metricsAddress = ("127.0.0.1", 0) }
    defer { Task { await server.stop() } }
    let metricsPort = try #require(server.metricsPort)
    #expect(metricsPort != server.port)
    for _ in 0..<2 { _ = try await server.send(.GET, "/corridor/v1/tracking/\(fixture.boxA)", key: fixture.keys["admin"]) }

    let scrape = try await server.send(.GET, "/metrics", key: nil, port: metricsPort)
    #expect(scrape.status == 200)
    #expect(scrape.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
    let track = ["method": "GET", "route": "/corridor/v1/tracking/{container}", "status": "200"]
    #expect(Self.sample(scrape.text, "corridor_http_requests_total", track) == 2)
    #expect(Self.sample(scrape.text, "corridor_outbox_pending_total") == 0)
    // Scrapes on the metrics address are not requests to the API: they are not counted.
    #expect(!scrape.text.contains("route=\"/metrics\""))

    // Nothing else is served there, not even with a key; the API's own /metrics still needs one.
    #expect(try await server.send(.GET, "/v2/events", key: fixture.keys["admin"], port: metricsPort).status == 404)
    #expect(try await server.send(.GET, "/metrics", key: nil).status == 401)
    #expect(try await server.send(.GET, "/metrics", key: fixture.keys["admin"]).status == 200)
  }
}
