import SQLite

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
  func competes(with other: Tariff) -> Bool {
    route == other.route && leg == other.leg && component == other.component && equipment == other.equipment
  }

  func overlaps(_ other: Tariff) -> Bool {
    competes(with: other) && validFrom <= (other.validTo ?? Day(ordinal: .max))
      && other.validFrom <= (validTo ?? Day(ordinal: .max))
  }

  var sameIdentity: (Tariff) -> Bool { { $0.competes(with: self) && $0.validFrom == self.validFrom } }

  public var describe: String {
    "\(route)\(leg.map { " leg \($0)" } ?? "") \(component.rawValue) \(equipment.rawValue) from \(validFrom)"
      + (validTo.map { " to \($0)" } ?? "")
  }

  /// The key the audit trail files this tariff under (matches `AuditedEntity` "tariff").
  var auditKey: String {
    "\(route)/\(leg.map(String.init) ?? "route")/\(component.rawValue)/\(equipment.rawValue)/\(validFrom)"
  }

  func checkWindow() throws(CorridorError) {
    if let validTo, validTo < validFrom {
      throw .invalid("tariff \(describe): validTo is before validFrom", rule: .validity)
    }
  }
}

extension Tariff {
  static func parse(_ item: JSONCursor, routeLegCounts: [String: Int]) throws -> Tariff {
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

extension CorridorDatabase {
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
        let route = try requireRoute(tariff.route)
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
      "DELETE FROM tariffs WHERE route = ? AND leg IS ? AND component = ? AND equipment = ? AND valid_from = ?",
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
    try audit(action: replacing == nil ? "insert" : "update", entity: "tariff", key: tariff.auditKey, operator: op)
  }
}
