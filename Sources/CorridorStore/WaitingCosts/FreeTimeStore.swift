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
  static let ruleColumns =
    "name, location, kind, starts, ends, equipment, ownership, commodities, free_days, day_count, tiers, currency, valid_from, valid_to, source"

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
      validFrom: try row.day("valid_from"), validTo: try row.optionalDay("valid_to"), source: try row.optionalText("source"))
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
      "INSERT OR REPLACE INTO free_time_rules(\(Self.ruleColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [
        .text(rule.name), SQLValue(rule.location?.text), .text(rule.kind.rawValue), .text(rule.starts.rawValue), .text(rule.ends.rawValue),
        .text(rule.equipment.rawValue), SQLValue(rule.ownership?.rawValue),
        SQLValue(rule.commodities.map { $0.map(\.rawValue).sorted().joined(separator: ",") }), .integer(Int64(rule.freeDays)),
        .text(rule.dayCount.rawValue), .text(FreeTimeTier.text(rule.tiers)), .text(rule.currency.code), .text(rule.validFrom.description),
        SQLValue(rule.validTo?.description), SQLValue(rule.source),
      ])
    if replacing { counts.updated += 1 } else { counts.inserted += 1 }
    try db.auditTrail.audit(action: replacing ? "update" : "insert", entity: "free-time-rule", key: rule.name, operator: op)
  }

  /// The stays of one box that the rules price, as of a time (`corridor free-time`).
  public func stays(of number: ContainerNumber, asOf: EventTime) throws -> [PricedStay] {
    let container = try db.containerStore.requireContainer(number)
    return try stays(of: container, rules: try rules(), asOf: asOf, commodities: CommodityLookup(db: db))
  }

  /// A box's stays from its whole history, open ones with their projection.
  private func stays(of container: Container, rules: [FreeTimeRule], asOf: EventTime, commodities: CommodityLookup) throws -> [PricedStay] {
    let events = try db.eventStore.events(container: container.number)
    return try PricedStay.stays(
      of: BoxForFreeTime(number: container.number, equipment: Equipment(container.sizeType), ownership: container.owner),
      events: events, rules: rules, asOf: asOf, commodity: commodities.commodity
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
      let query = Self.candidates(of: rule, at: rule.location ?? location)
      guard asked.insert(query.sql + query.arguments(asOf).description).inserted else { continue }
      try mapSQLiteErrors {
        for row in try connection.rows(query.sql, query.arguments(asOf)) { boxes.insert(try row.container("container")) }
      }
    }
    let commodities = CommodityLookup(db: db)
    var open: [PricedStay] = []
    for number in boxes.sorted(by: { $0.text < $1.text }) {
      guard let container = try db.containerStore.container(number) else { continue }
      for stay in try stays(of: container, rules: rules, asOf: asOf, commodities: commodities) where stay.endedAt == nil {
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
  static func candidates(of rule: FreeTimeRule, at place: LocationCode?) -> (sql: String, arguments: (EventTime) -> [SQLValue]) {
    let indexed = partialIndex(holding: [rule.starts.rawValue, rule.ends.rawValue])
    let hint = place != nil ? indexed.map { "INDEXED BY \($0.index)" } ?? "" : ""
    let within = place != nil ? indexed.map { "AND s.code IN (\($0.codes))" } ?? "" : ""
    let sql = """
      SELECT s.container FROM events s \(hint)
      WHERE \(place != nil ? "s.location = ?1" : "?1 IS NULL") \(within) AND s.classifier = 'ACT' AND s.code IN (?2, ?3) AND s.at_ms <= ?4
        AND (?5 IS NULL OR s.container IN (SELECT number FROM containers WHERE owner = ?5))
      GROUP BY s.container
      HAVING max(CASE WHEN s.code = ?2 THEN s.at_ms END) >= coalesce(max(CASE WHEN s.code = ?3 THEN s.at_ms END), -1 - 9223372036854775807)
      UNION
      SELECT e.container FROM event_retractions r CROSS JOIN events e ON e.id = r.event_id
      WHERE (?1 IS NULL OR e.location = ?1) AND e.code = ?3
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
    let shipment = try db.shipmentStore.requireShipment(ref)
    let rules = try rules()
    guard !rules.isEmpty else { return [] }
    let commodities = CommodityLookup(db: db)
    var stays: [PricedStay] = []
    for assignment in shipment.containers {
      guard let container = try db.containerStore.container(assignment.container) else { continue }
      stays += try self.stays(of: container, rules: rules, asOf: asOf, commodities: commodities).filter { $0.shipment == ref }
    }
    return stays
  }

  /// The stays that began on the shipments a filter selects (`report costs`), by shipment.
  ///
  /// Reading every box's history would read most of the ledger; a stay only needs the events
  /// that start or end one, so this reads, per rule place, the events there with the rule's
  /// codes (through the partial index that holds them, as `openStays` does), keeps those of the
  /// boxes in scope, adds for detention the ending events anywhere of the boxes that started one,
  /// and prices each box with the one definition (`PricedStay.stays`), which gives the same
  /// stays from these events as from the whole history.
  public func staysByShipment(_ filter: ShipmentFilter, asOf: EventTime) throws -> [String: [PricedStay]] {
    let rules = try rules()
    guard !rules.isEmpty else { return [:] }
    var events: [String: [StayEvent]] = [:]
    var asked = Set<String>()
    for rule in rules {
      let codes = [rule.starts.rawValue, rule.ends.rawValue]
      guard asked.insert("\(rule.location?.text ?? "") \(codes)").inserted else { continue }
      try read(Self.stayEvents(at: rule.location, codes: codes), [SQLValue(rule.location?.text), .text(codes[0]), .text(codes[1])]) {
        number, event in events[number, default: []].append(event)
      }
    }
    guard !events.isEmpty else { return [:] }
    let (boxes, commodities) = try scope(filter, among: events)
    // Detention ends at any place: the ending events elsewhere of the boxes that started one.
    let detention = rules.filter { $0.kind == .detention }
    for (number, box) in boxes where box.ownership != .shipper {
      let list = events[number] ?? []
      let started = detention.filter { rule in
        list.contains { event in event.code == rule.starts && (rule.location.map { $0 == event.location } ?? true) }
      }
      for code in Set(started.map(\.ends.rawValue)).sorted() {
        try read(Self.stayEventsOfBox, [.text(number), .text(code)]) { _, event in
          if !list.contains(where: { $0.seq == event.seq }) { events[number, default: []].append(event) }
        }
      }
    }
    var byShipment: [String: [PricedStay]] = [:]
    let lookup = CommodityLookup(db: db, known: commodities)
    for (number, box) in boxes.sorted(by: { $0.key < $1.key }) {
      for stay in try PricedStay.stays(of: box, events: events[number] ?? [], rules: rules, asOf: asOf, commodity: lookup.commodity) {
        guard let ref = stay.shipment, commodities[ref] != nil else { continue }
        byShipment[ref, default: []].append(stay)
      }
    }
    return byShipment
  }

  /// The boxes with stay events on the shipments a filter selects (cancelled ones left out, as
  /// the cost report leaves them out), as pricing sees them, and those shipments' commodities.
  /// A box without an event at a rule's place has no stay: it is not even parsed.
  private func scope(_ filter: ShipmentFilter, among events: [String: [StayEvent]]) throws -> (
    boxes: [String: BoxForFreeTime], commodities: [String: Commodity?]
  ) {
    var conditions = Conditions("NOT EXISTS (SELECT 1 FROM shipment_cancellations x WHERE x.ref = s.ref)")
    conditions.addBookingFilters(filter)
    var boxes: [String: BoxForFreeTime] = [:]
    var commodities: [String: Commodity?] = [:]
    var types: [String: Equipment] = [:]
    try mapSQLiteErrors {
      let statement = try connection.prepare(
        """
        SELECT s.ref, s.commodity, sc.container, c.size_type, c.owner
        FROM shipments s JOIN routes r ON r.code = s.route
        JOIN shipment_containers sc ON sc.shipment = s.ref JOIN containers c ON c.number = sc.container
        \(conditions.sql)
        """)
      try statement.bind(conditions.arguments)
      try statement.forEachNamedRow { row in
        let number = try row.text("container")
        guard events[number] != nil else { return }
        let ref = try row.text("ref")
        if commodities[ref] == nil { commodities[ref] = .some(try row.code("commodity")) }
        guard boxes[number] == nil else { return }
        let code = try row.text("size_type")
        let equipment =
          try types[code] ?? Equipment(row.parsed("size_type", "ISO 6346 size-type code") { try? SizeType(parsing: $0) })
        types[code] = equipment
        boxes[number] = BoxForFreeTime(number: try row.container("container"), equipment: equipment, ownership: try row.optionalCode("owner"))
      }
    }
    return (boxes, commodities)
  }

  /// Reads stay events: `(container text, event)` per row of one of the queries below.
  private func read(_ sql: String, _ arguments: [SQLValue], _ body: (String, StayEvent) throws -> Void) throws {
    try mapSQLiteErrors {
      let statement = try connection.prepare(sql)
      try statement.bind(arguments)
      try statement.forEachNamedRow { row in
        try body(
          try row.text("container"),
          StayEvent(
            seq: try row.int64("seq", in: 1...Int64.max), code: try row.code("code"), location: try row.location("location"),
            time: try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes"), shipment: try row.optionalText("shipment")))
      }
    }
  }

  static let stayEventColumns = "e.seq, e.container, e.code, e.location, e.at_ms, e.at_offset_minutes, e.shipment"
  static let unretracted = "NOT EXISTS (SELECT 1 FROM event_retractions r WHERE r.event_id = e.id)"

  /// The actual, unretracted events with two codes at a place (?1, or anywhere when null),
  /// through the partial index that holds them when there is one (see `candidates`).
  static func stayEvents(at place: LocationCode?, codes: [String]) -> String {
    let indexed = place == nil ? nil : partialIndex(holding: Set(codes))
    return """
      SELECT \(stayEventColumns) FROM events e \(indexed.map { "INDEXED BY \($0.index)" } ?? "")
      WHERE \(place != nil ? "e.location = ?1" : "?1 IS NULL") \(indexed.map { "AND e.code IN (\($0.codes))" } ?? "")
        AND e.classifier = 'ACT' AND e.code IN (?2, ?3) AND \(unretracted)
      """
  }

  /// One box's actual, unretracted events with one code, anywhere (a detention's end).
  static let stayEventsOfBox = """
    SELECT \(stayEventColumns) FROM events e INDEXED BY events_container_time
    WHERE e.container = ?1 AND e.code = ?2 AND e.classifier = 'ACT' AND \(unretracted)
    """

  /// The partial index of the events table that holds every event with these codes (and
  /// classifier ACT), and its code list, which a query repeats so that SQLite may use it.
  static func partialIndex(holding codes: Set<String>) -> (index: String, codes: String)? {
    if codes.isSubset(of: ["DISC", "GTOT", "GTIN"]) { return ("events_yard", "'DISC', 'GTOT', 'GTIN'") }
    if codes.isSubset(of: ["ARRI", "DEPA"]) { return ("events_stops", "'ARRI', 'DEPA'") }
    return nil
  }
}

/// The open stays the free-time page reads, answered by SQLite.
extension FreeTimeStore: FreeTimeReading {}

/// Shipments' commodities, each read once while a command prices many stays.
private final class CommodityLookup {
  let db: CorridorDatabase
  var known: [String: Commodity?]

  init(db: CorridorDatabase, known: [String: Commodity?] = [:]) {
    self.db = db
    self.known = known
  }

  func commodity(_ ref: String) throws -> Commodity? {
    if let cached = known[ref] { return cached }
    let commodity = try db.shipmentStore.shipment(ref)?.booking.commodity
    known[ref] = commodity
    return commodity
  }
}

extension StoreFeature {
  /// What the waiting-costs feature audits and reads from the reference file.
  static let freeTime = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "free-time-rule",
        select: """
          SELECT name AS key, name, location, kind, starts, ends, equipment, ownership, commodities, free_days AS freeDays,
            day_count AS dayCount, tiers, currency, valid_from AS validFrom, valid_to AS validTo, source
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
