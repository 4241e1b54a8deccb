import Crypto
import Foundation

/// How CODECO, COARRI and IFTSTA messages become Corridor events (README "EDIFACT"): the one
/// place that knows EDIFACT's codes. Codes with no Corridor event are counted, never guessed.
public enum EDIFACTMapping {
  /// The message types Corridor reads.
  public static let messageTypes: Set<String> = ["CODECO", "COARRI", "IFTSTA"]

  /// BGM document name codes (1001) of gate and loading reports. CODECO: 34 gate-in report,
  /// 36 gate-out report. COARRI: 44 discharge report and 46 loading report (SMDG COARRI D95B), and
  /// 98 / 270 as later SMDG guides and terminals write them.
  public static let documentCodes: [String: [String: EventCode]] = [
    "CODECO": ["34": .GTIN, "36": .GTOT],
    "COARRI": ["44": .DISC, "98": .DISC, "46": .LOAD, "270": .LOAD],
  ]

  /// IFTSTA STS status codes from UN/ECE Recommendation 24 (which C555 names for transport
  /// status): 1 arrival completed, 12 cleared by customs, 16 crossed border, 24 departure completed.
  /// Any DCSA event code is also read when its agency (3055) is `ZZZ` (mutually defined), as
  /// Corridor's IFTSTA export writes the statuses Recommendation 24 has no code for.
  public static let statusCodes: [String: EventCode] = ["1": .ARRI, "12": .CUSR, "16": .CROS, "24": .DEPA]

  /// DTM qualifiers (2005): actual ones, in order of preference, then estimated ones (classifier
  /// EST); `ZZZ` is Corridor's own for planned (PLN).
  static let actualTimes = ["7", "203", "178", "186", "334"]
  static let estimatedTimes = ["132", "133"]
  static let plannedTimes = ["ZZZ"]

  /// LOC qualifiers (3227) for the event's place, by preference: 175 activity location, 165 the
  /// terminal or depot, 14 position; a loading takes the place of loading (9) first, a discharge
  /// the place of discharge (11); a departure falls back to 5 (departure), an arrival to 8
  /// (destination). 147 (stowage cell) is never a place.
  static func placeQualifiers(for code: EventCode) -> [String] {
    let common = ["175", "165", "14"]
    switch code {
    case .LOAD: return ["9"] + common
    case .DISC: return ["11"] + common
    case .DEPA: return common + ["5", "9"]
    case .ARRI: return common + ["8", "11"]
    default: return common
    }
  }

  /// Mode of transport codes (8067, UN/ECE Recommendation 19).
  public static let modes: [String: TransportModeCode] = ["1": .VESSEL, "2": .RAIL, "3": .TRUCK, "8": .BARGE]

  /// Segments of these messages' structures (D95B, D00B) that carry nothing Corridor records:
  /// passed over silently. Any other tag is counted as unknown.
  static let knownSegments: Set<String> = [
    "BGM", "DTM", "FTX", "RFF", "TDT", "LOC", "NAD", "CTA", "COM", "EQD", "EQN", "TMD", "MEA", "DIM", "TMP", "RNG", "SEL", "DGS", "EQA",
    "DAM", "COD", "CNT", "TCC", "TSR", "CNI", "STS", "GID", "HAN", "PCI", "GIN", "SGP", "QTY", "PAC", "DOC", "GDS", "TPL", "PIA", "IMD",
    "ATT", "CST", "GOR", "MOA", "PCD", "RCS", "NAT", "DLM", "SCC", "ERC", "ERP", "QVR", "TOD", "CPI",
  ]

  /// What a group of segments says about the events in it; inner groups override outer ones.
  struct Context {
    var places: [(qualifier: String, code: String)] = []
    var times: [(qualifier: String, value: String, format: String?)] = []
    var mode: TransportModeCode?
    var vehicle: String?
    var bookings: [String] = []
    var seals: [String] = []
    var eventID: String?
    var note: String?
  }

  struct Equipment {
    var number: String
    var sizeType: String?
    var emptyLaden: EmptyLaden?
    /// Index of the EQD in the message's segments.
    var index: Int
    var context = Context()
  }

  /// Maps one message to rows (one per container and status), counting what it cannot map in
  /// `unmapped` (by "TYPE what code").
  static func rows(
    of message: EDIFACTMessage, file: String, zones: @escaping (String) -> TimeZone?, unmapped: inout [String: Int]
  ) -> [ImportRow] {
    var builder = Builder(message: message, file: file, zones: zones)
    guard messageTypes.contains(message.type) else {
      unmapped["\(message.type) message", default: 0] += 1
      return []
    }
    builder.walk(unmapped: &unmapped)
    return builder.rows
  }

  struct Builder {
    let message: EDIFACTMessage
    let file: String
    let zones: (String) -> TimeZone?
    var rows: [ImportRow] = []
    /// Events of one (container, code) so far in this message, for distinct derived ids.
    var ordinals: [String: Int] = [:]

    init(message: EDIFACTMessage, file: String, zones: @escaping (String) -> TimeZone?) {
      self.message = message
      self.file = file
      self.zones = zones
    }

    mutating func walk(unmapped: inout [String: Int]) {
      var header = Context()
      var consignment: Context?
      var consignmentEquipment: [Equipment] = []
      var status: (code: EventCode?, context: Context, hadEquipment: Bool)?
      var equipment: Equipment?
      var documentCode: EventCode?
      let type = message.type

      func finishEquipment(_ rows: inout Builder) {
        guard let current = equipment else { return }
        equipment = nil
        if type == "IFTSTA" {
          if let status {
            if let code = status.code {
              rows.emit(code, contexts: [current.context, status.context, consignment ?? Context(), header], equipment: current)
            }
          } else {
            consignmentEquipment.append(current)
          }
        } else if let documentCode {
          rows.emit(documentCode, contexts: [current.context, header], equipment: current)
        }
      }
      func finishStatus(_ rows: inout Builder, unmapped: inout [String: Int]) {
        finishEquipment(&rows)
        guard let current = status else { return }
        status = nil
        guard let code = current.code, !current.hadEquipment else { return }
        if consignmentEquipment.isEmpty { unmapped["IFTSTA STS without equipment (EQD)", default: 0] += 1 }
        for box in consignmentEquipment {
          rows.emit(code, contexts: [box.context, current.context, consignment ?? Context(), header], equipment: box)
        }
      }
      func apply(_ segment: EDIFACTSegment, to context: inout Context) {
        switch segment.tag {
        case "LOC":
          if let qualifier = segment[0, 0], qualifier != "147", let code = segment[1, 0] { context.places.append((qualifier, code)) }
        case "DTM":
          if let qualifier = segment[0, 0], let value = segment[0, 1] { context.times.append((qualifier, value, segment[0, 2])) }
        case "TDT":
          if let code = segment[2, 0] {
            if let mode = EDIFACTMapping.modes[code] { context.mode = mode } else { unmapped["TDT mode \(code)", default: 0] += 1 }
          }
          if let vehicle = segment[1, 0] ?? segment[7, 0] { context.vehicle = vehicle }
        case "RFF":
          if segment[0, 0] == "BN", let value = segment[0, 1] { context.bookings.append(value) }
          if segment[0, 0] == "ZZZ", let value = segment[0, 1] { context.eventID = value }
        case "SEL":
          if let seal = segment[0, 0] { context.seals.append(seal) }
        case "FTX":
          if segment[0, 0] == "AAI", segment.elements.count > 3 { context.note = segment.elements[3].joined() }
        default:
          if !EDIFACTMapping.knownSegments.contains(segment.tag) { unmapped["segment \(segment.tag)", default: 0] += 1 }
        }
      }

      for (index, segment) in message.segments.enumerated() {
        switch segment.tag {
        case "BGM":
          guard type != "IFTSTA", let code = segment[0, 0] else { continue }
          documentCode = EDIFACTMapping.documentCodes[type]?[code]
          if documentCode == nil { unmapped["\(type) BGM \(code)", default: 0] += 1 }
        case "CNI" where type == "IFTSTA":
          finishStatus(&self, unmapped: &unmapped)
          consignment = Context()
          consignmentEquipment = []
        case "STS" where type == "IFTSTA":
          finishStatus(&self, unmapped: &unmapped)
          let raw = segment[1, 0] ?? ""
          var code: EventCode?
          if segment[1, 2]?.uppercased() == "ZZZ" { code = EventCode(rawValue: raw.uppercased()) } else { code = EDIFACTMapping.statusCodes[raw] }
          if code == nil { unmapped["IFTSTA STS \(raw.isEmpty ? "(none)" : raw)", default: 0] += 1 }
          status = (code, Context(), false)
        case "EQD":
          finishEquipment(&self)
          guard segment[0, 0]?.uppercased() == "CN" else {
            unmapped["\(type) EQD \(segment[0, 0] ?? "(none)")", default: 0] += 1
            continue
          }
          let fullEmpty: EmptyLaden? =
            switch segment[5, 0] {
            case "4": .EMPTY
            case "5": .LADEN
            default: nil
            }
          equipment = Equipment(number: segment[1, 0] ?? "", sizeType: segment[2, 0], emptyLaden: fullEmpty, index: index)
          status?.hadEquipment = true
        case "CNT":
          finishEquipment(&self)
        default:
          // The innermost open group takes the segment (taken out while it changes, so that its
          // arrays are changed in place, not copied).
          if var current = equipment {
            equipment = nil
            apply(segment, to: &current.context)
            equipment = current
          } else if var current = status {
            status = nil
            apply(segment, to: &current.context)
            status = current
          } else if var current = consignment {
            consignment = nil
            apply(segment, to: &current)
            consignment = current
          } else {
            apply(segment, to: &header)
          }
        }
      }
      if type == "IFTSTA" { finishStatus(&self, unmapped: &unmapped) } else { finishEquipment(&self) }
    }

    /// One row for `equipment` and `code`, `contexts` innermost first.
    mutating func emit(_ code: EventCode, contexts: [Context], equipment: Equipment) {
      let position = message.position(of: equipment.index, file: file)
      let key = "\(equipment.number)/\(code.rawValue)"
      let ordinal = ordinals[key, default: 0]
      ordinals[key] = ordinal + 1
      let result = Result { () throws(CorridorError) in try report(code, contexts: contexts, equipment: equipment, ordinal: ordinal) }
        .mapError { $0.located(position) }
      var row = ImportRow(line: position.line, result: result)
      row.position = position
      row.sizeType = equipment.sizeType
      rows.append(row)
    }

    func report(_ code: EventCode, contexts: [Context], equipment: Equipment, ordinal: Int) throws(CorridorError) -> EventReport {
      let container = try ContainerNumber(parsing: equipment.number)
      let qualifiers = EDIFACTMapping.placeQualifiers(for: code)
      var place: String?
      for context in contexts where place == nil {
        place = qualifiers.lazy.compactMap { q in context.places.first { $0.qualifier == q }?.code }.first
      }
      if place == nil { place = contexts.lazy.compactMap { $0.places.first?.code }.first }
      guard let place else {
        throw .invalid("no place for \(code.rawValue) (LOC+\(qualifiers.joined(separator: "/")))", rule: .edifactMapping)
      }
      let location = try LocationCode(parsing: place)
      var found: (time: EventTime, classifier: EventClassifier)?
      for context in contexts where found == nil {
        for (list, classifier) in [
          (EDIFACTMapping.actualTimes, EventClassifier.ACT), (EDIFACTMapping.estimatedTimes, .EST), (EDIFACTMapping.plannedTimes, .PLN),
        ]
        where found == nil {
          guard let dtm = list.lazy.compactMap({ q in context.times.first { $0.qualifier == q } }).first else { continue }
          found = (try EDIFACTMapping.time(dtm.value, format: dtm.format, zone: zones(location.text)), classifier)
        }
      }
      guard let found else {
        throw .invalid(
          "no date/time for \(code.rawValue) (DTM+\((EDIFACTMapping.actualTimes + EDIFACTMapping.estimatedTimes).joined(separator: "/")))",
          rule: .edifactMapping)
      }
      func first<T>(_ value: (Context) -> T?) -> T? { contexts.lazy.compactMap(value).first }
      let bookings = first { $0.bookings.isEmpty ? nil : $0.bookings } ?? []
      // Two booking references: the shipment, then a carrier's (as the IFTSTA export writes them);
      // one is a carrier's, which the engine resolves.
      let explicitID = first(\.eventID)
      let id = explicitID ?? derivedID(container: container, code: code, ordinal: ordinal)
      return EventReport(
        id: id, container: container, code: code, time: found.time, location: location, shipment: bookings.count > 1 ? bookings[0] : nil,
        classifier: found.classifier, mode: first(\.mode), vehicle: first(\.vehicle), emptyLaden: equipment.emptyLaden,
        seal: first { $0.seals.first }, note: first(\.note), carrierBooking: bookings.count > 1 ? bookings[1] : bookings.first)
    }

    /// From the interchange and message references and the equipment: re-importing the same
    /// file gives the same ids, and so never duplicates.
    func derivedID(container: ContainerNumber, code: EventCode, ordinal: Int) -> String {
      let parts = [message.sender, message.interchange, message.reference, container.text, code.rawValue, String(ordinal)]
      let bytes = Array(parts.joined(separator: "\u{1F}").utf8)
      return SHA256.hash(data: bytes).withUnsafeBytes { hex($0.prefix(16), prefix: "edi-") }
    }
  }

  /// A DTM value in format 203 (CCYYMMDDHHMM), 204 (CCYYMMDDHHMMSS), 303 or 304 (the same with a
  /// time zone: `+08`, `-0530`, `Z`, `UTC`). Without a zone the time is the place's local time.
  static func time(_ value: String, format: String?, zone: TimeZone?) throws(CorridorError) -> EventTime {
    let digits: Int
    let zoned: Bool
    switch format ?? "203" {
    case "203": (digits, zoned) = (12, false)
    case "204": (digits, zoned) = (14, false)
    case "303": (digits, zoned) = (12, true)
    case "304": (digits, zoned) = (14, true)
    default:
      throw .invalid("DTM format \(format ?? "") is not read; expected 203, 204, 303 or 304 (a date and a time)", rule: .edifactMapping)
    }
    let bytes = Array(value.utf8)
    guard bytes.count >= digits, bytes.prefix(digits).allSatisfy({ (0x30...0x39).contains($0) }) else {
      throw .invalid("DTM value \(value.debugDescription) does not match format \(format ?? "203")", rule: .timestamp)
    }
    let d = String(decoding: bytes.prefix(digits), as: UTF8.self)
    func part(_ from: Int, _ count: Int) -> Substring { d.dropFirst(from).prefix(count) }
    let seconds = digits == 14 ? part(12, 2) : "00"
    let local = "\(part(0, 4))-\(part(4, 2))-\(part(6, 2))T\(part(8, 2)):\(part(10, 2)):\(seconds)"
    let suffix = String(decoding: bytes.dropFirst(digits), as: UTF8.self)
    if zoned {
      let offset: String
      switch suffix.uppercased() {
      case "Z", "UTC", "GMT", "+00", "-00": offset = "+00:00"
      default:
        let s = Array(suffix.utf8)
        guard (s.count == 3 || s.count == 5), s[0] == 0x2B || s[0] == 0x2D, s.dropFirst().allSatisfy({ (0x30...0x39).contains($0) }) else {
          throw .invalid("DTM time zone \(suffix.debugDescription) is not ±HH, ±HHMM, Z or UTC", rule: .timestamp)
        }
        offset = "\(suffix.prefix(3)):\(s.count == 5 ? suffix.suffix(2) : "00")"
      }
      return try EventTime(parsing: local + offset)
    }
    guard suffix.isEmpty else { throw .invalid("DTM value \(value.debugDescription) is longer than format \(format ?? "203")", rule: .timestamp) }
    let asUTC = try EventTime(parsing: local + "Z")
    guard let zone else { return asUTC }
    // The place's offset at that local time (two steps, for the days a zone changes its offset).
    let guess = Date(timeIntervalSince1970: Double(asUTC.milliseconds) / 1000)
    let first = zone.secondsFromGMT(for: guess)
    let offset = zone.secondsFromGMT(for: guess.addingTimeInterval(-Double(first)))
    return EventTime(milliseconds: asUTC.milliseconds - Int64(offset) * 1000, offsetMinutes: offset / 60)
  }
}
