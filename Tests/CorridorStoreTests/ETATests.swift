import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// The ETA learned from the corridor's history (issue 31, docs/eta.md): histories made by hand
/// where the right answer can be worked out, the 6-hour rule, the backtest's blindness to the
/// future, and the contracts.
@Suite struct ETATests {
  static let a = place("CNCQI")
  static let b = place("KZDOS")
  static let c = place("DEDUI")

  /// The estimator on hand-made rows, without the small-sample spread, so the answers are the
  /// rows' own hours (the spread has its own test).
  static func estimator(_ rows: [String: [SegmentDuration]]) -> LearnedETAEstimator<InMemorySegmentHistory> {
    var estimator = LearnedETAEstimator(history: InMemorySegmentHistory(rows))
    estimator.sampleSpread = 0
    return estimator
  }

  /// A well-formed code written in the test (a malformed one is the test's own mistake).
  static func place(_ text: String) -> LocationCode {
    do { return try LocationCode(parsing: text) } catch { fatalError("\(error)") }
  }

  /// A → B (10 h) → C (20 h), a gauge change at B: one stop where waits vary.
  static let route = Route(
    code: "T", corridor: "CN-EU", name: "test",
    legs: [
      Leg(
        from: a, to: b, mode: .rail, distanceKm: 100, transitHours: 10, borderCrossing: true, borderCountries: "CN-KZ", gaugeChange: true,
        transshipment: false, source: nil),
      Leg(
        from: b, to: c, mode: .rail, distanceKm: 200, transitHours: 20, borderCrossing: false, borderCountries: nil, gaugeChange: false,
        transshipment: false, source: nil),
    ], source: nil)

  static let day: Int64 = 20_300
  static let legAB = RouteSegment.leg(route.legs[0], on: route)
  static let stopB = RouteSegment.stop(before: route.legs[1], on: route)
  static let legBC = RouteSegment.leg(route.legs[1], on: route)

  /// The legs take exactly their plan on every day of `days`, 40 boxes a day.
  static func legs(days: ClosedRange<Int64>) -> [String: [SegmentDuration]] {
    [
      legAB.key: days.map { SegmentDuration(day: $0, hours: 10, boxes: 40) },
      legBC.key: days.map { SegmentDuration(day: $0, hours: 20, boxes: 40) },
    ]
  }

  @Test func aStationWhoseWaitsDoubledInWinterLastYearRaisesThisYearsEstimate() throws {
    // Last year: 24 h at B until 370 days before, then 48 h (winter). This year's last 56 days: 24 h.
    var rows = Self.legs(days: (Self.day - 500)...(Self.day - 1))
    rows[Self.stopB.key] =
      ((Self.day - 500)...(Self.day - 300)).map { SegmentDuration(day: $0, hours: $0 < Self.day - 370 ? 24 : 48, boxes: 40) }
      + ((Self.day - 56)...(Self.day - 1)).map { SegmentDuration(day: $0, hours: 24, boxes: 40) }
    let estimator = Self.estimator(rows)
    let winter = try estimator.remaining(on: Self.route, from: 0, departed: true, day: Self.day)
    // 10 h to B, 24 h × √(48 / 24) = 33.9 h waiting there (the season's ratio, damped), 20 h to C.
    #expect(winter.distribution.percentile(0.5) == 10 + 34 + 20)
    #expect(winter.basis == .history(boxes: 2_240, place: Self.b, weeks: 8, planned: 0))
    // Without last year the season is unknown: this year's 24 h.
    rows[Self.stopB.key] = ((Self.day - 56)...(Self.day - 1)).map { SegmentDuration(day: $0, hours: 24, boxes: 40) }
    let plain = try Self.estimator(rows).remaining(on: Self.route, from: 0, departed: true, day: Self.day)
    #expect(plain.distribution.percentile(0.5) == 10 + 24 + 20)
  }

  @Test func theWindowIsTheTenthToNinetiethPercentileOfTheWaits() throws {
    var rows = Self.legs(days: (Self.day - 56)...(Self.day - 1))
    // Ten boxes each at 10, 20, … 100 h, all yesterday (full weight).
    rows[Self.stopB.key] = (1...10).map { SegmentDuration(day: Self.day - 1, hours: $0 * 10, boxes: 10) }
    let estimator = Self.estimator(rows)
    let departed = try EventTime(parsing: "2025-07-01T00:00:00Z")
    let question = ETAQuestion(
      route: Self.route, nodeIndex: 0, departed: true, since: departed, lastActual: nil, reportedEstimate: nil,
      asOf: EventTime(milliseconds: Self.day * 86_400_000, offsetMinutes: 0))
    // No last actual event: nothing to estimate from.
    #expect(try estimator.estimate(for: question) == nil)
    let d = try estimator.remaining(on: Self.route, from: 0, departed: true, day: Self.day).distribution
    #expect(d.percentile(0.1) == 30 + 10 && d.percentile(0.5) == 30 + 50 && d.percentile(0.9) == 30 + 90)
  }

  @Test func theHoursAlreadyWaitedCountOnlyAgainstTheCurrentStop() throws {
    var rows = Self.legs(days: (Self.day - 56)...(Self.day - 1))
    rows[Self.stopB.key] = (1...10).map { SegmentDuration(day: Self.day - 1, hours: $0 * 10, boxes: 10) }
    let estimator = Self.estimator(rows)
    // 35 h into the wait at B: the waits longer than that (40 … 100 h, seven alike) less 35, so
    // 5 … 65 h, then 20 h to C.
    let waiting = try estimator.remaining(on: Self.route, from: 1, departed: false, day: Self.day, elapsedHours: 35)
    let left = waiting.distribution
    #expect(left.percentile(0.1) == 5 + 20 && left.percentile(0.5) == 35 + 20 && left.percentile(0.9) == 65 + 20)
    // Past every wait there was: the stop ends now, and the leg to C is still ahead.
    let overdue = try estimator.remaining(on: Self.route, from: 1, departed: false, day: Self.day, elapsedHours: 200)
    #expect(overdue.distribution.percentile(0.5) == 20)
  }

  /// A train's boxes share its incident: in the history it weighs as its boxes, so one train in
  /// ten held for days moves the window's top, not the median.
  @Test func aTrainsIncidentWeighsAsItsBoxes() throws {
    var rows = Self.legs(days: (Self.day - 56)...(Self.day - 1))
    // Yesterday: nine trains of 40 boxes waited 24 h at B, one waited 120 h (an incident).
    rows[Self.stopB.key] = [SegmentDuration(day: Self.day - 1, hours: 24, boxes: 360), SegmentDuration(day: Self.day - 1, hours: 120, boxes: 40)]
    let one = try Self.estimator(rows).remaining(on: Self.route, from: 1, departed: false, day: Self.day)
    #expect(one.distribution.percentile(0.5) == 24 + 20 && one.distribution.percentile(0.9) == 24 + 20)
    #expect(one.distribution.percentile(0.95) == 120 + 20)
    // Two trains in ten: the 90th percentile is the incident's.
    rows[Self.stopB.key] = [SegmentDuration(day: Self.day - 1, hours: 24, boxes: 320), SegmentDuration(day: Self.day - 1, hours: 120, boxes: 80)]
    let two = try Self.estimator(rows).remaining(on: Self.route, from: 1, departed: false, day: Self.day)
    #expect(two.distribution.percentile(0.5) == 24 + 20 && two.distribution.percentile(0.9) == 120 + 20)
  }

  @Test func aFewRunsGiveAWiderWindowThanMany() throws {
    var rows = Self.legs(days: (Self.day - 56)...(Self.day - 1))
    rows[Self.stopB.key] = [SegmentDuration(day: Self.day - 1, hours: 48, boxes: 40)]
    let one = try LearnedETAEstimator(history: InMemorySegmentHistory(rows)).remaining(on: Self.route, from: 1, departed: false, day: Self.day)
    // One train: 48 h spread by e^(±1.28 × 0.35 / 1): 31 to 75 h, then 20 h to C.
    #expect(one.distribution.percentile(0.5) == 48 + 20)
    #expect(one.distribution.percentile(0.1) == 31 + 20 && one.distribution.percentile(0.9) == 75 + 20)
    // Fifty trains alike: the spread is a seventh as wide (48 h × e^(±1.28 × 0.05): 45 to 51 h).
    rows[Self.stopB.key] = ((Self.day - 50)...(Self.day - 1)).map { SegmentDuration(day: $0, hours: 48, boxes: 40) }
    let many = try LearnedETAEstimator(history: InMemorySegmentHistory(rows)).remaining(on: Self.route, from: 1, departed: false, day: Self.day)
    let (low, high) = (many.distribution.percentile(0.1), many.distribution.percentile(0.9))
    #expect(many.distribution.percentile(0.5) == 48 + 20 && high - low <= 6 && (high - low) * 5 < 75 - 31)
  }

  @Test func thinHistoryFallsBackToThePlanAndSaysSo() throws {
    // 29 boxes in the last 8 weeks: one short of the threshold for every stretch.
    let rows: [String: [SegmentDuration]] = [
      Self.legAB.key: [SegmentDuration(day: Self.day - 1, hours: 15, boxes: 29)],
      Self.stopB.key: [SegmentDuration(day: Self.day - 1, hours: 99, boxes: 29)],
      Self.legBC.key: [SegmentDuration(day: Self.day - 1, hours: 25, boxes: 29)],
    ]
    let thin = try Self.estimator(rows).remaining(
      on: Self.route, from: 0, departed: true, day: Self.day)
    #expect(thin.basis == .plan && thin.distribution.percentile(0.5) == 30)
    // One stretch with enough: history, and the basis counts the planned ones.
    var some = rows
    some[Self.stopB.key] = [SegmentDuration(day: Self.day - 1, hours: 99, boxes: 30)]
    let mixed = try Self.estimator(some).remaining(
      on: Self.route, from: 0, departed: true, day: Self.day)
    #expect(mixed.basis == .history(boxes: 30, place: Self.b, weeks: 8, planned: 2))
    #expect(mixed.distribution.percentile(0.5) == 10 + 99 + 20)
    #expect(mixed.basis.text == "history: 30 trips through KZDOS in the last 8 weeks; plan for 2 of the stretches")
  }

  @Test func theDayOfTheQuestionAndLaterAreNeverRead() throws {
    var rows = Self.legs(days: (Self.day - 56)...(Self.day - 1))
    rows[Self.stopB.key] = ((Self.day - 56)...(Self.day - 1)).map { SegmentDuration(day: $0, hours: 24, boxes: 40) }
    let before = try Self.estimator(rows).remaining(
      on: Self.route, from: 1, departed: false, day: Self.day)
    // Poison: waits of 500 h that ended on the question's day and after.
    rows[Self.stopB.key]! += (Self.day...(Self.day + 70)).map { SegmentDuration(day: $0, hours: 500, boxes: 1_000) }
    let after = try Self.estimator(rows).remaining(
      on: Self.route, from: 1, departed: false, day: Self.day)
    #expect(before.distribution == after.distribution && before.distribution.percentile(0.5) == 24 + 20)
  }

  @Test func histogramsAddAsIndependentStretchesAndForgetTheHoursAlreadyWaited() {
    var x = DurationHistogram()
    x.add(hours: 1, weight: 1)
    x.add(hours: 3, weight: 1)
    let sum = x.adding(.point(10))
    #expect(sum.percentile(0.5) == 11 && sum.percentile(1) == 13)
    // Waited 2 h of a wait of 1 or 3 h: 1 h left.
    #expect(x.remaining(after: 2).percentile(0.5) == 1 && x.remaining(after: 2).percentile(0.01) == 1)
    // Waited longer than any: it ends now.
    #expect(x.remaining(after: 5) == .point(0))
  }

  @Test func aTrainsBoxesShareItsDepartureWaitsAndIncidents() throws {
    let db = try shippedLedger(operator: "t")
    let route = try #require(try db.networkStore.route("CQ-AKL-DUI"))
    var conditions = JourneyModel.Conditions(seed: 42)
    var random = JourneyModel.Random(state: 42)
    let run = conditions.run(route, start: Day(year: 2024, month: 1, day: 10).startMilliseconds, boxes: 41)
    let boxes = (0..<41).map { _ in JourneyModel.journey(route, run: run, random: &random) }
    // Every box departs every node and arrives at the next at the train's minute.
    for code in [EventCode.DEPA, .ARRI] {
      let times = boxes.map { $0.filter { $0.code == code }.map(\.minutes) }
      #expect(Set(times).count == 1, "\(code)")
    }
    // The waits are the train's: its stop at Dostyk in January is days, not hours.
    #expect(run.stopMinutes[2] >= 8 * 60)
    // Another seed, another train: the waits differ.
    var other = JourneyModel.Conditions(seed: 43)
    #expect(other.run(route, start: Day(year: 2024, month: 1, day: 10).startMilliseconds, boxes: 41).stopMinutes != run.stopMinutes)
  }

  @Test func anEstimateIsPublishedWhenTheMedianMovesSixHoursAndOncePerActualEvent() throws {
    let t = try EventTime(parsing: "2025-01-10T00:00:00Z")
    func shifted(_ hours: Int64, minutes: Int64 = 0) -> EventTime {
      EventTime(milliseconds: t.milliseconds + hours * 3_600_000 + minutes * 60_000, offsetMinutes: 0)
    }
    #expect(ETAPublication.publishes(t, last: nil, newestActualSeq: 5))
    #expect(!ETAPublication.publishes(shifted(5, minutes: 59), last: (t, 4), newestActualSeq: 5))
    #expect(ETAPublication.publishes(shifted(6), last: (t, 4), newestActualSeq: 5))
    #expect(ETAPublication.publishes(shifted(-6), last: (t, 4), newestActualSeq: 5))
    // Already published after the newest actual event: not again, however far it moved.
    #expect(!ETAPublication.publishes(shifted(48), last: (t, 6), newestActualSeq: 5))
  }

  @Test func theBacktestIsBlindToWhatHappenedAfterEachCheckpoint() throws {
    let routes = [Self.route.code: Self.route]
    var rows = Self.legs(days: (Self.day - 140)...(Self.day + 140))
    rows[Self.stopB.key] = ((Self.day - 140)...(Self.day + 140)).map { SegmentDuration(day: $0, hours: 24, boxes: 40) }
    let ms = Self.day * 86_400_000 + 3 * 86_400_000
    // Trips leaving every day for 4 weeks, each 54 h door to door.
    let trips = (0..<28).map { day in
      let start = ms + Int64(day) * 86_400_000
      return ETATrip(
        route: "T", checkpoints: [(.departure, 0, start), (.gaugeChange, 1, start + 10 * 3_600_000)], arrivalMs: start + 54 * 3_600_000)
    }
    let period = ms...(ms + 14 * 86_400_000)
    let clean = try ETABacktest.run(
      trips: trips, routes: routes, history: InMemorySegmentHistory(rows), period: period, checkpoints: Set(ETACheckpoint.allCases))
    // The history said 54 h and it was 54 h: no error, every arrival inside its window.
    let departure = try #require(clean.first { $0.checkpoint == .departure && $0.route == "all" })
    #expect(departure.learned.maeHours == 0 && departure.learned.windowCoverage == 1 && departure.plan.maeHours == 24)
    // Poison everything that ended after the period's last checkpoint: waits of 500 h and trips
    // that arrived later with them.
    var poisoned = rows
    let lastDay = ETADay.of(period.upperBound + 54 * 3_600_000)
    poisoned[Self.stopB.key] = rows[Self.stopB.key]!.map { $0.day > lastDay ? SegmentDuration(day: $0.day, hours: 500, boxes: 40) : $0 }
    let late = (0..<10).map { day in
      let start = period.upperBound + Int64(day + 3) * 86_400_000
      return ETATrip(route: "T", checkpoints: [(.departure, 0, start)], arrivalMs: start + 530 * 3_600_000)
    }
    let after = try ETABacktest.run(
      trips: trips + late, routes: routes, history: InMemorySegmentHistory(poisoned), period: period, checkpoints: Set(ETACheckpoint.allCases))
    #expect(after == clean)
  }

  @Test func refreshCountsEachCompletedStretchOnceAndTrackShowsTheLearnedETA() throws {
    let db = try BothWaysTests.booked("CQ-QZH-SIN")
    for (code, at, place) in [
      (EventCode.GTIN, "2024-05-28T00:00:00Z", "CNCQI"), (.LOAD, "2024-05-28T01:00:00Z", "CNCQI"), (.DEPA, "2024-05-28T02:00:00Z", "CNCQI"),
      (.ARRI, "2024-05-30T04:00:00Z", "CNQZH"), (.DISC, "2024-05-30T05:00:00Z", "CNQZH"),
    ] {
      try BothWaysTests.record(db, code, at, place, mode: code == .LOAD || code == .DEPA || code == .ARRI ? .RAIL : nil)
    }
    #expect(try db.etaStore.refresh(publish: false).segments == 1)
    #expect(try db.etaStore.refresh(publish: false).segments == 0)
    let leg = try db.etaStore.durations(
      of: RouteSegment(.leg, route: "CQ-QZH-SIN", from: Self.a, to: try LocationCode(parsing: "CNQZH")), days: 0...100_000)
    #expect(leg == [SegmentDuration(day: ETADay.of(try EventTime(parsing: "2024-05-30T04:00:00Z").milliseconds), hours: 50, boxes: 1)])
    // One box is thin history: the plan's 144 h of sea from its last event at Qinzhou (the plan
    // has no wait there), and it says so.
    let report = try db.reportStore.track(try ContainerNumber(parsing: "CSQU3054383"))
    #expect(report.etaBasis == .plan)
    #expect(report.eta?.description == "2024-06-05T05:00:00Z")
    let json = try ContractJSON.text(TrackView(report, history: false))
    #expect(json.contains("\"etaBasis\" : \"plan\"") || json.contains("\"etaBasis\":\"plan\""))
    #expect(json.contains("etaWindow"))
  }

  /// On the demo, as of its clock: a new actual event that moves a box's learned median by 6
  /// hours or more publishes one estimated arrival through the engine, into the feed; the same
  /// event again publishes nothing.
  @Test(.sqliteOnly) func anActualEventThatMovesTheMedianPublishesOneEstimatedArrival() throws {
    let (db, _) = try Demo().build(path: temporaryDatabasePath())
    let box = try ContainerNumber(parsing: "CQXU1018320")
    func published() throws -> [MovementEvent] {
      try db.reportStore.track(box).history.filter { $0.report.classifier == .EST && $0.recordedBy == ETAPublication.operatorName }
    }
    let first = try published()
    #expect(first.count == 1 && first[0].code == .ARRI && first[0].location.text == "DEDUI")
    #expect(first[0].report.note?.hasPrefix("corridor eta: history: ") == true)
    // The train is through Alashankou and at the Dostyk gauge change far sooner than the history
    // says: the median moves by more than 6 hours.
    for (code, at, place) in [(EventCode.DEPA, "2024-12-19T23:30:00Z", "CNAKL"), (.ARRI, "2024-12-19T23:58:00Z", "KZDOS")] {
      let report = EventReport(
        container: box, code: code, time: try EventTime(parsing: at), location: try LocationCode(parsing: place), shipment: "CQ24-LAP-12",
        mode: .RAIL)
      _ = try db.eventStore.record(report, operator: "t")
    }
    #expect(try db.etaStore.refresh().published == 1)
    let second = try published()
    #expect(second.count == 2 && abs(second[1].time.milliseconds - second[0].time.milliseconds) >= 6 * 3_600_000)
    // Nothing new: nothing counted, nothing published.
    let again = try db.etaStore.refresh()
    #expect(again.segments == 0 && again.published == 0)
    // And `--eta plan` does not take Corridor's own estimate for a reporter's.
    #expect(try db.reportStore.track(box, eta: .plan).etaBasis == .plan)
  }

  @Test func theBacktestJSONContract() throws {
    let errors = try #require(ETAErrors(errors: [-2, 4, 6], inside: [true, true, false]))
    #expect(errors.maeHours == 4 && errors.medianAbsHours == 4 && errors.p90AbsHours == 6 && abs(errors.biasHours - 8.0 / 3) < 1e-9)
    let view = ETABacktestView([
      ETABacktestRow(
        checkpoint: .gaugeChange, route: "T", trips: 3, learned: errors, plan: try #require(ETAErrors(errors: [10, 10, 10], inside: nil)),
        recentMedian: nil)
    ])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(try ContractJSON.text(view).utf8)) as? [String: Any])
    let row = try #require((object["checkpoints"] as? [[String: Any]])?.first)
    #expect(row["checkpoint"] as? String == "gauge-change" && row["route"] as? String == "T" && row["trips"] as? Int == 3)
    let learned = try #require(row["learned"] as? [String: Any])
    #expect(Set(learned.keys) == ["trips", "maeHours", "medianAbsHours", "p90AbsHours", "biasHours", "windowCoverage"])
    #expect(learned["biasHours"] as? Double == 2.7 && learned["windowCoverage"] as? Double == 0.667)
    #expect((row["plan"] as? [String: Any])?["windowCoverage"] is NSNull && row["recentMedian"] is NSNull)
  }
}
