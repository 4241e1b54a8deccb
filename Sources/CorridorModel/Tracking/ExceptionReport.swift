/// One data-quality or operational exception, for `corridor report exceptions`.
public struct ExceptionItem: Sendable, Equatable {
  /// Why it is an exception, with the figures a reader needs; the words are the presentation
  /// layer's (`Words.detail(of:)`), in the reader's language.
  public enum Reason: Sendable, Equatable {
    /// Recorded with `--allow-gap` despite `rule`.
    case allowGap(code: String, rule: String)
    /// Recorded at a place that is not on the shipment's route.
    case offRoute(code: String, location: LocationCode)
    /// In transit with no actual event for `hours` since the last one (`code`).
    case stale(hours: Int64, since: String, threshold: Int)
    /// A customs hold (`code`) open for `hours` without a release.
    case customsHold(code: String, hours: Int64, threshold: Int)
    /// A customs declaration still `status` (not released, rejected, seized or closed) `hours`
    /// after it was lodged.
    case declarationOpen(number: String, status: String, hours: Int64, threshold: Int)
    /// A two-step declaration whose complete declaration is not lodged `days` after the summary
    /// (due within 14).
    case completeDeclarationOverdue(number: String, days: Int64)
  }

  public let container: ContainerNumber
  public let shipment: String?
  public let location: LocationCode
  public let at: EventTime
  public let eventID: String?
  public let reason: Reason

  package init(container: ContainerNumber, shipment: String?, location: LocationCode, at: EventTime, eventID: String?, reason: Reason) {
    self.container = container
    self.shipment = shipment
    self.location = location
    self.at = at
    self.eventID = eventID
    self.reason = reason
  }

  /// `allow-gap`, `off-route`, `stale` (in transit, silent too long) or `customs-hold` (open too long).
  public var kind: String {
    switch reason {
    case .allowGap: "allow-gap"
    case .offRoute: "off-route"
    case .stale: "stale"
    case .customsHold: "customs-hold"
    case .declarationOpen: "declaration-open"
    case .completeDeclarationOverdue: "declaration-overdue"
    }
  }
}
