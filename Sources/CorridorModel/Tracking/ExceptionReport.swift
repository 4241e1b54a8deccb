/// One data-quality or operational exception, for `corridor report exceptions`.
public struct ExceptionItem: Sendable, Equatable {
  /// `allow-gap`, `off-route`, `stale` (in transit, silent too long) or `customs-hold` (open too long).
  public let kind: String
  public let container: ContainerNumber
  public let shipment: String?
  public let location: LocationCode
  public let at: EventTime
  public let eventID: String?
  public let detail: String

  package init(kind: String, container: ContainerNumber, shipment: String?, location: LocationCode, at: EventTime, eventID: String?, detail: String) {
    self.kind = kind
    self.container = container
    self.shipment = shipment
    self.location = location
    self.at = at
    self.eventID = eventID
    self.detail = detail
  }
}
