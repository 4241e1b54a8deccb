import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation

/// Renders rows for the three read formats. Tables are for people; JSON and CSV are contracts.
enum Render {
  /// An aligned text table. Cells under a `money` header get their digits grouped
  /// (`145,000,000,000.00`): tables are for people; JSON and CSV keep the plain decimal.
  static func table(_ headers: [String], _ rows: [[String]], money: Set<String> = []) -> String {
    let moneyColumns = Set(headers.indices.filter { money.contains(headers[$0]) })
    // Stored text reaches a terminal: control and bidi characters are shown, not obeyed.
    let rows = rows.map { row in
      row.enumerated().map { moneyColumns.contains($0.offset) ? grouped($0.element) : VisibleText.visible($0.element) }
    }
    var widths = headers.map(\.count)
    for row in rows {
      for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        i == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count))
      }.joined(separator: "  ")
    }
    var out = line(headers) + "\n"
    for row in rows { out += line(row) + "\n" }
    return out
  }

  /// A decimal amount with its integer digits in groups of three; anything else unchanged.
  static func grouped(_ amount: String) -> String { DigitGrouping.grouped(amount) }

  /// CSV for people, opened in spreadsheets: formula-like cells neutralised (`CSV.spreadsheetRecord`).
  static func csv(_ headers: [String], _ rows: [[String]]) -> String {
    ([headers] + rows).map(CSV.spreadsheetRecord).joined()
  }

  /// Stable JSON: sorted keys, so the same data always gives the same bytes.
  static func json<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Prints `value` as JSON, or its rows as a table or CSV.
  static func emit<T: Encodable>(
    _ format: OutputFormat, json value: T, headers: [String], rows: @autoclosure () -> [[String]], money: Set<String> = []
  ) throws {
    switch format {
    case .json: Console.out(try json(value))
    case .table: Console.out(table(headers, rows(), money: money))
    case .csv: Console.out(csv(headers, rows()))
    }
  }
}
