import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// The pages' languages and the map: one catalogue per language with the same keys and the same
/// arguments, tags read the way systems write them, names for every shipped place and policy,
/// an equal-area projection, and labels that keep apart.
@Suite struct LanguageTests {
  @Test func everyPhraseIsInBothCataloguesWithTheSameArguments() {
    let english = Words(.english)
    let chinese = Words(.simplifiedChinese)
    func arguments(_ text: String) -> [String] {
      text.matches(of: /\{[0-9]\}/).map { String(text[$0.range]) }.sorted()
    }
    for phrase in Phrase.allCases {
      #expect(arguments(english(phrase)) == arguments(chinese(phrase)), "\(phrase): the catalogues take different arguments")
    }
    #expect(Words.catalogueGaps.english.isEmpty, "missing in English: \(Words.catalogueGaps.english)")
    #expect(Words.catalogueGaps.chinese.isEmpty, "missing in Chinese: \(Words.catalogueGaps.chinese)")
    // Arguments go where each language wants them, not glued on.
    #expect(english(.exportsTitle, "2024") == "Chongqing exports by commodity, 2024")
    #expect(chinese(.exportsTitle, "2024") == "2024年重庆出口（按商品）")
    #expect(chinese(.legMarks, "换轨", "KZDOS") == "（KZDOS：换轨）")
    // An argument is data: a placeholder inside it stays as written.
    #expect(english(.legMarks, "{2}", "{1}") == " ({2} at {1})")
    #expect(english.scope("Party {1}") == "; shipments of Party {1} only")
  }

  @Test func languageTagsAsSystemsAndBrowsersWriteThem() {
    for tag in ["zh-CN", "zh_CN.UTF-8", "zh", "zh-Hans", "zh-Hans-CN", "ZH-cn"] { #expect(PageLanguage(tag: tag) == .simplifiedChinese, "\(tag)") }
    for tag in ["en", "en_GB.UTF-8", "C", "POSIX", "C.UTF-8"] { #expect(PageLanguage(tag: tag) == .english, "\(tag)") }
    for tag in ["zh-TW", "zh-Hant", "zh_HK", "fr", "", "xx-YY"] { #expect(PageLanguage(tag: tag) == nil, "\(tag)") }
    #expect(PageLanguage.fromEnvironment(["LANG": "zh_CN.UTF-8"]) == .simplifiedChinese)
    #expect(PageLanguage.fromEnvironment(["LC_ALL": "C", "LANG": "zh_CN.UTF-8"]) == .english)
    #expect(PageLanguage.fromEnvironment(["LC_ALL": "", "LC_MESSAGES": "zh_CN", "LANG": "en_US"]) == .simplifiedChinese)
    #expect(PageLanguage.fromEnvironment(["LANG": "de_DE.UTF-8"]) == .english)
    #expect(PageLanguage.fromEnvironment([:]) == .english)
    #expect(PageLanguage.fromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8") == .simplifiedChinese)
    #expect(PageLanguage.fromAcceptLanguage("en-US,en;q=0.9,zh-CN;q=0.8") == .english)
    #expect(PageLanguage.fromAcceptLanguage("de, zh;q=0.5") == .simplifiedChinese)
    #expect(PageLanguage.fromAcceptLanguage("zh-TW, en;q=0.1") == .english)
    #expect(PageLanguage.fromAcceptLanguage("zh-CN;q=0, en;q=0.2") == .english)
    #expect(PageLanguage.fromAcceptLanguage("*") == .english)
    #expect(PageLanguage.fromAcceptLanguage(nil) == .english)
  }

  @Test func chineseDatesInProseAndISOInTables() throws {
    let chinese = Words(.simplifiedChinese)
    #expect(chinese.day(try Day(parsing: "2024-12-20")) == "2024年12月20日")
    #expect(chinese.day(try Day(parsing: "2025-01-05")) == "2025年1月5日")
    #expect(chinese.time(try EventTime(parsing: "2024-12-20T08:30:00+08:00")) == "2024年12月20日 00:30 UTC")
    #expect(Words(.english).day(try Day(parsing: "2024-12-20")) == "2024-12-20")
  }

  /// Every place and policy shipped in the reference data has its Chinese name, and the table
  /// columns of every report and of `track` have theirs.
  @Test func everyShippedPlaceAndPolicyHasAChineseName() throws {
    let db = try shippedLedger(operator: "test")
    let places = try db.networkStore.locations(country: nil)
    #expect(places.count >= 20)
    for place in places { #expect(place.nameZh?.isEmpty == false, "\(place.code.text) has no nameZh") }
    let policies = try db.costStore.policies()
    #expect(!policies.isEmpty)
    for policy in policies { #expect(policy.nameZh?.isEmpty == false, "\(policy.name) has no nameZh") }
    let chinese = Words(.simplifiedChinese)
    for route in try db.networkStore.routes(corridor: nil) { #expect(route.nameZh?.isEmpty == false, "\(route.code) has no nameZh") }
    for corridor in try db.networkStore.corridors() { #expect(chinese.corridorName(corridor) != corridor.name, "\(corridor.code)") }
    for commodity in Commodity.allCases { #expect(chinese.commodity(commodity.rawValue) != commodity.rawValue, "\(commodity)") }
    let headers =
      CostReportView.headers + TransitReportView.headers + FreeTimeReportView.headers + PolicyImpactView.headers
      + EmissionReportView.headers + TrackView.headers
      + ["kind", "container", "shipment", "location", "at", "detail", "where", "place", "containers", "group", "value", "previousValue"]
      + ["change%", "code", "class", "id", "flags"]
    for header in Set(headers) { #expect(chinese.header(header) != header, "no Chinese name for the column \(header)") }
    for code in EventCode.allCases { #expect(chinese.meaning(code) != code.meaning, "\(code)") }
  }

  /// Albers' projection keeps areas: two cells of one degree by one at 5 and 50 degrees north keep
  /// the ratio of their areas on the sphere (the cosine of the latitude, near enough for a small
  /// cell), where the plate carrée drew them the same size.
  @Test func theMapProjectionKeepsAreas() {
    let projection = AlbersProjection(latitudes: 1...52, longitudes: 6...109)
    func area(latitude: Double, longitude: Double) -> Double {
      let corners = [(0.0, 0.0), (0, 1), (1, 1), (1, 0)].map { projection.point(latitude: latitude + $0.0, longitude: longitude + $0.1) }
      var sum = 0.0
      for i in corners.indices {
        let (a, b) = (corners[i], corners[(i + 1) % corners.count])
        sum += a.x * b.y - b.x * a.y
      }
      return abs(sum) / 2
    }
    let ratio = area(latitude: 50, longitude: 20) / area(latitude: 5, longitude: 100)
    let sphere = (sin(51 * Double.pi / 180) - sin(50 * Double.pi / 180)) / (sin(6 * Double.pi / 180) - sin(5 * Double.pi / 180))
    #expect(abs(ratio / sphere - 1) < 0.001, "\(ratio) against \(sphere)")
    // The base map is the committed Natural Earth file: land, borders, and countries to name.
    let base = BaseMap.shared
    #expect(base.land.count > 100 && base.borders.count > 100 && base.countries.contains { $0.iso == "KZ" })
  }

  /// Labels around points packed close together: none overlaps another or a marker, none
  /// leaves the drawing, and those that could not sit next to their point have a leader.
  @Test func labelsNeverOverlapEachOtherOrAMarker() {
    var placer = LabelPlacer(bounds: PageBox(x: 0, y: 0, width: 400, height: 300))
    // Twelve places within 30 px, two of them on one point (Mohan and Boten).
    let points = (0..<12).map { PagePoint(x: 180 + Double($0 % 4) * 10, y: 140 + Double($0 / 4) * 10) } + [PagePoint(x: 180, y: 140)]
    for point in points { placer.reserve(PageBox(around: point, half: 6)) }
    var boxes: [PageBox] = []
    var leaders = 0
    for (index, point) in points.enumerated() {
      guard let placed = placer.place("Place \(index) name", at: point, size: 12, markerHalf: 6) else { continue }
      boxes.append(placed.box)
      if placed.leader != nil { leaders += 1 }
    }
    #expect(boxes.count == points.count, "every label found a place")
    #expect(leaders > 0)
    func overlap(_ a: PageBox, _ b: PageBox) -> Bool {
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }
    for (i, a) in boxes.enumerated() {
      #expect(a.x >= 0 && a.y >= 0 && a.x + a.width <= 400 && a.y + a.height <= 300)
      for b in boxes[(i + 1)...] { #expect(!overlap(a, b)) }
      for point in points { #expect(!overlap(a, PageBox(around: point, half: 6))) }
    }
  }
}
