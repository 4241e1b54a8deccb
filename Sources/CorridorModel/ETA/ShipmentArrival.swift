/// A shipment on its way and when it arrives, as the network page lists it: the learned
/// estimate of its first box (a train's boxes share their waits; tracking every box of every
/// open shipment would cost the page a track per box).
public struct ShipmentArrival: Sendable, Equatable {
  public let shipment: String
  public let route: String
  public let container: ContainerNumber
  public let state: TrackingReport.State
  public let nextLocation: LocationCode?
  public let eta: EventTime?
  public let window: ETAEstimate.Window?
  public let basis: ETABasis?

  package init(
    shipment: String, route: String, container: ContainerNumber, state: TrackingReport.State, nextLocation: LocationCode?, eta: EventTime?,
    window: ETAEstimate.Window?, basis: ETABasis?
  ) {
    self.shipment = shipment
    self.route = route
    self.container = container
    self.state = state
    self.nextLocation = nextLocation
    self.eta = eta
    self.window = window
    self.basis = basis
  }
}
