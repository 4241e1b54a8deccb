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
      ("clearance", ["report", "clearance"]),
      ("eta", ["eta", "backtest"]),
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
    #expect(json.count == 6)  // the four corridors, the Mekong roads and the Yangtze
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
      ["report", "clearance"], ["eta", "backtest"],
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
            // A drawing's shapes are clipped to it: the drawing itself is measured.
            if (e.ownerSVGElement) return;
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

  /// Runs `script` in a copy of the page (the page itself carries no script, and its policy
  /// would refuse one) at `width`; the script writes its finding into `data-probe` on the body.
  static func probe(_ file: String, _ script: String, width: Int) throws -> String {
    var html = try String(contentsOfFile: file, encoding: .utf8)
    html = html.replacingOccurrences(
      of: "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">", with: "")
    html = html.replacingOccurrences(of: "</body>", with: "<script>\(script)</script></body>")
    let copy = file + ".probe.html"
    try html.write(toFile: copy, atomically: true, encoding: .utf8)
    let dom = try Self.browse(copy, ["--dump-dom"], width: width).out
    guard let start = dom.range(of: "data-probe=\"") else { return "no probe result: " + String(dom.prefix(300)) }
    return String(dom[start.upperBound...].prefix { $0 != "\"" })
      .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
  }

  /// In each map (the main one and every inset), each label's box against every other label's
  /// and every marker's, as the browser laid them out: "none" and the label counts, or the
  /// overlaps.
  static let labelProbe = """
    var found = [], counts = [];
    document.querySelectorAll('svg.map').forEach(function (svg) {
      var labels = Array.from(svg.querySelectorAll('.label')).map(function (e) { return [e.textContent, e.getBoundingClientRect()]; });
      var marks = Array.from(svg.querySelectorAll('.node, .hold')).map(function (e) { return [e.parentNode.getAttribute('data-code'), e.getBoundingClientRect()]; });
      function hit(a, b) { return a.left < b.right - 0.01 && b.left < a.right - 0.01 && a.top < b.bottom - 0.01 && b.top < a.bottom - 0.01; }
      labels.forEach(function (a, i) {
        labels.slice(i + 1).forEach(function (b) { if (hit(a[1], b[1])) found.push(a[0] + ' over ' + b[0]); });
        marks.forEach(function (m) { if (hit(a[1], m[1])) found.push(a[0] + ' over the marker of ' + m[0]); });
      });
      counts.push(labels.length);
    });
    document.body.setAttribute('data-probe', (found.length ? found.slice(0, 6).join('; ') : 'none') + '|' + counts.join(','));
    """

  /// The network page is a map (issue 34): Natural Earth's land under the routes, labels that
  /// overlap neither each other nor a marker at a laptop's and a wall screen's width (in the
  /// browser's own layout), the crowded border regions in insets, and one corridor's page zoomed
  /// to it; in English and in Chinese.
  @Test func theNetworkPageIsAMapWithLabelsThatKeepApart() throws {
    let (folder, db) = try Self.demo()
    let asOf = "2024-12-20T00:00:00Z"
    for (name, extra) in [
      ("all", [String]()), ("all-zh", ["--lang", "zh-CN"]), ("europe", ["--corridor", "CN-EU"]),
      ("laos-zh", ["--corridor", "CN-LA", "--lang", "zh-CN"]),
      ("vietnam", ["--corridor", "CN-VN"]),
    ] {
      let file = folder + "/network-\(name).html"
      let made = try CLI.run(["report", "network", "--as-of", asOf, "--db", db, "--format", "html", "--out", file] + extra)
      #expect(made.status == 0, "\(made.stderr)")
      let html = try String(contentsOfFile: file, encoding: .utf8)
      // Land and borders first, then the routes over them.
      let land = try #require(html.range(of: "<path class=\"land\" d=\"M"), "\(name): no land")
      let edge = try #require(html.range(of: "class=\"edge "), "\(name): no routes")
      #expect(land.lowerBound < edge.lowerBound && html.contains("<path class=\"border\" d=\"M"), "\(name)")
      for width in [1280, 1920] {
        let found = try Self.probe(file, Self.labelProbe, width: width).split(separator: "|").map(String.init)
        #expect(found.first == "none", "\(name) at \(width) px: \(found)")
        let counts = (found.last ?? "").split(separator: ",").compactMap { Int($0) }
        #expect(counts.first ?? 0 >= 5, "\(name): \(found)")
      }
    }
    // The whole network's insets: the Yunnan and Guangxi borders together, the Kazakh border.
    let all = try String(contentsOfFile: folder + "/network-all.html", encoding: .utf8)
    let insets = all.matches(of: /<figure class="inset" id="inset-([A-Z])" data-places="([A-Z0-9 ]+)">/).map {
      Set($0.output.2.split(separator: " ").map(String.init))
    }
    #expect(insets.contains { $0.isSuperset(of: ["CNKNM", "CNMHN", "LABTN", "CNNIN", "CNPIN", "VNLGS"]) }, "\(insets)")
    #expect(insets.contains { $0.isSuperset(of: ["CNAKL", "KZDOS"]) }, "\(insets)")
    #expect(Self.count("class=\"inset-outline\"", in: all) == insets.count)
    // Names on the map in Chinese: the places and the countries.
    let chinese = try String(contentsOfFile: folder + "/network-all-zh.html", encoding: .utf8)
    for name in ["阿拉山口", "多斯特克", "磨憨", "磨丁", "凭祥", "杜伊斯堡", "哈萨克斯坦", "老挝"] { #expect(chinese.contains(name), "\(name)") }
    #expect(chinese.contains("<html lang=\"zh-CN\">"))
  }

  /// Every page in Simplified Chinese leaves no English word in its visible text other than
  /// codes (UN/LOCODEs, container numbers, currencies, route, rule and corridor codes) and units;
  /// screenshots of every page in both languages at 1280 and 1920 px are written for review
  /// (to `CORRIDOR_SCREENSHOTS` when set).
  @Test func everyPageInChineseAndScreenshotsInBothLanguages() throws {
    let (folder, db) = try Self.demo()
    let asOf = "2024-12-20T00:00:00Z"
    #expect(try CLI.run(["container", "add", "CQXU1000017", "--type", "45G1", "--owner", "carrier", "--db", db]).status == 0)
    let shots = ProcessInfo.processInfo.environment["CORRIDOR_SCREENSHOTS"] ?? folder + "/screenshots"
    try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
    let pages: [(name: String, command: [String])] = [
      ("costs", ["report", "costs", "--from", "2024-01-01", "--to", "2024-12-31", "--as-of", asOf]),
      ("exports", ["report", "exports", "--year", "2024", "--compare", "2023"]),
      ("imports", ["report", "imports", "--year", "2024", "--compare", "2023"]), ("exceptions", ["report", "exceptions", "--as-of", asOf]),
      ("network", ["report", "network", "--as-of", asOf]), ("transit", ["report", "transit"]),
      ("free-time", ["report", "free-time", "--as-of", asOf, "--within", "3650"]),
      ("policy-impact", ["report", "policy-impact", "--from", "2024-01-01", "--to", "2024-12-31", "--policies-as-of", "2025-01-01"]),
      ("clearance", ["report", "clearance"]), ("eta", ["eta", "backtest"]),
    ]
    let englishWords = """
      var parts = [document.body.innerText];
      document.querySelectorAll('svg text').forEach(function (e) { parts.push(e.textContent); });
      var words = (parts.join(' ').match(/[A-Za-z][A-Za-z0-9\\/'’-]*/g) || []).filter(function (w) { return /[a-z]/.test(w); });
      document.body.setAttribute('data-probe', Array.from(new Set(words)).join(' '));
      """
    // Codes that are written in lower case: rule names (`gate-in-while-in-facility`,
    // `DEDUI/detention/any/carrier/any/2023-01-01`); units.
    let units: Set<String> = ["km", "kg", "m"]
    for page in pages {
      for language in ["en", "zh-CN"] {
        let file = folder + "/\(page.name)-\(language).html"
        #expect(try CLI.run(page.command + ["--db", db, "--format", "html", "--lang", language, "--out", file]).status == 0)
        for width in [1280, 1920] {
          let shot = shots + "/\(page.name)-\(language)-\(width).png"
          _ = try Self.browse(file, ["--screenshot=\(shot)"], width: width)
          #expect(((try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? NSNumber)?.intValue ?? 0) > 10_000, "\(shot)")
        }
        guard language == "zh-CN" else { continue }
        let english = try Self.probe(file, englishWords, width: 1280).split(separator: " ").map(String.init).filter { word in
          !(units.contains(word) || word.contains("/") || word.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)+/) != nil)
        }
        #expect(english.isEmpty, "\(page.name) in Chinese still says: \(english)")
      }
    }
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
