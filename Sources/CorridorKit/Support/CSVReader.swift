import Foundation

/// A CSV syntax or encoding error at a 1-based line and column (bytes) of its file.
public struct CSVError: Error, Sendable, Equatable {
  public let line: Int
  public let column: Int
  public let message: String
}

/// One record, with the position of each field for error messages.
public struct CSVRecord: Sendable {
  public var fields: [String]
  /// Line and column where each field starts.
  public var positions: [(line: Int, column: Int)]
  /// Line where the record starts.
  public var line: Int { positions.first?.line ?? 0 }
}

/// A streaming RFC 4180 reader over bytes: a UTF-8 BOM is skipped, CRLF and LF both end a
/// record, quoted fields may hold commas, doubled quotes and line breaks. Memory stays flat: it
/// holds one 64 KiB chunk and the current record. Everything hostile (invalid UTF-8, NUL bytes,
/// an unterminated quote, a record longer than `maxRecordBytes`) is a `CSVError` with a
/// position, never a crash.
public final class CSVReader {
  private let handle: FileHandle?
  private var buffer: [UInt8] = []
  private var position = 0
  private var atEOF = false
  private var line = 1
  private var column = 1
  private var startedFile = false
  public let maxRecordBytes: Int
  /// Bytes consumed so far (for progress).
  public private(set) var bytesRead = 0

  public init(handle: FileHandle, maxRecordBytes: Int = 1 << 20) {
    self.handle = handle
    self.maxRecordBytes = maxRecordBytes
  }

  /// Reads from bytes already in memory (embedded fixtures, tests).
  public init(bytes: [UInt8], maxRecordBytes: Int = 1 << 20) {
    self.handle = nil
    self.buffer = bytes
    self.atEOF = true
    self.maxRecordBytes = maxRecordBytes
  }

  private func refill() -> Bool {
    if atEOF { return false }
    let data = (try? handle?.read(upToCount: 1 << 16)) ?? nil
    guard let data, !data.isEmpty else {
      atEOF = true
      return false
    }
    buffer = [UInt8](data)
    position = 0
    return true
  }

  @inline(__always) private func nextByte() -> UInt8? {
    if position >= buffer.count, !refill() { return nil }
    let byte = buffer[position]
    position += 1
    bytesRead += 1
    return byte
  }

  @inline(__always) private func peekByte() -> UInt8? {
    if position >= buffer.count, !refill() { return nil }
    return buffer[position]
  }

  /// The next record, or nil at the end of input. Blank lines are skipped.
  public func next() throws(CSVError) -> CSVRecord? {
    if !startedFile {
      startedFile = true
      if peekByte() == 0xEF {
        var bom: [UInt8] = []
        while bom.count < 3, let byte = peekByte(), byte == [0xEF, 0xBB, 0xBF][bom.count] {
          bom.append(byte)
          position += 1
          bytesRead += 1
        }
        if bom.count != 3 { throw CSVError(line: 1, column: 1, message: "invalid UTF-8 at the start of the file") }
      }
    }
    var fields: [String] = []
    var positions: [(line: Int, column: Int)] = []
    var field: [UInt8] = []
    var recordBytes = 0
    var fieldStart = (line: line, column: column)
    var quoted = false
    var afterQuote = false  // just closed a quoted field: only , CR LF may follow

    func finishField() throws(CSVError) {
      // ASCII needs no validation (the common case); anything else must be valid UTF-8.
      if !field.contains(where: { $0 >= 0x80 }) {
        fields.append(String(decoding: field, as: UTF8.self))
        positions.append(fieldStart)
        field.removeAll(keepingCapacity: true)
        return
      }
      guard let text = String(validating: field, as: UTF8.self) else {
        throw CSVError(line: fieldStart.line, column: fieldStart.column, message: "invalid UTF-8 in field \(fields.count + 1)")
      }
      fields.append(text)
      positions.append(fieldStart)
      field.removeAll(keepingCapacity: true)
    }

    // Skip blank lines between records.
    while let byte = peekByte(), byte == 0x0A || byte == 0x0D {
      _ = nextByte()
      if byte == 0x0A {
        line += 1
        column = 1
      }
    }
    guard peekByte() != nil else { return nil }
    fieldStart = (line, column)

    while true {
      guard let byte = nextByte() else {
        if quoted { throw CSVError(line: fieldStart.line, column: fieldStart.column, message: "unterminated quoted field") }
        try finishField()
        return CSVRecord(fields: fields, positions: positions)
      }
      recordBytes += 1
      if recordBytes > maxRecordBytes {
        throw CSVError(line: fieldStart.line, column: fieldStart.column, message: "record longer than \(maxRecordBytes) bytes")
      }
      if byte == 0 { throw CSVError(line: line, column: column, message: "NUL byte in input") }
      if quoted {
        if byte == UInt8(ascii: "\"") {
          if peekByte() == UInt8(ascii: "\"") {
            _ = nextByte()
            recordBytes += 1
            field.append(byte)
            column += 2
          } else {
            quoted = false
            afterQuote = true
            column += 1
          }
        } else {
          field.append(byte)
          if byte == 0x0A {
            line += 1
            column = 1
          } else {
            column += 1
          }
        }
        continue
      }
      switch byte {
      case UInt8(ascii: ","):
        try finishField()
        afterQuote = false
        column += 1
        fieldStart = (line, column)
      case 0x0A, 0x0D:
        if byte == 0x0D {
          if peekByte() == 0x0A { _ = nextByte() }
        }
        try finishField()
        line += 1
        column = 1
        return CSVRecord(fields: fields, positions: positions)
      case UInt8(ascii: "\""):
        if field.isEmpty && !afterQuote && column == fieldStart.column && line == fieldStart.line {
          quoted = true
          column += 1
        } else {
          throw CSVError(line: line, column: column, message: "stray quote inside an unquoted field (quote the whole field and double inner quotes)")
        }
      default:
        if afterQuote {
          throw CSVError(line: line, column: column, message: "unexpected character after a closing quote (expected , or end of line)")
        }
        field.append(byte)
        column += 1
      }
    }
  }
}

extension CSVReader {
  /// The next record, with a syntax error turned into `FILE:LINE:COLUMN: message` (exit 65).
  public func next(file: String) throws(CorridorError) -> CSVRecord? {
    do {
      return try next()
    } catch {
      throw .invalid("\(file):\(error.line):\(error.column): \(error.message)", rule: "csv")
    }
  }

  /// Reads the header row and maps each known column to its index. Unknown, repeated and
  /// missing required columns are errors naming their position.
  public func header(file: String, columns: [String], required: Set<String>) throws(CorridorError) -> [String: Int] {
    guard let header = try next(file: file) else {
      throw .invalid("\(file):1:1: empty file, expected the header \(columns.joined(separator: ","))", rule: "csv")
    }
    var index: [String: Int] = [:]
    for (i, name) in header.fields.enumerated() {
      let position = header.positions[i]
      guard columns.contains(name) else {
        throw .invalid(
          "\(file):\(position.line):\(position.column): unknown column \(name.debugDescription); the columns are \(columns.joined(separator: ","))",
          rule: "csv")
      }
      guard index[name] == nil else { throw .invalid("\(file):\(position.line):\(position.column): duplicate column \(name)", rule: "csv") }
      index[name] = i
    }
    if let missing = required.subtracting(index.keys).sorted().first {
      throw .invalid("\(file):1:1: missing column \(missing)", rule: "csv")
    }
    return index
  }
}
