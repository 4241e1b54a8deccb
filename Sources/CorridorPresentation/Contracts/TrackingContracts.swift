import CorridorInterchange
import CorridorModel
import Foundation

// The JSON and CSV contracts the CLI prints, in the library so that every edge (the CLI, a
// server) returns exactly the same shapes. Keys and their meaning are documented in docs/ (one page per capability).

/// The `track` JSON contract: `{container, shipment, route, state, lastEvent{id,code,location,at},
/// leg, legs, kmCovered, kmTotal, nextLocation, eta, etaWindow{from,to}, etaBasis, delayHours,
/// exceptions[]}`; `history` with `--history`. Absent values are explicit nulls.
public struct TrackView: Encodable, Sendable {
  public struct LastEvent: Encodable, Sendable {
    public let id: String
    public let code: String
    public let location: String
    public let at: String
    public let localTime: String
  }

  public struct ExceptionView: Encodable, Sendable {
    public let eventId: String
    public let code: String
    public let location: String
    public let at: String
    public let kind: String
    public let rule: String?
  }

  public struct HistoryItem: Encodable, Sendable {
    public let id: String
    public let code: String
    public let classifier: String
    public let location: String
    public let at: String
    public let shipment: String?
    public let retracted: Bool
    public let retractionReason: String?
    public let exception: String?
    public let offRoute: Bool
    public let mode: String?
    public let vehicle: String?
    public let note: String?
  }

  public let report: TrackingReport
  public let includeHistory: Bool

  public init(_ report: TrackingReport, history: Bool) {
    self.report = report
    self.includeHistory = history
  }

  package enum Keys: String, CodingKey {
    case container, shipment, route, state, lastEvent, leg, legs, kmCovered, kmTotal, nextLocation, eta, etaWindow, etaBasis, delayHours, exceptions
    case declarations
    case history
  }

  public struct DeclarationLine: Encodable, Sendable {
    public let number: String
    public let procedure: String
    public let office: String
    /// The box's own status on the declaration.
    public let status: String
  }

  public func encode(to encoder: any Encoder) throws {
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
    try c.encode(report.etaWindow.map { ["from": $0.from.description, "to": $0.to.description] }, forKey: .etaWindow)
    try c.encode(report.etaBasis?.text, forKey: .etaBasis)
    try c.encode(report.delayHours, forKey: .delayHours)
    try c.encode(
      report.exceptions.map {
        ExceptionView(eventId: $0.eventID, code: $0.code.rawValue, location: $0.location.text, at: $0.at.description, kind: $0.kind, rule: $0.rule)
      }, forKey: .exceptions)
    try c.encode(
      report.declarations.map {
        DeclarationLine(number: $0.number, procedure: $0.procedure.rawValue, office: $0.office.text, status: $0.status.rawValue)
      }, forKey: .declarations)
    if includeHistory { try c.encode(historyItems, forKey: .history) }
  }

  public var historyItems: [HistoryItem] {
    report.history.map {
      HistoryItem(
        id: $0.id, code: $0.code.rawValue, classifier: $0.report.classifier.rawValue, location: $0.location.text, at: $0.time.description,
        shipment: $0.report.shipment, retracted: $0.retracted, retractionReason: $0.retractionReason, exception: $0.exception,
        offRoute: $0.offRoute, mode: $0.report.mode?.rawValue, vehicle: $0.report.vehicle, note: $0.report.note)
    }
  }

  public static let headers = ["container", "shipment", "state", "last", "at", "leg", "km", "next", "eta", "delayH", "exceptions"]
  public var row: [String] {
    [
      report.container.text, report.shipment ?? "", report.state.rawValue,
      report.lastEvent.map { "\($0.code.rawValue) \($0.location)" } ?? "", report.lastEvent?.localTime ?? "",
      report.leg.map { "\($0)/\(report.legs ?? 0)" } ?? "", "\(report.kmCovered)/\(report.kmTotal)", report.nextLocation?.text ?? "",
      report.eta?.description ?? "", report.delayHours.map { String($0) } ?? "", String(report.exceptions.count),
    ]
  }

}
