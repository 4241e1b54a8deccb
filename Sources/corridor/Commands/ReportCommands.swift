import ArgumentParser
import CorridorKit

extension Corridor {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Operational and freight-cost reports.",
      subcommands: [Exceptions.self]
    )
  }
}

extension Corridor.Report {
  struct Exceptions: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Allow-gap and off-route events, silent containers in transit, long customs holds.")
    @Option(name: .customLong("stale-hours"), help: "Hours of silence (or of an open hold) that count as an exception.")
    var staleHours: Int = 72
    @Option(name: .customLong("as-of"), help: "Judge staleness as of this instant (ISO 8601 with offset). Default: now.")
    var asOf: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    struct View: Encodable {
      let kind: String
      let container: String
      let shipment: String?
      let location: String
      let at: String
      let eventId: String?
      let detail: String
    }

    func run() throws {
      guard staleHours > 0 else { throw ValidationError("--stale-hours must be positive") }
      let now = try asOf.map(EventTime.init(parsing:)) ?? .now()
      let views = try database.open().exceptions(staleHours: staleHours, now: now).map {
        View(
          kind: $0.kind, container: $0.container.text, shipment: $0.shipment, location: $0.location.text, at: $0.at.description,
          eventId: $0.eventID, detail: $0.detail)
      }
      try Render.emit(
        output.format, json: views, headers: ["kind", "container", "shipment", "location", "at", "detail"],
        rows: views.map { [$0.kind, $0.container, $0.shipment ?? "", $0.location, $0.at, $0.detail] })
    }
  }
}
