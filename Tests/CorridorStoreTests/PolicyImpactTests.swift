import CorridorInterchange
import Foundation
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// `report policy-impact`: what the policies of another day would have given the same shipments.
@Suite struct PolicyImpactTests {
  let db: CorridorDatabase

  init() throws {
    db = try shippedLedger(operator: "test")
    for (ref, route, box) in [("LA24-1", "CQ-KNM-VTE", "CSQU3054383"), ("IL24-1", "CQ-QZH-SIN", "TGHU1234567")] {
      let number = try ContainerNumber(parsing: box)
      try db.containerStore.addContainer(number, sizeType: try SizeType(parsing: "42G1"), operator: "test")
      try db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: ref, route: route, shipper: "Chongqing Co", consignee: "Vientiane Co", commodity: .general, hsCode: nil,
          value: try Money(parsing: "100000.00", currency: .usd), bookedOn: try Day(parsing: "2024-06-03")),
        operator: "test")
      try db.shipmentStore.assign(number, to: ref, grossKg: 12_000, seals: [], operator: "test")
    }
  }

  func impact(asOf: String, corridor: String? = nil) throws -> [PolicyImpactRow] {
    try db.reportStore.policyImpact(
      from: try Day(parsing: "2024-01-01"), to: try Day(parsing: "2024-12-31"), corridor: corridor, policiesAsOf: try Day(parsing: asOf),
      currency: .usd)
  }

  @Test func theExtensionToChinaLaosIsWorthTwentyPercentOfTheBase() throws {
    // The forty-foot box takes the route's `any` base tariff, 2,600.00 USD; the 2025 extension
    // takes 20% of it: 520.00 USD, which 2024's policies did not give.
    let rows = try impact(asOf: "2025-01-01", corridor: "CN-LA")
    #expect(rows.count == 1)
    let row = try #require(rows.first)
    #expect(row.policy == "ILSTC reduction extended to China-Laos" && row.shipments == 1)
    #expect(row.appliedReduction == .zero(.usd))
    #expect(row.reductionAsOf == (try Money(parsing: "520.00", currency: .usd)))
    #expect(row.difference == (try Money(parsing: "520.00", currency: .usd)))
    // With the policies of the booking day, nothing changes: one row, no policy, no difference.
    let same = try impact(asOf: "2024-06-03", corridor: "CN-LA")
    #expect(same.map(\.policy) == [""] && same.allSatisfy { $0.difference == .zero(.usd) })
  }

  @Test func itReconcilesWithReportCosts() throws {
    let costs = try db.reportStore.costReport(
      from: try Day(parsing: "2024-01-01"), to: try Day(parsing: "2024-12-31"), by: .corridor, currency: .usd)
    for asOf in ["2024-06-03", "2025-01-01"] {
      let rows = try impact(asOf: asOf)
      for cost in costs {
        let corridorRows = rows.filter { $0.corridor == cost.group }
        #expect(corridorRows.allSatisfy { $0.gross == cost.gross && $0.shipments == cost.shipments })
        #expect(try Money.sum(corridorRows.map(\.appliedReduction), in: .usd) == cost.reductions, "\(cost.group)")
      }
      // The ILSTC policy was in force on both days: the same reduction either way.
      let ilstc = try #require(rows.first { $0.corridor == "ILSTC" })
      #expect(ilstc.appliedReduction.minorUnits > 0 && ilstc.reductionAsOf == ilstc.appliedReduction)
    }
  }
}
