import CorridorInterchange
import CorridorModel
import SQLite

/// The costs' store: tariffs, policies, FX rates and a shipment's cost.
public struct CostStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var costStore: CostStore { CostStore(db: self) }
}

extension CostCalculator {
  public init(database: CorridorDatabase) throws {
    self.init(
      tariffs: try database.costStore.tariffs(), policies: try database.costStore.policies(), fx: try database.costStore.fxTable(),
      routes: try database.networkStore.routes())
  }
}

extension CostStore {
  /// The cost of one shipment in `currency` (default CNY).
  public func cost(of ref: String, currency: Currency = .cny, fxAt: Day? = nil) throws -> ShipmentCost {
    let shipment = try db.shipmentStore.requireShipment(ref).booked
    return try CostCalculator(database: db).cost(of: shipment, sizeTypes: try sizeTypes(of: shipment), currency: currency, fxAt: fxAt)
  }

  /// A shipment's waiting up to `asOf`: the stays that began on it, their charges converted
  /// into `currency` as its freight is (at `fxAt`, else its booked date).
  public func waiting(of ref: String, currency: Currency = .cny, fxAt: Day? = nil, asOf: EventTime) throws -> ShipmentWaiting {
    let shipment = try db.shipmentStore.requireShipment(ref).booked
    let stays = try db.freeTimeStore.stays(of: shipment, asOf: asOf)
    return ShipmentWaiting(
      asOf: asOf, stays: stays, cost: try WaitingCost(stays: stays, currency: currency, fx: try fxTable(), on: fxAt ?? shipment.booking.bookedOn))
  }

  /// The size types of one shipment's containers (a year's ledger has hundreds of thousands of
  /// containers; one shipment's cost reads its own).
  func sizeTypes(of shipment: BookedShipment) throws -> [ContainerNumber: SizeType] {
    var types: [ContainerNumber: SizeType] = [:]
    try mapSQLiteErrors {
      for row in try connection.rows(
        "SELECT sc.container, c.size_type FROM shipment_containers sc JOIN containers c ON c.number = sc.container WHERE sc.shipment = ?",
        [.text(shipment.ref)])
      {
        types[try row.container("container")] = try row.parsed("size_type", "ISO 6346 size-type code") { try? SizeType(parsing: $0) }
      }
    }
    return types
  }

  /// The shipments a filter selects (cancelled ones left out), each with its boxes (weights
  /// included) and their size types, in booked order, in one query: for `report emissions`,
  /// whose figures depend on each box's weight and so cannot be worked out once per situation
  /// as `forEachBooking` does for costs.
  func forEachShipmentToCost(_ filter: ShipmentFilter, _ body: (BookedShipment, [ContainerNumber: SizeType]) throws -> Void) throws {
    var conditions = Conditions("NOT EXISTS (SELECT 1 FROM shipment_cancellations x WHERE x.ref = s.ref)")
    conditions.addBookingFilters(filter)
    var parsed: [String: SizeType] = [:]
    var current: (shipment: BookedShipment, sizeTypes: [ContainerNumber: SizeType])?
    try mapSQLiteErrors {
      try connection.stream(
        """
        SELECT \(ShipmentStore.bookingColumns), sc.container, sc.gross_kg, sc.seals, c.size_type
        FROM shipments s JOIN routes r ON r.code = s.route
        LEFT JOIN shipment_containers sc ON sc.shipment = s.ref LEFT JOIN containers c ON c.number = sc.container
        \(conditions.sql)
        ORDER BY s.booked_on, s.ref, sc.rowid
        """, conditions.arguments
      ) { row in
        let ref = try row.text("ref")
        if current?.shipment.ref != ref {
          if let done = current { try body(done.shipment, done.sizeTypes) }
          current = (BookedShipment(booking: try db.shipmentStore.booking(row), containers: []), [:])
        }
        guard try row.optionalText("container") != nil else { return }
        let assignment = try db.shipmentStore.assignment(row)
        let code = try row.text("size_type")
        let type = try parsed[code] ?? row.parsed("size_type", "ISO 6346 size-type code") { try? SizeType(parsing: $0) }
        parsed[code] = type
        current?.shipment.containers.append(assignment)
        current?.sizeTypes[assignment.container] = type
      }
    }
    if let done = current { try body(done.shipment, done.sizeTypes) }
  }

  /// The bookings a filter selects (cancelled ones left out), in no particular order, each with
  /// its boxes' size types in assignment order, in one query: what a report needs to know a
  /// shipment's cost situation without reading its boxes one by one.
  func forEachBookingWithBoxTypes(_ filter: ShipmentFilter, _ body: (ShipmentBooking, [SizeType?]) throws -> Void) throws {
    var conditions = Conditions("NOT EXISTS (SELECT 1 FROM shipment_cancellations x WHERE x.ref = s.ref)")
    conditions.addBookingFilters(filter)
    // Bookings repeat the same few lists of types: each list is parsed once.
    var parsed: [String: [SizeType?]] = [:]
    try mapSQLiteErrors {
      try connection.stream(
        """
        SELECT \(ShipmentStore.bookingColumns),
          (SELECT \(connection.dialect.groupConcat("size_type", separator: "' '")) FROM (
            SELECT c.size_type FROM shipment_containers sc JOIN containers c ON c.number = sc.container
            WHERE sc.shipment = s.ref ORDER BY sc.rowid) boxes) AS size_types
        FROM shipments s JOIN routes r ON r.code = s.route
        \(conditions.sql)
        """, conditions.arguments
      ) { row in
        let booking = try db.shipmentStore.booking(row)
        let types = try row.optionalParsed("size_types", "list of ISO 6346 size-type codes") { text -> [SizeType?]? in
          if let known = parsed[text] { return known }
          var list: [SizeType?] = []
          for code in text.split(separator: " ") {
            guard let type = try? SizeType(parsing: String(code)) else { return nil }
            list.append(type)
          }
          parsed[text] = list
          return list
        }
        try body(booking, types ?? [])
      }
    }
  }

  /// Each booking a filter selects with what `compute` makes of its cost situation
  /// (`CostCalculator.Situation`), computed once per situation from the first shipment met in it
  /// (its boxes read one by one). A report over a year meets a few hundred situations.
  func forEachBooking<T>(
    _ filter: ShipmentFilter, situations calculator: CostCalculator, compute: (BookedShipment, [ContainerNumber: SizeType]) throws -> T,
    _ body: (ShipmentBooking, T) throws -> Void
  ) throws {
    var known: [CostCalculator.Situation: T] = [:]
    try forEachBookingWithBoxTypes(filter) { booking, types in
      let situation = calculator.situation(of: booking, sizeTypes: types)
      if let value = known[situation] { return try body(booking, value) }
      let shipment = try mapSQLiteErrors { BookedShipment(booking: booking, containers: try db.shipmentStore.assignments(of: booking.ref)) }
      let sizeTypes = try self.sizeTypes(of: shipment)
      let value = try compute(shipment, sizeTypes)
      // Kept only when the boxes read one by one are the situation read in one go.
      if calculator.situation(of: shipment, sizeTypes: sizeTypes) == situation { known[situation] = value }
      try body(booking, value)
    }
  }
}
