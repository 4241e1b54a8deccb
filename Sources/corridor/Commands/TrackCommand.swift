import ArgumentParser
import CorridorKit

extension Corridor {
  struct Track: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Where a container is, its progress along the route, and when it will arrive.")
    @Argument(help: "Container number (or use --shipment).") var container: String?
    @Option(help: "Track every container of this shipment.") var shipment: String?
    @Flag(help: "List every event in time order, retracted ones marked.") var history = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
      if (container == nil) == (shipment == nil) { throw ValidationError("give either a CONTAINER or --shipment REF") }
    }

    func run() throws {
      let db = try database.open()
      if let ref = shipment {
        let views = try db.track(shipment: ref).map { TrackView($0, history: history) }
        switch output.format {
        case .json: Console.out(try Render.json(views))
        case .csv: Console.out(Render.csv(TrackView.headers, views.map(\.row)))
        case .table: Console.out(Render.table(TrackView.headers, views.map(\.row)))
        }
        return
      }
      let view = TrackView(try db.track(try Parse.container(container ?? "")), history: history)
      switch output.format {
      case .json: Console.out(try Render.json(view))
      case .csv: Console.out(Render.csv(TrackView.headers, [view.row]))
      case .table: Console.out(view.text)
      }
    }
  }
}

/// The `track` JSON contract: `{container, shipment, route, state, lastEvent{id,code,location,at},
/// leg, legs, kmCovered, kmTotal, nextLocation, eta, delayHours, exceptions[]}`; `history` with
/// `--history`. Absent values are explicit nulls.
struct TrackView: Encodable {
  struct LastEvent: Encodable {
    let id: String
    let code: String
    let location: String
    let at: String
    let localTime: String
  }

  struct ExceptionView: Encodable {
    let eventId: String
    let code: String
    let location: String
    let at: String
    let kind: String
    let rule: String?
  }

  struct HistoryItem: Encodable {
    let id: String
    let code: String
    let classifier: String
    let location: String
    let at: String
    let shipment: String?
    let retracted: Bool
    let retractionReason: String?
    let exception: String?
    let offRoute: Bool
    let mode: String?
    let vehicle: String?
    let note: String?
  }

  let report: TrackingReport
  let includeHistory: Bool

  init(_ report: TrackingReport, history: Bool) {
    self.report = report
    self.includeHistory = history
  }

  enum Keys: String, CodingKey {
    case container, shipment, route, state, lastEvent, leg, legs, kmCovered, kmTotal, nextLocation, eta, delayHours, exceptions, history
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: Keys.self)
    try c.encode(report.container.text, forKey: .container)
    try c.encode(report.shipment, forKey: .shipment)
    try c.encode(report.route?.code, forKey: .route)
    try c.encode(report.state.rawValue, forKey: .state)
    try c.encode(
      report.lastEvent.map {
        LastEvent(id: $0.id, code: $0.code.rawValue, location: $0.location.text, at: $0.at.description, localTime: $0.localTime)
      }, forKey: .lastEvent)
    try c.encode(report.leg, forKey: .leg)
    try c.encode(report.legs, forKey: .legs)
    try c.encode(report.kmCovered, forKey: .kmCovered)
    try c.encode(report.kmTotal, forKey: .kmTotal)
    try c.encode(report.nextLocation?.text, forKey: .nextLocation)
    try c.encode(report.eta?.description, forKey: .eta)
    try c.encode(report.delayHours, forKey: .delayHours)
    try c.encode(
      report.exceptions.map {
        ExceptionView(eventId: $0.eventID, code: $0.code.rawValue, location: $0.location.text, at: $0.at.description, kind: $0.kind, rule: $0.rule)
      }, forKey: .exceptions)
    if includeHistory { try c.encode(historyItems, forKey: .history) }
  }

  var historyItems: [HistoryItem] {
    report.history.map {
      HistoryItem(
        id: $0.id, code: $0.code.rawValue, classifier: $0.report.classifier.rawValue, location: $0.location.text, at: $0.time.description,
        shipment: $0.report.shipment, retracted: $0.retracted, retractionReason: $0.retractionReason, exception: $0.exception,
        offRoute: $0.offRoute, mode: $0.report.mode?.rawValue, vehicle: $0.report.vehicle, note: $0.report.note)
    }
  }

  static let headers = ["container", "shipment", "state", "last", "at", "leg", "km", "next", "eta", "delayH", "exceptions"]
  var row: [String] {
    [
      report.container.text, report.shipment ?? "", report.state.rawValue,
      report.lastEvent.map { "\($0.code.rawValue) \($0.location)" } ?? "", report.lastEvent?.localTime ?? "",
      report.leg.map { "\($0)/\(report.legs ?? 0)" } ?? "", "\(report.kmCovered)/\(report.kmTotal)", report.nextLocation?.text ?? "",
      report.eta?.description ?? "", report.delayHours.map { String($0) } ?? "", String(report.exceptions.count),
    ]
  }

  /// The people's view.
  var text: String {
    var lines = ["container   \(report.container)"]
    if let shipment = report.shipment, let route = report.route {
      lines.append("shipment    \(shipment) on \(route.code) (\(route.name))")
    } else {
      lines.append("shipment    none")
    }
    lines.append("state       \(report.state.rawValue)")
    if let last = report.lastEvent {
      lines.append("last event  \(last.code.rawValue) (\(last.code.meaning)) at \(last.location), \(last.localTime) local")
    }
    if let leg = report.leg, let legs = report.legs {
      lines.append("progress    leg \(leg) of \(legs), \(report.kmCovered) of \(report.kmTotal) km")
    }
    if let next = report.nextLocation { lines.append("next        \(next)") }
    if let eta = report.eta { lines.append("eta         \(eta)") }
    if let delay = report.delayHours { lines.append("delay       \(delay) h against plan") }
    for item in report.exceptions {
      lines.append("exception   \(item.kind) \(item.rule ?? ""): \(item.code.rawValue) at \(item.location) \(item.at) [\(item.eventID)]")
    }
    var text = lines.joined(separator: "\n") + "\n"
    if includeHistory {
      text += "\n"
      text += Render.table(
        ["at", "code", "class", "location", "id", "flags"],
        historyItems.map { item in
          [
            item.at, item.code, item.classifier, item.location, item.id,
            [
              item.retracted ? "RETRACTED (\(item.retractionReason ?? ""))" : nil, item.exception.map { "gap: \($0)" },
              item.offRoute ? "off-route" : nil,
            ]
            .compactMap { $0 }.joined(separator: "; "),
          ]
        })
    }
    return text
  }
}
