import CorridorInterchange
import CorridorModel
import SQLite

extension CostStore {
  public func policies() throws -> [Policy] {
    try mapSQLiteErrors {
      // A policy the ledger cannot read stops the command: skipping it gave a higher cost.
      try connection.rows(
        """
        SELECT name, corridor, route, kind, value, currency, components, cap_minor, cap_currency, origin, commodities,
               valid_from, valid_to, source, illustrative, name_zh, direction
        FROM policies ORDER BY valid_from, name
        """
      ).map { row throws(RowDecodingError) in
        let cap = try row.optionalInt64("cap_minor", in: 0...Money.maxMinorUnits)
        let capCurrency = try row.isNull("cap_currency") ? nil : try row.currency("cap_currency")
        return Policy(
          name: try row.text("name"), corridor: try row.text("corridor"), route: try row.optionalText("route"), kind: try row.code("kind"),
          value: try row.parsed("value", "exact decimal") { try? ExactDecimal(parsing: $0) },
          currency: try row.isNull("currency") ? nil : try row.currency("currency"),
          components: try row.parsed("components", "comma-separated cost components") { text in
            let parts = text.split(separator: ",").map { CostComponent(rawValue: String($0)) }
            return parts.isEmpty || parts.contains(nil) ? nil : parts.compactMap { $0 }
          },
          cap: cap.flatMap { minor in capCurrency.map { Money(minorUnits: minor, currency: $0) } },
          origin: try row.isNull("origin") ? nil : try row.location("origin"),
          commodities: try row.optionalParsed("commodities", "comma-separated commodities") { text in
            let parts = text.split(separator: ",").map { Commodity(rawValue: String($0)) }
            return parts.isEmpty || parts.contains(nil) ? nil : parts.compactMap { $0 }
          },
          validFrom: try row.day("valid_from"), validTo: try row.optionalDay("valid_to"), source: try row.optionalText("source"),
          illustrative: try row.bool("illustrative"), nameZh: try row.optionalText("name_zh"),
          direction: try row.isNull("direction") ? nil : try row.code("direction", as: RouteDirection.self))
      }
    }
  }

  /// Adds or updates a policy by name. Returns whether anything changed.
  @discardableResult
  public func addPolicy(_ policy: Policy, operator op: String) throws -> Bool {
    try policy.validate()
    return try mapSQLiteErrors {
      try connection.transaction {
        guard try db.networkStore.corridor(policy.corridor) != nil else {
          throw CorridorError.invalid("unknown corridor \(policy.corridor)", rule: .unknownCorridor)
        }
        if let code = policy.route {
          let route = try db.networkStore.requireRoute(code)
          guard route.corridor == policy.corridor else {
            throw CorridorError.invalid("route \(code) belongs to \(route.corridor), not \(policy.corridor)", rule: .policy)
          }
        }
        var counts = ReferenceLoadSummary.Counts()
        try upsert(policy, operator: op, counts: &counts)
        return counts.unchanged == 0
      }
    }
  }

  func upsert(_ policy: Policy, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try policies().first { $0.name == policy.name }
    if existing == policy {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO policies(name, corridor, route, kind, value, currency, components, cap_minor, cap_currency, origin, commodities,
                           valid_from, valid_to, source, illustrative, name_zh, direction)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET corridor = excluded.corridor, route = excluded.route, kind = excluded.kind,
        value = excluded.value, currency = excluded.currency, components = excluded.components, cap_minor = excluded.cap_minor,
        cap_currency = excluded.cap_currency, origin = excluded.origin, commodities = excluded.commodities,
        valid_from = excluded.valid_from, valid_to = excluded.valid_to, source = excluded.source, illustrative = excluded.illustrative,
        name_zh = excluded.name_zh, direction = excluded.direction
      """,
      [
        .text(policy.name), .text(policy.corridor), SQLValue(policy.route), .text(policy.kind.rawValue), .text(policy.value.description),
        SQLValue(policy.currency?.code), .text(policy.components.map(\.rawValue).joined(separator: ",")), SQLValue(policy.cap?.minorUnits),
        SQLValue(policy.cap?.currency.code), SQLValue(policy.origin?.text),
        SQLValue(policy.commodities?.map(\.rawValue).joined(separator: ",")), .text(policy.validFrom.description),
        SQLValue(policy.validTo?.description), SQLValue(policy.source), SQLValue(policy.illustrative), SQLValue(policy.nameZh),
        SQLValue(policy.direction?.rawValue),
      ])
    if existing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(action: existing == nil ? "insert" : "update", entity: "policy", key: policy.name, operator: op)
  }
}

extension ReferenceSection {
  /// `policies`: each on a corridor or route of this file or loaded; names are unique.
  static let policies = ReferenceSection(key: "policies") { items, context in
    let known = try context.knownRoutesAndCorridors()
    var policies: [Policy] = []
    var names: Set<String> = []
    for item in items {
      let policy = try Policy.parse(item, corridors: known.corridors, routeCorridors: known.routeCorridors, resolve: context.resolve)
      guard names.insert(policy.name).inserted else { throw try item.required("name").error("duplicate policy \(policy.name)") }
      policies.append(policy)
    }
    return { db, op, counts in
      for policy in policies { try db.costStore.upsert(policy, operator: op, counts: &counts) }
    }
  }
}
