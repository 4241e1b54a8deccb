import Foundation
import Testing

/// The pages in a real browser (headless Chromium, which `.ci/run` installs): they load with no
/// console error and no request, the DOM holds the marks and the same numbers as the JSON output,
/// and they fit a phone's width. Screenshots are written at 1280×800 and 390 px wide.
@Suite(.serialized) struct PageBrowserTests {
  static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// Runs headless Chromium on a file; returns stdout and stderr.
  static func browse(_ file: String, _ arguments: [String], width: Int = 1280) throws -> (out: String, err: String) {
    let browser = try #require(chromium, "Chromium is not installed: `.ci/run` installs the Debian package chromium")
    let result = try CLI.run(
      executable: URL(fileURLWithPath: browser),
      ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--window-size=\(width),800"]
        + arguments + ["file://" + file])
    return (result.stdout, result.stderr)
  }

  static func demo() throws -> (folder: String, db: String) {
    let folder = CLI.temporaryFolder()
    let result = try CLI.run(["demo", "--db", "d.db"], cwd: folder)
    #expect(result.status == 0, "\(result.stderr)")
    return (folder, folder + "/d.db")
  }

  static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

  @Test func thePagesLoadOfflineWithTheSameFiguresAsTheJSON() throws {
    let (folder, db) = try Self.demo()
    let asOf = "2024-12-20T00:00:00Z"
    // One of the demo's delivered boxes recorded as the line's: never returned, it runs up
    // detention at Duisburg, so the free-time page has a chart and rows.
    #expect(try CLI.run(["container", "add", "CQXU1000017", "--type", "45G1", "--owner", "carrier", "--db", db]).status == 0)
    let pages: [(name: String, command: [String])] = [
      ("costs", ["report", "costs", "--from", "2024-01-01", "--to", "2024-12-31"]),
      ("exports", ["report", "exports", "--year", "2024", "--compare", "2023"]),
      ("exceptions", ["report", "exceptions", "--as-of", asOf]),
      ("network", ["report", "network", "--as-of", asOf]),
      ("transit", ["report", "transit"]),
      ("free-time", ["report", "free-time", "--as-of", asOf]),
      ("policy-impact", ["report", "policy-impact", "--from", "2024-01-01", "--to", "2024-12-31", "--policies-as-of", "2025-01-01"]),
    ]
    for page in pages {
      let file = folder + "/\(page.name).html"
      let written = try CLI.run(page.command + ["--db", db, "--format", "html", "--out", file])
      #expect(written.status == 0, "\(page.name): \(written.stderr)")
      let html = try String(contentsOfFile: file, encoding: .utf8)
      // Deterministic, self-contained: no address to fetch anything from, a policy that forbids it.
      #expect(try CLI.run(page.command + ["--db", db, "--format", "html"]).stdout == html, "\(page.name) is not deterministic")
      #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src=") && !html.contains("<script"))
      #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
      let dom = try Self.browse(file, ["--dump-dom"])
      #expect(dom.out.contains("</main>"), "\(page.name) did not load: \(dom.err.suffix(500))")
      #expect(!dom.err.contains("CONSOLE") && !dom.err.contains("Refused"), "\(page.name): \(dom.err.suffix(800))")
      // Every chart has a title, axis labels and a table; screenshots at desktop and phone widths.
      #expect(Self.count("<svg", in: dom.out) == Self.count("<title id=", in: dom.out))
      for (width, suffix) in [(1280, ""), (390, "-phone")] {
        let shot = folder + "/\(page.name)\(suffix).png"
        _ = try Self.browse(file, ["--screenshot=\(shot)"], width: width)
        let size = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size > 10_000, "\(page.name) \(width)px: no screenshot")
      }
    }
    // The free-time and policy pages show the JSON's amounts.
    let freeTime = try #require(
      try CLI.json(CLI.run(["report", "free-time", "--as-of", asOf, "--db", db, "--format", "json"]).stdout) as? [String: Any])
    let stay = try #require((freeTime["stays"] as? [[String: Any]])?.first)
    let charge = try #require((stay["charge"] as? [String: String])?["amount"])
    #expect(stay["container"] as? String == "CQXU1000017" && stay["kind"] as? String == "detention")
    #expect(try String(contentsOfFile: folder + "/free-time.html", encoding: .utf8).contains(charge), "\(charge)")
    let impact = try #require(
      try CLI.json(
        CLI.run([
          "report", "policy-impact", "--from", "2024-01-01", "--to", "2024-12-31", "--policies-as-of", "2025-01-01", "--db", db, "--format", "json",
        ]).stdout) as? [String: Any])
    let laos = try #require((impact["rows"] as? [[String: Any]])?.first { $0["corridor"] as? String == "CN-LA" })
    let difference = try #require(laos["difference"] as? String)
    #expect(difference != "0.00")
    #expect(try String(contentsOfFile: folder + "/policy-impact.html", encoding: .utf8).contains(Self.grouped(difference)), "\(difference)")

    // The same numbers as the JSON output.
    let costs = try String(contentsOfFile: folder + "/costs.html", encoding: .utf8)
    let json = try #require(
      try CLI.json(CLI.run(["report", "costs", "--from", "2024-01-01", "--to", "2024-12-31", "--db", db, "--format", "json"]).stdout)
        as? [[String: Any]])
    #expect(json.count == 4)
    for row in json {
      let group = try #require(row["group"] as? String)
      let perTeu = try #require(row["netPerTeu"] as? String)
      #expect(costs.contains("<title>\(group): \(Self.grouped(perTeu))</title>"), "\(group) \(perTeu)")
    }
    #expect(Self.count("<rect class=\"bar\" data-series=\"Net per TEU\"", in: costs) == json.count)
    #expect(Self.count("<polyline", in: costs) == json.count)
    let network = try String(contentsOfFile: folder + "/network.html", encoding: .utf8)
    let positions = try #require(
      try CLI.json(CLI.run(["report", "network", "--as-of", asOf, "--db", db, "--format", "json"]).stdout) as? [String: Any])
    let onLeg = try #require(positions["onLeg"] as? [String: Int])
    #expect(onLeg.values.reduce(0, +) > 0)
    for (key, boxes) in onLeg {
      let parts = key.split(separator: "/")
      #expect(network.contains("data-route=\"\(parts[0])\" data-boxes=\"\(boxes)\""), "\(key)")
    }
    let exceptions = try String(contentsOfFile: folder + "/exceptions.html", encoding: .utf8)
    let items = try #require(try CLI.json(CLI.run(["report", "exceptions", "--as-of", asOf, "--db", db, "--format", "json"]).stdout) as? [Any])
    #expect(Self.count("<tr><td>", in: exceptions) == items.count)
    // Every exception is in the chart, under its kind.
    for kind in Set(items.compactMap { ($0 as? [String: Any])?["kind"] as? String }) {
      #expect(exceptions.contains("data-series=\"\(kind)\""), "\(kind) is not charted")
    }
    // Transit and dwell: a point per route and month, a bar per place with stays, and every
    // figure of the JSON (minutes) in the tables as days or hours with one decimal.
    let transitDOM = try Self.browse(folder + "/transit.html", ["--dump-dom"]).out
    let transit = try #require(try CLI.json(CLI.run(["report", "transit", "--db", db, "--format", "json"]).stdout) as? [String: Any])
    let trips = try #require(transit["transit"] as? [[String: Any]])
    let stays = try #require(transit["dwell"] as? [[String: Any]])
    #expect(trips.count > 20 && stays.count > 5)
    #expect(Self.count("<circle class=\"point\"", in: transitDOM) == trips.count)
    #expect(Self.count("<rect class=\"bar\"", in: transitDOM) == stays.filter { ($0["count"] as? Int ?? 0) > 0 }.count)
    #expect(Self.count("class=\"whisker\"", in: transitDOM) == trips.count + stays.filter { ($0["count"] as? Int ?? 0) > 0 }.count)
    let keys = ["minMinutes", "p25Minutes", "medianMinutes", "p75Minutes", "maxMinutes"]
    for trip in trips {
      let minutes = keys.map { trip[$0] as? Int ?? -1 }
      let cells =
        [trip["route"], trip["corridor"], trip["month"]].map { "<td>\($0 as? String ?? "?")</td>" }.joined()
        + "<td>\(trip["count"] as? Int ?? -1)</td>" + minutes.map { "<td>\(Self.tenths($0, per: 1_440))</td>" }.joined()
      #expect(transitDOM.contains("<tr>" + cells + "</tr>"), "\(cells)")
    }
    for stay in stays where (stay["count"] as? Int ?? 0) > 0 {
      let minutes = keys.map { stay[$0] as? Int ?? -1 }
      let cells = "<td>\(stay["count"] as? Int ?? -1)</td>" + minutes.map { "<td>\(Self.tenths($0, per: 60))</td>" }.joined() + "</tr>"
      #expect(transitDOM.contains("<tr><td>\(stay["location"] as? String ?? "?")</td>") && transitDOM.contains(cells), "\(cells)")
    }
  }

  /// Minutes as days or hours with one decimal, rounded half up (worked out here independently).
  static func tenths(_ minutes: Int, per unit: Int) -> String {
    let tenths = (minutes * 10 * 2 + unit) / (unit * 2)
    return Self.grouped("\(tenths / 10).\(tenths % 10)")
  }

  /// Every page fits a phone (390 px), a laptop (1280) and a wall screen (1920): the document is
  /// no wider than the window, and no element outside a table's scrolling box reaches past it.
  @Test func thePagesFitAPhoneALaptopAndAWallScreen() throws {
    let (folder, db) = try Self.demo()
    for command in [
      ["report", "costs"], ["report", "network", "--as-of", "2024-12-20T00:00:00Z"], ["report", "transit"],
      ["report", "exceptions", "--as-of", "2024-12-20T00:00:00Z"], ["report", "exports", "--year", "2024", "--compare", "2023"],
      ["report", "free-time", "--as-of", "2024-12-20T00:00:00Z", "--within", "3650"],
      ["report", "policy-impact", "--from", "2024-01-01", "--to", "2024-12-31", "--policies-as-of", "2025-01-01"],
    ] {
      let file = folder + "/page.html"
      #expect(try CLI.run(command + ["--db", db, "--format", "html", "--out", file]).status == 0)
      // A copy with a probe that records what sticks out past the window (the page itself
      // carries no script, and its policy would refuse one): the document's width, and each
      // element that is not inside a table's scrolling box.
      var html = try String(contentsOfFile: file, encoding: .utf8)
      html = html.replacingOccurrences(
        of: "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">", with: "")
      html = html.replacingOccurrences(
        of: "</body>",
        with: """
          <script>
          var w = window.innerWidth, out = [];
          if (document.documentElement.scrollWidth > w) out.push('document ' + document.documentElement.scrollWidth);
          document.querySelectorAll('main *').forEach(function (e) {
            if (e.closest('.table-wrap') && !e.classList.contains('table-wrap')) return;
            var r = e.getBoundingClientRect();
            if (r.right > w + 0.5) out.push(e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(r.right));
          });
          document.body.setAttribute('data-overflow', out.length ? out.slice(0, 5).join('; ') : 'none');
          </script></body>
          """)
      let probe = folder + "/probe.html"
      try html.write(toFile: probe, atomically: true, encoding: .utf8)
      for width in [390, 1280, 1920] {
        let dom = try Self.browse(probe, ["--dump-dom"], width: width)
        #expect(dom.out.contains("data-overflow=\"none\""), "\(command) at \(width) px: \(Self.overflow(dom.out))")
      }
    }
  }

  /// One corridor's network: its routes and places only, fitted to them, its positions only;
  /// an unknown corridor is refused. In the browser: the page loads and fits 1280 px.
  @Test func oneCorridorsNetworkPage() throws {
    let (folder, db) = try Self.demo()
    let asOf = "2024-12-20T00:00:00Z"
    let file = folder + "/laos.html"
    let made = try CLI.run(["report", "network", "--corridor", "CN-LA", "--as-of", asOf, "--db", db, "--format", "html", "--out", file])
    #expect(made.status == 0, "\(made.stderr)")
    let html = try String(contentsOfFile: file, encoding: .utf8)
    #expect(html.contains("CN-LA") && html.contains("data-route=\"CQ-KNM-VTE\""))
    #expect(!html.contains("data-code=\"DEDUI\"") && !html.contains("data-route=\"CQ-AKL-DUI\""))
    let whole = try #require(
      try CLI.json(CLI.run(["report", "network", "--as-of", asOf, "--db", db, "--format", "json"]).stdout) as? [String: Any])
    let laos = try #require(
      try CLI.json(CLI.run(["report", "network", "--corridor", "CN-LA", "--as-of", asOf, "--db", db, "--format", "json"]).stdout)
        as? [String: Any])
    let legs = try #require(laos["onLeg"] as? [String: Int])
    #expect(legs.keys.allSatisfy { $0.hasPrefix("CQ-KNM-VTE/") })
    #expect(legs == (whole["onLeg"] as? [String: Int])?.filter { $0.key.hasPrefix("CQ-KNM-VTE/") })
    #expect(try CLI.run(["report", "network", "--corridor", "CN-XX", "--db", db]).status == 65)
    let dom = try Self.browse(file, ["--dump-dom"])
    #expect(dom.out.contains("network-map"))
  }

  /// What the probe found, for a failure's message.
  static func overflow(_ dom: String) -> String {
    guard let start = dom.range(of: "data-overflow=\"") else { return String(dom.prefix(300)) }
    return String(dom[start.upperBound...].prefix { $0 != "\"" })
  }

  static func grouped(_ amount: String) -> String {
    let parts = amount.split(separator: ".", maxSplits: 1)
    var integer = String(parts[0])
    var groups: [String] = []
    while integer.count > 3 {
      groups.insert(String(integer.suffix(3)), at: 0)
      integer = String(integer.dropLast(3))
    }
    groups.insert(integer, at: 0)
    return groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
  }
}
