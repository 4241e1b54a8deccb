import CorridorInterchange
import CorridorModel
import SQLite

extension CostStore {
  public func fxRates() throws -> [FXRate] {
    try mapSQLiteErrors {
      // A rate the ledger cannot read stops the command: skipping it converted at another rate.
      try connection.rows("SELECT date, base, quote, rate, source FROM fx_rates ORDER BY date, base, quote").map {
        row throws(RowDecodingError) in
        FXRate(
          date: try row.day("date"), base: try row.currency("base"), quote: try row.currency("quote"),
          rate: try row.parsed("rate", "positive exact decimal") { text in
            (try? ExactDecimal(parsing: text)).flatMap { $0.isNegative || $0.isZero ? nil : $0 }
          },
          source: try row.optionalText("source"))
      }
    }
  }

  public func fxTable() throws -> FXTable { FXTable(try fxRates()) }

  /// Adds or replaces the rate for a date and pair. Returns whether anything changed.
  @discardableResult
  public func addFXRate(_ rate: FXRate, operator op: String) throws -> Bool {
    try FXRate.validate(rate: rate.rate, base: rate.base, quote: rate.quote)
    return try mapSQLiteErrors {
      try connection.transaction {
        var counts = ReferenceLoadSummary.Counts()
        try upsert(rate, operator: op, counts: &counts)
        return counts.unchanged == 0
      }
    }
  }

  func upsert(_ rate: FXRate, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let key: [SQLValue] = [.text(rate.date.description), .text(rate.base.code), .text(rate.quote.code)]
    let existing = try connection.row("SELECT rate, source FROM fx_rates WHERE date = ? AND base = ? AND quote = ?", key)
    if let existing, try existing.text("rate") == rate.rate.description, try existing.optionalText("source") == rate.source {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO fx_rates(date, base, quote, rate, source) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(date, base, quote) DO UPDATE SET rate = excluded.rate, source = excluded.source
      """, key + [.text(rate.rate.description), SQLValue(rate.source)])
    if existing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(
      action: existing == nil ? "insert" : "update", entity: "fxRate", key: "\(rate.date)/\(rate.base)/\(rate.quote)", operator: op)
  }
}

extension StoreFeature {
  /// What the exchange rates feature audits.
  static let fxRates = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "fxRate", select: "SELECT date || '/' || base || '/' || quote AS key, date, base, quote, rate, source FROM fx_rates",
        keyExpression: "date || '/' || base || '/' || quote", lookup: "date = ? AND base = ? AND quote = ?",
        splitKey: { key in key.split(separator: "/").map { .text(String($0)) } })
    ],
    referenceSections: [.fxRates])
}

extension ReferenceSection {
  /// `fxRates`: one rate per pair and date.
  static let fxRates = ReferenceSection(key: "fxRates") { items, _ in
    var rates: [FXRate] = []
    var keys: Set<String> = []
    for item in items {
      let rate = try FXRate.parse(item)
      guard keys.insert("\(rate.date) \(rate.base) \(rate.quote)").inserted else {
        throw item.error("duplicate rate for \(rate.base)/\(rate.quote) on \(rate.date)")
      }
      rates.append(rate)
    }
    return { db, op, counts in
      for rate in rates { try db.costStore.upsert(rate, operator: op, counts: &counts) }
    }
  }
}
