import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation

/// Renders rows for the three read formats. Tables are for people; JSON and CSV are contracts.
enum Render {
  /// An aligned text table. Cells under a `money` header get their digits grouped
  /// (`145,000,000,000.00`): tables are for people; JSON and CSV keep the plain decimal.
  ///
  /// In `words`' language the headers are named in it, and the cells under a `cells` header that
  /// hold a fixed word (a kind, a state) are said in it. Columns line up on a terminal's cells: a
  /// Chinese character takes two (East Asian Wide, Unicode Standard Annex #11).
  static func table(
    _ headers: [String], _ rows: [[String]], money: Set<String> = [], words: Words = .english, cells: Set<String> = []
  ) -> String {
    let moneyColumns = Set(headers.indices.filter { money.contains(headers[$0]) })
    let wordColumns = Set(headers.indices.filter { cells.contains(headers[$0]) })
    // Stored text reaches a terminal: control and bidi characters are shown, not obeyed.
    let rows = rows.map { row in
      row.enumerated().map { column, cell in
        moneyColumns.contains(column) ? grouped(cell) : VisibleText.visible(wordColumns.contains(column) ? words.cell(cell) : cell)
      }
    }
    let headers = headers.map(words.header)
    var widths = headers.map(TerminalWidth.of)
    for row in rows {
      for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], TerminalWidth.of(cell)) }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        i == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[i] - TerminalWidth.of(cell)))
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
  static func json<T: Encodable>(_ value: T) throws -> String { try ContractJSON.text(value) }

  /// Prints `value` as JSON, or its rows as a table or CSV.
  static func emit<T: Encodable>(
    _ format: OutputFormat, json value: T, headers: [String], rows: @autoclosure () -> [[String]], money: Set<String> = [],
    words: Words = .english, cells: Set<String> = []
  ) throws {
    switch format {
    case .json: Console.out(try json(value))
    case .table: Console.out(table(headers, rows(), money: money, words: words, cells: cells))
    case .csv: Console.out(csv(headers, rows()))
    }
  }
}

/// How many terminal cells a text takes: two for East Asian Wide and Fullwidth characters (CJK
/// ideographs and punctuation, fullwidth forms), one otherwise, so that a Chinese table lines up.
enum TerminalWidth {
  static func of(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { sum, scalar in
      switch scalar.value {
      case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6:
        sum + 2
      default: sum + 1
      }
    }
  }
}
