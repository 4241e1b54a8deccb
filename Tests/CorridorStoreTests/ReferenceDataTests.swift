import CorridorInterchange
import CorridorPresentation
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// A small valid reference file; tests break one thing at a time.
let miniReference = """
  {
    "locations": [
      {"code": "CNCQI", "name": "Chongqing", "country": "CN", "kind": "rail-terminal", "timeZone": "Asia/Shanghai",
       "latitude": 29.58, "longitude": 106.55, "aliases": ["CNCKG"]},
      {"code": "CNAKL", "name": "Alashankou", "country": "CN", "kind": "border-crossing", "timeZone": "Asia/Shanghai"},
      {"code": "KZDOS", "name": "Dostyk", "country": "KZ", "kind": "border-crossing", "timeZone": "Asia/Almaty"}
    ],
    "corridors": [{"code": "CN-EU", "name": "China-Europe Railway Express"}],
    "routes": [{"code": "CQ-DOS", "corridor": "CN-EU", "name": "Chongqing - Dostyk",
      "legs": [
        {"from": "CNCQI", "to": "CNAKL", "mode": "rail", "distanceKm": 3800, "transitHours": 70, "borderCrossing": false, "gaugeChange": false},
        {"from": "CNAKL", "to": "KZDOS", "mode": "rail", "distanceKm": 12, "transitHours": 24, "borderCrossing": true, "gaugeChange": true}
      ]}]
  }
  """

func load(_ text: String, into db: CorridorDatabase, file: String = "ref.json") throws -> ReferenceLoadSummary {
  try db.loadReference(bytes: Array(text.utf8), file: file, operator: "test")
}

/// Everything a reference load can touch, to prove a refused load wrote nothing.
func networkSnapshot(_ db: CorridorDatabase) throws -> [[SQLValue]] {
  try ["locations", "location_aliases", "corridors", "routes", "legs"].flatMap {
    try db.connection.fetchAll("SELECT '\($0)', * FROM \($0) ORDER BY 2, 3")
  }
}

@Suite struct ReferenceDataTests {
  /// The sections come from the features that own them (`StoreFeature.referenceSections`): the
  /// file's sections, their order (what a section may refer to must parse first) and the documented
  /// format (docs/network.md) stay what they were.
  @Test func theSectionsAreTheFeaturesInLoadOrder() throws {
    let keys = StoreFeature.all.flatMap(\.referenceSections).map(\.key)
    #expect(
      keys == [
        "locations", "corridors", "routes", "tariffs", "policies", "fxRates", "emissionFactors", "hubFactors", "statusCodes", "freeTime",
        "rebateSchemes",
      ])
    let readme = try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/network.md"), encoding: .utf8)
    let format = try #require(readme.components(separatedBy: "### Reference data format").dropFirst().first?.prefix(3000))
    for key in keys { #expect(format.contains("\"\(key)\""), "docs/network.md's reference format lacks \(key)") }
    // A summary counts every section loaded, in that order, touched or not.
    let db = try freshDatabase()
    let summary = try db.loadReference(bytes: Array(miniReference.utf8), file: "mini.json", operator: "test")
    #expect(summary.sections.map(\.key) == keys)
    #expect(summary["locations"].inserted == 3 && summary["tariffs"].isZero)
  }

  /// A route's direction comes from its ends (a UN/LOCODE's country): 15 shipped routes leave
  /// China and 5 come home; the same legs the other way round come home (through both gauge changes in
  /// the other order); a route abroad is transit. A declared direction that contradicts the ends
  /// is refused at its position, with nothing loaded.
  @Test func aRoutesDirectionFollowsItsEnds() throws {
    let db = try shippedLedger(operator: "test")
    let directions = try db.networkStore.routes().map(\.direction)
    #expect(directions.filter { $0 == .export }.count == 15 && directions.filter { $0 == .import }.count == 5 && directions.count == 20)
    func reference(_ code: String, _ nodes: [String], direction: String? = nil) -> String {
      let legs = zip(nodes, nodes.dropFirst()).map { from, to in
        #"{"from": "\#(from)", "to": "\#(to)", "mode": "rail", "distanceKm": 100, "transitHours": 10, "borderCrossing": false, "gaugeChange": true}"#
      }
      let declared = direction.map { #", "direction": "\#($0)""# } ?? ""
      return #"{"routes": [{"code": "\#(code)", "corridor": "CN-EU", "name": "test"\#(declared), "legs": [\#(legs.joined(separator: ", "))]}]}"#
    }
    _ = try load(reference("DUI-AKL-CQ", ["DEDUI", "PLMAA", "BYBQT", "KZDOS", "CNAKL", "CNCQI"], direction: "import"), into: db)
    _ = try load(reference("DOS-MAA", ["KZDOS", "BYBQT", "PLMAA"]), into: db)
    #expect(try db.networkStore.route("DUI-AKL-CQ")?.direction == .import && db.networkStore.route("DOS-MAA")?.direction == .transit)
    #expect(RouteDirection.of(origin: LocationCode(trusted: "CNCQI"), destination: LocationCode(trusted: "CNSHA")) == .domestic)
    let before = try networkSnapshot(db)
    let refused = #expect(throws: CorridorError.self) {
      try load(reference("CQ-DOS", ["CNCQI", "CNAKL", "KZDOS"], direction: "import"), into: db, file: "r.json")
    }
    #expect(refused?.rule == .routeDirection)
    #expect(refused?.text == "r.json:1:82: $.routes[0].direction: route CQ-DOS is declared import but runs from CNCQI (CN) to KZDOS (KZ): export")
    #expect(try networkSnapshot(db) == before)
    let view = String(
      decoding: try JSONEncoder().encode(RouteView(try #require(try db.networkStore.route("DUI-AKL-CQ")), withLegs: false)), as: UTF8.self)
    #expect(view.contains("\"direction\":\"import\""))
  }

  @Test func loadsAndReadsBack() throws {
    let db = try freshDatabase()
    let summary = try load(miniReference, into: db)
    #expect(summary["locations"].inserted == 3)
    #expect(summary["routes"].inserted == 1)
    let route = try #require(try db.networkStore.route("CQ-DOS"))
    #expect(route.legs.count == 2)
    #expect(route.totalKm == 3812)
    #expect(route.totalHours == 94)
    #expect(route.nodes.map(\.text) == ["CNCQI", "CNAKL", "KZDOS"])
    #expect(route.legs[1].gaugeChange && route.legs[1].borderCrossing)
    #expect(route.legs[1].borderCountries == "CN-KZ")  // derived from the two countries
    #expect(try db.networkStore.location("CNCKG")?.code.text == "CNCQI")
  }

  @Test func cumulativeFiguresInTheView() throws {
    let db = try freshDatabase()
    _ = try load(miniReference, into: db)
    let rows = try db.connection.fetchAll("SELECT seq, cumulative_km, cumulative_hours FROM route_legs WHERE route = 'CQ-DOS' ORDER BY seq")
    #expect(rows == [[1, 3800, 70], [2, 3812, 94]])
  }

  @Test func reloadingTheSameFileChangesNothing() throws {
    let db = try freshDatabase()
    _ = try load(miniReference, into: db)
    let before = try networkSnapshot(db)
    let again = try load(miniReference, into: db)
    #expect(!again.changed)
    #expect(again["locations"].unchanged == 3 && again["routes"].unchanged == 1)
    #expect(try networkSnapshot(db) == before)
  }

  @Test func changedFileUpdatesWhatItNames() throws {
    let db = try freshDatabase()
    _ = try load(miniReference, into: db)
    let changed = miniReference.replacingOccurrences(of: "\"distanceKm\": 3800", with: "\"distanceKm\": 3900")
      .replacingOccurrences(of: "\"name\": \"Dostyk\"", with: "\"name\": \"Dostyk station\"")
    let summary = try load(changed, into: db)
    #expect(summary["routes"].updated == 1)
    #expect(summary["locations"].updated == 1 && summary["locations"].unchanged == 2)
    #expect(try db.networkStore.route("CQ-DOS")?.totalKm == 3912)
    #expect(try db.networkStore.location("KZDOS")?.name == "Dostyk station")
  }

  /// Each broken file is refused with exit 65, names file, line, column and JSON path, and
  /// leaves the database exactly as it was.
  @Test(arguments: [
    ("\"to\": \"KZDOS\"", "\"to\": \"KZXXX\"", "$.routes[0].legs[1].to: unknown location KZXXX"),
    ("\"from\": \"CNAKL\", \"to\": \"KZDOS\"", "\"from\": \"CNCQI\", \"to\": \"KZDOS\"", "$.routes[0].legs[1].from: legs are not contiguous"),
    ("\"distanceKm\": 12", "\"distanceKm\": -12", "$.routes[0].legs[1].distanceKm: negative distance"),
    ("\"code\": \"CNAKL\"", "\"code\": \"CNCQI\"", "$.locations[1].code: duplicate location code CNCQI"),
    (
      "\"kind\": \"border-crossing\", \"timeZone\": \"Asia/Almaty\"", "\"kind\": \"port\", \"timeZone\": \"Asia/Almaty\"",
      "$.locations[2].kind: unknown kind"
    ),
    ("\"timeZone\": \"Asia/Almaty\"", "\"timeZone\": \"Asia/Nowhere\"", "$.locations[2].timeZone: unknown IANA time zone"),
    ("\"corridor\": \"CN-EU\"", "\"corridor\": \"CN-XX\"", "$.routes[0].corridor: unknown corridor CN-XX"),
    ("\"mode\": \"rail\", \"distanceKm\": 12", "\"mode\": \"air\", \"distanceKm\": 12", "$.routes[0].legs[1].mode: unknown mode"),
    ("\"country\": \"KZ\"", "\"country\": \"CN\"", "$.locations[2].country: country CN does not match"),
    ("\"transitHours\": 24,", "", "$.routes[0].legs[1]: missing required key \"transitHours\""),
    ("\"distanceKm\": 12", "\"distanceKm\": \"12\"", "$.routes[0].legs[1].distanceKm: expected a whole number"),
    ("\"aliases\": [\"CNCKG\"]", "\"aliases\": [\"CNAKL\"]", "alias CNAKL is itself a location code"),
  ])
  func rejections(find: String, replace: String, expected: String) throws {
    let db = try freshDatabase()
    _ = try load(#"{"corridors": [{"code": "ILSTC", "name": "ILSTC"}]}"#, into: db)
    let before = try networkSnapshot(db)
    let broken = miniReference.replacingOccurrences(of: find, with: replace)
    #expect(broken != miniReference)
    let error = #expect(throws: CorridorError.self) { try load(broken, into: db, file: "bad.json") }
    #expect(error?.kind == .invalidData)
    #expect(error?.text.hasPrefix("bad.json:") == true)
    #expect(error?.text.contains(expected) == true, "\(error?.message ?? "")")
    #expect(try networkSnapshot(db) == before)
  }

  @Test func jsonSyntaxErrorsGiveLineAndColumn() throws {
    let db = try freshDatabase()
    let error = #expect(throws: CorridorError.self) { try load("{\n  \"locations\": [\n    {\"code\": \"CNCQI\",}\n  ]\n}", into: db) }
    #expect(error?.text.hasPrefix("ref.json:3:22:") == true, "\(error?.message ?? "")")
  }

  /// Every reference resolves against the file's own sections as well as the database: a
  /// policy's origin defined in the same file (loading into `init --empty` used to fail).
  @Test func aPolicyOriginMayBeALocationOfTheSameFile() throws {
    let db = try freshDatabase()
    let file = #"""
      {"locations": [{"code": "CNXQZ", "name": "Somewhere", "country": "CN", "kind": "city", "timeZone": "Asia/Shanghai", "aliases": ["CNXQY"]},
                     {"code": "LAVTE", "name": "Vientiane", "country": "LA", "kind": "city", "timeZone": "Asia/Vientiane"}],
       "corridors": [{"code": "CN-LA", "name": "China-Laos railway"}],
       "routes": [{"code": "R", "corridor": "CN-LA", "name": "r", "legs": [{"from": "CNXQZ", "to": "LAVTE", "mode": "rail", "distanceKm": 1, "transitHours": 1}]}],
       "policies": [{"name": "From here", "corridor": "CN-LA", "kind": "percent", "value": "10", "origin": "CNXQY", "validFrom": "2025-01-01"}]}
      """#
    let summary = try load(file, into: db)
    #expect(summary["policies"].inserted == 1)
    #expect(try db.costStore.policies().first?.origin?.text == "CNXQZ")  // the alias resolved to its location
  }

  @Test func anEmptyCommodityListIsRefused() throws {
    let db = try shippedLedger(operator: "t")
    let file =
      #"{"policies": [{"name": "Nothing", "corridor": "CN-LA", "kind": "percent", "value": "10", "commodities": [], "validFrom": "2025-01-01"}]}"#
    let error = #expect(throws: CorridorError.self) { try load(file, into: db) }
    #expect(error?.text.contains("omit commodities for every commodity") == true)
    #expect(error?.position?.line == 1)
    #expect(throws: CorridorError.self) {
      try db.costStore.addPolicy(
        Policy(
          name: "Nothing", corridor: "CN-LA", kind: .percent, value: try ExactDecimal(parsing: "10"), commodities: [],
          validFrom: try Day(parsing: "2025-01-01")), operator: "t")
    }
  }

  @Test func routesMayUseLocationsLoadedEarlier() throws {
    let db = try freshDatabase()
    _ = try load(miniReference, into: db)
    let second = """
      {"routes": [{"code": "CQ-AKL", "corridor": "CN-EU", "name": "short", "legs": [
        {"from": "CNCKG", "to": "CNAKL", "mode": "rail", "distanceKm": 3800, "transitHours": 70}]}]}
      """
    _ = try load(second, into: db)
    #expect(try db.networkStore.route("CQ-AKL")?.origin?.text == "CNCQI")  // the alias resolved
  }

  @Test func shippedNetworkCoversEveryCorridorWithSourcedLegs() throws {
    let db = try freshDatabase()
    let summary = try db.loadShippedReference(operator: "test")
    #expect(summary["corridors"].inserted == 6)
    let routes = try db.networkStore.routes()
    #expect(Set(routes.map(\.corridor)) == ["ILSTC", "CN-LA", "CN-VN", "CN-EU", "YANGTZE", "GMS-ROAD"])
    #expect(routes.allSatisfy { route in route.legs.allSatisfy { ($0.source ?? "").isEmpty == false } })
    let main = try #require(try db.networkStore.route("CQ-AKL-DUI"))
    #expect(main.totalKm == 11_179)  // China Daily 2013-09-13
    #expect(main.legs.filter(\.gaugeChange).map(\.to.text) == ["KZDOS", "PLMAA"])
    #expect(try db.networkStore.route("CQ-QZH-SIN")?.legs.first?.transshipment == true)
    #expect(try db.networkStore.route("KNM-HKM-HAN")?.legs.first?.gaugeChange == true)
    #expect(try !db.loadShippedReference(operator: "test").changed)
  }

  @Test func unlocodeImportAddsPlacesAndKeepsCuratedOnes() throws {
    let db = try shippedLedger(operator: "test")
    let path = temporaryFolder() + "/unlocode.csv"
    let csv = #"""
      change,country,location,name,nameWoDiacritics,subdivision,function,status,date,iata,coordinates,remarks
      ,LA,,.LAO PEOPLE'S DEMOCRATIC REPUBLIC,,,,,,,,
      ,LA,VTE,Vientiane,Vientiane,VT,---45---,AI,0307,,1758N 10236E,
      ,LA,LPQ,Luang Prabang,Luang Prabang,LP,-2-4----,AI,0307,,1953N 10208E,
      X,LA,OLD,Gone,Gone,,--3-----,,,,,
      ,PL,MAA,"Małaszewicze, ""terminal""",Malaszewicze,,--3-----,RL,,,5202N 02331E,

      """#
    #expect(FileManager.default.createFile(atPath: path, contents: Data(csv.utf8)))
    let summary = try UNLOCODEImport.run(path: path, db: db, operator: "test")
    #expect(summary.inserted == 1)
    #expect(summary.alreadyKnown == 2)
    #expect(summary.skipped == 2)
    let luang = try #require(try db.networkStore.location("LALPQ"))
    #expect(luang.kind == .railTerminal && luang.timeZone == "Asia/Vientiane")
    #expect(abs((luang.latitude ?? 0) - (19 + 53.0 / 60)) < 1e-9)
    #expect(try db.networkStore.location("LAVTE")?.name == "Vientiane South")  // curated name kept
  }

  /// UNECE publishes the code lists without a header row: read them as they come, and name each
  /// invalid row with its line and why.
  @Test func unlocodeImportReadsTheListsAsUNECEPublishesThem() throws {
    let db = try freshDatabase()
    let path = temporaryFolder() + "/2024-2 UNLOCODE CodeListPart2.csv"
    let csv = #"""
      ,LA,,.LAO PEOPLE'S DEMOCRATIC REPUBLIC,,,,,,,,
      ,LA,LPQ,Luang Prabang,Luang Prabang,LP,-2-4----,AI,0307,,1953N 10208E,
      ,LA,L1Q,Bad Digit,Bad Digit,,--3-----,,,,,
      ,LA,NNM,,,,--3-----,,,,,
      ,US,NYC,New York,New York,NY,1234----,AI,,,,

      """#
    #expect(FileManager.default.createFile(atPath: path, contents: Data(csv.utf8)))
    let summary = try UNLOCODEImport.run(path: path, db: db, operator: "test")
    #expect(summary.inserted == 1 && summary.skipped == 1 && summary.invalid == 3, "\(summary)")
    #expect(try db.networkStore.location("LALPQ") != nil)
    #expect(summary.invalidRows.count == 3)
    #expect(summary.invalidRows[0].hasPrefix("\(path):3: \"LAL1Q\" is not a UN/LOCODE"), "\(summary.invalidRows)")
    #expect(summary.invalidRows[1] == "\(path):4: LANNM has no name")
    #expect(summary.invalidRows[2].hasPrefix("\(path):5: USNYC: country US has no time zone"), "\(summary.invalidRows)")
    // Neither a header nor a row: refused at line 1.
    let other = temporaryFolder() + "/other.csv"
    #expect(FileManager.default.createFile(atPath: other, contents: Data("id,name\n1,x\n".utf8)))
    let error = #expect(throws: CorridorError.self) { try UNLOCODEImport.run(path: other, db: db, operator: "test") }
    #expect(error?.text.hasPrefix("\(other):1:1:") == true, "\(error?.text ?? "")")
  }

  @Test func unlocodeImportRejectsABrokenFileWhole() throws {
    let db = try freshDatabase()
    let path = temporaryFolder() + "/bad.csv"
    let csv = """
      change,country,location,name,nameWoDiacritics,subdivision,function,status,date,iata,coordinates,remarks
      ,LA,LPQ,Luang Prabang,Luang Prabang,LP,-2-4----,AI,0307,,1953N 10208E,
      ,LA,XYZ,"unterminated

      """
    #expect(FileManager.default.createFile(atPath: path, contents: Data(csv.utf8)))
    let error = #expect(throws: CorridorError.self) { try UNLOCODEImport.run(path: path, db: db, operator: "test") }
    #expect(error?.text.hasPrefix("\(path):3:") == true, "\(error?.message ?? "")")
    #expect(try db.networkStore.location("LALPQ") == nil)
  }
}
