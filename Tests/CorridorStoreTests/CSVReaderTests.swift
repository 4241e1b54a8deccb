import CorridorPresentation
import Foundation
import Testing

@testable import CorridorInterchange
@testable import CorridorModel
@testable import CorridorStore

/// The RFC 4180 reader on its own: fields, positions and every syntax error with its place.
@Suite struct CSVReaderTests {
  static func records(_ text: String) throws(CSVError) -> [[String]] {
    let reader = CSVReader(bytes: Array(text.utf8))
    var out: [[String]] = []
    while let record = try reader.next() { out.append(record.fields) }
    return out
  }

  static func error(_ bytes: [UInt8], maxRecordBytes: Int = 1 << 20) -> CSVError? {
    let reader = CSVReader(bytes: bytes, maxRecordBytes: maxRecordBytes)
    do {
      while try reader.next() != nil {}
    } catch {
      return error
    }
    return nil
  }

  @Test func fieldsQuotesAndLineEnds() throws {
    #expect(try Self.records("a,b,c\n1,,3\n") == [["a", "b", "c"], ["1", "", "3"]])
    #expect(try Self.records("a,b\r\n1,2\r\n") == [["a", "b"], ["1", "2"]])
    #expect(try Self.records("a,b\r1,2") == [["a", "b"], ["1", "2"]])
    #expect(try Self.records("\u{FEFF}id,x\n\n\n1,\"a, \"\"b\"\"\nc\"\n") == [["id", "x"], ["1", "a, \"b\"\nc"]])
    #expect(try Self.records("x,\"\"\n,\n") == [["x", ""], ["", ""]])
    #expect(try Self.records("é,中文\n") == [["é", "中文"]])
    #expect(try Self.records("") == [])
  }

  @Test func positionsAreLineAndByteColumn() throws {
    let reader = CSVReader(bytes: Array("\u{FEFF}ab,\"c\nd\",e\n\nxy,z\n".utf8))
    let first = try #require(try reader.next())
    #expect(first.positions.map { [$0.line, $0.column] } == [[1, 1], [1, 4], [2, 4]])
    let second = try #require(try reader.next())
    #expect(second.positions.map { [$0.line, $0.column] } == [[4, 1], [4, 4]])
    #expect(reader.bytesRead == Array("\u{FEFF}ab,\"c\nd\",e\n\nxy,z\n".utf8).count)
  }

  @Test func syntaxErrorsNameTheirPlace() {
    #expect(
      Self.error(Array("a,b\n1,x\"y\n".utf8))
        == CSVError(line: 2, column: 4, message: "stray quote inside an unquoted field (quote the whole field and double inner quotes)"))
    #expect(
      Self.error(Array("a,b\n1,\"x\"y\n".utf8))
        == CSVError(line: 2, column: 6, message: "unexpected character after a closing quote (expected , or end of line)"))
    #expect(Self.error(Array("a,b\n1,\"xy\n\n".utf8)) == CSVError(line: 2, column: 3, message: "unterminated quoted field"))
    #expect(Self.error(Array("a,b\n1,x".utf8) + [0] + Array("y\n".utf8)) == CSVError(line: 2, column: 4, message: "NUL byte in input"))
    #expect(Self.error(Array("a,b\n1,".utf8) + [0xC3, 0x28] + [0x0A]) == CSVError(line: 2, column: 3, message: "invalid UTF-8 in field 2"))
    #expect(Self.error([0xEF, 0xBB, 0x41]) == CSVError(line: 1, column: 1, message: "invalid UTF-8 at the start of the file"))
    #expect(Self.error(Array("a,b\n1,22222\n".utf8), maxRecordBytes: 4) == CSVError(line: 2, column: 3, message: "record longer than 4 bytes"))
  }

  /// Records that straddle the reader's 64 KiB chunks read the same as records that do not.
  @Test func recordsAcrossChunkBoundaries() throws {
    var text = ""
    for i in 0..<20_000 { text += "\(i),\"q\"\"\(i)\",x\r\n" }
    let path = try writeFile(text)
    let reader = CSVReader(handle: try #require(FileHandle(forReadingAtPath: path)))
    var count = 0
    while let record = try reader.next() {
      #expect(record.fields == ["\(count)", "q\"\(count)", "x"])
      #expect(record.line == count + 1)
      count += 1
    }
    #expect(count == 20_000)
  }
}
