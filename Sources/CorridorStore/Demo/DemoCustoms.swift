import CorridorModel

/// The demo's customs declarations (docs/customs.md), recorded after its movements through the
/// customs store, so every status goes through the one definition and the events it means
/// through the acceptance engine, as an operator's would:
///
/// - each shipment's **export declaration** at its origin, lodged two hours before the first box
///   may gate in, accepted half an hour later and released before the boxes arrive; about one in
///   twelve is selected for a document check and one in thirty for a physical inspection at
///   Chongqing (held under `CUSI` until released);
/// - a **transit declaration** at the last Chinese place before the border (Alashankou, Horgos,
///   Mohan, Pingxiang, Hekou, Qinzhou, Shanghai), lodged when the first box arrives there and
///   released when the last box may leave; about one in seven whose boxes all stood there
///   together is selected (a scan, else a physical inspection) while they stood, and one of them
///   detained first;
/// - a shipment coming home (a route into China) has instead an **import declaration** at the
///   first Chinese place after the border (Alashankou, Horgos, Qinzhou, Mohan, Pingxiang), lodged
///   and selected the same way as a transit declaration there.
///
/// The shares are illustrative, not sourced; the customs office codes in the numbers are too.
struct DemoCustoms {
  let db: CorridorDatabase
  var random: JourneyModel.Random
  let op = "demo"
  private var sequence = 0
  private var detained = false

  init(db: CorridorDatabase, seed: UInt64) {
    self.db = db
    random = JourneyModel.Random(state: seed ^ 0x00C0_5705)
  }

  /// Illustrative customs office codes, for the numbers' first four digits.
  static let offices: [String: String] = [
    "CNCQI": "8000", "CNAKL": "9401", "CNHRS": "9402", "CNQZH": "7201", "CNMHN": "8611", "CNPIN": "7202", "CNHKM": "8612",
    "CNCHQ": "8001", "CNSGH": "2201",
  ]

  /// A shipment's journeys as the demo planned them (each box's steps, cut at the clock).
  struct Plan {
    let shipment: String
    let route: Route
    /// 09:00 in Chongqing on the day after booking, in milliseconds.
    let start: Int64
    var boxes: [[(code: EventCode, place: LocationCode, ms: Int64)]]
  }

  mutating func declareAll(_ plans: [Plan], clock: EventTime) throws {
    for plan in plans {
      guard let origin = plan.route.origin, !plan.boxes.isEmpty else { continue }
      let procedure: CustomsProcedure
      let office: LocationCode
      if plan.route.direction == .import {
        // Declared for import where the boxes enter China.
        guard let entry = plan.route.legs.first(where: { $0.borderCrossing && $0.to.country == "CN" })?.to else { continue }
        (procedure, office) = (.import, entry)
      } else {
        // Two hours before the journeys start.
        let lodged = EventTime(milliseconds: plan.start - 120 * 60_000, offsetMinutes: 480)
        guard lodged.milliseconds <= clock.milliseconds else { continue }
        try exportDeclaration(plan.shipment, at: origin, lodged: lodged, clock: clock)
        guard let exit = plan.route.legs.first(where: { $0.borderCrossing })?.from, exit != origin else { continue }
        (procedure, office) = (.transit, exit)
      }
      // Each box's stay at the border place: its arrival, and the first event that takes it away.
      let stays = plan.boxes.enumerated().compactMap { box, steps -> (box: Int, arrived: Int64, leaves: Int64?)? in
        guard let arrived = steps.first(where: { $0.code == .ARRI && $0.place == office })?.ms else { return nil }
        let leaves = steps.first { $0.ms > arrived && $0.place == office && SequenceRules.leavingCodes.contains($0.code) }?.ms
        return (box, arrived, leaves)
      }
      guard let first = stays.map(\.arrived).min() else { continue }
      try borderDeclaration(
        plan.shipment, procedure, stays: stays, at: office, lodged: EventTime(milliseconds: first, offsetMinutes: 480), clock: clock)
    }
  }

  /// China's 18 digits: office, year, the import flag (1) or not (0), a sequence.
  private mutating func number(_ office: LocationCode, _ time: EventTime, importing: Bool = false) -> String {
    sequence += 1
    return "\(Self.offices[office.text] ?? "0000")\(time.day.year)\(importing ? 1 : 0)" + String(repeating: "0", count: 9 - String(sequence).count)
      + "\(sequence)"
  }

  private func at(_ time: EventTime, plus minutes: Int64) -> EventTime {
    EventTime(milliseconds: time.milliseconds + minutes * 60_000, offsetMinutes: time.offsetMinutes)
  }

  private func record(
    _ number: String, _ status: DeclarationStatus, _ time: EventTime, containers: [ContainerNumber]? = nil, check: CustomsCheck? = nil,
    outcome: InspectionOutcome? = nil
  ) throws {
    try db.customsStore.record(
      number,
      DeclarationChange(
        status: status, at: time, containers: containers, check: check, outcome: outcome, recordedAt: db.clock.nowUTC(), operatorName: op),
      operator: op)
  }

  private mutating func exportDeclaration(_ ref: String, at office: LocationCode, lodged: EventTime, clock: EventTime) throws {
    let number = number(office, lodged)
    try db.customsStore.declare(
      DeclarationRequest(
        number: number, foreign: false, shipment: ref, procedure: .export, office: office.text, containers: nil, mode: .oneStep, value: nil,
        at: lodged), operator: op)
    let roll = random.below(60)
    let steps: [(DeclarationStatus, Int64, CustomsCheck?, InspectionOutcome?)] =
      switch roll {
      case 0..<5: [(.accepted, 30, nil, nil), (.selected, 40, .document, nil), (.released, 100, nil, nil)]
      case 5..<7 where !detained:
        [(.accepted, 30, nil, nil), (.selected, 40, .physical, nil), (.detained, 70, nil, nil), (.released, 105, nil, nil)]
      case 5..<7: [(.accepted, 30, nil, nil), (.selected, 40, .physical, nil), (.inspected, 90, nil, .clear), (.released, 105, nil, nil)]
      default: [(.accepted, 30, nil, nil), (.released, 60 + Int64(random.below(40)), nil, nil)]
      }
    if steps.contains(where: { $0.0 == .detained }) { detained = true }
    for (status, minutes, check, outcome) in steps where at(lodged, plus: minutes).milliseconds <= clock.milliseconds {
      try record(number, status, at(lodged, plus: minutes), check: check, outcome: outcome)
    }
  }

  /// A transit (or import) declaration for the boxes that reach the border place, lodged when
  /// the first arrives. Selected (one in seven): every box held from then, each released a
  /// quarter of an hour before it leaves (partial releases, in time order); else released whole
  /// within the hour.
  private mutating func borderDeclaration(
    _ ref: String, _ procedure: CustomsProcedure, stays: [(box: Int, arrived: Int64, leaves: Int64?)], at office: LocationCode,
    lodged: EventTime, clock: EventTime
  ) throws {
    let containers = try db.shipmentStore.requireShipment(ref).containers.map(\.container)
    let number = number(office, lodged, importing: procedure == .import)
    try db.customsStore.declare(
      DeclarationRequest(
        number: number, foreign: false, shipment: ref, procedure: procedure, office: office.text, containers: stays.map { containers[$0.box] },
        mode: .oneStep, value: nil, at: lodged), operator: op)
    // Seven seconds past the minute: never the instant of a movement (whole minutes).
    let time = { (ms: Int64) in EventTime(milliseconds: ms + 7_000, offsetMinutes: lodged.offsetMinutes) }
    let accepted = lodged.milliseconds + 30 * 60_000
    guard accepted <= clock.milliseconds else { return }
    try record(number, .accepted, time(accepted))
    guard random.below(7) == 0 else {
      let released = accepted + Int64(30 + random.below(60)) * 60_000
      if released <= clock.milliseconds { try record(number, .released, time(released)) }
      return
    }
    let selected = accepted + 5 * 60_000
    let scan = random.below(3) != 0
    try record(number, .selected, time(selected), check: scan ? .scan : .physical)
    let releases = stays.compactMap { stay in stay.leaves.map { (box: stay.box, at: $0 - 15 * 60_000) } }.sorted { ($0.at, $0.box) < ($1.at, $1.box) }
    if !scan, let firstRelease = releases.first?.at, min(selected + 20 * 60_000, firstRelease - 5 * 60_000) > selected {
      try record(number, .inspected, time(min(selected + 20 * 60_000, firstRelease - 5 * 60_000)), outcome: .clear)
    }
    for release in releases where release.at <= clock.milliseconds {
      try record(number, .released, time(release.at), containers: [containers[release.box]])
    }
  }
}
