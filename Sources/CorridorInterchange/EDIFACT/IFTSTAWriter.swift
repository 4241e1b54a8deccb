import CorridorModel

/// Writes recorded events as IFTSTA D00B, one consignment (CNI) and status (STS) group per event,
/// up to `eventsPerMessage` events a message, in one interchange. `EDIFACTEventSource` reads the
/// output back to the same events: the event id travels as RFF+ZZZ, the shipment and a carrier's
/// booking reference as RFF+BN, the written offset in DTM format 303/304, and statuses that UN/ECE
/// Recommendation 24 has no code for as DCSA codes with agency ZZZ (docs/interchange.md "EDIFACT").
///
/// The text is UTF-8 (syntax level UNOW, version 4): notes and vehicle names may hold any
/// character, and nothing is dropped on the way out.
package final class IFTSTAWriter {
  package static let eventsPerMessage = 1_000

  private var message: [String] = []
  private var messageEvents = 0
  private var messages = 0

  package init() {}

  /// The interchange header. The date is fixed, so that the same events export to the same bytes.
  package func begin(_ write: (String) throws -> Void) throws {
    try write("UNA:+.? '\nUNB+UNOW:4+CORRIDOR+RECIPIENT+000101:0000+1'\n")
  }

  package func add(_ event: MovementEvent, _ write: (String) throws -> Void) throws {
    if messageEvents == Self.eventsPerMessage { try flush(write) }
    if message.isEmpty {
      messages += 1
      message = ["UNH+\(messages)+IFTSTA:D:00B:UN", "BGM+23+\(messages)+9"]
    }
    messageEvents += 1
    let r = event.report
    let recommendation = EDIFACTMapping.statusCodes.first { $0.value == r.code }?.key
    message.append("CNI+\(messageEvents)")
    message.append("STS+1+" + (recommendation.map { escape($0) } ?? "\(r.code.rawValue)::ZZZ"))
    message.append("RFF+ZZZ:" + escape(event.id))
    for booking in [r.shipment, r.carrierBooking].compactMap({ $0 }) { message.append("RFF+BN:" + escape(booking)) }
    message.append("DTM+" + Self.time(r))
    if let note = r.note { message.append("FTX+AAI+++" + Self.chunks(note, of: 512).map(escape).joined(separator: ":")) }
    message.append("LOC+175+" + escape(r.location.text) + ":139:6")
    if r.mode != nil || r.vehicle != nil {
      let mode = r.mode.flatMap { m in EDIFACTMapping.modes.first { $0.value == m }?.key } ?? ""
      message.append("TDT+20+" + escape(r.vehicle ?? "") + "+" + mode)
    }
    let fullEmpty = r.emptyLaden.map { $0 == .EMPTY ? "4" : "5" } ?? ""
    message.append("EQD+CN+" + escape(r.container.text) + (fullEmpty.isEmpty ? "" : "++++" + fullEmpty))
    if let seal = r.seal { message.append(EDIFACTMapping.sel(number: seal, source: r.sealSource, type: r.sealType, escape: escape)) }
  }

  private func flush(_ write: (String) throws -> Void) throws {
    guard !message.isEmpty else { return }
    message.append("UNT+\(message.count + 1)+\(messages)")
    try write(message.joined(separator: "'\n") + "'\n")
    message = []
    messageEvents = 0
  }

  package func finish(_ write: (String) throws -> Void) throws {
    try flush(write)
    try write("UNZ+\(messages)+1'\n")
  }

  /// DTM qualifier, value and format: 334 (status change) for actual events, 132/133 (estimated
  /// arrival/departure) for forecasts, ZZZ for plans; 303 (minutes) or 304 (seconds) with the
  /// written offset. EDIFACT has no finer format: a fraction of a second is not written.
  package static func time(_ r: EventReport) -> String {
    let qualifier =
      switch r.classifier {
      case .ACT: "334"
      case .EST: r.code == .ARRI ? "132" : "133"
      case .PLN: "ZZZ"
      }
    // "YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM)" → digits and zone.
    let text = r.time.description
    let digits = text.prefix(19).filter(\.isNumber)
    var zone = String(text.dropFirst(19).drop { $0 == "." || $0.isNumber })
    zone = zone == "Z" ? "+00" : zone.replacingOccurrences(of: ":", with: "")
    if zone.hasSuffix("00"), zone.count == 5 { zone = String(zone.prefix(3)) }
    let seconds = digits.suffix(2)
    let (value, format) = seconds == "00" ? (String(digits.prefix(12)), "303") : (String(digits), "304")
    return "\(qualifier):\(value)?\(zone.prefix(1))\(zone.dropFirst()):\(format)"
  }

  package static func chunks(_ text: String, of size: Int) -> [String] {
    var out: [String] = []
    var rest = Substring(text)
    while !rest.isEmpty {
      out.append(String(rest.prefix(size)))
      rest = rest.dropFirst(size)
    }
    return out
  }

  /// Puts the release character before the service characters, and before CR and LF: the
  /// reader drops an unreleased CR or LF as a wrapped line, so a note's line break is written
  /// released, and reads back as itself. (Scalar by scalar: CRLF is one `Character`.)
  package func escape(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == "?" || scalar == ":" || scalar == "+" || scalar == "'" || scalar == "\r" || scalar == "\n" { out.append("?") }
      out.append(scalar)
    }
    return String(out)
  }
}

/// Rewrites an event file as IFTSTA (benchmarks compare EDIFACT with the same events as CSV).
public enum IFTSTAConversion {
  /// Reads every row of `source` and writes it as IFTSTA; ids are the rows' own or derived ones,
  /// so both files import to the same events. A bad row stops the conversion.
  @discardableResult
  public static func convert(_ source: EventRowSource, write: (String) throws -> Void) throws -> Int {
    let writer = IFTSTAWriter()
    try writer.begin(write)
    var count = 0
    while let row = try source.next() {
      let report = try row.result.get()
      let event = MovementEvent(
        seq: 0, id: report.id ?? report.derivedID, report: report, exception: nil, offRoute: false, retracted: false, retractionReason: nil,
        recordedAt: "", recordedBy: "")
      try writer.add(event, write)
      count += 1
    }
    try writer.finish(write)
    return count
  }
}
