import CorridorModel
import Foundation

/// One message of an interchange, UNH to UNT, with where it came from.
public struct EDIFACTMessage {
  /// UNB's sender identification and interchange control reference (0004, 0020).
  public let sender: String
  public let interchange: String
  /// UNH's message reference number (0062) and message type (0065, e.g. CODECO).
  public let reference: String
  public let type: String
  /// Directory version and release (0052, 0054), e.g. "D" and "95B".
  public let version: String
  public let release: String
  /// The segments between UNH and UNT.
  public let segments: EDIFACTSegmentStore
  /// The file-wide number (1-based) of UNH: segment `i` of `segments` is `firstSegment + 1 + i`.
  public let firstSegment: Int
  /// UNH's own segment number within the message is 1, so `segments[i]` is number `i + 2`.
  public func position(of index: Int, file: String) -> SourcePosition {
    let offset = index < segments.count ? segments[index].offset : segments.buffer.offsets.last ?? 0
    return SourcePosition(
      file: file, line: firstSegment + 1 + index, interchange: interchange, message: reference, segment: index + 2, byte: offset)
  }

  /// The message's own place (its UNH), for what is wrong with the message as a whole.
  public func headPosition(file: String) -> SourcePosition {
    SourcePosition(
      file: file, line: firstSegment, interchange: interchange, message: reference, segment: 1,
      byte: segments.count > 0 ? segments[0].offset : segments.buffer.offsets.last ?? 0)
  }
}

/// Reads messages out of a stream of interchanges, checking the envelopes: UNB/UNZ and UNH/UNT
/// pairs, UNT's segment count, UNZ's message (or group) count, UNG/UNE groups, and matching
/// control references. A broken envelope is an error naming the interchange, the message, the
/// segment number and the byte offset; nothing of the file is imported then (all or nothing).
package final class EDIFACTInterchangeReader {
  /// A message with more segments is refused: messages are held whole while they are mapped.
  package static let maxMessageSegments = 200_000

  private let tokenizer: EDIFACTTokenizer
  private let file: String
  /// File-wide segment count.
  private var segmentNumber = 0
  private var interchange: (sender: String, reference: String, messages: Int, groups: Int)?
  private var group: (reference: String, messages: Int)?
  private var sawInterchange = false

  package var bytesRead: Int { tokenizer.bytesRead }

  package init(tokenizer: EDIFACTTokenizer, file: String) {
    self.tokenizer = tokenizer
    self.file = file
  }

  private func error(_ message: String, offset: Int, messageRef: String? = nil, segmentInMessage: Int? = nil) -> CorridorError {
    var place: [String] = []
    if let interchange { place.append("interchange \(interchange.reference)") }
    if let messageRef { place.append("message \(messageRef)") }
    place.append("segment \(segmentInMessage ?? segmentNumber)")
    place.append("byte \(offset)")
    return .invalid(
      message, rule: .edifact, at: SourcePosition(file: file, line: segmentNumber, column: 1, detail: place.joined(separator: ", ")))
  }

  /// A count as a control segment writes it (numeric, leading zeros allowed: `000012`).
  package static func count(_ text: String?) -> Int? { text.flatMap { Int($0) } }

  /// The next message of any type, or nil at the end of the file.
  package func next() throws(CorridorError) -> EDIFACTMessage? {
    var message: (reference: String, type: String, version: String, release: String, first: Int)?
    // Segments go straight into the open message's buffer; service segments are read there and
    // taken out again (outside a message they go to a scratch buffer).
    var segments = EDIFACTSegmentBuffer()
    while true {
      let read: Bool
      do { read = try tokenizer.next(into: &segments) } catch let syntax {
        segmentNumber += 1
        throw error(syntax.message, offset: syntax.offset, messageRef: message?.reference, segmentInMessage: message.map { _ in segments.count + 2 })
      }
      guard read else {
        if let message {
          throw error(
            "the file ends inside message \(message.reference) (no UNT)", offset: tokenizer.bytesRead, messageRef: message.reference,
            segmentInMessage: segments.count + 2)
        }
        if let interchange { throw error("the file ends inside interchange \(interchange.reference) (no UNZ)", offset: tokenizer.bytesRead) }
        if !sawInterchange { throw error("no interchange (UNB) in the file: not UN/EDIFACT", offset: 0) }
        return nil
      }
      segmentNumber += 1
      let last = segments.count - 1
      let tag = segments.tags[last]
      let offset = segments.offsets[last]
      let inMessage = message.map { _ in segments.count + 1 }
      func fail(_ text: String) -> CorridorError {
        error(text, offset: offset, messageRef: message?.reference, segmentInMessage: inMessage)
      }
      guard tag >> 8 == EDIFACTTag.service else {
        // A data segment: it stays where it is, in the message.
        guard message != nil else { throw fail("segment \(segments.string(component: Int(segments.starts[last]))) outside a message (UNH … UNT)") }
        guard segments.count <= Self.maxMessageSegments else { throw fail("message has more than \(Self.maxMessageSegments) segments") }
        continue
      }
      func value(_ element: Int, _ component: Int) -> String? { segments.value(last, element, component) }
      switch tag {
      case EDIFACTTag.unb:
        if let interchange { throw fail("UNB inside interchange \(interchange.reference) (its UNZ is missing)") }
        guard let syntax = value(0, 0) else { throw fail("UNB has no syntax identifier") }
        guard let charset = EDIFACTCharset(syntax: syntax) else {
          throw fail("unknown syntax level \(syntax.debugDescription); expected UNOA, UNOB, UNOC, UNOW or UNOY")
        }
        guard let reference = value(4, 0) else { throw fail("UNB has no interchange control reference") }
        tokenizer.charset = charset
        interchange = (value(1, 0) ?? "", reference, 0, 0)
        sawInterchange = true
      case EDIFACTTag.unz:
        guard let current = interchange else { throw fail("UNZ outside an interchange") }
        if let message { throw fail("UNZ inside message \(message.reference) (its UNT is missing)") }
        if let group { throw fail("UNZ inside group \(group.reference) (its UNE is missing)") }
        let expected = current.groups > 0 ? current.groups : current.messages
        guard Self.count(value(0, 0)) == expected else {
          throw fail("UNZ counts \(value(0, 0) ?? "nothing") \(current.groups > 0 ? "groups" : "messages"); the interchange has \(expected)")
        }
        guard value(1, 0) == current.reference else {
          throw fail("UNZ reference \(value(1, 0) ?? "(none)") does not match UNB's \(current.reference)")
        }
        interchange = nil
        tokenizer.charset = .ascii("UNOB")
      case EDIFACTTag.ung:
        guard interchange != nil, message == nil, group == nil else { throw fail("UNG outside an interchange or inside a group or message") }
        group = (value(4, 0) ?? "", 0)
      case EDIFACTTag.une:
        guard let current = group, message == nil else { throw fail("UNE without its UNG, or inside a message") }
        guard Self.count(value(0, 0)) == current.messages else {
          throw fail("UNE counts \(value(0, 0) ?? "nothing") messages; the group has \(current.messages)")
        }
        guard value(1, 0) == current.reference else { throw fail("UNE reference does not match UNG's \(current.reference)") }
        group = nil
        interchange?.groups += 1
      case EDIFACTTag.unh:
        // Many systems export a single message bare. Its ids would have no interchange to be
        // unique within, so it is refused, saying what to add.
        guard interchange != nil else {
          throw fail(
            "EDIFACT message without an interchange envelope (UNH with no UNB before it): wrap it in UNB … UNZ, "
              + "with the sender's identification and an interchange reference")
        }
        if let message { throw fail("UNH inside message \(message.reference) (its UNT is missing)") }
        guard let reference = value(0, 0) else { throw fail("UNH has no message reference") }
        guard let type = value(1, 0) else { throw fail("UNH has no message type") }
        message = (reference, type.uppercased(), value(1, 1) ?? "", value(1, 2) ?? "", segmentNumber)
      case EDIFACTTag.unt:
        guard let current = message else { throw fail("UNT outside a message") }
        let count = segments.count + 1
        guard Self.count(value(0, 0)) == count else {
          throw fail("UNT counts \(value(0, 0) ?? "nothing") segments; message \(current.reference) has \(count) (UNH and UNT included)")
        }
        guard value(1, 0) == current.reference else {
          throw fail("UNT reference \(value(1, 0) ?? "(none)") does not match UNH's \(current.reference)")
        }
        segments.removeLast()
        interchange?.messages += 1
        group?.messages += 1
        return EDIFACTMessage(
          sender: interchange?.sender ?? "", interchange: interchange?.reference ?? "", reference: current.reference, type: current.type,
          version: current.version, release: current.release, segments: EDIFACTSegmentStore(segments), firstSegment: current.first)
      default:
        // UN… tags that are not service segments are data.
        guard message != nil else { throw fail("segment \(segments.string(component: Int(segments.starts[last]))) outside a message (UNH … UNT)") }
        continue
      }
      // A service segment is not part of a message's segments.
      segments.removeLast()
    }
  }
}
