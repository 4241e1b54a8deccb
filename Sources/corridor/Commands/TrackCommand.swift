import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

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
        let views = try db.reportStore.track(shipment: ref).map { TrackView($0, history: history) }
        switch output.format {
        case .json: Console.out(try Render.json(views))
        case .csv: Console.out(Render.csv(TrackView.headers, views.map(\.row)))
        case .table: Console.out(Render.table(TrackView.headers, views.map(\.row)))
        }
        return
      }
      let view = TrackView(try db.reportStore.track(try Parse.container(container ?? "")), history: history)
      switch output.format {
      case .json: Console.out(try Render.json(view))
      case .csv: Console.out(Render.csv(TrackView.headers, [view.row]))
      case .table: Console.text(view.text)
      }
    }
  }
}

extension TrackView {
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
