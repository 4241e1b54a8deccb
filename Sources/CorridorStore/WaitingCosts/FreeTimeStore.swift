import CorridorInterchange
import CorridorModel
import SQLite

/// The waiting costs' store: free-time rules, and the stays of boxes they price.
public struct FreeTimeStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var freeTimeStore: FreeTimeStore { FreeTimeStore(db: self) }
}

extension FreeTimeStore {
  /// A stored rule of the same name is replaced whole (every column but the name).
  static let replacingByName =
    "ON CONFLICT(name) DO UPDATE SET "
    + ruleColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0 != "name" }.map { "\($0) = excluded.\($0)" }
    .joined(separator: ", ")

  static let ruleColumns =
    """
    name, location, kind, starts, ends, equipment, ownership, commodities, free_days, day_count, tiers, currency, valid_from, valid_to, \
    source, direction
    """

  /// A stored rule. One the ledger cannot read stops the command: skipping it would price a
  /// stay under another rule, or not at all.
  func rule(from row: Row) throws(RowDecodingError) -> FreeTimeRule {
    let currency = try row.currency("currency")
    return FreeTimeRule(
      location: try row.optionalLocation("location"), kind: try row.code("kind"), starts: try row.code("starts"), ends: try row.code("ends"),
      equipment: try row.code("equipment"), ownership: try row.optionalCode("ownership"),
      commodities: try row.optionalParsed("commodities", "list of commodities") { text in
        let parts = text.split(separator: ",").map { Commodity(rawValue: String($0)) }
        return parts.contains(nil) ? nil : parts.compactMap { $0 }
      }, freeDays: try row.int("free_days", in: 0...FreeTimeRule.maxDays), dayCount: try row.code("day_count"),
      tiers: try row.parsed("tiers", "tiers (FROM-TO:AMOUNT;…)") { FreeTimeTier.parse($0, currency: currency) }, currency: currency,
      validFrom: try row.day("valid_from"), validTo: try row.optionalDay("valid_to"), source: try row.optionalText("source"),
      direction: try row.isNull("direction") ? nil : try row.code("direction", as: RouteDirection.self))
  }

  /// Every rule, in name order.
  public func rules() throws -> [FreeTimeRule] {
    try mapSQLiteErrors { try connection.rows("SELECT \(Self.ruleColumns) FROM free_time_rules ORDER BY name").map(rule) }
  }

  /// Writes a rule of a reference file, audited; refuses one that overlaps a stored rule it
  /// competes with (which would apply would be a guess).
  func upsert(_ rule: FreeTimeRule, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try rules()
    if existing.contains(rule) {
      counts.unchanged += 1
      return
    }
    if let clash = existing.first(where: { $0.overlaps(rule) && $0.name != rule.name }) {
      throw CorridorError.invalid(
        "free-time rule \(rule.name) overlaps the stored \(clash.name)", rule: .freeTimeRule,
        hint: "end the stored rule (validTo) before the new one starts")
    }
    let replacing = existing.contains { $0.name == rule.name }
    try connection.execute(
      "INSERT INTO free_time_rules(\(Self.ruleColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \(Self.replacingByName)",
      [
        .text(rule.name), SQLValue(rule.location?.text), .text(rule.kind.rawValue), .text(rule.starts.rawValue), .text(rule.ends.rawValue),
        .text(rule.equipment.rawValue), SQLValue(rule.ownership?.rawValue),
        SQLValue(rule.commodities.map { $0.map(\.rawValue).sorted().joined(separator: ",") }), .integer(Int64(rule.freeDays)),
        .text(rule.dayCount.rawValue), .text(FreeTimeTier.text(rule.tiers)), .text(rule.currency.code), .text(rule.validFrom.description),
        SQLValue(rule.validTo?.description), SQLValue(rule.source), SQLValue(rule.direction?.rawValue),
      ])
    if replacing { counts.updated += 1 } else { counts.inserted += 1 }
    try db.auditTrail.audit(action: replacing ? "update" : "insert", entity: "free-time-rule", key: rule.name, operator: op)
  }

  /// The stays of one box that the rules price, as of a time (`corridor free-time`).
  public func stays(of number: ContainerNumber, asOf: EventTime) throws -> [PricedStay] {
    let container = try db.containerStore.requireContainer(number)
    return try stays(of: container, rules: try rules(), asOf: asOf, bookings: BookingLookup(db: db))
  }

  /// A box's stays from its whole history, open ones with their projection.
  private func stays(of container: Container, rules: [FreeTimeRule], asOf: EventTime, bookings: BookingLookup) throws -> [PricedStay] {
    let events = try db.eventStore.events(container: container.number)
    return try PricedStay.stays(
      of: BoxForFreeTime(number: container.number, equipment: Equipment(container.sizeType), ownership: container.owner),
      events: events, rules: rules, asOf: asOf, booking: bookings.booking
    ).map { try $0.projecting(from: events, rules: rules) }
  }

  /// The stays still open as of a time (`report free-time`): the boxes that may have one are
  /// found in SQL, then each is priced as `stays(of:)` prices it (which decides).
  ///
  /// - Parameter party: only the stays on this party's shipments.
  public func openStays(asOf: EventTime, location: LocationCode? = nil, party: String? = nil) throws -> [PricedStay] {
    let rules = try rules()
    let visible = try party.map { try db.reportStore.shipments(of: $0) }
    var boxes = Set<ContainerNumber>()
    var asked = Set<String>()
    for rule in rules {
      if let location, let place = rule.location, place != location { continue }
      let query = Self.candidates(of: rule, at: rule.location ?? location, dialect: connection.dialect)
      guard asked.insert(query.sql + query.arguments(asOf).description).inserted else { continue }
      try mapSQLiteErrors {
        for row in try connection.rows(query.sql, query.arguments(asOf)) { boxes.insert(try row.container("container")) }
      }
    }
    let bookings = BookingLookup(db: db)
    var open: [PricedStay] = []
    for number in boxes.sorted(by: { $0.text < $1.text }) {
      guard let container = try db.containerStore.container(number) else { continue }
      for stay in try stays(of: container, rules: rules, asOf: asOf, bookings: bookings) where stay.endedAt == nil {
        if let location, stay.location != location { continue }
        if let visible, !(stay.shipment.map(visible.contains) ?? false) { continue }
        open.append(stay)
      }
    }
    return open
  }

  /// The SQL that finds the boxes which may have a stay of `rule` open at `place`: those whose
  /// latest starting event there (actual, by the as-of time) is not followed by an ending event
  /// there, and those with a retracted ending event there (which the first part counted). Never
  /// fewer than the open stays: the pricing decides, and narrows detention (which ends at any
  /// place) and retracted starts. A rule for one owner only asks about boxes recorded with that
  /// owner. The events at a place are read in box order through the partial index that holds the
  /// rule's two codes (`events_yard`, `events_stops`), whose code list the query repeats so that
  /// SQLite may use it, and never the table itself (a retraction check per row read the table
  /// and took 1.5 s at Duisburg in the 10M-event year); other codes, or a rule for any place,
  /// read the events table.
  static func candidates(of rule: FreeTimeRule, at place: LocationCode?, dialect: SQLDialect) -> (sql: String, arguments: (EventTime) -> [SQLValue]) {
    let indexed = partialIndex(holding: [rule.starts.rawValue, rule.ends.rawValue])
    let hint = place != nil ? indexed.map { dialect.indexedBy($0.index) } ?? "" : ""
    let within = place != nil ? indexed.map { "AND s.code IN (\($0.codes))" } ?? "" : ""
    let sql = """
      SELECT s.container FROM events s \(hint)
      WHERE \(place != nil ? "s.location = ?1" : "CAST(?1 AS TEXT) IS NULL") \(within) AND s.classifier = 'ACT' AND s.code IN (?2, ?3) AND s.at_ms <= ?4
        AND (CAST(?5 AS TEXT) IS NULL OR s.container IN (SELECT number FROM containers WHERE owner = ?5))
      GROUP BY s.container
      HAVING max(CASE WHEN s.code = ?2 THEN s.at_ms END) >= coalesce(max(CASE WHEN s.code = ?3 THEN s.at_ms END), -1 - 9223372036854775807)
      UNION
      SELECT e.container FROM event_retractions r \(dialect.orderedJoin) events e ON e.id = r.event_id
      WHERE (CAST(?1 AS TEXT) IS NULL OR e.location = ?1) AND e.code = ?3
      """
    return (
      sql,
      { asOf in
        [
          SQLValue(place?.text), .text(rule.starts.rawValue), .text(rule.ends.rawValue), .integer(asOf.milliseconds),
          SQLValue(rule.ownership?.rawValue),
        ]
      }
    )
  }
}

extension FreeTimeStore {
  /// One shipment's stays (`cost SHIPMENT`): each of its boxes' stays that began on it (a stay
  /// belongs to the shipment of its starting event), priced from the box's history as
  /// `free-time CONTAINER` prices it.
  public func stays(ofShipment ref: String, asOf: EventTime) throws -> [PricedStay] {
    try stays(of: try db.shipmentStore.requireShipment(ref).booked, asOf: asOf)
  }

  func stays(of shipment: BookedShipment, asOf: EventTime) throws -> [PricedStay] {
    let rules = try rules()
    guard !rules.isEmpty else { return [] }
    let bookings = BookingLookup(db: db)
    var stays: [PricedStay] = []
    for assignment in shipment.containers {
      guard let container = try db.containerStore.container(assignment.container) else { continue }
      stays += try self.stays(of: container, rules: rules, asOf: asOf, bookings: bookings).filter { $0.shipment == shipment.ref }
    }
    return stays
  }

  /// The stays with a charge that began on the shipments a filter selects (`report costs`), by
  /// shipment: what their boxes have incurred by waiting.
  ///
  /// A year has hundreds of thousands of stays and most end within their free days; reading and
  /// pricing them all made the year's report of the 10M-event ledger take 11 s. So SQL finds the
  /// boxes that may have a stay with a charge, and each is priced from its whole history with the
  /// one definition (`stays(of:)`), which decides. The SQL never finds fewer: per rule, at its
  /// place, the boxes whose earliest start and latest end (or the as-of time, when the last start
  /// is after the last end), each read in local days at its own offset, are `freeDays` or more
  /// days apart (a stay is charged only when its ending local day is that far past its starting
  /// one; working days only make it longer; the as-of time is read at the largest offset there
  /// is), from the rule's partial index alone (migration 0018 put the offset in it), retracted
  /// events left out as the model leaves them out. A detention rule (its stay ends anywhere)
  /// takes every box with a start there that it can price: for the carrier's boxes, those
  /// recorded as the carrier's.
  public func staysByShipment(_ filter: ShipmentFilter, asOf: EventTime) throws -> [String: [PricedStay]] {
    let rules = try rules()
    guard !rules.isEmpty else { return [:] }
    var conditions = Conditions("NOT EXISTS (SELECT 1 FROM shipment_cancellations x WHERE x.ref = s.ref)")
    conditions.addBookingFilters(filter)
    let shipments = Set(
      try mapSQLiteErrors {
        try connection.rows("SELECT s.ref FROM shipments s JOIN routes r ON r.code = s.route \(conditions.sql)", conditions.arguments).map {
          row throws(RowDecodingError) in try row.text("ref")
        }
      })
    var boxes = Set<ContainerNumber>()
    var asked = Set<String>()
    for rule in rules {
      let query = Self.chargeableCandidates(of: rule, dialect: connection.dialect)
      let arguments = query.arguments(asOf)
      guard asked.insert(query.sql + arguments.description).inserted else { continue }
      try mapSQLiteErrors {
        for row in try connection.rows(query.sql, arguments) {
          // Grouped by shipment too: only a group of the report's shipments can hold its stays.
          if try row.int("by_shipment", in: 0...1) == 1 {
            guard let ref = try row.optionalText("shipment"), shipments.contains(ref) else { continue }
          }
          boxes.insert(try row.container("container"))
        }
      }
    }
    guard !boxes.isEmpty else { return [:] }
    let bookings = BookingLookup(db: db)
    var byShipment: [String: [PricedStay]] = [:]
    for number in boxes.sorted(by: { $0.text < $1.text }) {
      guard let container = try db.containerStore.container(number) else { continue }
      for stay in try stays(of: container, rules: rules, asOf: asOf, bookings: bookings) where stay.priced.chargeableDays > 0 {
        guard let ref = stay.shipment, shipments.contains(ref) else { continue }
        byShipment[ref, default: []].append(stay)
      }
    }
    return byShipment
  }

  /// The SQL that finds the boxes which may have a charged stay under `rule` (see
  /// `staysByShipment`), and its arguments as of a time.
  static func chargeableCandidates(of rule: FreeTimeRule, dialect: SQLDialect) -> (sql: String, arguments: (EventTime) -> [SQLValue]) {
    let indexed = rule.location == nil ? nil : partialIndex(holding: [rule.starts.rawValue, rule.ends.rawValue])
    let source = """
      FROM events e \(indexed.map { dialect.indexedBy($0.index) } ?? "")
      WHERE \(rule.location != nil ? "e.location = ?1" : "CAST(?1 AS TEXT) IS NULL") \(indexed.map { "AND e.code IN (\($0.codes))" } ?? "")
        AND e.classifier = 'ACT' AND e.code IN (?2, ?3) AND e.at_ms <= ?4
        AND e.seq NOT IN (SELECT x.seq FROM event_retractions r JOIN events x ON x.id = r.event_id)
        AND (CAST(?6 AS TEXT) IS NULL OR e.container IN (SELECT number FROM containers WHERE owner = ?6))
      """
    let sql: String
    if rule.kind == .detention {
      sql = "SELECT DISTINCT e.container, NULL AS shipment, 0 AS by_shipment \(source) AND e.code = ?2"
    } else {
      let groups = indexed?.groups ?? "e.container"
      let byShipment = groups.contains("e.shipment")
      sql = """
        SELECT e.container, \(byShipment ? "e.shipment" : "NULL") AS shipment, \(byShipment ? 1 : 0) AS by_shipment \(source)
        GROUP BY \(groups)
        HAVING (CASE WHEN max(CASE WHEN e.code = ?2 THEN e.at_ms END) > coalesce(max(CASE WHEN e.code = ?3 THEN e.at_ms END), -1 - 9223372036854775807)
                     THEN ?4 + 64800000 ELSE max(CASE WHEN e.code = ?3 THEN e.at_ms + e.at_offset_minutes * 60000 END) END) / 86400000
               - min(CASE WHEN e.code = ?2 THEN e.at_ms + e.at_offset_minutes * 60000 END) / 86400000 >= ?5
        """
    }
    return (
      sql,
      { asOf in
        [
          SQLValue(rule.location?.text), .text(rule.starts.rawValue), .text(rule.ends.rawValue), .integer(asOf.milliseconds),
          .integer(Int64(rule.freeDays)), SQLValue(rule.ownership?.rawValue),
        ]
      }
    )
  }

  /// The partial index of the events table that holds every event with these codes (and
  /// classifier ACT), and its code list, which a query repeats so that SQLite may use it.
  ///
  /// `groups` is what a query grouping by box groups by to follow the index's order (no sort):
  /// `events_stops` holds the shipment before the box, so it groups by shipment and box. A stay
  /// whose two events name different shipments then falls into two groups, the start's looking
  /// open (charged up to the as-of time): grouping so finds more boxes, never fewer.
  static func partialIndex(holding codes: Set<String>) -> (index: String, codes: String, groups: String)? {
    if codes.isSubset(of: ["DISC", "GTOT", "GTIN"]) { return ("events_yard", "'DISC', 'GTOT', 'GTIN'", "e.container") }
    if codes.isSubset(of: ["ARRI", "DEPA"]) { return ("events_stops", "'ARRI', 'DEPA'", "e.shipment, e.container") }
    return nil
  }
}

/// The open stays the free-time page reads, answered by SQLite.
extension FreeTimeStore: FreeTimeReading {}

/// Shipments' commodities, each read once while a command prices many stays.
private final class BookingLookup {
  let db: CorridorDatabase
  var known: [String: (commodity: Commodity, direction: RouteDirection?)?] = [:]
  /// Each route's direction, read once.
  var directions: [String: RouteDirection]?

  init(db: CorridorDatabase) { self.db = db }

  /// A shipment's commodity and its route's direction.
  func booking(_ ref: String) throws -> (commodity: Commodity, direction: RouteDirection?)? {
    if let cached = known[ref] { return cached }
    if directions == nil {
      directions = Dictionary(try db.networkStore.routes().compactMap { route in route.direction.map { (route.code, $0) } }) { a, _ in a }
    }
    // The booking's columns alone: a whole shipment would work out its status too.
    let found = try mapSQLiteErrors {
      try db.connection.row("SELECT commodity, route FROM shipments WHERE ref = ?", [.text(ref)]).map { row throws(RowDecodingError) in
        (commodity: try row.code("commodity", as: Commodity.self), route: try row.text("route"))
      }
    }
    let booking = found.map { (commodity: $0.commodity, direction: directions?[$0.route]) }
    known[ref] = booking
    return booking
  }
}

extension StoreFeature {
  /// What the waiting-costs feature audits and reads from the reference file.
  static let freeTime = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "free-time-rule",
        select: """
          SELECT name AS key, name, location, kind, starts, ends, equipment, ownership, commodities, free_days AS "freeDays",
            day_count AS "dayCount", tiers, currency, valid_from AS "validFrom", valid_to AS "validTo", source, direction
          FROM free_time_rules
          """, keyExpression: "name")
    ],
    referenceSections: [.freeTime])
}

extension ReferenceSection {
  /// `freeTime`: at places of this file or loaded; two rules that compete and overlap in time are
  /// refused, in the file here and against the stored ones when written.
  static let freeTime = ReferenceSection(key: "freeTime") { items, context in
    var rules: [FreeTimeRule] = []
    for item in items {
      let rule = try FreeTimeRule.parse(item, resolve: context.resolve)
      if let clash = rules.first(where: { $0.overlaps(rule) }) {
        throw item.error("free-time rule \(rule.name) overlaps \(clash.name) earlier in the file", rule: .freeTimeRule)
      }
      rules.append(rule)
    }
    let file = context.file
    return { db, op, counts in
      for (index, rule) in rules.enumerated() {
        do {
          try db.freeTimeStore.upsert(rule, operator: op, counts: &counts)
        } catch let error as CorridorError where error.rule == .freeTimeRule {
          throw CorridorError.invalid("\(file): $.freeTime[\(index)]: \(error.message)", rule: .freeTimeRule, hint: error.hint)
        }
      }
    }
  }
}
