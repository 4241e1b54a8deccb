import Foundation
import Testing

@Suite struct NetworkCLITests {
  let db = CLI.temporaryFolder() + "/n.db"

  init() throws {
    let result = try CLI.run(["init", "--db", db])
    #expect(result.status == 0, "\(result.stderr)")
  }

  @Test func containerCheckJSONContract() throws {
    let result = try CLI.run(["container", "check", "csqu 305438-3", "CSQU3054384", "--format", "json"])
    #expect(result.status == 65)
    let array = try #require(try CLI.json(result.stdout) as? [[String: Any]])
    #expect(array.count == 2)
    #expect(array[0]["number"] as? String == "CSQU3054383")
    #expect(array[0]["valid"] as? Bool == true)
    #expect(array[0]["reason"] is NSNull)
    #expect(array[1]["checkDigit"] as? Int == 4)
    #expect(array[1]["expectedCheckDigit"] as? Int == 3)
    #expect(result.stderr.hasPrefix("corridor: error: "))
  }

  @Test func containerCheckAllValidExitsZero() throws {
    #expect(try CLI.run(["container", "check", "TCNU7200794", "GYOU4047990"]).status == 0)
  }

  @Test func containerAddShowList() throws {
    let add = try CLI.run(["container", "add", "tolu 473478-7", "--type", "45R1", "--tare-kg", "4800", "--max-gross-kg", "34000", "--db", db])
    #expect(add.status == 0, "\(add.stderr)")
    let show = try CLI.run(["container", "show", "TOLU4734787", "--db", db, "--format", "json"])
    let object = try #require(try CLI.json(show.stdout) as? [String: Any])
    #expect(object["sizeType"] as? String == "45R1")
    #expect(object["typeGroup"] as? String == "reefer")
    #expect(object["teu"] as? Int == 2)
    #expect(object["height"] as? String == "high-cube")
    let list = try CLI.run(["container", "list", "--db", db, "--format", "csv"])
    #expect(list.stdout.contains("TOLU4734787,45R1"))
  }

  @Test func badContainerInputIsExit65AndWritesNothing() throws {
    let bad = try CLI.run(["container", "add", "CSQU3054384", "--type", "22G1", "--db", db])
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("the check digit for this number is 3"))
    let badType = try CLI.run(["container", "add", "CSQU3054383", "--type", "99Z9", "--db", db])
    #expect(badType.status == 65)
    #expect(try CLI.run(["container", "list", "--db", db, "--format", "json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")
  }

  @Test func routeDetailWithCumulativeFigures() throws {
    let result = try CLI.run(["network", "route", "CQ-AKL-DUI", "--db", db, "--format", "json"])
    #expect(result.status == 0)
    let object = try #require(try CLI.json(result.stdout) as? [String: Any])
    let legs = try #require(object["legs"] as? [[String: Any]])
    #expect(legs.count == 5)
    #expect(legs.last?["cumulativeKm"] as? Int == 11_179)
    #expect(legs.compactMap { $0["gaugeChange"] as? Bool }.filter { $0 }.count == 2)
    #expect(object["totalKm"] as? Int == 11_179)
  }

  @Test func routesOfOneCorridor() throws {
    let result = try CLI.run(["network", "routes", "--corridor", "CN-VN", "--db", db, "--format", "json"])
    let array = try #require(try CLI.json(result.stdout) as? [[String: Any]])
    #expect(Set(array.compactMap { $0["code"] as? String }) == ["CQ-NIN-HAN", "KNM-HKM-HAN", "HAN-NIN-CQ"])
    // Each with its direction: the return train comes home.
    #expect(array.first { $0["code"] as? String == "HAN-NIN-CQ" }?["direction"] as? String == "import")
    #expect(array.first { $0["code"] as? String == "CQ-NIN-HAN" }?["direction"] as? String == "export")
    #expect(try CLI.run(["network", "routes", "--corridor", "XX", "--db", db]).status == 65)
  }

  @Test func aliasLookup() throws {
    let result = try CLI.run(["location", "show", "cnckg", "--db", db, "--format", "json"])
    let object = try #require(try CLI.json(result.stdout) as? [String: Any])
    #expect(object["code"] as? String == "CNCQI")
  }

  @Test func referenceLoadRefusesABadFileWithPosition() throws {
    let file = CLI.temporaryFolder() + "/bad.json"
    #expect(FileManager.default.createFile(atPath: file, contents: Data("{\"locations\": [{\"code\": 5}]}".utf8)))
    let result = try CLI.run(["reference", "load", file, "--db", db])
    #expect(result.status == 65)
    #expect(result.stderr.contains("\(file):1:25: $.locations[0].code: expected a string"), "\(result.stderr)")
    #expect(try CLI.run(["reference", "load", CLI.temporaryFolder() + "/none.json", "--db", db]).status == 66)
  }
}
