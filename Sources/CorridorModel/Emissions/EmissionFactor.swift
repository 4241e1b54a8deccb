/// What moves a train: it picks the rail emission factor. Unknown (nil) on a rail leg means the
/// leg has no emissions until someone says which; Corridor does not guess.
public enum Traction: String, Sendable, CaseIterable {
  case electric, diesel
}

/// The modes emission factors are published for (GLEC Framework v3 / ISO 14083 transport
/// operation categories, as far as Corridor's legs need them).
public enum EmissionMode: String, Sendable, CaseIterable {
  case railElectric = "rail-electric"
  case railDiesel = "rail-diesel"
  case seaContainer = "sea-container"
  case roadTruck = "road-truck"
  case barge

  /// The factor a leg takes: its mode, and for rail its traction. Nil for a rail leg without
  /// a traction.
  public init?(_ mode: TransportMode, traction: Traction?) {
    switch (mode, traction) {
    case (.rail, .electric): self = .railElectric
    case (.rail, .diesel): self = .railDiesel
    case (.rail, nil): return nil
    case (.sea, _): self = .seaContainer
    case (.road, _): self = .roadTruck
    case (.river, _): self = .barge
    }
  }

  public init(parsing text: String) throws(CorridorError) {
    guard let mode = EmissionMode(rawValue: text) else {
      throw .invalid(
        "unknown emission mode \(text.debugDescription); expected one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))",
        rule: .emissionFactor)
    }
    self = mode
  }
}

/// What a factor is per: tonne-km of gross mass, or TEU-km (how sea factors are published).
public enum EmissionUnit: String, Sendable, CaseIterable {
  case perTonneKm = "g/tkm"
  case perTEUKm = "g/TEU-km"
}

/// Grams of CO2e per unit of transport activity, well-to-wheel (WTW: fuel or power production
/// and use) and tank-to-wheel (TTW: use only), valid for shipments booked in a window.
public struct EmissionFactor: Sendable, Equatable {
  public var mode: EmissionMode
  /// A country code (the leg's destination country) or a corridor code; nil for anywhere.
  public var region: String?
  public var unit: EmissionUnit
  public var wtw: ExactDecimal
  public var ttw: ExactDecimal
  public var validFrom: Day
  public var validTo: Day?
  /// Publication, edition, table and row; or `illustrative: …`.
  public var source: String

  public init(
    mode: EmissionMode, region: String?, unit: EmissionUnit, wtw: ExactDecimal, ttw: ExactDecimal, validFrom: Day, validTo: Day?,
    source: String
  ) {
    self.mode = mode
    self.region = region
    self.unit = unit
    self.wtw = wtw
    self.ttw = ttw
    self.validFrom = validFrom
    self.validTo = validTo
    self.source = source
  }

  public func isValid(on day: Day) -> Bool { validFrom <= day && (validTo.map { day <= $0 } ?? true) }

  /// Same mode and region with overlapping windows: which one applies would be a guess.
  package func overlaps(_ other: EmissionFactor) -> Bool {
    mode == other.mode && region == other.region && validFrom <= (other.validTo ?? Day(ordinal: .max))
      && other.validFrom <= (validTo ?? Day(ordinal: .max))
  }

  public var describe: String {
    "\(mode.rawValue) \(region ?? "any region") from \(validFrom)" + (validTo.map { " to \($0)" } ?? "")
  }

  /// The key the audit trail files this factor under (matches `AuditedEntity` "emissionFactor").
  package var auditKey: String { "\(mode.rawValue)/\(region ?? "")/\(validFrom)" }
}

/// What happens to a box at a hub: reloaded from train to ship (Qinzhou), between gauges
/// (Dostyk, Małaszewicze), or handled at a terminal.
public enum HubKind: String, Sendable, CaseIterable {
  case transshipment
  case gaugeChange = "gauge-change"
  case terminal
}

public enum HubUnit: String, Sendable, CaseIterable {
  case perTEU = "kg/TEU"
  case perContainer = "kg/container"
}

/// Kilograms of CO2e per TEU or per container handled at a hub, WTW and TTW.
public struct HubFactor: Sendable, Equatable {
  public var kind: HubKind
  public var unit: HubUnit
  public var wtw: ExactDecimal
  public var ttw: ExactDecimal
  public var source: String

  public init(kind: HubKind, unit: HubUnit, wtw: ExactDecimal, ttw: ExactDecimal, source: String) {
    self.kind = kind
    self.unit = unit
    self.wtw = wtw
    self.ttw = ttw
    self.source = source
  }
}

// MARK: - Parsing (reference JSON)

/// A factor value: a decimal string, not negative, at most 6 decimals and at most 1,000,000, so
/// that every product with a leg's mass and distance stays exact in 128 bits. The same check
/// reads stored factors back.
package func factorValue(parsing text: String) -> ExactDecimal? {
  guard let value = try? ExactDecimal(parsing: text), !value.isNegative, value.scale <= 6,
    value.units <= 1_000_000 * (ExactDecimal.pow10(value.scale) ?? 1)
  else { return nil }
  return value
}

package func parseFactorValue(_ cursor: JSONCursor) throws -> ExactDecimal {
  let text = try cursor.string()
  guard let value = factorValue(parsing: text) else {
    throw cursor.error("invalid factor \(text.debugDescription): a decimal string from 0 to 1000000 with at most 6 decimals")
  }
  return value
}

/// A factor's `wtw` and `ttw`. WTW includes TTW (well-to-tank + tank-to-wheel), so a TTW above
/// the WTW is a typo.
package func parseWTWAndTTW(_ item: JSONCursor) throws -> (wtw: ExactDecimal, ttw: ExactDecimal) {
  let wtw = try parseFactorValue(try item.required("wtw"))
  let ttw = try parseFactorValue(try item.required("ttw"))
  guard let w = try? Exact(wtw), let t = try? Exact(ttw), !(w < t) else {
    throw try item.required("ttw").error("ttw \(ttw) is above wtw \(wtw); well-to-wheel includes tank-to-wheel")
  }
  return (wtw, ttw)
}

extension EmissionFactor {
  /// - Parameter isRegion: whether a text names a country or a corridor.
  package static func parse(_ item: JSONCursor, isRegion: (String) throws -> Bool) throws -> EmissionFactor {
    var region: String?
    if let cursor = item.optional("region") {
      let text = try cursor.string()
      guard try isRegion(text) else { throw cursor.error("unknown region \(text.debugDescription): a country code (CN) or a corridor code") }
      region = text
    }
    let (wtw, ttw) = try parseWTWAndTTW(item)
    let validTo = try item.optional("validTo").map { cursor in try cursor.parsed { text throws(CorridorError) in try Day(parsing: text) } }
    let factor = EmissionFactor(
      mode: try item.required("mode").code("emission mode"), region: region, unit: try item.required("unit").code("unit"), wtw: wtw,
      ttw: ttw, validFrom: try item.required("validFrom").parsed { text throws(CorridorError) in try Day(parsing: text) }, validTo: validTo,
      source: try parseSource(item))
    if let validTo, validTo < factor.validFrom { throw try item.required("validTo").error("validTo is before validFrom") }
    return factor
  }
}

extension HubFactor {
  package static func parse(_ item: JSONCursor) throws -> HubFactor {
    let (wtw, ttw) = try parseWTWAndTTW(item)
    return HubFactor(
      kind: try item.required("kind").code("hub kind"), unit: try item.required("unit").code("unit"), wtw: wtw, ttw: ttw,
      source: try parseSource(item))
  }
}

/// Every shipped or loaded factor names where it comes from: a figure without one cannot be
/// checked by the consignee who receives it.
private func parseSource(_ item: JSONCursor) throws -> String {
  let cursor = try item.required("source")
  let source = try cursor.string()
  guard !source.trimmingSpaces.isEmpty else {
    throw cursor.error("empty source: name the publication, edition, table and row, or write `illustrative: …`")
  }
  return source
}
