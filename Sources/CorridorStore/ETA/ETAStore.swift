import CorridorInterchange
import CorridorModel
import SQLite

/// The learned ETA's summaries (`eta_durations`, migration 0025) and the estimates Corridor
/// publishes (docs/eta.md). The summaries are derived from the events and kept up to date after
/// every write (`refresh`), never on a write's own path: recording an event costs what it did.
public struct ETAStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var etaStore: ETAStore { ETAStore(db: self) }
}

/// What one refresh did.
public struct ETARefresh: Sendable, Equatable {
  /// Stretches (a box's leg or stop) newly completed and counted.
  public var segments = 0
  /// Estimated arrivals published (`ETAPublication`).
  public var published = 0
}

extension ETAStore: SegmentHistory {
  public func durations(of segment: RouteSegment, days: ClosedRange<Int64>) throws -> [SegmentDuration] {
    try mapSQLiteErrors {
      try connection.rows(
        "SELECT day, hours, boxes FROM eta_durations WHERE segment = ? AND day BETWEEN ? AND ?",
        [.text(segment.key), .integer(days.lowerBound), .integer(days.upperBound)]
      ).map { SegmentDuration(day: try $0.int64("day"), hours: try $0.int("hours", in: 0...100_000), boxes: try $0.int("boxes", in: 1...Int.max)) }
    }
  }

  /// Every summary, for the backtest's many questions: segment key → its rows.
  func allDurations() throws -> [String: [SegmentDuration]] {
    var all: [String: [SegmentDuration]] = [:]
    try connection.forEachRow("SELECT segment, day, hours, boxes FROM eta_durations ORDER BY segment, day", []) { row in
      all[try row.text("segment"), default: []].append(
        SegmentDuration(day: try row.int64("day"), hours: try row.int("hours", in: 0...100_000), boxes: try row.int("boxes", in: 1...Int.max)))
    }
    return all
  }
}

extension ETAStore {
  /// The estimator tracking and the server use: learned from this database's summaries.
  public var estimator: LearnedETAEstimator<ETAStore> { LearnedETAEstimator(history: self) }

  /// Counts the stretches the events recorded since the last refresh completed, then publishes
  /// the estimates that moved for the boxes they touched (`publish`). Idempotent: a second
  /// call with nothing new does nothing.
  @discardableResult
  public func refresh(publish: Bool = true) throws -> ETARefresh {
    var result = ETARefresh()
    let touched = try mapSQLiteErrors {
      try connection.transaction { () -> [(ContainerNumber, String)] in
        let through = try connection.scalarInt("SELECT through_seq FROM eta_watermark WHERE id = 1") ?? 0
        let top = try connection.scalarInt("SELECT coalesce(max(seq), 0) FROM events") ?? 0
        guard top > through else { return [] }
        let routes = Dictionary(try db.networkStore.routes().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var counts: [SegmentCount: Int] = [:]
        let touched = try connection.rows(
          """
          SELECT DISTINCT e.container, e.shipment, s.route FROM events e JOIN shipments s ON s.ref = e.shipment
          WHERE e.seq > ? AND e.seq <= ? AND e.classifier = 'ACT' AND (e.code = 'ARRI' OR e.code = 'DEPA')
          """, [.integer(through), .integer(top)]
        ).map { (container: try $0.container("container"), shipment: try $0.text("shipment"), route: try $0.text("route")) }
        func walk(_ route: String?, _ steps: [Passage]) {
          guard let route = route.flatMap({ routes[$0] }) else { return }
          for (segment, start, end) in Passage.segments(steps, on: route) where end.seq > through {
            let hours = (end.ms - start.ms) / 3_600_000
            guard hours >= 0 else { continue }
            counts[SegmentCount(segment: segment.key, day: ETADay.of(end.ms), hours: Int(hours)), default: 0] += 1
          }
        }
        if touched.count > 20_000 {
          // A large import: one pass in the index's order beats a query per box.
          let routeOf = try shipmentRoutes()
          try eachBox(upTo: top) { _, shipment, steps in walk(routeOf[shipment], steps) }
        } else {
          for box in touched {
            let steps = try connection.rows(
              "SELECT e.seq, e.code, e.location, e.at_ms FROM events e WHERE e.container = ? AND e.shipment = ? AND \(Passage.filter)",
              [.text(box.container.text), .text(box.shipment), .integer(top)]
            ).map(Passage.init)
            walk(box.route, steps)
          }
        }
        for (count, boxes) in counts {
          try connection.execute(
            """
            INSERT INTO eta_durations(segment, day, hours, boxes) VALUES (?, ?, ?, ?)
            ON CONFLICT(segment, day, hours) DO UPDATE SET boxes = eta_durations.boxes + excluded.boxes
            """, [.text(count.segment), .integer(count.day), .integer(Int64(count.hours)), .integer(Int64(boxes))])
          result.segments += boxes
        }
        try connection.execute("UPDATE eta_watermark SET through_seq = ? WHERE id = 1", [.integer(top)])
        return touched.map { ($0.container, $0.shipment) }
      }
    }
    if publish { result.published = try self.publish(for: touched) }
    return result
  }

  /// Every box's actual arrivals and departures on each of its shipments, in one pass in the
  /// index's order (container, time), up to event `top`.
  func eachBox(upTo top: Int64, _ body: (ContainerNumber, String, [Passage]) throws -> Void) throws {
    var current: (ContainerNumber, String)?
    var steps: [Passage] = []
    try connection.forEachRow(
      "SELECT e.container, e.shipment, e.seq, e.code, e.location, e.at_ms FROM events e WHERE e.shipment IS NOT NULL AND \(Passage.filter)",
      [.integer(top)]
    ) { row in
      let key = (try row.container("container"), try row.text("shipment"))
      if let c = current, c.0 != key.0 || c.1 != key.1 {
        // Boxes come in order; a box's shipments interleave only if its trips overlapped.
        try body(c.0, c.1, steps)
        steps.removeAll(keepingCapacity: true)
      }
      current = key
      steps.append(try Passage(row))
    }
    if let c = current { try body(c.0, c.1, steps) }
  }

  /// `corridor eta backtest`: the trips that arrived from `from` to `to` (UTC days, inclusive),
  /// on `route` or every route, replayed at `checkpoints` (`ETABacktest`); with `party`, only the
  /// trips of that party's shipments (the summaries they are estimated from are everyone's).
  public func backtest(from: Day?, to: Day?, route: String?, checkpoints: Set<ETACheckpoint>, party: String? = nil) throws
    -> [ETABacktestRow]
  {
    try mapSQLiteErrors {
      let routes = Dictionary(try db.networkStore.routes().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
      let own = try party.map { try db.reportStore.shipments(of: $0) }
      let routeOf = try shipmentRoutes().filter { own?.contains($0.key) ?? true }
      var trips: [ETATrip] = []
      let top = try connection.scalarInt("SELECT coalesce(max(seq), 0) FROM events") ?? 0
      try eachBox(upTo: top) { _, shipment, steps in
        guard let code = routeOf[shipment], route == nil || code == route, let r = routes[code] else { return }
        let (arrivals, departures) = Passage.walk(steps, on: r)
        guard let arrival = arrivals[r.legs.count] else { return }
        var points: [(checkpoint: ETACheckpoint, node: Int, ms: Int64)] = []
        if let departure = departures[0] { points.append((.departure, 0, departure.ms)) }
        for node in 1..<max(1, r.legs.count) {
          if let kind = ETACheckpoint.arrival(at: node, on: r), let at = arrivals[node] { points.append((kind, node, at.ms)) }
        }
        trips.append(ETATrip(route: code, checkpoints: points, arrivalMs: arrival.ms))
      }
      let period = (from?.startMilliseconds ?? .min)...((to?.adding(days: 1).startMilliseconds).map { $0 - 1 } ?? .max)
      return try ETABacktest.run(
        trips: trips, routes: routes, history: InMemorySegmentHistory(try allDurations()), period: period, checkpoints: checkpoints)
    }
  }

  /// The shipments' routes, by reference.
  func shipmentRoutes() throws -> [String: String] {
    var routes: [String: String] = [:]
    try connection.forEachRow("SELECT ref, route FROM shipments", []) { routes[try $0.text("ref")] = try $0.text("route") }
    return routes
  }

  /// For each box on a shipment still on its way whose estimate rests on history: its learned
  /// median at the destination, recorded as an estimated arrival when `ETAPublication` says it
  /// moved enough.
  func publish(for boxes: [(ContainerNumber, String)]) throws -> Int {
    guard !boxes.isEmpty else { return 0 }
    let open = try db.reportStore.moving(among: Set(boxes.map(\.1)))
    var published = 0
    for (container, shipment) in boxes where open.contains(shipment) {
      let report = try db.reportStore.track(container, shipment: shipment, estimator: estimator)
      // Only an estimate the history stands behind is news: the plan's is the route's own.
      guard report.state != .delivered, case .history = report.etaBasis, let route = report.route, let destination = route.destination,
        let eta = report.eta,
        let newest = report.history.last(where: { $0.report.classifier == .ACT && !$0.retracted })
      else { continue }
      let last = report.history.last {
        $0.report.classifier == .EST && $0.code == .ARRI && $0.location == destination && $0.recordedBy == ETAPublication.operatorName
      }
      guard ETAPublication.publishes(eta, last: last.map { ($0.time, $0.seq) }, newestActualSeq: newest.seq) else { continue }
      let estimate = EventReport(
        container: container, code: .ARRI, time: eta, location: destination, shipment: shipment, classifier: .EST,
        mode: route.legs.last?.mode.eventMode, emptyLaden: .LADEN, note: report.etaBasis.map { "corridor eta: \($0.text)" })
      if case .recorded = try db.eventStore.record(estimate, operator: ETAPublication.operatorName) { published += 1 }
    }
    return published
  }
}

extension Passage {
  /// The box's first arrival at and first departure from each route node (by index), moving
  /// forward along the route only.
  static func walk(_ steps: [Passage], on route: Route) -> (arrivals: [Int: Passage], departures: [Int: Passage]) {
    let nodes = route.nodes
    var arrivals: [Int: Passage] = [:]
    var departures: [Int: Passage] = [:]
    var position = 0
    for step in steps {
      guard position < nodes.count, let index = nodes[position...].firstIndex(of: step.location) else { continue }
      position = index
      if step.code == .ARRI, arrivals[index] == nil { arrivals[index] = step }
      if step.code == .DEPA, departures[index] == nil { departures[index] = step }
    }
    return (arrivals, departures)
  }
}

/// One key of the refresh's tally.
struct SegmentCount: Hashable {
  let segment: String
  let day: Int64
  let hours: Int
}

/// An actual arrival or departure of a box, as the summaries read it.
struct Passage {
  /// The events that are passages, up to event ?top (the last argument), in time order: actual
  /// arrivals and departures, not retracted.
  static let filter = """
    e.classifier = 'ACT' AND (e.code = 'ARRI' OR e.code = 'DEPA') AND e.seq <= ?
      AND NOT EXISTS (SELECT 1 FROM event_retractions r WHERE r.event_id = e.id)
    ORDER BY e.container, e.at_ms, e.seq
    """

  let seq: Int64
  let code: EventCode
  let location: LocationCode
  let ms: Int64

  init(_ row: Row) throws {
    seq = try row.int64("seq")
    code = try row.code("code")
    location = try row.location("location")
    ms = try row.int64("at_ms")
  }

  /// The box's completed stretches on its route: each leg from its first departure at a node to
  /// its first arrival at the next, each stop from its first arrival at a node to its first
  /// departure from it, moving forward along the route only.
  static func segments(_ steps: [Passage], on route: Route) -> [(RouteSegment, start: Passage, end: Passage)] {
    let (arrivals, departures) = walk(steps, on: route)
    var result: [(RouteSegment, start: Passage, end: Passage)] = []
    for index in 0..<route.legs.count {
      if index > 0, let start = arrivals[index], let end = departures[index] {
        result.append((.stop(before: route.legs[index], on: route), start, end))
      }
      if let start = departures[index], let end = arrivals[index + 1] {
        result.append((.leg(route.legs[index], on: route), start, end))
      }
    }
    return result
  }
}
