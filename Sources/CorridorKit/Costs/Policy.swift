import SQLite

public enum PolicyKind: String, Sendable, CaseIterable {
  /// A percentage of the gross of the components concerned.
  case percent
  /// A fixed amount per TEU of the container.
  case perTEU = "per-teu"
  /// A fixed amount per container.
  case perContainer = "per-container"

  public init(parsing text: String) throws(CorridorError) {
    guard let value = PolicyKind(rawValue: text.lowercased()) else {
      throw .invalid("unknown policy kind \(text.debugDescription); expected percent, per-teu or per-container", rule: .policyKind)
    }
    self = value
  }
}

/// A freight-cost reduction policy (the ILSTC freight deduction, its extension to the China-Laos
/// and China-Vietnam rail routes, rail discounts, China-Europe subsidies).
public struct Policy: Sendable, Equatable {
  public var name: String
  public var corridor: String
  public var route: String?
  public var kind: PolicyKind
  /// A percentage for `percent`; an amount in `currency` (major units) for fixed kinds.
  public var value: ExactDecimal
  public var currency: Currency?
  public var components: [CostComponent]
  /// The most one container can get from this policy.
  public var cap: Money?
  public var origin: LocationCode?
  /// Eligible commodities; nil for all. A category covers its subcategories.
  public var commodities: [Commodity]?
  public var validFrom: Day
  public var validTo: Day?
  public var source: String?
  public var illustrative: Bool

  public init(
    name: String, corridor: String, route: String? = nil, kind: PolicyKind, value: ExactDecimal, currency: Currency? = nil,
    components: [CostComponent] = [.base], cap: Money? = nil, origin: LocationCode? = nil, commodities: [Commodity]? = nil,
    validFrom: Day, validTo: Day? = nil, source: String? = nil, illustrative: Bool = false
  ) {
    self.name = name
    self.corridor = corridor
    self.route = route
    self.kind = kind
    self.value = value
    self.currency = currency
    self.components = components
    self.cap = cap
    self.origin = origin
    self.commodities = commodities
    self.validFrom = validFrom
    self.validTo = validTo
    self.source = source
    self.illustrative = illustrative
  }

  /// Whether the policy applies to a shipment booked on `day` on `route` carrying `commodity`.
  public func applies(to route: Route, commodity: Commodity, bookedOn day: Day) -> Bool {
    guard route.corridor == corridor, self.route == nil || self.route == route.code else { return false }
    guard validFrom <= day, validTo.map({ day <= $0 }) ?? true else { return false }
    if let origin, route.origin != origin { return false }
    if let commodities, !commodities.contains(commodity), !(commodity.parent.map(commodities.contains) ?? false) { return false }
    return true
  }

  /// Checks the fields that depend on each other. Network references are checked by the caller.
  public func validate() throws(CorridorError) {
    guard !name.trimmingSpaces.isEmpty else { throw .invalid("a policy needs a name", rule: .policy) }
    guard value.units > 0 else { throw .invalid("policy \(name): value must be positive", rule: .policy) }
    switch kind {
    case .percent:
      guard currency == nil else { throw .invalid("policy \(name): a percent policy takes no currency", rule: .policy) }
      guard let percent = try? Exact(value), !(percent > Exact(100)) else {
        throw .invalid("policy \(name): more than 100 percent", rule: .policy)
      }
    case .perTEU, .perContainer:
      guard let currency else { throw .invalid("policy \(name): a \(kind.rawValue) policy needs a currency", rule: .policy) }
      guard value.exactMinorUnits(exponent: currency.exponent) != nil else {
        throw .invalid("policy \(name): \(value) has more decimals than \(currency) allows", rule: .policy)
      }
    }
    guard !components.isEmpty else { throw .invalid("policy \(name): no components", rule: .policy) }
    // An empty list loaded and then silently never applied.
    if let commodities, commodities.isEmpty {
      throw .invalid("policy \(name): an empty commodity list applies to nothing; omit commodities for every commodity", rule: .policy)
    }
    if let validTo, validTo < validFrom { throw .invalid("policy \(name): validTo is before validFrom", rule: .validity) }
  }
}

extension Exact {
  static func > (a: Exact, b: Exact) -> Bool { b < a }
}

extension Policy {
  /// - Parameter resolve: finds a place in the file being loaded or in the database (by code
  ///   or alias), as every reference in a reference file does.
  static func parse(
    _ item: JSONCursor, corridors: Set<String>, routeCorridors: [String: String], resolve: (JSONCursor) throws -> LocationCode
  ) throws -> Policy {
    func string(_ key: String) throws -> String { try item.required(key).string() }
    func located<T>(_ cursor: JSONCursor, _ parse: (String) throws(CorridorError) -> T) throws -> T { try cursor.parsed(parse) }
    let corridorCursor = try item.required("corridor")
    let corridor = try corridorCursor.string()
    guard corridors.contains(corridor) else { throw corridorCursor.error("unknown corridor \(corridor)") }
    var route: String?
    if let routeCursor = item.optional("route") {
      route = try routeCursor.string()
      guard let owner = routeCorridors[route ?? ""] else { throw routeCursor.error("unknown route \(route ?? "")") }
      guard owner == corridor else { throw routeCursor.error("route \(route ?? "") belongs to \(owner), not \(corridor)") }
    }
    let valueCursor = try item.required("value")
    guard let value = try? ExactDecimal(parsing: try valueCursor.string()) else { throw valueCursor.error("expected a decimal string") }
    let currency = try item.optional("currency").map { try located($0) { text throws(CorridorError) in try Currency(parsing: text) } }
    var cap: Money?
    if let capCursor = item.optional("cap") {
      guard let capCurrencyCursor = item.optional("capCurrency") else { throw capCursor.error("a cap needs capCurrency") }
      let capCurrency = try located(capCurrencyCursor) { text throws(CorridorError) in try Currency(parsing: text) }
      cap = try located(capCursor) { text throws(CorridorError) in try Money(parsing: text, currency: capCurrency) }
    }
    let origin = try item.optional("origin").map(resolve)
    let components =
      try item.optional("components")?.elements().map { cursor in
        try located(cursor) { text throws(CorridorError) in try CostComponent(parsing: text) }
      } ?? [.base]
    let commodities = try item.optional("commodities")?.elements().map { cursor in
      try located(cursor) { text throws(CorridorError) in try Commodity(parsing: text) }
    }
    let policy = Policy(
      name: try string("name"), corridor: corridor, route: route,
      kind: try located(try item.required("kind")) { text throws(CorridorError) in try PolicyKind(parsing: text) }, value: value,
      currency: currency, components: components, cap: cap, origin: origin, commodities: commodities,
      validFrom: try located(try item.required("validFrom")) { text throws(CorridorError) in try Day(parsing: text) },
      validTo: try item.optional("validTo").map { try located($0) { text throws(CorridorError) in try Day(parsing: text) } },
      source: try item.optional("source")?.string(), illustrative: try item.optional("illustrative")?.bool() ?? false)
    do { try policy.validate() } catch { throw item.error(error.message, rule: error.rule ?? .policy) }
    return policy
  }
}

extension CorridorDatabase {
  public func policies() throws -> [Policy] {
    try mapSQLiteErrors {
      // A policy the ledger cannot read stops the command: skipping it gave a higher cost.
      try connection.rows(
        """
        SELECT name, corridor, route, kind, value, currency, components, cap_minor, cap_currency, origin, commodities,
               valid_from, valid_to, source, illustrative
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
          illustrative: try row.bool("illustrative"))
      }
    }
  }

  /// Adds or updates a policy by name. Returns whether anything changed.
  @discardableResult
  public func addPolicy(_ policy: Policy, operator op: String) throws -> Bool {
    try policy.validate()
    return try mapSQLiteErrors {
      try connection.transaction {
        guard try corridor(policy.corridor) != nil else {
          throw CorridorError.invalid("unknown corridor \(policy.corridor)", rule: .unknownCorridor)
        }
        if let code = policy.route {
          let route = try requireRoute(code)
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
                           valid_from, valid_to, source, illustrative)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET corridor = excluded.corridor, route = excluded.route, kind = excluded.kind,
        value = excluded.value, currency = excluded.currency, components = excluded.components, cap_minor = excluded.cap_minor,
        cap_currency = excluded.cap_currency, origin = excluded.origin, commodities = excluded.commodities,
        valid_from = excluded.valid_from, valid_to = excluded.valid_to, source = excluded.source, illustrative = excluded.illustrative
      """,
      [
        .text(policy.name), .text(policy.corridor), SQLValue(policy.route), .text(policy.kind.rawValue), .text(policy.value.description),
        SQLValue(policy.currency?.code), .text(policy.components.map(\.rawValue).joined(separator: ",")), SQLValue(policy.cap?.minorUnits),
        SQLValue(policy.cap?.currency.code), SQLValue(policy.origin?.text),
        SQLValue(policy.commodities?.map(\.rawValue).joined(separator: ",")), .text(policy.validFrom.description),
        SQLValue(policy.validTo?.description), SQLValue(policy.source), SQLValue(policy.illustrative),
      ])
    if existing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try audit(action: existing == nil ? "insert" : "update", entity: "policy", key: policy.name, operator: op)
  }
}
