import CorridorInterchange
import CorridorPresentation
import Testing

@testable import CorridorModel
@testable import CorridorStore

@Suite struct ContainerNumberTests {
  @Test(arguments: ["CSQU3054383", "TCNU7200794", "TOLU4734787", "GYOU4047990"])
  func publicValidVectors(_ number: String) throws {
    #expect(try ContainerNumber(parsing: number).text == number)
  }

  @Test func operatorInputIsNormalised() throws {
    #expect(try ContainerNumber(parsing: "csqu 305438-3").text == "CSQU3054383")
  }

  @Test func wrongCheckDigitNamesTheRightOne() {
    #expect(ContainerNumber.problem(in: "CSQU3054384") == .checkDigit(found: 4, expected: 3))
    let error = #expect(throws: CorridorError.self) { try ContainerNumber(parsing: "CSQU3054384") }
    #expect(error?.kind == .invalidData)
    #expect(error?.text.contains("check digit for this number is 3") == true)
  }

  @Test func wrongCategoryLetter() {
    #expect(ContainerNumber.problem(in: "CSQX3054383") == .category("X"))
  }

  @Test func wrongLength() {
    #expect(ContainerNumber.problem(in: "CSQU305438") == .length(10))
    #expect(ContainerNumber.problem(in: "CSQU30543833") == .length(12))
    #expect(ContainerNumber.problem(in: "") == .length(0))
  }

  @Test func ownerCodeAndSerialShape() {
    #expect(ContainerNumber.problem(in: "C5QU3054383") == .ownerCode)
    #expect(ContainerNumber.problem(in: "CSQU30A4383") == .serial)
    #expect(ContainerNumber.problem(in: "CSQU305438X") == .checkDigitNotADigit)
  }

  /// CSQU000007: the weighted sum is 10 mod 11, so the check digit is 0 (10 mod 10).
  @Test func remainderTenGivesZero() throws {
    #expect(ContainerNumber.checkDigit(for: Array("CSQU000007".utf8)) == 0)
    #expect(try ContainerNumber(parsing: "CSQU0000070").text == "CSQU0000070")
    #expect(ContainerNumber.problem(in: "CSQU0000071") == .checkDigit(found: 1, expected: 0))
  }

  @Test func letterValuesSkipMultiplesOfEleven() {
    let values = ContainerNumber.letterValues
    #expect(values.first == 10)  // A
    #expect(values[1] == 12)  // B skips 11
    #expect(values[10] == 21)  // K
    #expect(values[11] == 23)  // L skips 22
    #expect(values[20] == 32)  // U
    #expect(values[21] == 34)  // V skips 33
    #expect(values[25] == 38)  // Z
  }

  @Test func checkReportsForScripts() {
    let bad = ContainerCheck("CSQU3054384")
    #expect(!bad.valid)
    #expect(bad.checkDigit == 4)
    #expect(bad.expectedCheckDigit == 3)
    let good = ContainerCheck("csqu 305438-3")
    #expect(good.valid && good.number == "CSQU3054383" && good.reason == nil)
  }

  @Test func hostileInputNeverTraps() {
    for input in ["", "\u{0}", "ÄÖÜÄÖÜÄÖÜÄÖ", "🚆🚆🚆🚆🚆🚆🚆🚆🚆🚆🚆", String(repeating: "Z", count: 10_000), "csqu 305438-3\n"] {
      _ = ContainerCheck(input)
      #expect(throws: CorridorError.self) { try ContainerNumber(parsing: input + "x") }
    }
  }
}

@Suite struct SizeTypeTests {
  @Test(arguments: [
    ("22G1", 20, SizeType.Height.standard, SizeType.TypeGroup.general, 1),
    ("42G1", 40, .standard, .general, 2),
    ("45G1", 40, .highCube, .general, 2),
    ("45R1", 40, .highCube, .reefer, 2),
    ("22T1", 20, .standard, .tank, 1),
    ("L5G1", 45, .highCube, .general, 2),
    ("22GP", 20, .standard, .general, 1),
    ("42GP", 40, .standard, .general, 2),
    ("45GP", 40, .highCube, .general, 2),
    ("45RT", 40, .highCube, .reefer, 2),
    ("22U1", 20, .standard, .openTop, 1),
    ("42P1", 40, .standard, .flatRack, 2),
    ("22P0", 20, .standard, .platform, 1),
  ])
  func knownCodes(code: String, length: Int, height: SizeType.Height, group: SizeType.TypeGroup, teu: Int) throws {
    let type = try SizeType(parsing: code)
    #expect(type.lengthFeet == length)
    #expect(type.height == height)
    #expect(type.typeGroup == group)
    #expect(type.teu == teu)
  }

  @Test(arguments: ["", "22G", "22G12", "92G1", "M5G1", "27G1", "22X1", "22QQ", "1AAA"])
  func unknownCodesAreRejected(code: String) {
    let error = #expect(throws: CorridorError.self) { try SizeType(parsing: code) }
    #expect(error?.rule == .sizeType)
  }

  @Test func lowerCaseIsAccepted() throws {
    #expect(try SizeType(parsing: "45g1").code == "45G1")
  }
}
