import CorridorModel
import Foundation

/// Segments stored flat: the decoded text of every component one after the other, and where
/// each component ends and which data element it belongs to. A message of a thousand containers
/// is eight thousand segments; one array each (rather than an array per segment and per element)
/// keeps reading EDIFACT close to reading the same events as CSV. A value type while it is filled
/// (its arrays change in place); `EDIFACTSegmentStore` holds a finished message.
package struct EDIFACTSegmentBuffer {
  /// UTF-8 text of all components.
  package var text: [UInt8] = []
  /// Per component: where its text ends, and its element (0 is the tag).
  package var ends: [Int32] = []
  package var elements: [UInt16] = []
  /// Per segment: its first component, its tag (`EDIFACTTag.code`) and its byte offset in the file.
  package var starts: [Int32] = []
  package var tags: [UInt32] = []
  package var offsets: [Int] = []

  package var count: Int { starts.count }

  package mutating func removeLast() {
    let first = Int(starts.removeLast())
    tags.removeLast()
    offsets.removeLast()
    text.removeSubrange((first == 0 ? 0 : Int(ends[first - 1]))...)
    ends.removeSubrange(first...)
    elements.removeSubrange(first...)
  }

  /// Components `first..<end` of segment `index`.
  package func componentRange(of index: Int) -> Range<Int> {
    Int(starts[index])..<(index + 1 < starts.count ? Int(starts[index + 1]) : ends.count)
  }

  package func string(component: Int) -> String {
    let start = component == 0 ? 0 : Int(ends[component - 1])
    return text.withUnsafeBufferPointer { String(decoding: $0[start..<Int(ends[component])], as: UTF8.self) }
  }

  /// Component `component` of data element `element` of segment `index` (0-based, the tag not
  /// counted), or nil when absent or empty.
  package func value(_ index: Int, _ element: Int, _ component: Int) -> String? {
    var seen = 0
    for c in componentRange(of: index) where Int(elements[c]) == element + 1 {
      if seen == component {
        let value = string(component: c)
        return value.isEmpty ? nil : value
      }
      seen += 1
    }
    return nil
  }
}

/// The segments of one message, as read. Immutable: reading a class's `let` properties needs no
/// run-time exclusivity checks, which cost more than the reading when every event looks at a
/// dozen segments.
public final class EDIFACTSegmentStore {
  package let buffer: EDIFACTSegmentBuffer

  package init(_ buffer: EDIFACTSegmentBuffer) { self.buffer = buffer }

  public var count: Int { buffer.count }

  public subscript(index: Int) -> EDIFACTSegment { EDIFACTSegment(store: self, index: index) }

  /// The tag of segment `index` as three bytes in one number (`EDIFACTTag.loc`).
  package func tag(of index: Int) -> UInt32 { buffer.tags[index] }
}

/// One UN/EDIFACT segment of a message: its tag and its data elements, each a list of components,
/// with release characters removed and text converted to UTF-8 from the interchange's syntax level.
public struct EDIFACTSegment {
  package let store: EDIFACTSegmentStore
  package let index: Int

  public var tag: String { store.buffer.string(component: Int(store.buffer.starts[index])) }
  /// Byte offset of the segment's first byte in the file.
  public var offset: Int { store.buffer.offsets[index] }

  /// Component `component` of data element `element` (both 0-based, the tag not counted), or nil
  /// when absent or empty.
  public subscript(element: Int, component: Int = 0) -> String? { store.buffer.value(index, element, component) }

  /// How many data elements the segment has (the tag not counted).
  public var elementCount: Int {
    let buffer = store.buffer
    return buffer.componentRange(of: index).map { Int(buffer.elements[$0]) }.max() ?? 0
  }

  /// Every component of data element `element`.
  public func components(of element: Int) -> [String] {
    let buffer = store.buffer
    return buffer.componentRange(of: index).filter { Int(buffer.elements[$0]) == element + 1 }.map { buffer.string(component: $0) }
  }
}

/// Segment tags as `EDIFACTSegmentBuffer.tags` holds them: three bytes in one number.
package enum EDIFACTTag {
  package static func code(_ tag: String) -> UInt32 { code(bytes: tag.utf8) }
  package static func code(bytes: some Collection<UInt8>) -> UInt32 { bytes.prefix(3).reduce(0) { $0 << 8 | UInt32($1) } }

  /// "UN", the first two bytes of every service segment's tag.
  package static let service = UInt32(0x55) << 8 | 0x4E
  package static let unb = code("UNB")
  package static let unz = code("UNZ")
  package static let ung = code("UNG")
  package static let une = code("UNE")
  package static let unh = code("UNH")
  package static let unt = code("UNT")
  package static let bgm = code("BGM")
  package static let cni = code("CNI")
  package static let sts = code("STS")
  package static let eqd = code("EQD")
  package static let cnt = code("CNT")
  package static let loc = code("LOC")
  package static let dtm = code("DTM")
  package static let tdt = code("TDT")
  package static let rff = code("RFF")
  package static let sel = code("SEL")
  package static let ftx = code("FTX")
}

/// The syntax levels Corridor reads: UNOA and UNOB are ASCII subsets, UNOC is ISO 8859-1 (Latin-1),
/// UNOW and UNOY are UTF-8 (syntax version 4).
package enum EDIFACTCharset: Equatable {
  case ascii(String)
  case latin1
  case utf8

  package init?(syntax: String) {
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
package struct EDIFACTSyntaxError: Error {
  package let message: String
  package let offset: Int
}

/// Splits an EDIFACT byte stream into segments, streaming (a 64 KiB window; no file is read
/// whole). Handles the UNA service string advice (defaults `:+.? '` when absent, and again at each
/// interchange), the release character, and line breaks: between segments, and inside them
/// where old systems wrapped lines at a fixed width (an unreleased CR or LF is never data).
///
/// Written here because no EDIFACT library exists for Swift; it is small and fuzzed
/// (`EDIFACTTests`).
package final class EDIFACTTokenizer {
  /// A longer segment is refused rather than buffered: memory stays flat on hostile input.
  package static let maxSegmentBytes = 1 << 20

  private let handle: FileHandle?
  private var buffer: [UInt8]
  private var position = 0
  /// File offset of `buffer[0]`.
  private var base = 0
  private var atEOF: Bool

  package private(set) var componentSeparator = UInt8(ascii: ":")
  package private(set) var elementSeparator = UInt8(ascii: "+")
  package private(set) var releaseCharacter: UInt8? = UInt8(ascii: "?")
  package private(set) var segmentTerminator = UInt8(ascii: "'")
  /// Set by the interchange reader from UNB's syntax identifier; UNB itself is ASCII.
  package var charset = EDIFACTCharset.ascii("UNOB")
  /// Bytes read from the file so far.
  package var bytesRead: Int { base + buffer.count }

  package init(handle: FileHandle) {
    self.handle = handle
    buffer = []
    atEOF = false
  }

  /// Reads from bytes already in memory (tests, fuzzing).
  package init(bytes: [UInt8]) {
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

  /// Reads the next segment into `store`; false at the end of the input.
  package func next(into store: inout EDIFACTSegmentBuffer) throws(EDIFACTSyntaxError) -> Bool {
    while true {
      // Line breaks (and stray spaces) between segments.
      while true {
        if position >= buffer.count, !fill(keeping: position) { return false }
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
      try segment(into: &store)
      return true
    }
  }

  /// Reads one segment from `position` to its terminator into `store`.
  ///
  /// The loops work on local copies of the buffer, the service characters and the store's arrays:
  /// every access to a class's stored property is checked for exclusivity at run time, and those
  /// checks cost more than the scanning itself.
  private func segment(into store: inout EDIFACTSegmentBuffer) throws(EDIFACTSyntaxError) {
    let start = base + position
    let release = releaseCharacter ?? 0
    let hasRelease = releaseCharacter != nil
    let terminator = segmentTerminator
    let componentSeparator = self.componentSeparator
    let elementSeparator = self.elementSeparator
    var scan = position
    // Find the terminator, reading on as needed.
    while true {
      let bytes = buffer
      var end = scan
      var found = false
      while end < bytes.count {
        let byte = bytes[end]
        if hasRelease && byte == release {
          end += 2
        } else if byte == terminator {
          found = true
          break
        } else {
          end += 1
        }
      }
      if found {
        scan = end
        break
      }
      if end - position > Self.maxSegmentBytes {
        throw EDIFACTSyntaxError(message: "segment longer than \(Self.maxSegmentBytes) bytes", offset: start)
      }
      let consumed = end - position
      guard fill(keeping: position) else {
        throw EDIFACTSyntaxError(message: "the file ends inside a segment (no segment terminator)", offset: start)
      }
      scan = position + min(consumed, buffer.count)
    }
    if scan - position > Self.maxSegmentBytes {
      throw EDIFACTSyntaxError(message: "segment longer than \(Self.maxSegmentBytes) bytes", offset: start)
    }
    let firstComponent = store.ends.count
    let textStart = store.text.count
    var element: UInt16 = 0
    var componentStart = textStart
    var highBytes = false
    // Plain loops over a local copy: a closure would box the arrays it appends to.
    let bytes = buffer
    var index = position
    while true {
      let atEnd = index >= scan
      let byte = atEnd ? 0 : bytes[index]
      if !atEnd, hasRelease, byte == release {
        guard index + 1 < scan else { throw EDIFACTSyntaxError(message: "release character at the end of a segment", offset: base + index) }
        let next = bytes[index + 1]
        highBytes = highBytes || next >= 0x80
        store.text.append(next)
        index += 2
        continue
      }
      if atEnd || byte == componentSeparator || byte == elementSeparator {
        if highBytes { try convert(&store.text, from: componentStart, at: start) }
        highBytes = false
        store.ends.append(Int32(store.text.count))
        store.elements.append(element)
        componentStart = store.text.count
        if atEnd { break }
        if byte == elementSeparator { element &+= 1 }
      } else if byte != 0x0A && byte != 0x0D {
        highBytes = highBytes || byte >= 0x80
        store.text.append(byte)
      }
      index += 1
    }
    position = scan + 1
    // The tag: one component of three capital letters.
    let tagComponents = store.elements[firstComponent...].prefix { $0 == 0 }.count
    let tagLength = Int(store.ends[firstComponent]) - textStart
    guard tagComponents == 1, tagLength == 3, store.text[textStart..<(textStart + 3)].allSatisfy({ (0x41...0x5A).contains($0) }) else {
      let found = String(decoding: store.text[textStart..<Int(store.ends[firstComponent + tagComponents - 1])], as: UTF8.self)
      throw EDIFACTSyntaxError(message: "expected a segment tag of three capital letters, found \(found.debugDescription)", offset: start)
    }
    store.starts.append(Int32(firstComponent))
    store.tags.append(EDIFACTTag.code(bytes: store.text[textStart..<(textStart + 3)]))
    store.offsets.append(start)
  }

  /// Converts the component's text from `from` to the end of `text`, which holds bytes above
  /// 0x7F, from the interchange's character set to UTF-8 (or refuses them).
  private func convert(_ text: inout [UInt8], from: Int, at offset: Int) throws(EDIFACTSyntaxError) {
    let bytes = Array(text[from...])
    text.removeSubrange(from...)
    text.append(contentsOf: try self.text(bytes, at: offset).utf8)
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
