import CorridorInterchange
import CorridorPresentation
import Foundation
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// A controlled ledger on the two-leg mini network (CQ-DOS, corridor CN-EU): every expected
/// figure below is computed by hand in the comment beside it.
struct Ledger {
  let db: CorridorDatabase
  var serial = 0

  init(usdCny: String = "7.2988") throws {
    db = try freshDatabase()
    _ = try load(miniReference, into: db)
    try rate("2024-01-01", "USD", "CNY", usdCny)
  }

  func rate(_ day: String, _ base: String, _ quote: String, _ value: String) throws {
    try db.costStore.addFXRate(
      FXRate(
        date: try Day(parsing: day), base: try Currency(parsing: base), quote: try Currency(parsing: quote), rate: try ExactDecimal(parsing: value)),
      operator: "test")
  }

  func tariff(
    _ equipment: Equipment, _ basis: TariffBasis, _ amount: String, _ currency: String, component: CostComponent = .base,
    leg: Int? = nil, from: String = "2024-01-01", to: String? = nil
  ) throws {
    let currency = try Currency(parsing: currency)
    try db.costStore.addTariff(
      Tariff(
        route: "CQ-DOS", leg: leg, component: component, equipment: equipment, basis: basis, amount: try Money(parsing: amount, currency: currency),
        validFrom: try Day(parsing: from), validTo: try to.map(Day.init(parsing:))), operator: "test")
  }

  func policy(
    _ name: String, _ kind: PolicyKind, _ value: String, currency: String? = nil, components: [CostComponent] = [.base], cap: Money? = nil,
    commodities: [Commodity]? = nil, from: String = "2024-01-01", to: String? = nil
  ) throws {
    try db.costStore.addPolicy(
      Policy(
        name: name, corridor: "CN-EU", kind: kind, value: try ExactDecimal(parsing: value), currency: try currency.map(Currency.init(parsing:)),
        components: components, cap: cap, commodities: commodities, validFrom: try Day(parsing: from), validTo: try to.map(Day.init(parsing:))),
      operator: "test")
  }

  /// Books a shipment with containers of these size types.
  mutating func ship(_ ref: String, _ types: [String], commodity: Commodity = .laptops, booked: String = "2024-03-01") throws {
    try db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: ref, route: "CQ-DOS", shipper: "s", consignee: "c", commodity: commodity, hsCode: nil, value: .zero(.cny),
        bookedOn: try Day(parsing: booked)), operator: "test")
    let owners = ["CSQU", "TCNU", "TOLU", "GYOU"]
    for type in types {
      serial += 1
      let prefix = owners[serial % owners.count] + String(format: "%06d", 500_000 + serial)
      let digit = ContainerNumber.checkDigit(for: Array(prefix.utf8)) ?? 0
      let number = try ContainerNumber(parsing: prefix + String(digit))
      try db.containerStore.addContainer(number, sizeType: try SizeType(parsing: type), operator: "test")
      try db.shipmentStore.assign(number, to: ref, operator: "test")
    }
  }

  func cost(_ ref: String, _ currency: String = "CNY", fxAt: String? = nil) throws -> ShipmentCost {
    try db.costStore.cost(of: ref, currency: try Currency(parsing: currency), fxAt: try fxAt.map(Day.init(parsing:)))
  }
}

extension ShipmentCost {
  func line(_ container: Int, _ component: CostComponent) -> Line? {
    containers[container].lines.first { $0.component == component }
  }
}

@Suite struct CostTests {
  @Test func containerBasisConvertedAtTheBookedDateRate() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "USD")
    try l.ship("S1", ["42G1"])
    #expect(try l.cost("S1", "USD").gross.minorUnits == 100_000)  // 1,000.00 USD
    let cny = try l.cost("S1")
    #expect(cny.gross.minorUnits == 729_880)  // 1,000 × 7.2988 = 7,298.80 CNY
    #expect(cny.teu == 2)
    #expect(cny.netPerTeu?.minorUnits == 364_940)  // 7,298.80 / 2
  }

  @Test func teuBasisAndLengthSpecificBeatsAny() throws {
    var l = try Ledger()
    try l.tariff(.any, .teu, "500.00", "CNY")
    try l.tariff(.forty, .teu, "450.00", "CNY")
    try l.ship("S1", ["22G1", "42G1", "L5G1"])
    let cost = try l.cost("S1")
    #expect(cost.line(0, .base)?.gross.minorUnits == 50_000)  // 20 ft: any, 500 × 1 TEU
    #expect(cost.line(1, .base)?.gross.minorUnits == 90_000)  // 40 ft: its own tariff, 450 × 2 TEU
    #expect(cost.line(2, .base)?.gross.minorUnits == 100_000)  // 45 ft: no 45 tariff, any: 500 × 2 TEU
    #expect(cost.gross.minorUnits == 240_000)
  }

  @Test func shipmentBasisSpreadByTEUWithTheRemainderOnTheLast() throws {
    var l = try Ledger()
    try l.tariff(.any, .shipment, "100.01", "CNY", component: .documentation)
    try l.ship("S1", ["22G1", "42G1", "22G1"])
    let cost = try l.cost("S1")
    // 10,001 fen over 4 TEU: ⌊10,001 × 1/4⌋ = 2,500; ⌊10,001 × 2/4⌋ = 5,000; last 10,001 − 7,500 = 2,501.
    #expect(cost.containers.map { $0.lines.first?.gross.minorUnits } == [2_500, 5_000, 2_501])
    #expect(cost.gross.minorUnits == 10_001)
  }

  @Test func percentPoliciesStackFromTheGrossWithoutCompounding() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "USD")
    try l.policy("A twenty", .percent, "20")
    try l.policy("B ten", .percent, "10")
    try l.ship("S1", ["42G1"])
    let line = try #require(try l.cost("S1", "USD").line(0, .base))
    #expect(
      line.reductions == [
        .init(policy: "A twenty", amount: Money(minorUnits: 20_000, currency: .usd)),
        .init(policy: "B ten", amount: Money(minorUnits: 10_000, currency: .usd)),
      ])  // 200 + 100, not 200 + 80
    #expect(line.net.minorUnits == 70_000)
  }

  @Test func reductionsNeverExceedTheGross() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "USD")
    try l.policy("A eighty", .percent, "80")
    try l.policy("B fifty", .percent, "50")
    try l.ship("S1", ["42G1"])
    let line = try #require(try l.cost("S1", "USD").line(0, .base))
    #expect(line.reductions.map(\.amount.minorUnits) == [80_000, 20_000])  // the second only gets what is left
    #expect(line.net.minorUnits == 0)
  }

  @Test func capPerContainer() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "USD")
    try l.policy("Half, capped", .percent, "50", cap: Money(minorUnits: 30_000, currency: .usd))
    try l.ship("S1", ["42G1", "42G1"])
    let cost = try l.cost("S1", "USD")
    #expect(cost.containers.map { $0.reductions.minorUnits } == [30_000, 30_000])  // 500 capped at 300, per container
  }

  @Test func fixedAmountsConvertIntoTheLineCurrencyExactly() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "USD")
    try l.policy("Per TEU", .perTEU, "100.00", currency: "CNY")
    try l.ship("S1", ["42G1"])
    // 100 CNY × 2 TEU = 200 CNY = 200 / 7.2988 USD, kept exact in the USD line, converted back at
    // the same booked-date rate: exactly 200.00 CNY; in USD 27.40176… → 27.40.
    #expect(try l.cost("S1").line(0, .base)?.reductions.first?.amount.minorUnits == 20_000)
    #expect(try l.cost("S1", "USD").line(0, .base)?.reductions.first?.amount.minorUnits == 2_740)
  }

  @Test func perContainerAmountIsUsedUpLineByLine() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "300.00", "CNY", leg: 1)
    try l.tariff(.forty, .container, "500.00", "CNY", leg: 2)
    try l.policy("Flat", .perContainer, "400.00", currency: "CNY")
    try l.ship("S1", ["42G1"])
    let cost = try l.cost("S1")
    // 400 per container: 300 on leg 1 (all of it), the remaining 100 on leg 2.
    #expect(cost.containers[0].lines.map { $0.reductions.first?.amount.minorUnits } == [30_000, 10_000])
  }

  @Test func halfToEvenOnAHalfMinorUnit() throws {
    var l = try Ledger(usdCny: "7.3")
    try l.tariff(.forty, .container, "1.25", "USD")
    try l.tariff(.forty, .container, "1.35", "USD", component: .thc)
    try l.ship("S1", ["42G1"])
    let cost = try l.cost("S1")
    #expect(cost.line(0, .base)?.gross.minorUnits == 912)  // 1.25 × 7.3 = 9.125 → 9.12 (2 is even)
    #expect(cost.line(0, .thc)?.gross.minorUnits == 986)  // 1.35 × 7.3 = 9.855 → 9.86 (6 is even)
    #expect(cost.gross.minorUnits == 1_898)  // totals are sums of rounded lines
  }

  @Test func crossRatesGoThroughCNY() throws {
    var l = try Ledger(usdCny: "7.2")
    try l.rate("2024-01-01", "EUR", "CNY", "7.8")
    try l.tariff(.forty, .container, "100.00", "EUR")
    try l.ship("S1", ["42G1"])
    #expect(try l.cost("S1", "USD").gross.minorUnits == 10_833)  // 100 × 7.8 / 7.2 = 108.333… → 108.33
  }

  @Test func latestRateOnOrBeforeTheDateAndFxAt() throws {
    var l = try Ledger()
    try l.rate("2024-12-31", "USD", "CNY", "7.0")
    try l.tariff(.forty, .container, "1000.00", "USD")
    try l.ship("S1", ["42G1"])
    #expect(try l.cost("S1").gross.minorUnits == 729_880)  // booked 2024-03-01: the 2024-01-01 rate
    #expect(try l.cost("S1", fxAt: "2024-12-31").gross.minorUnits == 700_000)
  }

  @Test func missingRateNamesThePairAndDate() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "EUR")
    try l.ship("S1", ["42G1"])
    let error = #expect(throws: CorridorError.self) { try l.cost("S1") }
    #expect(error?.kind == .invalidData)
    #expect(error?.text.contains("EUR/CNY on or before 2024-03-01") == true)
  }

  @Test func overlappingTariffsAreRefused() throws {
    let l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "USD", from: "2024-01-01", to: "2024-06-30")
    try l.tariff(.forty, .container, "1100.00", "USD", from: "2024-07-01")
    let error = #expect(throws: CorridorError.self) { try l.tariff(.forty, .container, "1200.00", "USD", from: "2024-06-01") }
    #expect(error?.rule == .tariffOverlap)
    try l.tariff(.twenty, .container, "600.00", "USD", from: "2024-06-01")  // another equipment: fine
    let file = """
      {"tariffs": [
        {"route": "CQ-DOS", "leg": 2, "component": "border", "equipment": "any", "basis": "container", "amount": "150.00", "currency": "USD", "validFrom": "2024-01-01", "validTo": null},
        {"route": "CQ-DOS", "leg": 2, "component": "border", "equipment": "any", "basis": "container", "amount": "160.00", "currency": "USD", "validFrom": "2024-05-01", "validTo": null}
      ]}
      """
    let loadError = #expect(throws: CorridorError.self) { try load(file, into: l.db) }
    #expect(loadError?.rule == .tariffOverlap)
    #expect(try l.db.costStore.tariffs().count == 3)
  }

  @Test func eligibilityByValidityAndCommodityWithSubcategories() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "USD")
    try l.policy("Autos only", .percent, "10", commodities: [.automobiles])
    try l.policy("Expired", .percent, "10", from: "2023-01-01", to: "2023-12-31")
    try l.ship("EV", ["42G1"], commodity: .electricVehicles)
    try l.ship("LAP", ["42G1"], commodity: .laptops)
    #expect(try l.cost("EV", "USD").reductions.minorUnits == 10_000)  // electric vehicles are automobiles
    #expect(try l.cost("LAP", "USD").reductions.minorUnits == 0)
  }

  @Test func policyValidation() throws {
    let l = try Ledger()
    #expect(throws: CorridorError.self) { try l.policy("Too much", .percent, "101") }
    #expect(throws: CorridorError.self) { try l.policy("No currency", .perTEU, "10") }
    #expect(throws: CorridorError.self) { try l.policy("Fen of fen", .perContainer, "10.001", currency: "CNY") }
  }

  @Test func exactDecimalsAndMoneyText() throws {
    #expect(try Money(parsing: "6500", currency: .cny).amountText == "6500.00")
    #expect(try Money(parsing: "6500.5", currency: .cny).minorUnits == 650_050)
    #expect(try Money(parsing: "1500000", currency: Currency(parsing: "VND")).amountText == "1500000")
    #expect(throws: CorridorError.self) { try Money(parsing: "1.234", currency: .cny) }
    #expect(throws: CorridorError.self) { try Money(parsing: "-1", currency: .cny) }
    #expect(throws: CorridorError.self) { try Money(parsing: "1e3", currency: .cny) }
    #expect(throws: CorridorError.self) { try Money(parsing: "99999999999999999999", currency: .cny) }
    #expect(try ExactDecimal(parsing: "7.2900") == ExactDecimal(parsing: "7.29"))
    #expect(try Exact(numerator: 5, denominator: 2).roundedHalfEven() == 2)
    #expect(try Exact(numerator: 7, denominator: 2).roundedHalfEven() == 4)
    #expect(try Exact(numerator: -5, denominator: 2).roundedHalfEven() == -2)
    #expect(try Exact(numerator: 26, denominator: 10).roundedHalfEven() == 3)
  }

  @Test func costReportSumsShipments() throws {
    var l = try Ledger()
    try l.tariff(.forty, .container, "1000.00", "USD")
    try l.ship("S1", ["42G1"])
    try l.ship("S2", ["42G1", "42G1"], booked: "2024-04-02")
    let rows = try l.db.reportStore.costReport(by: .month, currency: .usd)
    #expect(rows.map(\.group) == ["2024-03", "2024-04"])
    #expect(rows.map(\.net.minorUnits) == [100_000, 200_000])
    #expect(rows[1].netPerTeu?.minorUnits == 50_000)
    // 2,000 USD over 4 TEU × 3,812 km = 0.1312 USD per TEU-km (13.116… cents).
    #expect(try rows[1].netPerTeuKm?.majorUnitsText(.usd, digits: 4) == "0.1312")
  }
}

@Suite struct HostileNumbersTests {
  @Test func hugeAmountsAndDistancesAreRefusedNotTrapped() throws {
    #expect(throws: CorridorError.self) { try Money(parsing: "10000000000000.01", currency: .cny) }
    #expect(try Money(parsing: "10000000000000.00", currency: .cny).minorUnits == 1_000_000_000_000_000)
    let db = try freshDatabase()
    let far = miniReference.replacingOccurrences(of: "\"distanceKm\": 3800", with: "\"distanceKm\": 9000000000000000000")
    #expect(throws: CorridorError.self) { try load(far, into: db) }
    let long = miniReference.replacingOccurrences(of: "\"transitHours\": 70", with: "\"transitHours\": 2562047788015215")
    #expect(throws: CorridorError.self) { try load(long, into: db) }
    #expect(throws: CorridorError.self) { try checkedSum(.max, 1) }
  }
}

@Suite struct MoneyArithmeticTests {
  @Test func twoCurrenciesAreNeverAdded() throws {
    let cny = Money(minorUnits: 100, currency: .cny)
    let usd = Money(minorUnits: 100, currency: .usd)
    let error = #expect(throws: CorridorError.self) { try cny.plus(usd) }
    #expect(error?.kind == .internal)
    #expect(throws: CorridorError.self) { try Money.sum([cny, cny, usd], in: .cny) }
    #expect(try Money.sum([cny, cny], in: .cny).minorUnits == 200)
    #expect(try Money.sum([Money](), in: .usd) == .zero(.usd))
  }

  @Test func totalsTooLargeAreRefusedNotTrapped() {
    let huge = Money(minorUnits: .max - 1, currency: .cny)
    let error = #expect(throws: CorridorError.self) { try huge.plus(Money(minorUnits: 2, currency: .cny)) }
    #expect(error?.rule == .amount)
    #expect(throws: CorridorError.self) { try huge.minus(Money(minorUnits: .min, currency: .cny)) }
  }
}
