import CorridorInterchange
import CorridorModel
import SQLite

extension CostStore {
  static let tariffColumns = "route, leg, component, equipment, basis, amount_minor, currency, valid_from, valid_to, source, illustrative"

  /// A tariff row. One the ledger cannot read stops the command: skipping it gave a lower cost.
  func tariff(from row: Row) throws(RowDecodingError) -> Tariff {
    Tariff(
      route: try row.text("route"), leg: try row.optionalInt("leg", in: 1...Route.maxLegs), component: try row.code("component"),
      equipment: try row.code("equipment"), basis: try row.code("basis"),
      amount: Money(minorUnits: try row.minorUnits("amount_minor"), currency: try row.currency("currency")),
      validFrom: try row.day("valid_from"), validTo: try row.optionalDay("valid_to"), source: try row.optionalText("source"),
      illustrative: try row.bool("illustrative"))
  }

  /// Tariffs, optionally of one route and valid on one day.
  public func tariffs(route: String? = nil, on day: Day? = nil) throws -> [Tariff] {
    try mapSQLiteErrors {
      var conditions = Conditions()
      conditions.add("route = ?", SQLValue(route))
      if let day {
        conditions.add("valid_from <= ?", .text(day.description))
        conditions.add("(valid_to IS NULL OR valid_to >= ?)", .text(day.description))
      }
      return try connection.rows(
        """
        SELECT \(Self.tariffColumns) FROM tariffs \(conditions.sql)
        ORDER BY route, leg IS NOT NULL, leg, component, equipment, valid_from
        """, conditions.arguments
      ).map(tariff)
    }
  }

  /// Adds a tariff; refuses one that overlaps another for the same route, leg, component and
  /// equipment. Re-adding an identical tariff is a no-op (returns false).
  @discardableResult
  public func addTariff(_ tariff: Tariff, operator op: String) throws -> Bool {
    try tariff.checkWindow()
    return try mapSQLiteErrors {
      try connection.transaction {
        let route = try db.networkStore.requireRoute(tariff.route)
        if let leg = tariff.leg, !(1...route.legs.count).contains(leg) {
          throw CorridorError.invalid("route \(route.code) has legs 1…\(route.legs.count), not \(leg)", rule: .leg)
        }
        // `tariff add` never replaces: a tariff with the same key and other content used to be
        // overwritten while the CLI said "added". A reference file states the whole truth and
        // may update one (`upsert`); here the operator ends the old one first.
        if let same = try tariffs(route: tariff.route).first(where: tariff.sameIdentity), same != tariff {
          throw CorridorError.invalid(
            "a tariff \(same.describe) already exists with other content", rule: .tariffOverlap,
            hint: "end the existing tariff (validTo) and add the new one from a later day, or change it with `corridor reference load`")
        }
        var counts = ReferenceLoadSummary.Counts()
        try upsert(tariff, operator: op, counts: &counts)
        return counts.unchanged == 0
      }
    }
  }

  func upsert(_ tariff: Tariff, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try tariffs(route: tariff.route)
    if existing.contains(tariff) {
      counts.unchanged += 1
      return
    }
    if let clash = existing.first(where: { $0.overlaps(tariff) && !tariff.sameIdentity($0) }) {
      throw CorridorError.invalid(
        "tariff \(tariff.describe) overlaps the existing \(clash.describe)", rule: .tariffOverlap,
        hint: "end the existing tariff (validTo) before the new one starts")
    }
    let replacing = existing.first(where: tariff.sameIdentity)
    try connection.execute(
      "DELETE FROM tariffs WHERE route = ? AND leg IS NOT DISTINCT FROM ? AND component = ? AND equipment = ? AND valid_from = ?",
      [
        .text(tariff.route), SQLValue(tariff.leg), .text(tariff.component.rawValue), .text(tariff.equipment.rawValue),
        .text(tariff.validFrom.description),
      ])
    try connection.execute(
      "INSERT INTO tariffs(\(Self.tariffColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [
        .text(tariff.route), SQLValue(tariff.leg), .text(tariff.component.rawValue), .text(tariff.equipment.rawValue),
        .text(tariff.basis.rawValue), .integer(tariff.amount.minorUnits), .text(tariff.amount.currency.code),
        .text(tariff.validFrom.description), SQLValue(tariff.validTo?.description), SQLValue(tariff.source), SQLValue(tariff.illustrative),
      ])
    if replacing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(action: replacing == nil ? "insert" : "update", entity: "tariff", key: tariff.auditKey, operator: op)
  }
}

extension StoreFeature {
  /// What the tariffs and reduction policies feature audits.
  static let costs = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "tariff",
        select: """
          SELECT route || '/' || coalesce(CAST(leg AS TEXT), 'route') || '/' || component || '/' || equipment || '/' || valid_from AS key,
            route, leg, component, equipment, basis, amount_minor AS "amountMinor", currency, valid_from AS "validFrom", valid_to AS "validTo",
            source, illustrative
          FROM tariffs
          """, keyExpression: "route || '/' || coalesce(CAST(leg AS TEXT), 'route') || '/' || component || '/' || equipment || '/' || valid_from",
        lookup: "route = ? AND leg IS NOT DISTINCT FROM ? AND component = ? AND equipment = ? AND valid_from = ?",
        splitKey: { key in
          let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
          guard parts.count >= 5 else { return [.text(key), .null, .null, .null, .null] }
          let tail = parts.suffix(4)
          let leg: SQLValue = tail.first == "route" ? .null : (Int64(tail.first ?? "").map { .integer($0) } ?? .null)
          return [.text(parts.dropLast(4).joined(separator: "/")), leg] + tail.dropFirst().map { .text($0) }
        }),
      AuditedEntity(
        name: "policy",
        select: """
          SELECT name AS key, name, corridor, route, kind, value, currency, components, cap_minor AS "capMinor", cap_currency AS "capCurrency",
            origin, commodities, valid_from AS "validFrom", valid_to AS "validTo", source, illustrative, name_zh AS "nameZh", direction
          FROM policies
          """, keyExpression: "name"),
    ],
    referenceSections: [.tariffs, .policies])
}

extension ReferenceSection {
  /// `tariffs`: on routes (and legs) of this file or loaded; two that overlap are refused, in
  /// the file here and against the stored ones when written.
  static let tariffs = ReferenceSection(key: "tariffs") { items, context in
    let routeLegCounts = try context.knownRoutesAndCorridors().routeLegCounts
    var tariffs: [Tariff] = []
    for item in items {
      let tariff = try Tariff.parse(item, routeLegCounts: routeLegCounts)
      if let clash = tariffs.first(where: { $0.overlaps(tariff) }) {
        throw item.error("tariff \(tariff.describe) overlaps \(clash.describe) earlier in the file", rule: .tariffOverlap)
      }
      tariffs.append(tariff)
    }
    let file = context.file
    return { db, op, counts in
      for (index, tariff) in tariffs.enumerated() {
        do {
          try db.costStore.upsert(tariff, operator: op, counts: &counts)
        } catch let error as CorridorError where error.rule == .tariffOverlap {
          throw CorridorError.invalid("\(file): $.tariffs[\(index)]: \(error.message)", rule: .tariffOverlap, hint: error.hint)
        }
      }
    }
  }
}
