import CorridorModel
import Foundation

/// Declarations' statuses as CSV (docs/customs.md "import customs"): one status a row, in the
/// order customs gave them. Required: `number`, `status`, `at`; the rest as `customs record`
/// takes them (`containers` space-separated), and, for declarations lodged outside Corridor
/// (`--create`), `office`, `shipment`, `procedure`, `foreign`. Every error names its
/// file:line:column.
public enum CustomsCSV {
  public static let columns = [
    "number", "status", "at", "containers", "check", "outcome", "note", "office", "shipment", "procedure", "foreign",
  ]

  public static func responses(bytes: [UInt8], file: String) throws(CorridorError) -> [CustomsResponse] {
    try responses(CSVReader(bytes: bytes), file: file)
  }

  /// The same, read from a file as it streams.
  public static func responses(handle: FileHandle, file: String) throws(CorridorError) -> [CustomsResponse] {
    try responses(CSVReader(handle: handle), file: file)
  }

  static func responses(_ reader: CSVReader, file: String) throws(CorridorError) -> [CustomsResponse] {
    let index = try reader.header(file: file, columns: columns, required: ["number", "status", "at"])
    var responses: [CustomsResponse] = []
    while let record = try reader.next(file: file) {
      func position(_ column: String) -> SourcePosition {
        let i = index[column].flatMap { $0 < record.positions.count ? $0 : nil }
        let at = i.map { record.positions[$0] } ?? (line: record.line, column: 1)
        return SourcePosition(file: file, line: at.line, column: at.column)
      }
      func field(_ column: String) -> String? {
        guard let i = index[column], i < record.fields.count, !record.fields[i].isEmpty else { return nil }
        return record.fields[i]
      }
      func parse<T>(_ column: String, _ body: (String) throws(CorridorError) -> T) throws(CorridorError) -> T? {
        guard let text = field(column) else { return nil }
        do { return try body(text) } catch { throw error.located(position(column)) }
      }
      func code<T: RawRepresentable & CaseIterable>(_ column: String, _ type: T.Type) throws(CorridorError) -> T? where T.RawValue == String {
        try parse(column) { text throws(CorridorError) in
          guard let value = T(rawValue: text) else {
            throw .invalid("\(column) \(text.debugDescription): expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))", rule: .csv)
          }
          return value
        }
      }
      if record.fields.count != index.count {
        throw .invalid("the row has \(record.fields.count) fields; the header has \(index.count)", rule: .csv, at: position("number"))
      }
      guard let number = field("number") else { throw .invalid("number is empty", rule: .csv, at: position("number")) }
      guard let status = try code("status", DeclarationStatus.self) else { throw .invalid("status is empty", rule: .csv, at: position("status")) }
      guard let at = try parse("at", { text throws(CorridorError) in try EventTime(parsing: text) }) else {
        throw .invalid("at is empty", rule: .csv, at: position("at"))
      }
      let containers = try parse("containers") { text throws(CorridorError) in
        try text.split(separator: " ").map { part throws(CorridorError) in try ContainerNumber(parsing: String(part)) }
      }
      let foreign = try parse("foreign") { text throws(CorridorError) -> Bool in
        guard text == "true" || text == "false" else { throw .invalid("foreign must be true or false", rule: .csv) }
        return text == "true"
      }
      responses.append(
        CustomsResponse(
          number: number, status: status, at: at, containers: containers, check: try code("check", CustomsCheck.self),
          outcome: try code("outcome", InspectionOutcome.self), note: field("note"), place: field("office"), shipment: field("shipment"),
          procedure: try code("procedure", CustomsProcedure.self), foreign: foreign ?? false, position: position("status")))
    }
    return responses
  }
}
