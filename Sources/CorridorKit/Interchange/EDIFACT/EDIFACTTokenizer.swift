import Foundation

/// One UN/EDIFACT segment: its tag and its data elements, each a list of components, with
/// release characters removed and text converted to UTF-8 from the interchange's syntax level.
public struct EDIFACTSegment: Sendable, Equatable {
  public var tag: String
  /// The data elements after the tag.
  public var elements: [[String]]
  /// Byte offset of the segment's first byte in the file.
  public var offset: Int

  /// Component `component` of data element `element` (both 0-based, the tag not counted), or nil
  /// when absent or empty.
  public subscript(element: Int, component: Int = 0) -> String? {
    guard element < elements.count, component < elements[element].count else { return nil }
    let value = elements[element][component]
    return value.isEmpty ? nil : value
  }
}

/// The syntax levels Corridor reads: UNOA and UNOB are ASCII subsets, UNOC is ISO 8859-1 (Latin-1),
/// UNOW and UNOY are UTF-8 (syntax version 4).
enum EDIFACTCharset: Equatable {
  case ascii(String)
  case latin1
  case utf8

  init?(syntax: String) {
    switch syntax.uppercased() {
    case "UNOA", "UNOB": self = .ascii(syntax.uppercased())
    case "UNOC": self = .latin1
    case "UNOW", "UNOY": self = .utf8
    default: return nil
    }
  }
}

/// A syntax error and the byte offset where it was found; the interchange reader adds which
/// interchange, message and segment it was in.
struct EDIFACTSyntaxError: Error {
  let message: String
  let offset: Int
}

/// Splits an EDIFACT byte stream into segments, streaming (a 64 KiB window; no file is read
/// whole). Handles the UNA service string advice (defaults `:+.? '` when absent, and again at each
/// interchange), the release character, and line breaks: between segments, and inside them
/// where old systems wrapped lines at a fixed width (an unreleased CR or LF is never data).
///
/// Written here because no EDIFACT library exists for Swift; it is small and fuzzed
/// (`EDIFACTTests`).
final class EDIFACTTokenizer {
  /// A longer segment is refused rather than buffered: memory stays flat on hostile input.
  static let maxSegmentBytes = 1 << 20

  private let handle: FileHandle?
  private var buffer: [UInt8]
  private var position = 0
  /// File offset of `buffer[0]`.
  private var base = 0
  private var atEOF: Bool

  private(set) var componentSeparator = UInt8(ascii: ":")
  private(set) var elementSeparator = UInt8(ascii: "+")
  private(set) var releaseCharacter: UInt8? = UInt8(ascii: "?")
  private(set) var segmentTerminator = UInt8(ascii: "'")
  /// Set by the interchange reader from UNB's syntax identifier; UNB itself is ASCII.
  var charset = EDIFACTCharset.ascii("UNOB")
  /// Bytes read from the file so far.
  var bytesRead: Int { base + buffer.count }

  init(handle: FileHandle) {
    self.handle = handle
    buffer = []
    atEOF = false
  }

  /// Reads from bytes already in memory (tests, fuzzing).
  init(bytes: [UInt8]) {
    handle = nil
    buffer = bytes
    atEOF = true
  }

  /// Reads more of the file, keeping the bytes from `keep` on; false at the end of the file.
  private func fill(keeping keep: Int) -> Bool {
    guard !atEOF, let handle else { return false }
    guard let data = try? handle.read(upToCount: 1 << 16), !data.isEmpty else {
      atEOF = true
      return false
    }
    if keep > 0 {
      buffer.removeFirst(keep)
      base += keep
      position -= keep
    }
    buffer.append(contentsOf: data)
    return true
  }

  private func restoreDefaults() {
    componentSeparator = UInt8(ascii: ":")
    elementSeparator = UInt8(ascii: "+")
    releaseCharacter = UInt8(ascii: "?")
    segmentTerminator = UInt8(ascii: "'")
  }

  /// The next segment, or nil at the end of the input.
  func next() throws(EDIFACTSyntaxError) -> EDIFACTSegment? {
    while true {
      // Line breaks (and stray spaces) between segments.
      while true {
        if position >= buffer.count, !fill(keeping: position) { return nil }
        let byte = buffer[position]
        guard byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09 else { break }
        position += 1
      }
      while buffer.count - position < 9, fill(keeping: position) {}
      if buffer.count - position >= 3, buffer[position] == 0x55, buffer[position + 1] == 0x4E, buffer[position + 2] == 0x41 {
        guard buffer.count - position >= 9 else {
          throw EDIFACTSyntaxError(message: "UNA service string advice is cut short", offset: base + position)
        }
        let advice = Array(buffer[(position + 3)..<(position + 9)])
        let used = [advice[0], advice[1], advice[3], advice[5]]
        if Set(used).count != used.count || used.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
          throw EDIFACTSyntaxError(message: "UNA service string advice uses one character for two purposes", offset: base + position)
        }
        componentSeparator = advice[0]
        elementSeparator = advice[1]
        releaseCharacter = advice[3] == 0x20 ? nil : advice[3]
        segmentTerminator = advice[5]
        position += 9
        continue
      }
      // A UNB without its own UNA (written with the default '+') starts with the defaults again.
      if buffer.count - position >= 4, buffer[position] == 0x55, buffer[position + 1] == 0x4E, buffer[position + 2] == 0x42,
        buffer[position + 3] == 0x2B, elementSeparator != 0x2B
      {
        restoreDefaults()
      }
      return try segment()
    }
  }

  /// Reads one segment from `position` to its terminator.
  private func segment() throws(EDIFACTSyntaxError) -> EDIFACTSegment {
    let start = base + position
    var scan = position
    // Find the terminator, reading on as needed.
    while true {
      if scan >= buffer.count {
        let consumed = scan - position
        guard fill(keeping: position) else {
          throw EDIFACTSyntaxError(message: "the file ends inside a segment (no segment terminator)", offset: start)
        }
        scan = position + consumed
        continue
      }
      let byte = buffer[scan]
      if byte == releaseCharacter {
        scan += 2
        continue
      }
      if byte == segmentTerminator { break }
      scan += 1
      if scan - position > Self.maxSegmentBytes {
        throw EDIFACTSyntaxError(message: "segment longer than \(Self.maxSegmentBytes) bytes", offset: start)
      }
    }
    var elements: [[String]] = []
    var components: [String] = []
    var scratch: [UInt8] = []
    scratch.reserveCapacity(64)
    var index = position
    while index < scan {
      let byte = buffer[index]
      if byte == releaseCharacter {
        guard index + 1 < scan else { throw EDIFACTSyntaxError(message: "release character at the end of a segment", offset: base + index) }
        scratch.append(buffer[index + 1])
        index += 2
        continue
      }
      if byte == componentSeparator {
        components.append(try text(scratch, at: base + index))
        scratch.removeAll(keepingCapacity: true)
      } else if byte == elementSeparator {
        components.append(try text(scratch, at: base + index))
        scratch.removeAll(keepingCapacity: true)
        elements.append(components)
        components = []
      } else if byte != 0x0A && byte != 0x0D {
        scratch.append(byte)
      }
      index += 1
    }
    components.append(try text(scratch, at: base + scan))
    elements.append(components)
    position = scan + 1
    let tag = elements.removeFirst()
    guard tag.count == 1, let name = tag.first, name.utf8.count == 3, name.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
      throw EDIFACTSyntaxError(
        message: "expected a segment tag of three capital letters, found \(tag.joined(separator: ":").debugDescription)", offset: start)
    }
    return EDIFACTSegment(tag: name, elements: elements, offset: start)
  }

  /// A component's bytes as text in the interchange's character set.
  private func text(_ bytes: [UInt8], at offset: Int) throws(EDIFACTSyntaxError) -> String {
    if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
    switch charset {
    case .ascii(let level):
      let byte = bytes.first { $0 >= 0x80 } ?? 0
      throw EDIFACTSyntaxError(
        message: "byte 0x\(String(byte, radix: 16, uppercase: true)) is not allowed in syntax level \(level) (ISO 8859-1 text needs UNOC)",
        offset: offset)
    case .latin1:
      var scalars = String.UnicodeScalarView()
      for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
      return String(scalars)
    case .utf8:
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw EDIFACTSyntaxError(message: "text is not valid UTF-8", offset: offset)
      }
      return text
    }
  }
}
