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
  /// The name in Simplified Chinese, for pages in `zh-CN`; nil where none is known.
  public var nameZh: String?
  /// Only shipments on routes of this direction (return trains are often supported
  /// differently); nil for both ways.
  public var direction: RouteDirection?

  public init(
    name: String, corridor: String, route: String? = nil, kind: PolicyKind, value: ExactDecimal, currency: Currency? = nil,
    components: [CostComponent] = [.base], cap: Money? = nil, origin: LocationCode? = nil, commodities: [Commodity]? = nil,
    validFrom: Day, validTo: Day? = nil, source: String? = nil, illustrative: Bool = false, nameZh: String? = nil,
    direction: RouteDirection? = nil
  ) {
    self.nameZh = nameZh
    self.direction = direction
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
    if let direction, route.direction != direction { return false }
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
  package static func > (a: Exact, b: Exact) -> Bool { b < a }
}

extension Policy {
  /// - Parameter resolve: finds a place in the file being loaded or in the database (by code
  ///   or alias), as every reference in a reference file does.
  package static func parse(
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
      source: try item.optional("source")?.string(), illustrative: try item.optional("illustrative")?.bool() ?? false,
      nameZh: try item.nameZh(), direction: try item.optional("direction")?.code("direction", as: RouteDirection.self))
    do { try policy.validate() } catch { throw item.error(error.message, rule: error.rule ?? .policy) }
    return policy
  }
}
