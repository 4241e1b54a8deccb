import CorridorInterchange
import CorridorModel
import SQLite

// MARK: - Storage

extension EmissionStore {
  static let emissionFactorColumns = "mode, region, unit, wtw, ttw, valid_from, valid_to, source"

  func emissionFactor(from row: Row) throws(RowDecodingError) -> EmissionFactor {
    EmissionFactor(
      mode: try row.code("mode"), region: try row.optionalText("region"), unit: try row.code("unit"), wtw: try row.factorValue("wtw"),
      ttw: try row.factorValue("ttw"), validFrom: try row.day("valid_from"), validTo: try row.optionalDay("valid_to"),
      source: try row.text("source"))
  }

  /// Emission factors, by mode, region and start.
  public func emissionFactors() throws -> [EmissionFactor] {
    try mapSQLiteErrors {
      try connection.rows(
        "SELECT \(Self.emissionFactorColumns) FROM emission_factors ORDER BY mode, region IS NOT NULL, region, valid_from"
      ).map(emissionFactor)
    }
  }

  public func hubFactors() throws -> [HubFactor] {
    try mapSQLiteErrors {
      try connection.rows("SELECT kind, unit, wtw, ttw, source FROM hub_factors ORDER BY kind").map { row throws(RowDecodingError) in
        HubFactor(
          kind: try row.code("kind"), unit: try row.code("unit"), wtw: try row.factorValue("wtw"), ttw: try row.factorValue("ttw"),
          source: try row.text("source"))
      }
    }
  }

  func upsert(_ factor: EmissionFactor, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try emissionFactors()
    if existing.contains(factor) {
      counts.unchanged += 1
      return
    }
    let same = { (other: EmissionFactor) in other.auditKey == factor.auditKey }
    if let clash = existing.first(where: { $0.overlaps(factor) && !same($0) }) {
      throw CorridorError.invalid(
        "emission factor \(factor.describe) overlaps the existing \(clash.describe)", rule: .validity,
        hint: "end the existing factor (validTo) before the new one starts")
    }
    let replacing = existing.contains(where: same)
    try connection.execute(
      "DELETE FROM emission_factors WHERE mode = ? AND region IS NOT DISTINCT FROM ? AND valid_from = ?",
      [.text(factor.mode.rawValue), SQLValue(factor.region), .text(factor.validFrom.description)])
    try connection.execute(
      "INSERT INTO emission_factors(\(Self.emissionFactorColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      [
        .text(factor.mode.rawValue), SQLValue(factor.region), .text(factor.unit.rawValue), .text(factor.wtw.description),
        .text(factor.ttw.description), .text(factor.validFrom.description), SQLValue(factor.validTo?.description), .text(factor.source),
      ])
    if replacing { counts.updated += 1 } else { counts.inserted += 1 }
    try db.auditTrail.audit(action: replacing ? "update" : "insert", entity: "emissionFactor", key: factor.auditKey, operator: op)
  }

  func upsert(_ factor: HubFactor, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try hubFactors().first { $0.kind == factor.kind }
    if existing == factor {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO hub_factors(kind, unit, wtw, ttw, source) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(kind) DO UPDATE SET unit = excluded.unit, wtw = excluded.wtw, ttw = excluded.ttw, source = excluded.source
      """,
      [.text(factor.kind.rawValue), .text(factor.unit.rawValue), .text(factor.wtw.description), .text(factor.ttw.description), .text(factor.source)])
    if existing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(action: existing == nil ? "insert" : "update", entity: "hubFactor", key: factor.kind.rawValue, operator: op)
  }
}

extension Row {
  /// A factor as the reference file states them: a damaged one stops the command.
  func factorValue(_ column: String) throws(RowDecodingError) -> ExactDecimal {
    try parsed(column, "emission factor (decimal, 0 to 1000000, at most 6 decimals)", factorValue(parsing:))
  }
}

extension StoreFeature {
  /// What the emission and hub factors feature audits.
  static let emissions = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "emissionFactor",
        select: """
          SELECT mode || '/' || coalesce(region, '') || '/' || valid_from AS key, mode, region, unit, wtw, ttw, valid_from AS "validFrom",
            valid_to AS "validTo", source
          FROM emission_factors
          """, keyExpression: "mode || '/' || coalesce(region, '') || '/' || valid_from",
        lookup: "mode = ? AND region IS NOT DISTINCT FROM ? AND valid_from = ?",
        splitKey: { key in
          // A mode has no '/', nor has a date; a region may.
          let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
          guard parts.count >= 3 else { return [.text(key), .null, .null] }
          let region = parts.dropFirst().dropLast().joined(separator: "/")
          return [.text(parts[0]), region.isEmpty ? .null : .text(region), .text(parts[parts.count - 1])]
        }),
      AuditedEntity(
        name: "hubFactor", select: "SELECT kind AS key, kind, unit, wtw, ttw, source FROM hub_factors", keyExpression: "kind"),
    ],
    referenceSections: [.emissionFactors, .hubFactors])
}

extension ReferenceSection {
  /// `emissionFactors`: per mode and region (a country or a corridor of this file or loaded),
  /// without overlapping validity.
  static let emissionFactors = ReferenceSection(key: "emissionFactors") { items, context in
    let known = try context.knownRoutesAndCorridors()
    var factors: [EmissionFactor] = []
    for item in items {
      let factor = try EmissionFactor.parse(item, isRegion: known.isRegion)
      if let clash = factors.first(where: { $0.overlaps(factor) }) {
        throw item.error("emission factor \(factor.describe) overlaps \(clash.describe) earlier in the file", rule: .validity)
      }
      factors.append(factor)
    }
    return { db, op, counts in
      for factor in factors { try db.emissionStore.upsert(factor, operator: op, counts: &counts) }
    }
  }

  /// `hubFactors`: one per kind of hub.
  static let hubFactors = ReferenceSection(key: "hubFactors") { items, _ in
    var factors: [HubFactor] = []
    var kinds: Set<HubKind> = []
    for item in items {
      let factor = try HubFactor.parse(item)
      guard kinds.insert(factor.kind).inserted else { throw try item.required("kind").error("duplicate hub factor \(factor.kind.rawValue)") }
      factors.append(factor)
    }
    return { db, op, counts in
      for factor in factors { try db.emissionStore.upsert(factor, operator: op, counts: &counts) }
    }
  }
}
