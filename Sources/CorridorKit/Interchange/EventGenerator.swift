import Foundation

/// Deterministic test data for benchmarks: books shipments and containers on the shipped routes
/// and writes complete journeys, in time order per shipment, as event CSV. Same seed, same bytes.
public struct EventGenerator {
  public let events: Int
  public let seed: UInt64
  /// Containers per shipment (a block train is 41 forty-foot boxes).
  public var containersPerShipment = 41

  public init(events: Int, seed: UInt64) {
    self.events = events
    self.seed = seed
  }

  /// SplitMix64: small, fast, and the same everywhere.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  struct Step {
    let code: EventCode
    let place: LocationCode
    let minutes: Int64
    let mode: TransportModeCode?
  }

  /// One container's journey on a route: gate-in, load, depart; per leg arrive, cross borders,
  /// reload at gauge changes and transshipments, customs holds now and then; discharge and
  /// gate-out at the end.
  func journey(_ route: Route, random: inout Random) -> [Step] {
    guard let origin = route.origin else { return [] }
    var t: Int64 = Int64(random.below(120))
    var steps: [Step] = []
    func add(_ code: EventCode, _ place: LocationCode, after minutes: Int64, _ mode: TransportModeCode? = nil) {
      t += minutes
      steps.append(Step(code: code, place: place, minutes: t, mode: mode))
    }
    add(.GTIN, origin, after: 0)
    for (index, leg) in route.legs.enumerated() {
      let mode: TransportModeCode = leg.mode == .sea ? .VESSEL : leg.mode == .road ? .TRUCK : leg.mode == .river ? .BARGE : .RAIL
      if index == 0 {
        add(.LOAD, leg.from, after: 600 + Int64(random.below(600)), mode)
      }
      add(.DEPA, leg.from, after: 60 + Int64(random.below(120)), mode)
      add(.ARRI, leg.to, after: Int64(leg.transitHours) * 60 + Int64(random.below(240)), mode)
      if leg.borderCrossing { add(.CROS, leg.to, after: 30 + Int64(random.below(60)), mode) }
      let last = index == route.legs.count - 1
      if leg.gaugeChange || leg.transshipment || last {
        add(.DISC, leg.to, after: 60 + Int64(random.below(240)))
        if random.below(10) == 0 {
          add(.CUSI, leg.to, after: 30)
          add(.CUSR, leg.to, after: 600 + Int64(random.below(1440)))
        }
        if !last { add(.LOAD, leg.to, after: 120 + Int64(random.below(600)), mode) }
      }
    }
    if let destination = route.destination { add(.GTOT, destination, after: 240 + Int64(random.below(1440))) }
    return steps
  }

  /// Books what the events need and writes them. Returns the number of events written.
  public func run(db: CorridorDatabase, operator op: String, write: (String) throws -> Void) throws -> Int {
    var random = Random(state: seed)
    let routes = try db.routes()
    guard !routes.isEmpty else { throw CorridorError.invalid("no routes: load the network first (corridor init)", rule: .generate) }
    let start = EventTime(milliseconds: Day(year: 2023, month: 1, day: 1).startMilliseconds, offsetMinutes: 480)
    try write(CSV.record(CSVEventSource.columns))
    var written = 0
    var shipmentIndex = 0
    var serial = 0
    let owner = "GEN"
    while written < events {
      shipmentIndex += 1
      let route = routes[random.below(routes.count)]
      let ref = "GEN\(seed)-\(shipmentIndex)"
      let departure = start.milliseconds + Int64(shipmentIndex) * 3_600_000
      var rows: [(ms: Int64, line: String)] = []
      var boxes: [ContainerNumber] = []
      for _ in 0..<containersPerShipment {
        serial += 1
        let prefix = "\(owner)U\(String(format: "%06d", (Int(seed % 1000) * 1000 + serial) % 1_000_000))"
        let digit = ContainerNumber.checkDigit(for: Array(prefix.utf8)) ?? 0
        let box = try ContainerNumber(parsing: prefix + String(digit))
        boxes.append(box)
        for step in journey(route, random: &random) {
          let ms = departure + step.minutes * 60_000
          let time = EventTime(milliseconds: ms, offsetMinutes: 480)
          let vehicle = step.mode == nil ? nil : "T\(shipmentIndex)"
          // Feeds carry event ids; these are the ids Corridor would derive from the content.
          let id = EventReport(
            container: box, code: step.code, time: time, location: step.place, shipment: ref, mode: step.mode, vehicle: vehicle,
            emptyLaden: .LADEN
          ).derivedID
          rows.append(
            (
              ms,
              CSV.record([
                id, box.text, step.code.rawValue, time.description, step.place.text, ref, "ACT", step.mode?.rawValue.lowercased() ?? "",
                vehicle ?? "", "LADEN", "", "",
              ])
            ))
        }
      }
      try db.connection.transaction {
        try db.createShipment(
          ShipmentBooking(
            ref: ref, route: route.code, shipper: "Generated shipper", consignee: "Generated consignee", commodity: .general, hsCode: nil,
            value: .zero(.cny), bookedOn: Day(ordinal: departure / 86_400_000)), operator: op)
        for box in boxes {
          try db.addContainer(box, sizeType: try SizeType(parsing: "42G1"), operator: op)
          try db.assign(box, to: ref, operator: op)
        }
      }
      rows.sort { $0.ms < $1.ms }
      for row in rows.prefix(events - written) { try write(row.line) }
      written += min(rows.count, events - written)
    }
    return written
  }
}
