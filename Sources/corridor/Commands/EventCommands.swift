import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct Event: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record and retract container movement events (DCSA Track & Trace codes).",
      subcommands: [Record.self, Retract.self]
    )
  }
}

extension Corridor.Event {
  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record one movement event; actual events are checked against the container's history.",
      discussion: """
        Codes: equipment GTIN GTOT LOAD DISC STUF STRP PICK DROP INSP RSEA RMVD; customs and border CUSS CUSI CUSR CROS; \
        transport ARRI DEPA. Timestamps are ISO 8601 with an offset, e.g. 2024-03-05T14:20:00+08:00.
        """)
    @Argument(help: "Container number.") var container: String
    @Argument(help: "Event code, e.g. GTIN.") var code: String
    @Option(help: "When, ISO 8601 with offset (required).") var at: String
    @Option(help: "UN/LOCODE or alias of the place.") var location: String
    @Option(help: "Shipment reference. Default: the container's open shipment.") var shipment: String?
    @Option(help: "ACT (default), EST or PLN.") var classifier: String = "ACT"
    @Option(help: "rail, vessel, truck or barge.") var mode: String?
    @Option(help: "Train, vessel or truck identifier.") var vehicle: String?
    @Flag(help: "The container is empty.") var empty = false
    @Flag(help: "The container is laden.") var laden = false
    @Option(help: "Seal number.") var seal: String?
    @Option(name: .customLong("seal-source"), help: "Who put the seal on: CAR, SHI, PHY, VET or CUS (DCSA sealSource).") var sealSource: String?
    @Option(name: .customLong("seal-type"), help: "The seal's kind: KLP, BLT or WIR (DCSA sealType).") var sealType: String?
    @Option(help: "Free text.") var note: String?
    @Option(
      name: .customLong("carrier-booking"),
      help: "A carrier's booking reference: the event goes on the shipment it names, else it is kept with the event.")
    var carrierBooking: String?
    @Option(help: "Event id. Default: derived from the content, so resending is a no-op.") var id: String?
    @Flag(help: "Record it even if it breaks a sequence rule, flagged as a data-quality exception.") var allowGap = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func validate() throws {
      if empty && laden { throw ValidationError("--empty and --laden exclude each other") }
      if (sealSource != nil || sealType != nil) && seal == nil { throw ValidationError("--seal-source and --seal-type go with --seal") }
    }

    func run() throws {
      let report = EventReport(
        id: id, container: try Parse.container(container), code: try EventCode(parsing: code), time: try EventTime(parsing: at),
        location: try LocationCode(parsing: location), shipment: shipment, classifier: try EventClassifier(parsing: classifier),
        mode: try mode.map(TransportModeCode.init(parsing:)), vehicle: vehicle, emptyLaden: empty ? .EMPTY : laden ? .LADEN : nil,
        seal: seal, note: note, carrierBooking: carrierBooking, sealSource: try sealSource.map(SealSource.init(parsing:)),
        sealType: try sealType.map(SealType.init(parsing:)))
      let db = try database.open()
      let outcome = try db.eventStore.record(report, allowGap: allowGap, operator: op.resolved)
      ETARefreshing.afterWrite(db)
      switch outcome {
      case .duplicate(let id, retraction: nil):
        Console.line("event \(id) was already recorded with identical content; nothing changed")
      case .duplicate(let id, retraction: let reason?):
        Console.line(
          "event \(id) was recorded with this content and then retracted (\(reason)); it stays retracted, nothing changed; "
            + "to record it again, give it a new id: --id NEW-ID")
      case .recorded(let id, let exception, let offRoute):
        var line = "recorded \(id): \(report.container) \(report.code.rawValue) at \(report.location) \(report.time)"
        if let exception { line += " (data-quality exception: \(exception))" }
        if offRoute { line += " (off-route)" }
        Console.line(line)
      }
    }
  }

  struct Retract: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Withdraw an event (DCSA retraction); it stays in the log, marked.")
    @Argument(help: "Event id.") var eventID: String
    @Option(help: "Why it is withdrawn.") var reason: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let done = try database.open().eventStore.retract(eventID: eventID, reason: reason, operator: op.resolved)
      Console.line(done ? "retracted \(eventID)" : "\(eventID) was already retracted; nothing changed")
    }
  }
}
