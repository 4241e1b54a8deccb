import CorridorInterchange
import CorridorModel
import Foundation

/// `corridor demo`: a realistic database in one go, deterministic for a seed. The shipped
/// network, tariffs, policies and rates; the 2023–2024 sample shipments, out (some by truck and
/// by Yangtze barge) and home (return trains, sea-rail, the Laos and Vietnam railways); and
/// movement histories for every container, as of a fixed clock (2024-12-20), so
/// some boxes are still mid-journey, some sit under customs hold, and a few carry data-quality
/// exceptions (a missing load, an off-route inspection, a feed gone silent).
public struct Demo {
  /// Late December 2024: the year's last trains are still on their way.
  public static let clock = EventTime(milliseconds: Day(year: 2024, month: 12, day: 20).startMilliseconds, offsetMinutes: 0)
  public let seed: UInt64

  public init(seed: UInt64 = 2024) { self.seed = seed }

  public struct Summary: Sendable {
    public var shipments = 0
    /// The corridors the shipments travel (the four, the Mekong roads, the Yangtze).
    public var corridors: Set<String> = []
    public var containers = 0
    public var events = 0
    public var exceptions = 0
  }

  /// Builds the demo into a new database at `path`.
  public func build(path: String) throws -> (CorridorDatabase, Summary) {
    let db = try CorridorDatabase(path: path, mode: .create, clock: .fixed(Self.clock))
    let op = "demo"
    _ = try db.loadShippedReference(operator: op)
    _ = try db.shipmentStore.loadSampleShipments(operator: op)
    var summary = Summary()

    // Journeys for every sample container, cut at the demo clock, written as one event file and
    // imported the way an operator would import a carrier's feed.
    var random = JourneyModel.Random(state: seed)
    var conditions = JourneyModel.Conditions(seed: seed)
    let routes = Dictionary(try db.networkStore.routes().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    var lines: [String] = [CSV.record(CSVEventSource.columns)]
    var boxIndex = 0
    var plans: [DemoCustoms.Plan] = []
    for shipment in try db.shipmentStore.shipments() {
      summary.shipments += 1
      guard let route = routes[shipment.booking.route] else { continue }
      summary.corridors.insert(route.corridor)
      let departure = shipment.booking.bookedOn.adding(days: 1).startMilliseconds + 60 * 60_000  // 09:00 in Chongqing
      // One train (vessel, convoy, barge) per shipment: its boxes share the departure and the waits.
      let run = conditions.run(route, start: departure, boxes: shipment.containers.count)
      var plan = DemoCustoms.Plan(shipment: shipment.ref, route: route, start: departure, boxes: [])
      defer { plans.append(plan) }
      for assignment in shipment.containers {
        boxIndex += 1
        summary.containers += 1
        var steps = JourneyModel.journey(route, run: run, random: &random)
        if boxIndex % 400 == 7, steps.count > 2 { steps.remove(at: 1) }  // the LOAD never reached us
        // On a train still on its way at the clock, the last box's feed went silent once it had
        // left: it shows as stale.
        if assignment.container == shipment.containers.last?.container, let end = steps.last,
          departure + end.minutes * 60_000 > Self.clock.milliseconds, let arrival = steps.firstIndex(where: { $0.code == .ARRI })
        {
          steps.removeSubrange(arrival...)
        }
        plan.boxes.append(
          steps.map { (code: $0.code, place: $0.place, ms: departure + $0.minutes * 60_000) }.filter { $0.ms <= Self.clock.milliseconds })
        for step in steps {
          let ms = departure + step.minutes * 60_000
          guard ms <= Self.clock.milliseconds else { break }
          lines.append(
            CSV.record([
              "", assignment.container.text, step.code.rawValue, EventTime(milliseconds: ms, offsetMinutes: 480).description, step.place.text,
              shipment.ref, "ACT", step.mode?.rawValue.lowercased() ?? "", step.mode == nil ? "" : "X\(8000 + summary.shipments)", "LADEN", "",
              "", "", "", "",
            ]))
        }
        // An inspection reported from Kunming, which is not on the China-Europe route.
        if boxIndex == 11, route.corridor == "CN-EU" {
          lines.append(
            CSV.record([
              "", assignment.container.text, "INSP", EventTime(milliseconds: departure + 30 * 60_000, offsetMinutes: 480).description, "CNKNM",
              shipment.ref, "ACT", "", "", "LADEN", "", "reported by the Kunming depot", "", "", "",
            ]))
        }
      }
    }
    // Customs first: the statuses' events go through the engine on open shipments, and the
    // movements imported after them must respect the holds they put on the boxes.
    var customs = DemoCustoms(db: db, seed: seed)
    try customs.declareAll(plans, clock: Self.clock)
    // A private folder, but always the same file name: the name is part of the audited batches.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-demo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("demo-events-\(seed).csv").path
    try lines.joined().write(toFile: file, atomically: true, encoding: .utf8)
    var options = EventImportOptions()
    options.allowGap = true
    options.skipInvalid = true
    options.operatorName = op
    options.now = Self.clock
    options.batchSize = 5_000
    let imported = try db.eventStore.importEvents(path: file, format: .csv, options: options)
    summary.events = imported.imported
    // What each stretch took, for the learned ETA; and the estimated arrivals of the boxes on
    // their way, published as a feed would carry them.
    try db.etaStore.refresh()
    summary.exceptions = try db.reportStore.exceptions(staleHours: 72, now: Self.clock).count
    return (db, summary)
  }

  /// A container still on its way at the demo clock, on the China-Europe corridor if there is one.
  public func featuredContainer(in db: CorridorDatabase) throws -> ContainerNumber? {
    for shipment in try db.shipmentStore.shipments(ShipmentFilter(corridor: "CN-EU")).reversed() where shipment.status.isOpen {
      for assignment in shipment.containers {
        let report = try db.reportStore.track(assignment.container)
        if report.state == .onConveyance || report.state == .customsHold { return assignment.container }
      }
    }
    return nil
  }
}
