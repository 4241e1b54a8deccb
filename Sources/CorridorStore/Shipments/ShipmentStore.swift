import CorridorInterchange
import CorridorModel
import SQLite

/// The shipments' store: bookings, their containers and status.
public struct ShipmentStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var shipmentStore: ShipmentStore { ShipmentStore(db: self) }
}

extension ShipmentStore {
  /// Books a shipment. The same booking again is a no-op (returns false); a different booking
  /// under an existing reference is refused.
  @discardableResult
  public func createShipment(_ booking: ShipmentBooking, operator op: String) throws -> Bool {
    if let hs = booking.hsCode { try ShipmentBooking.validateHSCode(hs) }
    guard !booking.ref.trimmingSpaces.isEmpty else { throw CorridorError.invalid("empty shipment reference", rule: .shipmentRef) }
    try TextRule.identifier(booking.ref, field: "shipment reference", rule: .shipmentRef)
    guard !booking.shipper.trimmingSpaces.isEmpty, !booking.consignee.trimmingSpaces.isEmpty else {
      throw CorridorError.invalid("shipper and consignee must not be empty", rule: .party)
    }
    return try mapSQLiteErrors {
      try connection.transaction {
        _ = try db.networkStore.requireRoute(booking.route)
        if let existing = try shipment(booking.ref) {
          if existing.booking == booking { return false }
          throw CorridorError.invalid(
            "shipment \(booking.ref) already exists with different details", rule: .shipmentExists,
            hint: "use a new reference, or `corridor shipment show \(booking.ref)`")
        }
        try connection.execute(
          """
          INSERT INTO shipments(ref, route, shipper, consignee, commodity, hs_code, value_minor, currency, booked_on, created_at, operator)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
          [
            .text(booking.ref), .text(booking.route), .text(booking.shipper), .text(booking.consignee), .text(booking.commodity.rawValue),
            SQLValue(booking.hsCode), .integer(booking.value.minorUnits), .text(booking.value.currency.code),
            .text(booking.bookedOn.description), .text(clock.nowUTC()), .text(op),
          ])
        try db.auditTrail.audit(action: "insert", entity: "shipment", key: booking.ref, operator: op)
        return true
      }
    }
  }

  /// Puts a container on a shipment. A container is on at most one open shipment, and its gross
  /// weight must be within its max gross when that is known.
  @discardableResult
  public func assign(
    _ container: ContainerNumber, to ref: String, grossKg: Int? = nil, seals: [String] = [], operator op: String
  ) throws -> Bool {
    if let grossKg, grossKg <= 0 { throw CorridorError.invalid("gross weight must be positive, got \(grossKg) kg", rule: .weight) }
    // Empty seals are absent (as everywhere); seals are stored space-separated, so one with a
    // space would come back as two.
    let seals = seals.filter { !$0.isEmpty }
    if let bad = seals.first(where: { $0.contains(where: \.isWhitespace) }) {
      throw CorridorError.invalid("seal number \(bad.debugDescription) contains a space", rule: .seal)
    }
    return try mapSQLiteErrors {
      try connection.transaction {
        let shipment = try requireShipment(ref)
        guard shipment.status.isOpen else {
          throw CorridorError.invalid("shipment \(ref) is \(shipment.status.rawValue); it takes no more containers", rule: .shipmentClosed)
        }
        let box = try db.containerStore.requireContainer(container)
        if let grossKg, let max = box.maxGrossKg, grossKg > max {
          throw CorridorError.invalid(
            "gross weight \(grossKg) kg exceeds \(container)'s max gross \(max) kg", rule: .overweight)
        }
        if let grossKg, let tare = box.tareKg, grossKg < tare {
          throw CorridorError.invalid("gross weight \(grossKg) kg is below \(container)'s tare \(tare) kg", rule: .weight)
        }
        if let existing = shipment.containers.first(where: { $0.container == container }) {
          if existing.grossKg == grossKg && existing.seals == seals { return false }
          throw CorridorError.invalid("\(container) is already on \(ref) with other weight or seals", rule: .alreadyAssigned)
        }
        if let other = try openShipment(of: container) {
          throw CorridorError.invalid(
            "\(container) is already on open shipment \(other) (a container is on at most one open shipment)", rule: .containerBusy,
            hint: "deliver or cancel \(other) first")
        }
        try connection.execute(
          "INSERT INTO shipment_containers(shipment, container, gross_kg, seals, assigned_at, operator) VALUES (?, ?, ?, ?, ?, ?)",
          [
            .text(ref), .text(container.text), SQLValue(grossKg), seals.isEmpty ? .null : .text(seals.joined(separator: " ")),
            .text(clock.nowUTC()), .text(op),
          ])
        try db.auditTrail.audit(action: "insert", entity: "assignment", key: "\(ref)/\(container.text)", operator: op)
        return true
      }
    }
  }

  /// Cancels an open shipment; cancelling it again is a no-op (returns false).
  @discardableResult
  public func cancelShipment(_ ref: String, reason: String, operator op: String) throws -> Bool {
    guard !reason.trimmingSpaces.isEmpty else { throw CorridorError.invalid("a cancellation needs a reason", rule: .reason) }
    return try mapSQLiteErrors {
      try connection.transaction {
        let shipment = try requireShipment(ref)
        switch shipment.status {
        case .cancelled: return false
        case .delivered:
          throw CorridorError.invalid("shipment \(ref) is delivered and cannot be cancelled", rule: .shipmentClosed)
        default:
          try connection.execute(
            "INSERT INTO shipment_cancellations(ref, reason, cancelled_at, operator) VALUES (?, ?, ?, ?)",
            [.text(ref), .text(reason), .text(clock.nowUTC()), .text(op)])
          try db.auditTrail.audit(action: "insert", entity: "cancellation", key: ref, operator: op)
          return true
        }
      }
    }
  }

  /// The open shipment a container is on, if any.
  public func openShipment(of container: ContainerNumber) throws -> String? {
    try mapSQLiteErrors {
      try connection.scalarText(
        """
        SELECT sc.shipment FROM shipment_containers sc JOIN shipment_status st ON st.ref = sc.shipment
        WHERE sc.container = ? AND st.status NOT IN ('delivered', 'cancelled') ORDER BY sc.assigned_at DESC, sc.rowid DESC LIMIT 1
        """, [.text(container.text)])
    }
  }

  /// The shipments a container was assigned to, the most recent first (the order in which
  /// `openShipment(of:)` picks; an import judges "open" by what it has seen of the file).
  func shipmentRefs(of container: ContainerNumber) throws -> [String] {
    // Sorted here, not by SQLite: an ORDER BY the index does not give opens a sorter, which cost
    // the import more than the lookup (a box has a handful of assignments).
    try connection.rows(
      "SELECT shipment, assigned_at, rowid AS assignment FROM shipment_containers WHERE container = ?", [.text(container.text)]
    ).map { (ref: try $0.text("shipment"), at: try $0.text("assigned_at"), order: try $0.int64("assignment")) }
      .sorted { ($0.at, $0.order) > ($1.at, $1.order) }.map(\.ref)
  }

  /// The most recent shipment a container was assigned to, open or not.
  public func latestShipment(of container: ContainerNumber) throws -> String? {
    try mapSQLiteErrors {
      try connection.scalarText(
        """
        SELECT sc.shipment FROM shipment_containers sc JOIN shipments s ON s.ref = sc.shipment
        WHERE sc.container = ? ORDER BY s.booked_on DESC, sc.rowid DESC LIMIT 1
        """, [.text(container.text)])
    }
  }

  public func shipmentStatus(_ ref: String) throws -> ShipmentStatus? {
    try mapSQLiteErrors {
      try connection.scalarText("SELECT status FROM shipment_status WHERE ref = ?", [.text(ref)]).flatMap(ShipmentStatus.init(rawValue:))
    }
  }

  public func shipment(_ ref: String) throws -> Shipment? {
    var found: Shipment?
    try forEachShipment(ref: ref, filter: ShipmentFilter()) { found = $0 }
    return found
  }

  public func requireShipment(_ ref: String) throws -> Shipment {
    guard let shipment = try shipment(ref) else {
      throw CorridorError.unknownShipment(ref)
    }
    return shipment
  }

  public func shipments(_ filter: ShipmentFilter = ShipmentFilter()) throws -> [Shipment] {
    var all: [Shipment] = []
    try forEachShipment(filter) { all.append($0) }
    return all
  }

  /// Calls `body` with each shipment the filter selects, in (booked date, reference) order, one
  /// at a time: a year's ledger has tens of thousands of shipments and hundreds of thousands of
  /// containers, and a report or a list must not hold them all. A shipment's status is worked
  /// out only when the filter asks for one or the shipment is returned.
  public func forEachShipment(_ filter: ShipmentFilter, _ body: (Shipment) throws -> Void) throws {
    try forEachShipment(ref: nil, filter: filter, body)
  }

  private func forEachShipment(ref: String?, filter: ShipmentFilter, _ body: (Shipment) throws -> Void) throws {
    if let after = filter.after, try mapSQLiteErrors({ try connection.row("SELECT 1 FROM shipments WHERE ref = ?", [.text(after)]) }) == nil {
      throw CorridorError.invalid(
        "unknown shipment \(after) in --after", rule: .unknownShipment, hint: "page with the last reference of the previous page")
    }
    try mapSQLiteErrors {
      var conditions = Conditions()
      conditions.add("s.ref = ?", SQLValue(ref))
      conditions.addBookingFilters(filter)
      conditions.add("st.status = ?", SQLValue(filter.status?.rawValue))
      conditions.add("(s.booked_on, s.ref) > (SELECT booked_on, ref FROM shipments WHERE ref = ?)", SQLValue(filter.after))
      try connection.stream(
        """
        SELECT \(Self.bookingColumns), s.created_at, s.operator, st.status, c.reason
        FROM shipments s JOIN routes r ON r.code = s.route JOIN shipment_status st ON st.ref = s.ref
        LEFT JOIN shipment_cancellations c ON c.ref = s.ref
        \(conditions.sql)
        ORDER BY s.booked_on, s.ref
        \(filter.limit.map { "LIMIT \(max(0, $0))" } ?? "")
        """, conditions.arguments
      ) { row in
        let booking = try self.booking(row)
        try body(
          Shipment(
            booking: booking, status: try row.code("status"), containers: try assignments(of: booking.ref),
            createdAt: try row.text("created_at"), createdBy: try row.text("operator"), cancellationReason: try row.optionalText("reason")))
      }
    }
  }

  /// Calls `body` with each shipment the filter's corridor, route and booked dates select that is
  /// not cancelled, as a booking and its containers, in (booked date, reference) order: what the
  /// cost, export and emissions reports read. No status is worked out, so a year's report does not
  /// pay for ten thousand of them.
  func forEachBookedShipment(_ filter: ShipmentFilter, _ body: (BookedShipment) throws -> Void) throws {
    try mapSQLiteErrors {
      var conditions = Conditions("NOT EXISTS (SELECT 1 FROM shipment_cancellations c WHERE c.ref = s.ref)")
      conditions.addBookingFilters(filter)
      try connection.stream(
        """
        SELECT \(Self.bookingColumns) FROM shipments s JOIN routes r ON r.code = s.route
        \(conditions.sql)
        ORDER BY s.booked_on, s.ref
        """, conditions.arguments
      ) { row in
        let booking = try self.booking(row)
        try body(BookedShipment(booking: booking, containers: try assignments(of: booking.ref)))
      }
    }
  }

  static let bookingColumns = "s.ref, s.route, s.shipper, s.consignee, s.commodity, s.hs_code, s.value_minor, s.currency, s.booked_on"

  /// A booking from a row with `bookingColumns`.
  func booking(_ row: Row) throws(RowDecodingError) -> ShipmentBooking {
    ShipmentBooking(
      ref: try row.text("ref"), route: try row.text("route"), shipper: try row.text("shipper"), consignee: try row.text("consignee"),
      commodity: try row.code("commodity"), hsCode: try row.optionalText("hs_code"),
      value: Money(minorUnits: try row.minorUnits("value_minor"), currency: try row.currency("currency")),
      bookedOn: try row.day("booked_on"))
  }

  /// What the acceptance engine needs of a shipment (its status, route and containers), through
  /// fixed queries: an import asks it of every shipment it meets.
  func shipmentFacts(_ ref: String) throws -> (status: ShipmentStatus, route: String, containers: Set<ContainerNumber>)? {
    try mapSQLiteErrors {
      guard
        let row = try connection.row(
          "SELECT s.route, st.status FROM shipments s JOIN shipment_status st ON st.ref = s.ref WHERE s.ref = ?", [.text(ref)])
      else { return nil }
      let head = (status: try row.code("status", as: ShipmentStatus.self), route: try row.text("route"))
      let containers = try connection.rows("SELECT container FROM shipment_containers WHERE shipment = ?", [.text(ref)]).map {
        row throws(RowDecodingError) in try row.container("container")
      }
      return (head.status, head.route, Set(containers))
    }
  }

  /// A shipment's containers, in the order they were assigned.
  func assignments(of ref: String) throws -> [Assignment] {
    try connection.rows("SELECT container, gross_kg, seals FROM shipment_containers WHERE shipment = ? ORDER BY rowid", [.text(ref)]).map(
      assignment)
  }

  /// An assignment from a row with `container`, `gross_kg` and `seals`.
  func assignment(_ row: Row) throws(RowDecodingError) -> Assignment {
    Assignment(
      container: try row.container("container"), grossKg: try row.optionalInt("gross_kg", in: 1...Int(Int32.max)),
      seals: (try row.optionalText("seals") ?? "").split(separator: " ").map(String.init))
  }
}

extension Conditions {
  /// The corridor, route and booked-date filters every shipment query shares (`s` the shipments,
  /// `r` their routes).
  mutating func addBookingFilters(_ filter: ShipmentFilter) {
    add("r.corridor = ?", SQLValue(filter.corridor))
    add("s.route = ?", SQLValue(filter.route))
    add("s.booked_on >= ?", SQLValue(filter.from?.description))
    add("s.booked_on <= ?", SQLValue(filter.to?.description))
    if let party = filter.party { add("s.ref IN (\(PartyScope.shipments))", values: PartyScope.arguments(party)) }
    if let routes = filter.routes {
      add(Conditions.oneOf("s.route", count: routes.count), values: routes.map { .text($0) })
    }
  }
}

extension StoreFeature {
  /// What the bookings, assignments and cancellations feature audits.
  static let shipments = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "shipment",
        select: """
          SELECT ref AS key, ref, route, shipper, consignee, commodity, hs_code AS "hsCode", value_minor AS "valueMinor", currency,
            booked_on AS "bookedOn", created_at AS "createdAt", operator
          FROM shipments
          """, keyExpression: "ref"),
      AuditedEntity(
        name: "assignment",
        select: """
          SELECT shipment || '/' || container AS key, shipment, container, gross_kg AS "grossKg", seals, assigned_at AS "assignedAt", operator
          FROM shipment_containers
          """, keyExpression: "shipment || '/' || container", lookup: "shipment = ? AND container = ?",
        splitKey: { key in
          // The container number is the last 11 characters; a shipment reference may hold '/'.
          [.text(String(key.dropLast(12))), .text(String(key.suffix(11)))]
        }),
      AuditedEntity(
        name: "cancellation",
        select: "SELECT ref AS key, ref, reason, cancelled_at AS \"cancelledAt\", operator FROM shipment_cancellations", keyExpression: "ref"),
    ])
}
