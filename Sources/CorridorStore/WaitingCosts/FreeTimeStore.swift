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

  private func stays(of container: Container, rules: [FreeTimeRule], asOf: EventTime, commodities: CommodityLookup) throws -> [PricedStay] {
    try PricedStay.stays(
      of: BoxForFreeTime(number: container.number, equipment: Equipment(container.sizeType), ownership: container.owner),
      events: try db.eventStore.events(container: container.number), rules: rules, asOf: asOf, commodity: commodities.commodity)
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
    let codes = Set([rule.starts.rawValue, rule.ends.rawValue])
    let indexed: (index: String, codes: String)? =
      if codes.isSubset(of: ["DISC", "GTOT", "GTIN"]) {
        ("events_yard", "'DISC', 'GTOT', 'GTIN'")
      } else if codes.isSubset(of: ["ARRI", "DEPA"]) {
        ("events_stops", "'ARRI', 'DEPA'")
      } else {
        nil
      }
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

/// The open stays the free-time page reads, answered by SQLite.
extension FreeTimeStore: FreeTimeReading {}

/// Shipments' commodities, each read once while a command prices many stays.
private final class CommodityLookup {
  let db: CorridorDatabase
  var known: [String: Commodity?] = [:]

  init(db: CorridorDatabase) { self.db = db }

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
