public enum CostComponent: String, Sendable, CaseIterable, Comparable {
  case base, thc, baf, border, customs, security, documentation, other

  public static func < (a: Self, b: Self) -> Bool {
    (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
  }

  public init(parsing text: String) throws(CorridorError) {
    guard let value = CostComponent(rawValue: text.lowercased()) else {
      throw .invalid(
        "unknown cost component \(text.debugDescription); expected \(Self.allCases.map(\.rawValue).joined(separator: ", "))",
        rule: .component)
    }
    self = value
  }
}

/// Which boxes a tariff prices: one length, or any.
public enum Equipment: String, Sendable, CaseIterable {
  case twenty = "20"
  case forty = "40"
  case fortyFive = "45"
  case any

  public init(parsing text: String) throws(CorridorError) {
    guard let value = Equipment(rawValue: text.lowercased()) else {
      throw .invalid("unknown equipment \(text.debugDescription); expected 20, 40, 45 or any", rule: .equipment)
    }
    self = value
  }

  public init(_ sizeType: SizeType) {
    switch sizeType.lengthFeet {
    case 20: self = .twenty
    case 45: self = .fortyFive
    default: self = .forty
    }
  }
}

public enum TariffBasis: String, Sendable, CaseIterable {
  /// The amount per container.
  case container
  /// The amount per TEU of the container.
  case teu
  /// The amount per shipment, spread over its containers by TEU.
  case shipment

  public init(parsing text: String) throws(CorridorError) {
    guard let value = TariffBasis(rawValue: text.lowercased()) else {
      throw .invalid("unknown basis \(text.debugDescription); expected container, teu or shipment", rule: .basis)
    }
    self = value
  }
}

/// The price of one cost component on a route (or one leg of it), for one equipment length,
/// over a validity window (on the booked date).
public struct Tariff: Sendable, Equatable {
  public var route: String
  /// 1-based leg, or nil for the whole route.
  public var leg: Int?
  public var component: CostComponent
  public var equipment: Equipment
  public var basis: TariffBasis
  public var amount: Money
  public var validFrom: Day
  public var validTo: Day?
  public var source: String?
  public var illustrative: Bool

  public init(
    route: String, leg: Int?, component: CostComponent, equipment: Equipment, basis: TariffBasis, amount: Money, validFrom: Day,
    validTo: Day?, source: String? = nil, illustrative: Bool = false
  ) {
    self.route = route
    self.leg = leg
    self.component = component
    self.equipment = equipment
    self.basis = basis
    self.amount = amount
    self.validFrom = validFrom
    self.validTo = validTo
    self.source = source
    self.illustrative = illustrative
  }

  public func isValid(on day: Day) -> Bool { validFrom <= day && (validTo.map { day <= $0 } ?? true) }

  /// Same route, leg, component and equipment: at most one of them may be valid on any day.
  package func competes(with other: Tariff) -> Bool {
    route == other.route && leg == other.leg && component == other.component && equipment == other.equipment
  }

  package func overlaps(_ other: Tariff) -> Bool {
    competes(with: other) && validFrom <= (other.validTo ?? Day(ordinal: .max))
      && other.validFrom <= (validTo ?? Day(ordinal: .max))
  }

  package var sameIdentity: (Tariff) -> Bool { { $0.competes(with: self) && $0.validFrom == self.validFrom } }

  public var describe: String {
    "\(route)\(leg.map { " leg \($0)" } ?? "") \(component.rawValue) \(equipment.rawValue) from \(validFrom)"
      + (validTo.map { " to \($0)" } ?? "")
  }

  /// The key the audit trail files this tariff under (matches `AuditedEntity` "tariff").
  package var auditKey: String {
    "\(route)/\(leg.map(String.init) ?? "route")/\(component.rawValue)/\(equipment.rawValue)/\(validFrom)"
  }

  package func checkWindow() throws(CorridorError) {
    if let validTo, validTo < validFrom {
      throw .invalid("tariff \(describe): validTo is before validFrom", rule: .validity)
    }
  }
}

extension Tariff {
  package static func parse(_ item: JSONCursor, routeLegCounts: [String: Int]) throws -> Tariff {
    let routeCursor = try item.required("route")
    let route = try routeCursor.string()
    guard let legCount = routeLegCounts[route] else { throw routeCursor.error("unknown route \(route)") }
    var leg: Int?
    if let legCursor = item.optional("leg") {
      leg = try legCursor.int()
      guard let leg, (1...legCount).contains(leg) else { throw legCursor.error("route \(route) has legs 1…\(legCount)") }
    }
    func field<T>(_ key: String, _ parse: (String) throws(CorridorError) -> T) throws -> T { try item.required(key).parsed(parse) }
    let currency = try field("currency") { text throws(CorridorError) in try Currency(parsing: text) }
    let tariff = Tariff(
      route: route, leg: leg, component: try field("component") { text throws(CorridorError) in try CostComponent(parsing: text) },
      equipment: try field("equipment") { text throws(CorridorError) in try Equipment(parsing: text) },
      basis: try field("basis") { text throws(CorridorError) in try TariffBasis(parsing: text) },
      amount: try field("amount") { text throws(CorridorError) in try Money(parsing: text, currency: currency) },
      validFrom: try field("validFrom") { text throws(CorridorError) in try Day(parsing: text) },
      validTo: try item.optional("validTo").map { cursor in try cursor.parsed { text throws(CorridorError) in try Day(parsing: text) } },
      source: try item.optional("source")?.string(), illustrative: try item.optional("illustrative")?.bool() ?? false)
    do { try tariff.checkWindow() } catch { throw item.error(error.message) }
    return tariff
  }
}
