import CorridorInterchange
import CorridorModel
import SQLite

/// The query behind `report transit`: one place's arrivals and departures of one route's boxes,
/// one range of migration 0013's covering index `events_stops`, in index order (by shipment and
/// container, so a box's rows are neighbours). A `GROUP BY` here cost ten times the reading of
/// the range (1.3 s for the 2.9 million stops at the borders of a 10,000,000-event year), so
/// `BoxStops` groups them as they stream by.
enum TransitQueries {
  /// Arguments: place, route, [party, party].
  static func stops(party: Bool, dialect: SQLDialect) -> String {
    """
    SELECT d.shipment, d.container, d.code, d.at_ms FROM events d \(dialect.indexedBy("events_stops"))
    WHERE d.location = ? AND d.code IN ('ARRI', 'DEPA') AND d.classifier = 'ACT'
      AND d.shipment IN (SELECT ref FROM shipments WHERE route = ?\(party ? " AND ref IN (\(PartyScope.shipments))" : ""))
      AND d.seq NOT IN (SELECT e.seq FROM event_retractions x JOIN events e ON e.id = x.event_id)
    ORDER BY d.shipment, d.container
    """
  }
}

/// One box's arrivals and departures at one place, read from `TransitQueries.stops` a box at a
/// time: its first arrival, and its first and last departure.
struct BoxStops {
  var shipment: [UInt8] = []
  var container: [UInt8] = []
  var firstArrival: Int64?
  var firstDeparture: Int64?
  var lastDeparture: Int64?

  /// Whether this box comes before `other` in SQLite's order of (shipment, container), so that
  /// two places' streams can be merged.
  func precedes(_ other: BoxStops) -> Bool {
    shipment == other.shipment ? container.lexicographicallyPrecedes(other.container) : shipment.lexicographicallyPrecedes(other.shipment)
  }

  func isSameBox(as other: BoxStops) -> Bool { container == other.container && shipment == other.shipment }

  /// Reads one statement's rows, a box at a time. A box's first row is read with checks (text
  /// where text belongs); the rows after it are only compared with it, and a row that differs in
  /// any way starts the next box, read with checks again. `code` is ARRI or DEPA and `at_ms` an
  /// integer by the index's definition and the STRICT table.
  struct Reader {
    let statement: any StopRows
    let shipment: Int32, container: Int32, code: Int32, at: Int32
    /// The row after the last box returned, when there is one.
    var pending: Bool

    init(_ statement: any StopRows) throws {
      self.statement = statement
      (shipment, container) = (try statement.columnIndex("shipment"), try statement.columnIndex("container"))
      (code, at) = (try statement.columnIndex("code"), try statement.columnIndex("at_ms"))
      pending = try statement.step()
    }

    /// The next box, reusing `box`'s storage; false when there are no more.
    mutating func next(into box: inout BoxStops) throws -> Bool {
      guard pending else { return false }
      box.shipment.removeAll(keepingCapacity: true)
      box.container.removeAll(keepingCapacity: true)
      try statement.withRequiredText(at: shipment) { box.shipment.append(contentsOf: $0) }
      try statement.withRequiredText(at: container) { box.container.append(contentsOf: $0) }
      (box.firstArrival, box.firstDeparture, box.lastDeparture) = (nil, nil, nil)
      repeat {
        let at = try statement.requiredInt64(at: at)
        if statement.text(at: code, equals: Self.arrival) {
          box.firstArrival = min(box.firstArrival ?? at, at)
        } else {
          box.firstDeparture = min(box.firstDeparture ?? at, at)
          box.lastDeparture = max(box.lastDeparture ?? at, at)
        }
        pending = try statement.step()
      } while pending && statement.text(at: container, equals: box.container) && statement.text(at: shipment, equals: box.shipment)
      return true
    }

    static let arrival = Array("ARRI".utf8)
  }
}

/// What `BoxStops.Reader` reads: SQLite's statement, stepped in place over the index, or another
/// engine's rows fetched whole (`FetchedStops`).
protocol StopRows: AnyObject {
  func columnIndex(_ name: String) throws -> Int32
  func step() throws -> Bool
  func withRequiredText<R>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R
  func requiredInt64(at index: Int32) throws -> Int64
  func text(at index: Int32, equals bytes: [UInt8]) -> Bool
}

extension Statement: StopRows {}

/// The stops query's rows on PostgreSQL, held in memory (as its other reports are) and read as
/// SQLite's statement is. Its order is the query's `ORDER BY`, byte order under the `C`
/// collation docs/postgres.md asks a ledger to be created with, which `BoxStops.precedes` merges by.
final class FetchedStops: StopRows {
  private let rows: [[SQLValue]]
  private let names: [String]
  private var current = -1

  init(rows: [[SQLValue]], names: [String]) {
    (self.rows, self.names) = (rows, names)
  }

  func columnIndex(_ name: String) throws -> Int32 {
    guard let index = names.firstIndex(of: name) else {
      throw CorridorError(.internal, "the stops query has no column \(name)")
    }
    return Int32(index)
  }

  func step() throws -> Bool {
    current += 1
    return current < rows.count
  }

  private func value(_ index: Int32) -> SQLValue { rows[current][Int(index)] }

  func withRequiredText<R>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
    guard case .text(let text) = value(index) else { throw CorridorError.damaged(nil, "stops: \(names[Int(index)]) is not text") }
    return try Array(text.utf8).withUnsafeBufferPointer(body)
  }

  func requiredInt64(at index: Int32) throws -> Int64 {
    guard case .integer(let number) = value(index) else { throw CorridorError.damaged(nil, "stops: \(names[Int(index)]) is not an integer") }
    return number
  }

  func text(at index: Int32, equals bytes: [UInt8]) -> Bool {
    guard case .text(let text) = value(index) else { return false }
    return text.utf8.elementsEqual(bytes)
  }
}

extension ReportStore {
  /// Transit times per route and month of arrival, and dwell times at every border crossing and
  /// gauge change of the routes, for trips and stays that ended between `from` and `to`
  /// (inclusive, UTC days). With `party`, only that party's shipments.
  public func transitReport(
    from: Day? = nil, to: Day? = nil, corridor: String? = nil, route: String? = nil, party: String? = nil, direction: RouteDirection? = nil
  ) throws -> TransitReport {
    let routes = try db.networkStore.routes().filter {
      (corridor == nil || $0.corridor == corridor) && (route == nil || $0.code == route) && (direction == nil || $0.direction == direction)
    }
    // Compared with both ends rather than made into a ClosedRange: `--from` after `--to` is an
    // empty period (as for the other reports), not a trap.
    let (first, last) = (from?.startMilliseconds ?? .min, to.map { $0.adding(days: 1).startMilliseconds - 1 } ?? .max)
    func inPeriod(_ milliseconds: Int64) -> Bool { first <= milliseconds && milliseconds <= last }
    // A statement of its own per stream (the transit merges two at once), compiled per place.
    let sql = TransitQueries.stops(party: party != nil, dialect: connection.dialect)
    let sqlite = connection as? Connection
    func reader(_ place: LocationCode, _ route: Route) throws -> BoxStops.Reader {
      let arguments = [SQLValue.text(place.text), .text(route.code)] + (party.map(PartyScope.arguments) ?? [])
      if let sqlite {
        let statement = try sqlite.prepare(sql)
        try statement.bind(arguments)
        return try BoxStops.Reader(statement)
      }
      return try BoxStops.Reader(FetchedStops(rows: connection.fetchAll(sql, arguments), names: ["shipment", "container", "code", "at_ms"]))
    }
    return try mapSQLiteErrors {
      // Transit: each box's first departure from the origin merged, by box, with its first
      // arrival at the destination.
      var transit: [RouteTransit] = []
      for route in routes {
        guard let origin = route.origin, let destination = route.destination else { continue }
        var departures = try reader(origin, route)
        var arrivals = try reader(destination, route)
        // Keyed by the month's first day (no text a trip: 622,052 of them in a year).
        var byMonth: [Day: [Int64]] = [:]
        var (leaving, arriving) = (BoxStops(), BoxStops())
        var more = try arrivals.next(into: &arriving)
        while try departures.next(into: &leaving) {
          while more && arriving.precedes(leaving) { more = try arrivals.next(into: &arriving) }
          guard more, arriving.isSameBox(as: leaving), let departed = leaving.firstDeparture, let arrived = arriving.firstArrival,
            arrived >= departed, inPeriod(arrived)
          else { continue }
          let (year, month, _) = EventTime(milliseconds: arrived, offsetMinutes: 0).day.components
          byMonth[Day(year: year, month: month, day: 1), default: []].append((arrived - departed) / 60_000)
        }
        for (month, minutes) in byMonth.sorted(by: { $0.key < $1.key }) {
          guard let spread = DurationSpread(minutes: minutes) else { continue }
          transit.append(RouteTransit(route: route.code, corridor: route.corridor, month: month.month, spread: spread))
        }
      }

      // Border crossings and gauge changes: the end of a leg that crosses a border or changes
      // gauge, and any place of the border-crossing kind, between a route's origin and its
      // destination (a box arrives at its destination and does not leave).
      let places = Dictionary(try db.networkStore.locations().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
      var routesThrough: [LocationCode: [Route]] = [:]
      for route in routes {
        let marked = route.legs.filter { $0.borderCrossing || $0.gaugeChange }.map(\.to)
        for node in route.nodes.dropFirst().dropLast() where marked.contains(node) || places[node]?.kind == .borderCrossing {
          if !(routesThrough[node]?.contains(where: { $0.code == route.code }) ?? false) { routesThrough[node, default: []].append(route) }
        }
      }
      let gaugeChanges = Set(routes.flatMap { $0.legs.filter(\.gaugeChange).map(\.to) })
      var dwell: [NodeDwell] = []
      for (node, through) in routesThrough.sorted(by: { $0.key.text < $1.key.text }) {
        // Each stay: from the box's first arrival to its last departure.
        var minutes: [Int64] = []
        var stay = BoxStops()
        for route in through {
          var stops = try reader(node, route)
          while try stops.next(into: &stay) {
            guard let arrived = stay.firstArrival, let departed = stay.lastDeparture, departed >= arrived, inPeriod(departed) else {
              continue
            }
            minutes.append((departed - arrived) / 60_000)
          }
        }
        dwell.append(
          NodeDwell(
            location: node, name: places[node]?.name ?? node.text,
            kind: gaugeChanges.contains(node) ? "gauge change" : "border crossing", routes: through.map(\.code),
            spread: DurationSpread(minutes: minutes)))
      }
      return TransitReport(transit: transit, dwell: dwell)
    }
  }
}
