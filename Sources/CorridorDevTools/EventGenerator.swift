import CorridorInterchange
import CorridorModel
import CorridorStore
import Foundation

/// Deterministic test data for benchmarks: books shipments and containers on the shipped routes
/// and writes complete journeys, in time order per shipment, as event CSV. Same seed, same bytes.
public struct EventGenerator {
  public let events: Int
  public let seed: UInt64
  /// Containers per shipment (a block train is 41 forty-foot boxes).
  public var containersPerShipment = 41
  /// At most this many events per box: the first steps of its journey (boxes mid-journey), for
  /// ledgers with many small bookings (the cost report's benchmark: 50,000 bookings, 200,000
  /// boxes, 1M events). nil: complete journeys.
  public var eventsPerContainer: Int?
  /// Minutes between two shipments' departures (one an hour by default).
  public var intervalMinutes: Int64 = 60
  /// The ISO 6346 size-type codes the boxes take in turn (all 42G1 by default).
  public var sizeTypes = ["42G1"]

  public init(events: Int, seed: UInt64) {
    self.events = events
    self.seed = seed
  }

  /// Books what the events need and writes them. Returns the number of events written.
  public func run(db: CorridorDatabase, operator op: String, write: (String) throws -> Void) throws -> Int {
    var random = JourneyModel.Random(state: seed)
    var conditions = JourneyModel.Conditions(seed: seed)
    let types = try sizeTypes.map { try SizeType(parsing: $0) }
    guard !types.isEmpty else { throw CorridorError.invalid("no size types to give the boxes", rule: .generate) }
    let routes = try db.networkStore.routes()
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
      let departure = start.milliseconds + Int64(shipmentIndex) * intervalMinutes * 60_000
      var rows: [(ms: Int64, line: String)] = []
      var boxes: [ContainerNumber] = []
      // A shipment is a train: its boxes share the departure, the legs and most waits.
      let run = conditions.run(route, start: departure, boxes: containersPerShipment)
      for _ in 0..<containersPerShipment {
        serial += 1
        let prefix = "\(owner)U\(String(format: "%06d", (Int(seed % 1000) * 1000 + serial) % 1_000_000))"
        let digit = ContainerNumber.checkDigit(for: Array(prefix.utf8)) ?? 0
        let box = try ContainerNumber(parsing: prefix + String(digit))
        boxes.append(box)
        for step in JourneyModel.journey(route, run: run, random: &random).prefix(eventsPerContainer ?? Int.max) {
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
                vehicle ?? "", "LADEN", "", "", "", "", "",
              ])
            ))
        }
      }
      try db.transaction {
        try db.shipmentStore.createShipment(
          ShipmentBooking(
            ref: ref, route: route.code, shipper: "Generated shipper", consignee: "Generated consignee", commodity: .general, hsCode: nil,
            value: .zero(.cny), bookedOn: Day(ordinal: departure / 86_400_000)), operator: op)
        for (index, box) in boxes.enumerated() {
          try db.containerStore.addContainer(box, sizeType: types[(serial - boxes.count + index) % types.count], operator: op)
          try db.shipmentStore.assign(box, to: ref, operator: op)
        }
      }
      rows.sort { $0.ms < $1.ms }
      for row in rows.prefix(events - written) { try write(row.line) }
      written += min(rows.count, events - written)
    }
    return written
  }
}
