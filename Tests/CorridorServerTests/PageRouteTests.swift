import AsyncHTTPClient
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// The pages under `/corridor/v1/pages/…`: the same bytes as the report commands' `--format
/// html`, and a party-scoped key's pages show only its own shipments.
@Suite(.serialized, .onServerThreads) struct PageRouteTests {
  @Test func pagesAreTheReportsPagesAndAPartySeesItsOwn() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let asOf = "2024-12-01T00:00:00Z"
    let now = try EventTime(parsing: asOf)
    let admin = fixture.keys["admin"]
    let duisburg = fixture.keys["duisburg"]
    // Stays at the Chinese border: box A (Duisburg's) 4.5 h at Alashankou, box B 2 h at Pingxiang.
    try fixture.record(fixture.boxA, .ARRI, "2024-03-08T10:00:00+08:00", "CNAKL", mode: .RAIL)
    try fixture.record(fixture.boxA, .DEPA, "2024-03-08T14:30:00+08:00", "CNAKL", mode: .RAIL)
    for (code, at, place) in [
      (EventCode.DEPA, "2024-03-06T13:00", "CNCQI"), (.ARRI, "2024-03-07T10:00", "CNNIN"), (.DEPA, "2024-03-07T12:00", "CNNIN"),
      (.ARRI, "2024-03-07T18:00", "CNPIN"), (.DEPA, "2024-03-07T20:00", "CNPIN"),
    ] {
      try fixture.record(fixture.boxB, code, at + ":00+08:00", place, mode: .RAIL)
    }
    for (path, key, expected) in [
      ("transit", admin, try fixture.db.reportStore.transitPage()),
      (
        "transit?from=2024-03-01&to=2024-03-31&corridor=CN-EU", duisburg,
        try fixture.db.reportStore.transitPage(
          from: try Day(parsing: "2024-03-01"), to: try Day(parsing: "2024-03-31"), corridor: "CN-EU", party: "Duisburg GmbH")
      ),
      ("exceptions?asOf=\(asOf)", admin, try fixture.db.reportStore.exceptionsPage(staleHours: 72, now: now)),
      (
        "exceptions?asOf=\(asOf)&staleHours=48", duisburg, try fixture.db.reportStore.exceptionsPage(staleHours: 48, now: now, party: "Duisburg GmbH")
      ),
      ("network?asOf=\(asOf)", duisburg, try fixture.db.reportStore.networkPage(asOf: now, party: "Duisburg GmbH")),
      (
        "costs?from=2024-01-01&to=2024-12-31&currency=USD", duisburg,
        try fixture.db.reportStore.costPage(
          from: try Day(parsing: "2024-01-01"), to: try Day(parsing: "2024-12-31"), currency: try Currency(parsing: "USD"), party: "Duisburg GmbH")
      ),
      ("exports?year=2024&compare=2023", admin, try fixture.db.reportStore.exportsPage(year: 2024, compare: 2023)),
      ("imports?year=2024", admin, try fixture.db.reportStore.exportsPage(year: 2024, compare: nil, direction: .import)),
      (
        "costs?direction=import&currency=USD&asOf=\(asOf)", admin,
        try fixture.db.reportStore.costPage(currency: try Currency(parsing: "USD"), asOf: now, direction: .import)
      ),
      ("transit?direction=export", admin, try fixture.db.reportStore.transitPage(direction: .export)),
      ("free-time?asOf=\(asOf)&within=5", admin, try fixture.db.freeTimeStore.freeTimePage(asOf: now, within: 5)),
      ("free-time?asOf=\(asOf)", duisburg, try fixture.db.freeTimeStore.freeTimePage(asOf: now, within: 3, party: "Duisburg GmbH")),
    ] {
      let reply = try await server.send(.GET, "/corridor/v1/pages/\(path)", key: key)
      #expect(reply.status == 200, "\(path): \(reply.text.prefix(300))")
      #expect(reply.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
      #expect(reply.text == expected, "\(path)")
    }
    // Both boxes are silent by December: the admin's page lists both, Duisburg's only its own.
    let all = try await server.send(.GET, "/corridor/v1/pages/exceptions?asOf=\(asOf)", key: admin).text
    let own = try await server.send(.GET, "/corridor/v1/pages/exceptions?asOf=\(asOf)", key: duisburg).text
    #expect(all.contains(fixture.boxA) && all.contains(fixture.boxB))
    #expect(own.contains(fixture.boxA) && !own.contains(fixture.boxB) && !own.contains("S-HAN"))
    #expect(own.contains("shipments of Duisburg GmbH only"))
    let allCosts = try await server.send(.GET, "/corridor/v1/pages/costs", key: admin).text
    let ownCosts = try await server.send(.GET, "/corridor/v1/pages/costs", key: duisburg).text
    #expect(allCosts != ownCosts)
    let allTransit = try await server.send(.GET, "/corridor/v1/pages/transit", key: admin).text
    let ownTransit = try await server.send(.GET, "/corridor/v1/pages/transit", key: duisburg).text
    #expect(allTransit.contains("<td>CNAKL</td>") && allTransit.contains("4.5 h (middle half 4.5–4.5; 1 stay)"))
    #expect(allTransit.contains("2.0 h (middle half 2.0–2.0; 1 stay)"))
    #expect(ownTransit.contains("4.5 h (middle half 4.5–4.5; 1 stay)") && !ownTransit.contains("2.0 h (middle half"))
    // Parameters a fuzzer sent: from after to, and years before 1000, are an empty period, not a crash.
    for path in ["transit?to=0198-09-28&from=1700-01-04", "transit?from=2024-12-31&to=2024-01-01", "transit?corridor="] {
      let reply = try await server.send(.GET, "/corridor/v1/pages/\(path)", key: admin)
      #expect(reply.status == 200 || reply.status == 400, "\(path): \(reply.status)")
    }
    #expect(try await server.send(.GET, "/corridor/v1/pages/transit", key: admin).status == 200, "the server is still up")
    // Bad parameters: 400 with a DCSA body; no key: 401.
    for path in [
      "exports", "exports?year=2024&compare=2024", "exports?year=99999999999", "exceptions?staleHours=0", "costs?from=yesterday",
      "costs?corridor=NOPE", "costs?direction=sideways", "transit?direction=IMPORT", "imports", "network?asOf=now", "network?limit=3",
      "costs?currency=XXX", "transit?from=yesterday", "transit?route=NOPE",
      "transit?staleHours=3", "eta?checkpoints=arrival", "eta?route=NOPE", "eta?from=soon", "free-time?within=-1", "free-time?within=99999",
      "free-time?location=NOPE", "free-time?asOf=now",
    ] {
      let reply = try await server.send(.GET, "/corridor/v1/pages/\(path)", key: admin)
      #expect(reply.status == 400, "\(path): \(reply.status) \(reply.text.prefix(200))")
      #expect(reply.object["statusCode"] as? Int == 400, "\(path)")
    }
    // Every page answers another method with 405 and `Allow: GET` (the fuzzer's TRACE on a page
    // added later once got a 404).
    for page in ["network", "costs", "exports", "imports", "exceptions", "transit", "free-time", "clearance", "eta"] {
      let reply = try await server.send(.DELETE, "/corridor/v1/pages/\(page)", key: admin)
      #expect(reply.status == 405 && reply.headers.first(name: "Allow") == "GET", "\(page): \(reply.status)")
    }
    #expect(try await server.send(.GET, "/corridor/v1/pages/network", key: nil).status == 401)
    #expect(try await server.send(.GET, "/corridor/v1/pages/nothing", key: admin).status == 404)
  }

  /// A page in Simplified Chinese: `lang=zh-CN`, or the browser's `Accept-Language` when the
  /// query names none; the same bytes as the command's `--lang zh-CN`; `Content-Language` says
  /// which; a language we do not have is a 400 with a DCSA body.
  @Test func pagesInChineseByQueryOrByTheBrowsersLanguage() async throws {
    let fixture = try ServerFixture()
    let server = try await RunningServer.start(fixture)
    defer { Task { await server.stop() } }
    let asOf = "2024-12-01T00:00:00Z"
    let now = try EventTime(parsing: asOf)
    let admin = fixture.keys["admin"]
    let chinese = try fixture.db.reportStore.networkPage(asOf: now, language: .simplifiedChinese)
    #expect(chinese.contains("阿拉山口") && chinese.contains("<html lang=\"zh-CN\">"))
    for (path, headers) in [
      ("network?asOf=\(asOf)&lang=zh-CN", [(String, String)]()), ("network?asOf=\(asOf)", [("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")]),
      ("network?asOf=\(asOf)&lang=zh_CN", [("Accept-Language", "en")]),
    ] {
      let reply = try await server.send(.GET, "/corridor/v1/pages/\(path)", key: admin, headers: headers)
      #expect(reply.status == 200 && reply.text == chinese, "\(path) \(headers)")
      #expect(reply.headers.first(name: "Content-Language") == "zh-CN" && reply.headers.first(name: "Vary") == "Accept-Language")
    }
    let english = try await server.send(
      .GET, "/corridor/v1/pages/network?asOf=\(asOf)&lang=en", key: admin, headers: [("Accept-Language", "zh-CN")])
    #expect(english.text == (try fixture.db.reportStore.networkPage(asOf: now)) && english.headers.first(name: "Content-Language") == "en")
    let transit = try await server.send(.GET, "/corridor/v1/pages/transit?lang=zh-CN", key: admin)
    #expect(transit.text == (try fixture.db.reportStore.transitPage(language: .simplifiedChinese)))
    for bad in ["fr", "zh-TW", ""] {
      let reply = try await server.send(.GET, "/corridor/v1/pages/costs?lang=\(bad)", key: admin)
      #expect(reply.status == 400 && reply.errorMessage.contains("lang"), "\(bad): \(reply.status) \(reply.text.prefix(200))")
    }
  }
}
