import CorridorModel
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

/// A streaming RFC 4180 reader over bytes: a UTF-8 BOM is skipped, CRLF, LF and CR end a
/// record, quoted fields may hold commas, doubled quotes and line breaks. Memory stays flat: it
/// holds one 64 KiB chunk and the current record. Everything hostile (invalid UTF-8, NUL bytes,
/// an unterminated quote, a record longer than `maxRecordBytes`) is a `CSVError` with a
/// position, never a crash.
///
/// Bulk imports read millions of records, so the reader works on bytes: `readRecord()` leaves
/// the current record's unescaped fields back to back in one reused buffer (no allocation per
/// field), and `next()` builds Strings from them for callers that want them.
public final class CSVReader {
  /// All mutable state lives in one struct, so a record is read under one exclusive access
  /// instead of a runtime exclusivity check per byte run and per append.
  private var scanner: CSVScanner

  public var maxRecordBytes: Int { scanner.maxRecordBytes }
  /// The current record's fields, unescaped, back to back.
  public var recordBytes: [UInt8] { scanner.recordBytes }
  /// Where each field of the current record ends in `recordBytes` (it starts where the
  /// previous one ends).
  public var fieldEnds: [Int] { scanner.fieldEnds }
  /// Line and column where each field of the current record starts.
  public var fieldPositions: [(line: Int, column: Int)] { scanner.fieldPositions }
  /// Bytes consumed so far (for progress).
  public var bytesRead: Int { scanner.bytesRead }

  public init(handle: FileHandle, maxRecordBytes: Int = 1 << 20) {
    scanner = CSVScanner(handle: handle, buffer: [], atEOF: false, maxRecordBytes: maxRecordBytes)
  }

  /// Reads from bytes already in memory (embedded fixtures, tests).
  public init(bytes: [UInt8], maxRecordBytes: Int = 1 << 20) {
    scanner = CSVScanner(handle: nil, buffer: bytes, atEOF: true, maxRecordBytes: maxRecordBytes)
  }

  /// Reads the next record into `recordBytes`, `fieldEnds` and `fieldPositions`; false at the
  /// end of input. Blank lines are skipped.
  public func readRecord() throws(CSVError) -> Bool { try scanner.readRecord() }

  /// The next record as Strings, or nil at the end of input. Blank lines are skipped.
  public func next() throws(CSVError) -> CSVRecord? {
    guard try readRecord() else { return nil }
    return scanner.recordBytes.withUnsafeBufferPointer { bytes in
      let fields = scanner.fieldEnds.indices.map {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[CSVScanner.range(of: $0, in: scanner.fieldEnds)]), as: UTF8.self)
      }
      return CSVRecord(fields: fields, positions: scanner.fieldPositions)
    }
  }
}

/// The reader's state and scanning loop.
package struct CSVScanner {
  package let handle: FileHandle?
  package var buffer: [UInt8]
  package var position = 0
  package var atEOF: Bool
  /// Bytes of input before `buffer[0]`.
  package var bufferOffset = 0
  package var line = 1
  /// Input offset of the current line's first byte (columns are byte columns, 1-based).
  package var lineStart = 0
  package var startedFile = false
  package let maxRecordBytes: Int
  package var recordBytes: [UInt8] = []
  package var fieldEnds: [Int] = []
  package var fieldPositions: [(line: Int, column: Int)] = []

  package init(handle: FileHandle?, buffer: [UInt8], atEOF: Bool, maxRecordBytes: Int) {
    self.handle = handle
    self.buffer = buffer
    self.atEOF = atEOF
    self.maxRecordBytes = maxRecordBytes
  }

  package var bytesRead: Int { bufferOffset + position }

  /// The bytes of field `index` in `recordBytes`, given the record's `fieldEnds`.
  @inline(__always) package static func range(of index: Int, in ends: [Int]) -> Range<Int> {
    (index == 0 ? 0 : ends[index - 1])..<ends[index]
  }

  private mutating func refill() -> Bool {
    if atEOF { return false }
    let data = (try? handle?.read(upToCount: 1 << 16)) ?? nil
    guard let data, !data.isEmpty else {
      atEOF = true
      return false
    }
    bufferOffset += buffer.count
    buffer = [UInt8](data)
    position = 0
    return true
  }

  @inline(__always) private mutating func peekByte() -> UInt8? {
    if position >= buffer.count, !refill() { return nil }
    return buffer[position]
  }

  /// Consumes a line feed at the current position.
  @inline(__always) private mutating func newLine() {
    position += 1
    line += 1
    lineStart = bytesRead
  }

  private var column: Int { bytesRead - lineStart + 1 }

  private enum Mode { case unquoted, quoted, afterQuote }

  package mutating func readRecord() throws(CSVError) -> Bool {
    if !startedFile {
      startedFile = true
      if peekByte() == 0xEF {
        for expected: UInt8 in [0xEF, 0xBB, 0xBF] {
          guard peekByte() == expected else { throw CSVError(line: 1, column: 1, message: "invalid UTF-8 at the start of the file") }
          position += 1
        }
        lineStart = bytesRead
      }
    }
    recordBytes.removeAll(keepingCapacity: true)
    fieldEnds.removeAll(keepingCapacity: true)
    fieldPositions.removeAll(keepingCapacity: true)
    while let byte = peekByte(), byte == 0x0A || byte == 0x0D {
      if byte == 0x0A { newLine() } else { position += 1 }
    }
    guard peekByte() != nil else { return false }
    let recordStart = bytesRead
    var fieldStart = (line: line, column: column)
    var mode = Mode.unquoted
    var highBits: UInt8 = 0  // OR of the current field's bytes: ASCII needs no UTF-8 check

    func finishField() throws(CSVError) {
      let start = fieldEnds.last ?? 0
      if highBits >= 0x80, String(validating: recordBytes[start...], as: UTF8.self) == nil {
        throw CSVError(line: fieldStart.line, column: fieldStart.column, message: "invalid UTF-8 in field \(fieldEnds.count + 1)")
      }
      fieldEnds.append(recordBytes.count)
      fieldPositions.append(fieldStart)
      highBits = 0
    }

    while true {
      if position >= buffer.count, !refill() {
        if mode == .quoted { throw CSVError(line: fieldStart.line, column: fieldStart.column, message: "unterminated quoted field") }
        try finishField()
        return true
      }
      if bytesRead - recordStart >= maxRecordBytes {
        throw CSVError(line: fieldStart.line, column: fieldStart.column, message: "record longer than \(maxRecordBytes) bytes")
      }
      // Copy the run of ordinary bytes up to the next byte that means something, in one go.
      let limit = min(buffer.count, position + (maxRecordBytes - (bytesRead - recordStart)))
      var end = position
      var byte: UInt8 = 0
      buffer.withUnsafeBufferPointer { bytes in
        switch mode {
        case .unquoted, .afterQuote:
          while end < limit {
            byte = bytes[end]
            if byte == 0x2C || byte == 0x0A || byte == 0x0D || byte == 0x22 || byte == 0 { break }
            highBits |= byte
            end += 1
          }
        case .quoted:
          while end < limit {
            byte = bytes[end]
            if byte == 0x22 || byte == 0x0A || byte == 0 { break }
            highBits |= byte
            end += 1
          }
        }
      }
      if end > position {
        if mode == .afterQuote {
          throw CSVError(line: line, column: column, message: "unexpected character after a closing quote (expected , or end of line)")
        }
        recordBytes.append(contentsOf: buffer[position..<end])
        position = end
        continue
      }
      if byte == 0 { throw CSVError(line: line, column: column, message: "NUL byte in input") }
      switch (mode, byte) {
      case (.quoted, 0x0A):
        recordBytes.append(byte)
        newLine()
      case (.quoted, _):  // a quote: doubled, or the end of the field
        position += 1
        if peekByte() == 0x22 {
          recordBytes.append(byte)
          position += 1
        } else {
          mode = .afterQuote
        }
      case (_, 0x2C):
        try finishField()
        position += 1
        mode = .unquoted
        fieldStart = (line, column)
      case (_, 0x0A), (_, 0x0D):
        try finishField()
        if byte == 0x0D {
          position += 1
          if peekByte() == 0x0A { newLine() } else { line += 1; lineStart = bytesRead }
        } else {
          newLine()
        }
        return true
      default:  // a quote outside a quoted field
        guard mode == .unquoted, recordBytes.count == (fieldEnds.last ?? 0) else {
          if mode == .afterQuote {
            throw CSVError(line: line, column: column, message: "unexpected character after a closing quote (expected , or end of line)")
          }
          throw CSVError(line: line, column: column, message: "stray quote inside an unquoted field (quote the whole field and double inner quotes)")
        }
        position += 1
        mode = .quoted
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
      throw .invalid("\(error.message)", rule: .csv, at: SourcePosition(file: file, line: error.line, column: error.column))
    }
  }

  /// `readRecord()`, with a syntax error turned into `FILE:LINE:COLUMN: message` (exit 65).
  public func readRecord(file: String) throws(CorridorError) -> Bool {
    do {
      return try readRecord()
    } catch {
      throw .invalid("\(error.message)", rule: .csv, at: SourcePosition(file: file, line: error.line, column: error.column))
    }
  }

  /// Reads the header row and maps each known column to its index. Unknown, repeated and
  /// missing required columns are errors naming their position.
  public func header(file: String, columns: [String], required: Set<String>) throws(CorridorError) -> [String: Int] {
    guard let header = try next(file: file) else {
      throw .invalid(
        "empty file, expected the header \(columns.joined(separator: ","))", rule: .csv, at: SourcePosition(file: file, line: 1, column: 1))
    }
    var index: [String: Int] = [:]
    for (i, name) in header.fields.enumerated() {
      let position = header.positions[i]
      guard columns.contains(name) else {
        throw .invalid(
          "unknown column \(name.debugDescription); the columns are \(columns.joined(separator: ","))", rule: .csv,
          at: SourcePosition(file: file, line: position.line, column: position.column))
      }
      guard index[name] == nil else {
        throw .invalid("duplicate column \(name)", rule: .csv, at: SourcePosition(file: file, line: position.line, column: position.column))
      }
      index[name] = i
    }
    if let missing = required.subtracting(index.keys).sorted().first {
      throw .invalid("missing column \(missing)", rule: .csv, at: SourcePosition(file: file, line: 1, column: 1))
    }
    return index
  }
}
