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
    @Option(help: "The ETA learned from the corridor's history (learned, the default) or the plan's (plan).") var eta: ETAMethod = .learned
    @Option(name: .customLong("as-of"), help: "Estimate as of this instant (ISO 8601 with offset). Default: now.") var asOf: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
      if (container == nil) == (shipment == nil) { throw ValidationError("give either a CONTAINER or --shipment REF") }
    }

    func run() throws {
      let db = try database.open()
      let asOf = try asOf.map(EventTime.init(parsing:))
      if let ref = shipment {
        let views = try db.reportStore.track(shipment: ref, eta: eta, asOf: asOf).map { TrackView($0, history: history) }
        switch output.format {
        case .json: Console.out(try Render.json(views))
        case .csv: Console.out(Render.csv(TrackView.headers, views.map(\.row)))
        case .table: Console.out(Render.table(TrackView.headers, views.map(\.row), words: output.lang.words, cells: ["state"]))
        }
        return
      }
      let view = TrackView(try db.reportStore.track(try Parse.container(container ?? ""), eta: eta, asOf: asOf), history: history)
      switch output.format {
      case .json: Console.out(try Render.json(view))
      case .csv: Console.out(Render.csv(TrackView.headers, [view.row]))
      case .table: Console.text(view.text(output.lang.words))
      }
    }
  }
}

extension ETAMethod: ExpressibleByArgument {}

extension TrackView {
  /// The people's view, in `words`' language: a label column, then the values.
  func text(_ words: Words) -> String {
    var lines: [(Phrase, String)] = []
    if let shipment = report.shipment, let route = report.route {
      lines.append((.trackShipment, words(.trackOnRoute, shipment, route.code, words.routeName(route))))
    } else {
      lines.append((.trackShipment, words(.trackNone)))
    }
    lines.append((.trackState, words.cell(report.state.rawValue)))
    if let last = report.lastEvent {
      lines.append(
        (.trackLastEvent, words(.trackLastEventValue, last.code.rawValue, words.meaning(last.code), last.location.text, last.localTime)))
    }
    if let leg = report.leg, let legs = report.legs {
      lines.append((.trackProgress, words(.trackProgressValue, String(leg), String(legs), String(report.kmCovered), String(report.kmTotal))))
    }
    if let next = report.nextLocation { lines.append((.trackNext, next.text)) }
    if let eta = report.eta { lines.append((.trackEta, eta.description)) }
    if let window = report.etaWindow { lines.append((.trackEtaWindow, "\(window.from) – \(window.to)")) }
    if let basis = report.etaBasis { lines.append((.trackEtaBasis, words.etaBasis(basis))) }
    if let delay = report.delayHours { lines.append((.trackDelay, words(.trackDelayValue, String(delay)))) }
    for customs in report.declarations {
      lines.append(
        (
          .trackCustoms,
          words(.trackCustomsValue, customs.number, words.procedure(customs.procedure), customs.office.text, words.cell(customs.status.rawValue))
        ))
    }
    for item in report.exceptions {
      lines.append(
        (.trackException, "\(words.cell(item.kind)) \(item.rule ?? ""): \(item.code.rawValue) at \(item.location) \(item.at) [\(item.eventID)]"))
    }
    let labelled = [(words(.trackContainer), report.container.text)] + lines.map { (words($0.0), $0.1) }
    let width = max(12, (labelled.map { TerminalWidth.of($0.0) }.max() ?? 0) + 2)
    var text =
      labelled.map { label, value in label + String(repeating: " ", count: width - TerminalWidth.of(label)) + value }
      .joined(separator: "\n") + "\n"
    if includeHistory {
      text += "\n"
      text += Render.table(
        ["at", "code", "class", "location", "id", "flags"],
        historyItems.map { item in
          [
            item.at, item.code, item.classifier, item.location, item.id,
            [
              item.retracted ? words(.trackRetracted, item.retractionReason ?? "") : nil, item.exception.map { words(.trackGap, $0) },
              item.offRoute ? words(.trackOffRoute) : nil,
            ]
            .compactMap { $0 }.joined(separator: words(.partSeparator)),
          ]
        }, words: words)
    }
    return text
  }
}
