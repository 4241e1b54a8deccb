import CorridorInterchange
import CorridorPresentation
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// Free time, demurrage, detention and storage (docs/waiting-costs.md). Every expected day and
/// amount below is worked out by hand in the comment beside it.
@Suite struct FreeTimeTests {
  static let eur = Currency(trusted: "EUR")

  /// The shipped Duisburg demurrage terms: 5 free days, then 40.00 EUR a day for days 1–5 and
  /// 75.00 from day 6.
  static func demurrage(
    freeDays: Int = 5, dayCount: DayCount = .calendar, equipment: Equipment = .any, validFrom: String = "2023-01-01"
  ) throws -> FreeTimeRule {
    FreeTimeRule(
      location: try LocationCode(parsing: "DEDUI"), kind: .demurrage, starts: .DISC, ends: .GTOT, equipment: equipment, ownership: nil,
      commodities: nil, freeDays: freeDays, dayCount: dayCount,
      tiers: [
        FreeTimeTier(fromDay: 1, toDay: 5, perDay: try Money(parsing: "40.00", currency: eur)),
        FreeTimeTier(fromDay: 6, toDay: nil, perDay: try Money(parsing: "75.00", currency: eur)),
      ], currency: eur, validFrom: try Day(parsing: validFrom), validTo: nil, source: nil)
  }

  func charge(_ rule: FreeTimeRule, _ start: String, _ end: String) throws -> WaitingCharge {
    try rule.charge(startedAt: try EventTime(parsing: start), until: try EventTime(parsing: end))
  }

  @Test func aStayAcrossATierBoundary() throws {
    // Day 1 is 1 March, the last free day 5 March; 6–16 March are 11 chargeable days:
    // 5 × 40.00 + 6 × 75.00 = 650.00.
    let priced = try charge(try Self.demurrage(), "2024-03-01T10:00:00+01:00", "2024-03-16T09:00:00+01:00")
    #expect(priced.lastFreeDay == (try Day(parsing: "2024-03-05")))
    #expect(priced.chargeableDays == 11)
    #expect(priced.charge == (try Money(parsing: "650.00", currency: Self.eur)))
  }

  @Test func theLastFreeDayOnAMonthEnd() throws {
    // 25–29 February 2024 (a leap year) are the free days; 1 and 2 March are chargeable: 80.00.
    let priced = try charge(try Self.demurrage(), "2024-02-25T08:00:00+01:00", "2024-03-02T12:00:00+01:00")
    #expect(priced.lastFreeDay == (try Day(parsing: "2024-02-29")))
    #expect(priced.chargeableDays == 2)
    #expect(priced.charge == (try Money(parsing: "80.00", currency: Self.eur)))
    // Gated out on the last free day: nothing to pay.
    let inTime = try charge(try Self.demurrage(), "2024-02-25T08:00:00+01:00", "2024-02-29T23:59:00+01:00")
    #expect(inTime.chargeableDays == 0 && inTime.charge.minorUnits == 0)
  }

  @Test func theDayIsThePlacesLocalDay() throws {
    // 00:30 on 2 March at +01:00 is 23:30 UTC on 1 March: day 1 is 2 March, the last free day
    // 6 March; gated out on 7 March at 00:10 local (6 March UTC): one chargeable day, 40.00.
    let priced = try charge(try Self.demurrage(), "2024-03-02T00:30:00+01:00", "2024-03-07T00:10:00+01:00")
    #expect(priced.lastFreeDay == (try Day(parsing: "2024-03-06")))
    #expect(priced.chargeableDays == 1)
    #expect(priced.charge == (try Money(parsing: "40.00", currency: Self.eur)))
    // Late in the evening at +08:00 is still that local day.
    let chongqing = try charge(try Self.demurrage(freeDays: 1), "2024-03-01T23:30:00+08:00", "2024-03-02T08:00:00+08:00")
    #expect(chongqing.lastFreeDay == (try Day(parsing: "2024-03-01")) && chongqing.chargeableDays == 1)
  }

  @Test func workingDaysSkipTheWeekend() throws {
    // Friday 1 March is day 1, Monday 4 March day 2, Tuesday 5 March day 3 (the last free day);
    // 6, 7, 8 and 11 March are the chargeable working days until a gate-out on Monday 11 March.
    let rule = try Self.demurrage(freeDays: 3, dayCount: .working)
    let priced = try charge(rule, "2024-03-01T10:00:00+01:00", "2024-03-11T09:00:00+01:00")
    #expect(priced.lastFreeDay == (try Day(parsing: "2024-03-05")))
    #expect(priced.chargeableDays == 4)
    #expect(priced.charge == (try Money(parsing: "160.00", currency: Self.eur)))
    // Discharged on a Saturday: day 1 is Monday 4 March, the last free day Wednesday 6 March.
    let weekend = try charge(rule, "2024-03-02T10:00:00+01:00", "2024-03-10T09:00:00+01:00")
    #expect(weekend.lastFreeDay == (try Day(parsing: "2024-03-06")))
    // 7 and 8 March; the 9th and 10th are a weekend.
    #expect(weekend.chargeableDays == 2)
    // Fifteen free working days from Monday 4 March: three weeks, the last free day Friday 22 March.
    let long = try charge(try Self.demurrage(freeDays: 15, dayCount: .working), "2024-03-04T10:00:00+01:00", "2024-03-25T09:00:00+01:00")
    #expect(long.lastFreeDay == (try Day(parsing: "2024-03-22")) && long.chargeableDays == 1)
  }

  @Test func theMostSpecificRuleWinsAndOneNotYetValidIsNotUsed() throws {
    let any = try Self.demurrage()
    let forty = try Self.demurrage(freeDays: 2, equipment: .forty)
    let later = try Self.demurrage(freeDays: 9, equipment: .twenty, validFrom: "2024-06-01")
    let start = StayStart(
      location: try LocationCode(parsing: "DEDUI"), code: .DISC, time: try EventTime(parsing: "2024-03-01T10:00:00+01:00"),
      equipment: .forty, ownership: .carrier, commodity: nil)
    #expect(FreeTimeRule.winners(among: [any, forty, later], for: start) == [forty])
    var twenty = start
    twenty.equipment = .twenty
    // The 20-foot rule starts in June: before it, the any-equipment rule prices the box.
    #expect(FreeTimeRule.winners(among: [any, forty, later], for: twenty) == [any])
    twenty.time = try EventTime(parsing: "2024-06-01T00:10:00+01:00")
    #expect(FreeTimeRule.winners(among: [any, forty, later], for: twenty) == [later])
  }

  @Test func badRulesAreRefusedWithTheirReason() throws {
    var rule = try Self.demurrage()
    rule.tiers[1].fromDay = 7
    #expect(throws: CorridorError.self) { try rule.check() }
    #expect((try? rule.check()) == nil)
    let gap = #expect(throws: CorridorError.self) { try rule.check() }
    #expect(gap?.message.contains("leaving days 6–6 without a rate") == true, "\(gap?.message ?? "")")
    rule.tiers[1].fromDay = 5
    let overlap = #expect(throws: CorridorError.self) { try rule.check() }
    #expect(overlap?.message.contains("overlapping the tier before it") == true)
    rule.tiers[1].fromDay = 6
    rule.tiers[1].toDay = 20
    let closed = #expect(throws: CorridorError.self) { try rule.check() }
    #expect(closed?.message.contains("must be open-ended") == true)
    rule.tiers[1].toDay = nil
    rule.freeDays = -1
    #expect(throws: CorridorError.self) { try rule.check() }
  }

  // MARK: - Stays in a box's history

  /// A database with the shipped reference (its Duisburg demurrage and detention rules) and one
  /// box on a Duisburg shipment.
  struct Yard {
    let journey: Journey
    var db: CorridorDatabase { journey.db }
    var box: ContainerNumber { journey.box }

    init(owner: ContainerOwnership? = nil) throws {
      journey = try Journey()
      if let owner {
        try journey.db.containerStore.addContainer(
          journey.box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, owner: owner, operator: "test")
      }
    }

    /// Gate-in at Chongqing, the train to Duisburg, discharged there on 1 April 2024 at 10:00.
    func arriveInDuisburg() throws {
      try journey.departChongqing()
      for (code, at, place) in [
        (EventCode.ARRI, "2024-03-08T10:00:00+08:00", "CNAKL"), (.DEPA, "2024-03-09T10:00:00+08:00", "CNAKL"),
        (.ARRI, "2024-03-28T08:00:00+01:00", "DEDUI"), (.DISC, "2024-04-01T10:00:00+02:00", "DEDUI"),
      ] {
        try journey.record(code, at, place, allowGap: true, shipment: "CQ24-0001")
      }
    }

    func stays(asOf: String) throws -> [PricedStay] { try db.freeTimeStore.stays(of: box, asOf: try EventTime(parsing: asOf)) }
  }

  @Test func anOpenStayIsChargedUpToTheAsOfDay() throws {
    let yard = try Yard()
    try yard.arriveInDuisburg()
    // Discharged 1 April (+02:00): the last free day is 5 April. As of 7 April, 6 and 7 April
    // are chargeable: 80.00 EUR; as of 12 April, 6–12 April: 7 days, 5 × 40 + 2 × 75 = 350.00.
    let early = try yard.stays(asOf: "2024-04-07T12:00:00Z")
    #expect(early.count == 1)
    #expect(early.first?.kind == .demurrage && early.first?.endedAt == nil)
    #expect(early.first?.priced.lastFreeDay == (try Day(parsing: "2024-04-05")))
    #expect(early.first?.priced.charge == (try Money(parsing: "80.00", currency: Self.eur)))
    let later = try yard.stays(asOf: "2024-04-12T12:00:00Z")
    #expect(later.first?.priced.chargeableDays == 7)
    #expect(later.first?.priced.charge == (try Money(parsing: "350.00", currency: Self.eur)))
    // The report sees it too (its last free day is past), and not before the box was discharged.
    let report = try FreeTimeReport(
      open: try yard.db.freeTimeStore.openStays(asOf: try EventTime(parsing: "2024-04-12T12:00:00Z")),
      asOf: try EventTime(parsing: "2024-04-12T12:00:00Z"), within: 0)
    #expect(report.stays.map(\.container) == [yard.box])
    #expect(report.totals.map(\.charge) == [try Money(parsing: "350.00", currency: Self.eur)])
    #expect(try yard.db.freeTimeStore.openStays(asOf: try EventTime(parsing: "2024-03-30T12:00:00Z")).isEmpty)
    // Three days before the last free day, `--within 3` lists it and `--within 2` does not.
    let ahead = try EventTime(parsing: "2024-04-02T12:00:00Z")
    let open = try yard.db.freeTimeStore.openStays(asOf: ahead)
    #expect(try FreeTimeReport(open: open, asOf: ahead, within: 3).stays.count == 1)
    #expect(try FreeTimeReport(open: open, asOf: ahead, within: 2).stays.isEmpty)
  }

  @Test func gateOutEndsDemurrageAndStartsDetentionOfACarriersBoxOnly() throws {
    let yard = try Yard(owner: .carrier)
    try yard.arriveInDuisburg()
    // Gated out 8 April: demurrage 6–8 April, 3 × 40.00 = 120.00. Detention from 8 April, 7 free
    // days to 14 April; returned empty on 20 April: 6 days at 25.00 = 150.00.
    try yard.journey.record(.GTOT, "2024-04-08T15:00:00+02:00", "DEDUI", shipment: "CQ24-0001")
    try yard.journey.record(.GTIN, "2024-04-20T09:00:00+02:00", "DEDUI", allowGap: true)
    let stays = try yard.stays(asOf: "2024-05-01T00:00:00Z")
    #expect(stays.map(\.kind) == [.demurrage, .detention])
    #expect(stays.map(\.priced.charge) == [try Money(parsing: "120.00", currency: Self.eur), try Money(parsing: "150.00", currency: Self.eur)])
    #expect(stays.allSatisfy { $0.endedAt != nil })
    #expect(try yard.db.freeTimeStore.openStays(asOf: try EventTime(parsing: "2024-05-01T00:00:00Z")).isEmpty)

    // A shipper's box pays no detention, nor does one whose owner is not recorded under a rule
    // for the carrier's boxes (the shipped Duisburg rule).
    for owner in [ContainerOwnership.shipper, nil] {
      let own = try Yard(owner: owner)
      try own.arriveInDuisburg()
      try own.journey.record(.GTOT, "2024-04-08T15:00:00+02:00", "DEDUI", shipment: "CQ24-0001")
      #expect(try own.stays(asOf: "2024-05-01T00:00:00Z").map(\.kind) == [.demurrage])
    }
  }

  @Test func aRetractedDischargeStartsNoStay() throws {
    let yard = try Yard()
    try yard.arriveInDuisburg()
    let discharge = try #require(try yard.db.eventStore.events(container: yard.box).last { $0.code == .DISC })
    try yard.db.eventStore.retract(eventID: discharge.id, reason: "keyed twice", operator: "test")
    #expect(try yard.stays(asOf: "2024-04-12T12:00:00Z").isEmpty)
    #expect(try yard.db.freeTimeStore.openStays(asOf: try EventTime(parsing: "2024-04-12T12:00:00Z")).isEmpty)
  }

  /// The report's SQL reads the last start and end per box; a retracted gate-out must not close
  /// the stay there.
  @Test func aRetractedGateOutLeavesTheStayOpen() throws {
    let yard = try Yard()
    try yard.arriveInDuisburg()
    try yard.journey.record(.GTOT, "2024-04-08T15:00:00+02:00", "DEDUI", shipment: "CQ24-0001", note: "keyed by mistake")
    let asOf = try EventTime(parsing: "2024-04-12T12:00:00Z")
    #expect(try yard.db.freeTimeStore.openStays(asOf: asOf).isEmpty)
    let gateOut = try #require(try yard.db.eventStore.events(container: yard.box).last { $0.code == .GTOT })
    try yard.db.eventStore.retract(eventID: gateOut.id, reason: "keyed by mistake", operator: "test")
    let open = try yard.db.freeTimeStore.openStays(asOf: asOf)
    let rate = try Money(parsing: "350.00", currency: Self.eur)
    #expect(open.map(\.kind) == [.demurrage] && open.first?.priced.charge == rate)
  }

  @Test func aFreeTimeSectionLoadsAuditedAndBadOnesWriteNothing() throws {
    let db = try shippedLedger(operator: "test")
    #expect(try db.freeTimeStore.rules().count == 5)
    #expect(try db.auditTrail.verifyAudit().intact)
    let before = try db.connection.fetchAll("SELECT * FROM free_time_rules ORDER BY name")
    let audit = try db.connection.scalarInt("SELECT count(*) FROM audit_log")
    func refused(_ item: String) throws -> CorridorError? {
      #expect(throws: CorridorError.self) { _ = try load("{\"freeTime\": [\(item)]}", into: db, file: "rules.json") }
    }
    let good = """
      {"location": "PLMAA", "kind": "storage", "starts": "ARRI", "ends": "DEPA", "equipment": "40", "freeDays": 2,
       "tiers": [{"fromDay": 1, "toDay": 3, "perDay": "10.00"}, {"fromDay": 4, "perDay": "20.00"}], "currency": "EUR", "validFrom": "2024-01-01"}
      """
    for (bad, says) in [
      (good.replacingOccurrences(of: "\"freeDays\": 2", with: "\"freeDays\": -1"), "$.freeTime[0].freeDays: freeDays must be 0 to 3650"),
      (good.replacingOccurrences(of: "\"fromDay\": 4", with: "\"fromDay\": 3"), "overlapping the tier before it"),
      (good.replacingOccurrences(of: "\"fromDay\": 4", with: "\"fromDay\": 5"), "leaving days 4–4 without a rate"),
      (good.replacingOccurrences(of: "\"storage\"", with: "\"parking\""), "$.freeTime[0].kind: unknown kind"),
      (good.replacingOccurrences(of: "PLMAA", with: "XXXXX"), "unknown location XXXXX"),
      (good + ", " + good, "overlaps PLMAA/storage/40/any/any/2024-01-01 earlier in the file"),
    ] {
      let error = try refused(bad)
      #expect(error?.kind == .invalidData && error?.message.contains(says) == true, "\(error?.message ?? "no error") (wanted \(says))")
      #expect(error?.position?.file == "rules.json" && (error?.position?.line ?? 0) >= 1)
    }
    #expect(try db.connection.fetchAll("SELECT * FROM free_time_rules ORDER BY name") == before)
    #expect(try db.connection.scalarInt("SELECT count(*) FROM audit_log") == audit)
    // A good one loads, audited, and loading it again changes nothing.
    #expect(try load("{\"freeTime\": [\(good)]}", into: db)["freeTime"].inserted == 1)
    #expect(try load("{\"freeTime\": [\(good)]}", into: db)["freeTime"].unchanged == 1)
    #expect(try db.auditTrail.verifyAudit().intact)
    #expect(try db.freeTimeStore.rules().contains { $0.name == "PLMAA/storage/40/any/any/2024-01-01" && $0.tiers.count == 2 })
  }
}
