import CorridorModel
import Crypto
import Foundation

/// How CODECO, COARRI and IFTSTA messages become Corridor events (docs/interchange.md "EDIFACT"): the one
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

  /// DTM qualifiers (2005) of an event's time, per message type: actual ones in order of
  /// preference, then estimated ones (classifier EST); `ZZZ` is Corridor's own for planned (PLN).
  /// A status report's own time is its status change (334); a gate or loading report's, the
  /// effective (7) or execution (203) time. In a status report, the dates of a transport leg
  /// (the `DTM`s after a `TDT` in a group: 178 arrival, 186 departure, 132/133 estimated, …)
  /// belong to that leg and often to another place: they are read only when the leg names the
  /// event's own place, and a status whose only dates are another place's leg dates is refused.
  package static func actualTimes(in messageType: String) -> [String] {
    messageType == "IFTSTA" ? ["334", "7", "203", "178", "186"] : ["7", "203", "178", "186", "334"]
  }
  package static let estimatedTimes = ["132", "133"]
  package static let plannedTimes = ["ZZZ"]

  /// LOC qualifiers (3227) for the event's place, by preference: 175 activity location, 165 the
  /// terminal or depot, 14 position; a loading takes the place of loading (9) first, a discharge
  /// the place of discharge (11); a departure falls back to 5 (departure), an arrival to 8
  /// (destination). 147 (stowage cell) is never a place.
  package static func placeQualifiers(for code: EventCode) -> [String] {
    let common = ["175", "165", "14"]
    switch code {
    case .LOAD: return ["9"] + common
    case .DISC: return ["11"] + common
    case .DEPA: return common + ["5", "9"]
    case .ARRI: return common + ["8", "11"]
    default: return common
    }
  }

  /// LOC qualifiers that never name where an event happened: 147 (stowage cell), and the other
  /// end of the voyage (a discharge is not at the port of loading, a loading not at the port of
  /// discharge), so that the fallback to "any place" cannot pick them.
  package static func notThePlace(of code: EventCode) -> Set<String> {
    switch code {
    case .DISC, .ARRI: ["147", "9", "5", "76"]
    case .LOAD, .DEPA: ["147", "11", "8", "7", "61"]
    default: ["147"]
    }
  }

  /// Sealing parties (SEL's C215, 9303) that are DCSA seal sources: CA carrier, SH shipper, CU
  /// customs. DCSA's phytosanitary and veterinary sources have no 9303 code: Corridor's IFTSTA
  /// writes them as mutually defined codes (`PHY::ZZZ`, `VET::ZZZ`), read back here.
  package static let sealParties: [String: SealSource] = ["CA": .CAR, "SH": .SHI, "CU": .CUS]

  package static func sealSource(_ segment: EDIFACTSegment) -> SealSource? {
    guard let code = segment[1, 0] else { return nil }
    if segment[1, 2]?.uppercased() == "ZZZ" { return SealSource(rawValue: code.uppercased()) }
    return sealParties[code.uppercased()]
  }

  /// SEL as Corridor's IFTSTA writes it: the number, the sealing party, and the seal type code
  /// (4525 of later directories: KLP, BLT or WIR, as DCSA) in the fifth element.
  package static func sel(number: String, source: SealSource?, type: SealType?, escape: (String) -> String) -> String {
    var elements = [escape(number)]
    if let source {
      elements.append(sealParties.first { $0.value == source }.map(\.key) ?? "\(source.rawValue)::ZZZ")
    }
    if let type {
      while elements.count < 4 { elements.append("") }
      elements.append(type.rawValue)
    }
    return "SEL+" + elements.joined(separator: "+")
  }

  /// BGM message functions (1225) that withdraw an earlier message: 1 cancellation, 3 deletion.
  package static let withdrawingFunctions: Set<String> = ["1", "3"]

  /// Mode of transport codes (8067, UN/ECE Recommendation 19) that are a Corridor mode: 1 sea,
  /// 2 rail, 3 road, 8 inland water.
  public static let modes: [String: TransportModeCode] = ["1": .VESSEL, "2": .RAIL, "3": .TRUCK, "8": .BARGE]
  /// Mode codes that name no mode and are not a mapping gap: 0 not specified, 9 not applicable
  /// (the TDT's conveyance is still read).
  package static let noModes: Set<String> = ["0", "9"]

  /// The transport stages (8051) whose `TDT` is an event's conveyance. A load, discharge,
  /// arrival, departure or border crossing is of the main carriage (20): the vessel or train a
  /// box came off or went onto. Pre- and on-carriage (10, 30) describe other legs (the truck
  /// that takes the box on) and never replace it; a `TDT` without a stage is read as the main
  /// carriage. Other events (gate moves, customs, inspections) take the conveyance nearest the
  /// box, whatever its stage: the truck at the gate. Nil: any stage.
  package static func transportStages(for code: EventCode) -> Set<String>? {
    switch code {
    case .LOAD, .DISC, .ARRI, .DEPA, .CROS: ["20", ""]
    default: nil
    }
  }

  /// Segments of these messages' structures (D95B, D00B) that carry nothing Corridor records:
  /// passed over silently. Any other tag is counted as unknown.
  package static let knownSegments: Set<String> = [
    "BGM", "DTM", "FTX", "RFF", "TDT", "LOC", "NAD", "CTA", "COM", "EQD", "EQN", "TMD", "MEA", "DIM", "TMP", "RNG", "SEL", "DGS", "EQA",
    "DAM", "COD", "CNT", "TCC", "TSR", "CNI", "STS", "GID", "HAN", "PCI", "GIN", "SGP", "QTY", "PAC", "DOC", "GDS", "TPL", "PIA", "IMD",
    "ATT", "CST", "GOR", "MOA", "PCD", "RCS", "NAT", "DLM", "SCC", "ERC", "ERP", "QVR", "TOD", "CPI",
  ]

  /// Maps one message to rows (one per container and status), counting what it cannot map in
  /// `unmapped` (by "TYPE what code").
  package static func rows(
    of message: EDIFACTMessage, file: String, zones: @escaping (String) -> TimeZone?, reading: EDIFACTReading,
    unmapped: inout Unmapped
  ) -> [ImportRow] {
    guard messageTypes.contains(message.type) else {
      unmapped.add("\(message.type) message", at: message.position(of: 0, file: file))
      return []
    }
    var builder = Builder(message: message, file: file, zones: zones, reading: reading)
    builder.walk()
    unmapped.merge(builder.unmapped)
    return builder.rows
  }

  package static let known = Set(knownSegments.map(EDIFACTTag.code))

  /// Walks a message once, noting where each group of segments starts and ends: the header, a
  /// consignment (IFTSTA CNI), a status (STS), a container (EQD). A group is a range of segment
  /// indices, and an event is worked out from its groups' ranges, innermost first, when it is
  /// complete: nothing is copied out of the segments but the values an event takes.
  package struct Builder {
    package let message: EDIFACTMessage
    package let file: String
    package let zones: (String) -> TimeZone?
    package let reading: EDIFACTReading
    package let store: EDIFACTSegmentStore
    package let isStatusReport: Bool
    package var rows: [ImportRow] = []
    package var unmapped = Unmapped()
    /// Events of one container and code so far in this message, for distinct derived ids.
    package var ordinals: [OrdinalKey: Int] = [:]

    package var headerEnd: Int?
    package var documentCode: EventCode?
    package var sawBGM = false
    /// A message that cancels an earlier one: it gives no events.
    package var withdrawn = false
    package var consignment: (start: Int, end: Int?)?
    package var consignmentEquipment: [Range<Int>] = []
    package var status: (start: Int, end: Int?, code: EventCode?, hadEquipment: Bool)?
    /// The status code as sent, for a status that maps to no event (`--strict-codes` names it).
    package var unmappedStatus: String?
    package var equipment: Int?

    package struct OrdinalKey: Hashable {
      package let container: String
      package let code: EventCode
    }

    package init(message: EDIFACTMessage, file: String, zones: @escaping (String) -> TimeZone?, reading: EDIFACTReading) {
      self.message = message
      self.file = file
      self.zones = zones
      self.reading = reading
      store = message.segments
      isStatusReport = message.type == "IFTSTA"
    }

    package var header: Range<Int> { 0..<(headerEnd ?? store.count) }

    package mutating func walk() {
      let count = store.count
      for index in 0..<count {
        let tag = store.tag(of: index)
        let segment = store[index]
        switch tag {
        case EDIFACTTag.bgm:
          sawBGM = true
          if let function = segment[2, 0], EDIFACTMapping.withdrawingFunctions.contains(function) {
            // A cancellation withdraws an earlier report: no event (retract those by their ids).
            unmap("\(message.type) cancellation (BGM message function \(function))", at: index)
            withdrawn = true
          }
          // A gate or loading report names its event; a status report's are in its STS segments.
          guard !isStatusReport, let code = segment[0, 0] else { continue }
          documentCode = EDIFACTMapping.documentCodes[message.type]?[code]
          if documentCode == nil { unmap("\(message.type) BGM \(code)", at: index) }
        case EDIFACTTag.cni where isStatusReport:
          closeStatus(at: index)
          headerEnd = headerEnd ?? index
          consignment = (index, nil)
          consignmentEquipment = []
        case EDIFACTTag.sts where isStatusReport:
          closeStatus(at: index)
          headerEnd = headerEnd ?? index
          if let open = consignment, open.end == nil { consignment = (open.start, index) }
          let raw = segment[1, 0] ?? ""
          // The sender's own codes first (mapped in the reference data), then Recommendation 24,
          // then a DCSA code sent as mutually defined (ZZZ), as Corridor's IFTSTA writes them.
          let key = SenderStatusCode.Key(sender: message.sender, code: raw, list: segment[1, 1] ?? "", agency: segment[1, 2] ?? "")
          let code =
            reading.senderCodes[key]
            ?? (segment[1, 2]?.uppercased() == "ZZZ" ? EventCode(rawValue: raw.uppercased()) : EDIFACTMapping.statusCodes[raw])
          unmappedStatus = nil
          if code == nil {
            let sent = raw.isEmpty ? "(none)" : key.list.isEmpty && key.agency.isEmpty ? raw : "\(raw):\(key.list):\(key.agency)"
            unmappedStatus = "\(sent) from \(message.sender)"
            unmap("IFTSTA STS \(sent) from \(message.sender)", at: index)
          }
          status = (index, nil, code, false)
        case EDIFACTTag.eqd:
          closeEquipment(at: index)
          headerEnd = headerEnd ?? index
          if let open = status, open.end == nil { status = (open.start, index, open.code, open.hadEquipment) }
          if status == nil, let open = consignment, open.end == nil { consignment = (open.start, index) }
          guard segment[0, 0]?.uppercased() == "CN" else {
            unmap("\(message.type) EQD \(segment[0, 0] ?? "(none)")", at: index)
            continue
          }
          equipment = index
          status?.hadEquipment = true
        case EDIFACTTag.cnt:
          closeEquipment(at: index)
        case EDIFACTTag.tdt:
          if let code = segment[2, 0], EDIFACTMapping.modes[code] == nil, !EDIFACTMapping.noModes.contains(code) {
            unmap("TDT mode \(code)", at: index)
          }
        default:
          if !EDIFACTMapping.known.contains(tag) { unmap("segment \(segment.tag)", at: index) }
        }
      }
      if isStatusReport { closeStatus(at: count) } else { closeEquipment(at: count) }
      // A gate or loading report names its event in BGM alone: without it, the boxes it lists
      // are refused as one row, never dropped without a word.
      if !isStatusReport, !sawBGM, count > 0 {
        let position = message.position(of: 0, file: file)
        let error = CorridorError.invalid(
          "\(message.type) message \(message.reference) has no BGM segment, so what happened to its boxes is unknown; nothing of it was read",
          rule: .edifactMapping, at: position)
        rows.append(ImportRow(line: position.line, result: .failure(error)))
      }
    }

    package mutating func closeEquipment(at end: Int) {
      guard let start = equipment else { return }
      equipment = nil
      guard !withdrawn else { return }
      let range = start..<end
      if isStatusReport {
        if let status {
          if let code = status.code {
            emit(code, groups: [range, status.start..<(status.end ?? end), consignmentRange(end), header], at: start)
          } else {
            withoutEvent(at: start)
          }
        } else {
          consignmentEquipment.append(range)
        }
      } else if let documentCode {
        emit(documentCode, groups: [range, header], at: start)
      }
    }

    package mutating func closeStatus(at end: Int) {
      closeEquipment(at: end)
      guard let current = status else { return }
      status = nil
      guard !current.hadEquipment, !withdrawn else { return }
      guard let code = current.code else {
        for box in consignmentEquipment { withoutEvent(at: box.lowerBound) }
        return
      }
      if consignmentEquipment.isEmpty { unmap("IFTSTA STS without equipment (EQD)", at: current.start) }
      for box in consignmentEquipment {
        emit(code, groups: [box, current.start..<(current.end ?? end), consignmentRange(end), header], at: box.lowerBound)
      }
    }

    /// Counts what has no Corridor event, with the position of its first occurrence.
    package mutating func unmap(_ what: String, at index: Int) { unmapped.add(what, at: message.position(of: index, file: file)) }

    /// The box of a status that maps to no event: with `--strict-codes` a row error; else its
    /// number is still checked, so a wrong check digit is named even though no event results.
    package mutating func withoutEvent(at eqd: Int) {
      let position = message.position(of: eqd, file: file)
      let number = store[eqd][1, 0] ?? ""
      let error: CorridorError
      if reading.strictCodes {
        error = .invalid(
          "IFTSTA status \(unmappedStatus ?? "(none)") has no Corridor event", rule: .edifactMapping,
          hint: "map the sender's code in the reference data's statusCodes, or import without --strict-codes")
      } else {
        do throws(CorridorError) {
          _ = try ContainerNumber(parsing: number)
          return
        } catch let invalid {
          error = invalid
        }
      }
      var row = ImportRow(line: position.line, result: .failure(error.located(position)))
      row.origin = ImportRow.Origin(position: position, sizeType: store[eqd][2, 0])
      rows.append(row)
    }

    package func consignmentRange(_ end: Int) -> Range<Int> {
      guard let consignment else { return 0..<0 }
      return consignment.start..<(consignment.end ?? end)
    }

    /// One row for the container of the EQD at `eqd` and `code`, `groups` innermost first.
    package mutating func emit(_ code: EventCode, groups: [Range<Int>], at eqd: Int) {
      let position = message.position(of: eqd, file: file)
      let segment = store[eqd]
      let number = segment[1, 0] ?? ""
      let key = OrdinalKey(container: number, code: code)
      let ordinal = ordinals[key, default: 0]
      ordinals[key] = ordinal + 1
      let result = Result { () throws(CorridorError) in try report(code, groups: groups, eqd: segment, number: number, ordinal: ordinal) }
        .mapError { $0.located(position) }
      var row = ImportRow(line: position.line, result: result)
      row.origin = ImportRow.Origin(position: position, sizeType: segment[2, 0])
      rows.append(row)
    }

    /// The first segment with `tag` in the groups, innermost first, that `matches`.
    package func first(_ tag: UInt32, in groups: [Range<Int>], where matches: (EDIFACTSegment) -> Bool = { _ in true }) -> EDIFACTSegment? {
      for group in groups {
        for index in group where store.tag(of: index) == tag {
          let segment = store[index]
          if matches(segment) { return segment }
        }
      }
      return nil
    }

    package func report(_ code: EventCode, groups: [Range<Int>], eqd: EDIFACTSegment, number: String, ordinal: Int) throws(CorridorError)
      -> EventReport
    {
      let container = try ContainerNumber(parsing: number)
      // The place: the innermost group with a LOC of a preferred qualifier, else any LOC but 147.
      let qualifiers = EDIFACTMapping.placeQualifiers(for: code)
      var place: String?
      for group in groups where place == nil {
        var best = Int.max
        for index in group where store.tag(of: index) == EDIFACTTag.loc {
          let segment = store[index]
          if let rank = segment[0, 0].flatMap(qualifiers.firstIndex), rank < best, let value = segment[1, 0] {
            best = rank
            place = value
          }
        }
      }
      if place == nil {
        let excluded = EDIFACTMapping.notThePlace(of: code)
        place = first(EDIFACTTag.loc, in: groups) { $0[1, 0] != nil && !excluded.contains($0[0, 0] ?? "") }?[1, 0]
      }
      guard let place else {
        throw .invalid("no place for \(code.rawValue) (LOC+\(qualifiers.joined(separator: "/")))", rule: .edifactMapping)
      }
      let location = try LocationCode(parsing: place)
      // The time: the innermost group with a usable DTM; actual before estimated before planned.
      let actualTimes = EDIFACTMapping.actualTimes(in: message.type)
      var found: (time: EventTime, classifier: EventClassifier)?
      var otherLeg: (qualifier: String, place: String)?
      for group in groups where found == nil {
        var best: (rank: Int, value: String, format: String?, classifier: EventClassifier)?
        // In a status report, what follows a TDT in the group is that leg's.
        let legStart = isStatusReport ? group.first { store.tag(of: $0) == EDIFACTTag.tdt } : nil
        let legPlaces = legStart.map { start in
          Set((start..<group.upperBound).filter { store.tag(of: $0) == EDIFACTTag.loc }.compactMap { store[$0][1, 0] })
        }
        for index in group where store.tag(of: index) == EDIFACTTag.dtm {
          let segment = store[index]
          guard let qualifier = segment[0, 0], let value = segment[0, 1] else { continue }
          // DTM has one data element (C507). A second one is, in practice, a time zone's `+`
          // sent unreleased (`DTM+7:202403040900+05:303'`): reading the first alone would put
          // the time in the wrong zone without a word.
          guard segment.elementCount == 1 else {
            throw .invalid(
              "DTM+\(qualifier) has \(segment.elementCount) data elements where the syntax has one; "
                + "a + inside a value (a time zone) must be released as ?+", rule: .timestamp)
          }
          let candidate: (Int, EventClassifier)? =
            if let rank = actualTimes.firstIndex(of: qualifier) {
              (rank, .ACT)
            } else if let rank = EDIFACTMapping.estimatedTimes.firstIndex(of: qualifier) {
              (100 + rank, .EST)
            } else if EDIFACTMapping.plannedTimes.contains(qualifier) {
              (200, .PLN)
            } else {
              nil
            }
          guard let (rank, classifier) = candidate else { continue }
          // 334 (status change) is the status's own wherever it stands; other dates after a TDT
          // are that leg's.
          if let legStart, index > legStart, qualifier != "334", let legPlaces, !legPlaces.contains(place) {
            otherLeg = otherLeg ?? (qualifier, legPlaces.sorted().joined(separator: "/"))
            continue
          }
          if rank < best?.rank ?? .max { best = (rank, value, segment[0, 2], classifier) }
        }
        if let best { found = (try EDIFACTMapping.time(best.value, format: best.format, zone: zones(location.text)), best.classifier) }
      }
      guard let found else {
        if let otherLeg {
          throw .invalid(
            "the status has no date of its own (DTM+\(actualTimes.joined(separator: "/"))); its only date, DTM+\(otherLeg.qualifier), "
              + "is of a transport leg at \(otherLeg.place), not at \(place)", rule: .edifactMapping)
        }
        throw .invalid(
          "no date/time for \(code.rawValue) (DTM+\((actualTimes + EDIFACTMapping.estimatedTimes).joined(separator: "/")))",
          rule: .edifactMapping)
      }
      let stages = EDIFACTMapping.transportStages(for: code)
      let transport = first(EDIFACTTag.tdt, in: groups) { stages?.contains($0[0, 0] ?? "") ?? true }
      var bookings: [String] = []
      for group in groups where bookings.isEmpty {
        for index in group where store.tag(of: index) == EDIFACTTag.rff {
          let segment = store[index]
          if segment[0, 0] == "BN", let value = segment[0, 1] { bookings.append(value) }
        }
      }
      let explicitID = first(EDIFACTTag.rff, in: groups) { $0[0, 0] == "ZZZ" && $0[0, 1] != nil }?[0, 1]
      let note = first(EDIFACTTag.ftx, in: groups) { $0[0, 0] == "AAI" && !$0.components(of: 3).joined().isEmpty }?.components(of: 3).joined()
      let seal = first(EDIFACTTag.sel, in: groups) { $0[0, 0] != nil }
      let emptyLaden: EmptyLaden? =
        switch eqd[5, 0] {
        case "4": .EMPTY
        case "5": .LADEN
        default: nil
        }
      // Two booking references: the shipment, then a carrier's (as the IFTSTA export writes them);
      // one is a carrier's, which the engine resolves.
      return EventReport(
        id: explicitID ?? derivedID(container: container, code: code, ordinal: ordinal), container: container, code: code, time: found.time,
        location: location, shipment: bookings.count > 1 ? bookings[0] : nil, classifier: found.classifier,
        mode: transport?[2, 0].flatMap { EDIFACTMapping.modes[$0] }, vehicle: transport.flatMap { $0[1, 0] ?? $0[7, 0] }, emptyLaden: emptyLaden,
        seal: seal?[0, 0], note: note, carrierBooking: bookings.count > 1 ? bookings[1] : bookings.first,
        sealSource: seal.flatMap(EDIFACTMapping.sealSource), sealType: seal.flatMap { $0[4, 0] }.flatMap(SealType.init(rawValue:)))
    }

    /// From the interchange and message references and the equipment: re-importing the same
    /// file gives the same ids, and so never duplicates.
    package func derivedID(container: ContainerNumber, code: EventCode, ordinal: Int) -> String {
      let parts = [message.sender, message.interchange, message.reference, container.text, code.rawValue, String(ordinal)]
      let bytes = Array(parts.joined(separator: "\u{1F}").utf8)
      return SHA256.hash(data: bytes).withUnsafeBytes { hex($0.prefix(16), prefix: "edi-") }
    }
  }

  /// A DTM value in format 203 (CCYYMMDDHHMM), 204 (CCYYMMDDHHMMSS), 303 or 304 (the same with a
  /// time zone: `+08`, `-0530`, `Z`, `UTC`). Without a zone the time is the place's local time.
  package static func time(_ value: String, format: String?, zone: TimeZone?) throws(CorridorError) -> EventTime {
    let digits: Int
    let zoned: Bool
    // Older messages write two-digit years (201 YYMMDDHHMM, 202 with seconds, 301 with a zone):
    // read as 20YY, the century every event Corridor records is in.
    let century: String
    switch format ?? "203" {
    case "203": (digits, zoned, century) = (12, false, "")
    case "204": (digits, zoned, century) = (14, false, "")
    case "303": (digits, zoned, century) = (12, true, "")
    case "304": (digits, zoned, century) = (14, true, "")
    case "201": (digits, zoned, century) = (10, false, "20")
    case "202": (digits, zoned, century) = (12, false, "20")
    case "301": (digits, zoned, century) = (10, true, "20")
    default:
      throw .invalid(
        "DTM format \(format ?? "") is not read; expected 203, 204, 303, 304 (or 201, 202, 301 with two-digit years): a date and a time",
        rule: .edifactMapping)
    }
    let bytes = Array(value.utf8)
    guard bytes.count >= digits, bytes.prefix(digits).allSatisfy({ (0x30...0x39).contains($0) }) else {
      throw .invalid("DTM value \(value.debugDescription) does not match format \(format ?? "203")", rule: .timestamp)
    }
    let d = century + String(decoding: bytes.prefix(digits), as: UTF8.self)
    func part(_ from: Int, _ count: Int) -> Substring { d.dropFirst(from).prefix(count) }
    let seconds = d.count == 14 ? part(12, 2) : "00"
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
