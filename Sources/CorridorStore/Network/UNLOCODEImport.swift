import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

/// Loads a UN/LOCODE code list (the UNECE CSV layout, as in ../shared/data) so an operator can
/// bring every place of a country, not only the shipped corridor nodes.
///
/// Rows marked for deletion (`X`) and country header rows are skipped. Places already known keep
/// their curated details: the import only adds. UN/LOCODE has no time zones, so each country gets
/// its main IANA zone (approximate for Russia, Kazakhstan, Indonesia and Mongolia, which span
/// several; correct a place with a reference file).
public struct UNLOCODEImport {
  public struct Summary: Sendable, Equatable {
    public var inserted = 0
    public var alreadyKnown = 0
    /// Rows marked for deletion (`X`) and country header rows.
    public var skipped = 0
    /// Rows that are not a usable place: a malformed code, no name, a country without a zone.
    public var invalid = 0
    /// Each invalid row, `FILE:LINE: why`, in file order.
    public var invalidRows: [String] = []
    /// Codes that are aliases of known locations: the alias keeps winning lookups (carriers
    /// write CNCKG, Chongqing's airport code, for the Tuanjiecun rail terminal).
    public var aliases = 0
  }

  static let timeZones: [String: String] = [
    "CN": "Asia/Shanghai", "LA": "Asia/Vientiane", "VN": "Asia/Ho_Chi_Minh", "TH": "Asia/Bangkok", "MM": "Asia/Yangon",
    "KH": "Asia/Phnom_Penh", "MY": "Asia/Kuala_Lumpur", "SG": "Asia/Singapore", "ID": "Asia/Jakarta", "KZ": "Asia/Almaty",
    "KG": "Asia/Bishkek", "UZ": "Asia/Tashkent", "TM": "Asia/Ashgabat", "RU": "Europe/Moscow", "BY": "Europe/Minsk",
    "PL": "Europe/Warsaw", "DE": "Europe/Berlin", "NL": "Europe/Amsterdam", "BE": "Europe/Brussels", "MN": "Asia/Ulaanbaatar",
    "CZ": "Europe/Prague", "HU": "Europe/Budapest", "SK": "Europe/Bratislava", "AT": "Europe/Vienna", "IT": "Europe/Rome",
    "FR": "Europe/Paris", "ES": "Europe/Madrid", "TR": "Europe/Istanbul", "GE": "Asia/Tbilisi", "AZ": "Asia/Baku",
    "IR": "Asia/Tehran", "LT": "Europe/Vilnius", "LV": "Europe/Riga", "GB": "Europe/London",
  ]

  static let expectedHeader = [
    "change", "country", "location", "name", "nameWoDiacritics", "subdivision", "function", "status", "date", "iata",
    "coordinates", "remarks",
  ]

  /// A data row: twelve fields, the change indicator empty or one character, a two-letter
  /// country.
  static func looksLikeRow(_ fields: [String]) -> Bool {
    fields.count == expectedHeader.count && fields[0].count <= 1 && fields[1].count == 2
      && fields[1].allSatisfy { $0.isASCII && $0.isUppercase }
  }

  /// Function column (8 positions): B border crossing, 1 seaport, 2 rail, 6 multimodal.
  static func kind(function: String) -> LocationKind {
    if function.contains("B") { return .borderCrossing }
    if function.contains("1") { return .seaport }
    if function.contains("2") { return .railTerminal }
    if function.contains("6") { return .inlandPort }
    return .city
  }

  /// `DDMMN DDDMME` → decimal degrees (coordinates only; never money).
  static func coordinates(_ text: String) -> (Double, Double)? {
    let parts = text.split(separator: " ")
    guard parts.count == 2, parts[0].count == 5, parts[1].count == 6,
      let latDeg = Int(parts[0].prefix(2)), let latMin = Int(parts[0].dropFirst(2).prefix(2)),
      let lonDeg = Int(parts[1].prefix(3)), let lonMin = Int(parts[1].dropFirst(3).prefix(2)),
      let ns = parts[0].last, let ew = parts[1].last, "NS".contains(ns), "EW".contains(ew), latMin < 60, lonMin < 60
    else { return nil }
    let lat = (Double(latDeg) + Double(latMin) / 60) * (ns == "S" ? -1 : 1)
    let lon = (Double(lonDeg) + Double(lonMin) / 60) * (ew == "W" ? -1 : 1)
    guard abs(lat) <= 90, abs(lon) <= 180 else { return nil }
    return (lat, lon)
  }

  public static func run(path: String, db: CorridorDatabase, operator op: String) throws -> Summary {
    let handle = try InputFile.open(path)
    defer { try? handle.close() }
    let reader = CSVReader(handle: handle)
    var summary = Summary()
    func read() throws(CorridorError) -> CSVRecord? { try reader.next(file: path) }
    return try mapSQLiteErrors {
      try db.connection.transaction {
        // The lists as UNECE publishes them have no header row; a copy with one (as in
        // ../shared/data) names the same twelve columns. Told apart by the first row's shape.
        guard let first = try read() else {
          throw CorridorError.invalid("empty file: expected UN/LOCODE rows", rule: .csv, at: SourcePosition(file: path, line: 1, column: 1))
        }
        var pending: CSVRecord?
        if first.fields != expectedHeader {
          guard Self.looksLikeRow(first.fields) else {
            throw CorridorError.invalid(
              "expected UN/LOCODE rows of \(expectedHeader.count) columns (\(expectedHeader.joined(separator: ","))), "
                + "with or without that header row", rule: .csv, at: SourcePosition(file: path, line: 1, column: 1))
          }
          pending = first
        }
        // Read once: the list has tens of thousands of rows.
        let aliases = Set(try db.connection.rows("SELECT alias FROM location_aliases").map { try $0.text("alias") })
        let insert = """
          INSERT INTO locations(code, name, country, kind, time_zone, latitude, longitude, source)
          VALUES (?, ?, ?, ?, ?, ?, ?, 'UN/LOCODE import') ON CONFLICT(code) DO NOTHING RETURNING code
          """
        while true {
          guard let record = try pending ?? read() else { break }
          pending = nil
          guard record.fields.count == expectedHeader.count else {
            throw CorridorError.invalid(
              "expected \(expectedHeader.count) columns, found \(record.fields.count)", rule: .csv,
              at: SourcePosition(file: path, line: record.line, column: 1))
          }
          let f = record.fields
          let code = f[1] + f[2]
          guard f[0] != "X", !f[2].isEmpty else {
            summary.skipped += 1
            continue
          }
          let zone = timeZones[f[1]]
          let why: String? =
            if !LocationCode.isWellFormed(code) {
              "\(code.debugDescription) is not a UN/LOCODE (two letters, then three letters or digits 2-9)"
            } else if f[3].trimmingSpaces.isEmpty {
              "\(code) has no name"
            } else if zone == nil {
              "\(code): country \(f[1]) has no time zone here (add the place with a reference file)"
            } else {
              nil
            }
          guard let zone, why == nil else {
            summary.invalid += 1
            summary.invalidRows.append("\(path):\(record.line): \(why ?? "invalid row")")
            continue
          }
          if aliases.contains(code) {
            summary.aliases += 1
            continue
          }
          let coordinates = coordinates(f[10])
          let inserted = try db.connection.fetchOne(
            insert,
            [
              .text(code), .text(f[3]), .text(f[1]), .text(kind(function: f[6]).rawValue), .text(zone),
              coordinates.map { .real(Location.coordinate($0.0)) } ?? .null, coordinates.map { .real(Location.coordinate($0.1)) } ?? .null,
            ])
          if inserted != nil {
            summary.inserted += 1
            try db.auditTrail.audit(action: "import", entity: "location", key: code, operator: op)
          } else {
            summary.alreadyKnown += 1
          }
        }
        return summary
      }
    }
  }
}
