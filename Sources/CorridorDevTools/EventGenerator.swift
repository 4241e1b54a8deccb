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

  public init(events: Int, seed: UInt64) {
    self.events = events
    self.seed = seed
  }

  /// Books what the events need and writes them. Returns the number of events written.
  public func run(db: CorridorDatabase, operator op: String, write: (String) throws -> Void) throws -> Int {
    var random = JourneyModel.Random(state: seed)
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
      let departure = start.milliseconds + Int64(shipmentIndex) * 3_600_000
      var rows: [(ms: Int64, line: String)] = []
      var boxes: [ContainerNumber] = []
      for _ in 0..<containersPerShipment {
        serial += 1
        let prefix = "\(owner)U\(String(format: "%06d", (Int(seed % 1000) * 1000 + serial) % 1_000_000))"
        let digit = ContainerNumber.checkDigit(for: Array(prefix.utf8)) ?? 0
        let box = try ContainerNumber(parsing: prefix + String(digit))
        boxes.append(box)
        for step in JourneyModel.journey(route, random: &random) {
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
        for box in boxes {
          try db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), operator: op)
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
