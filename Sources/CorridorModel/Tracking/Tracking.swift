import Foundation

/// Where a container is on its shipment's route and when it will arrive.
public struct TrackingReport: Sendable {
  public enum State: String, Sendable {
    case booked
    case inFacility = "in-facility"
    case onConveyance = "on-conveyance"
    case outsideFacility = "outside-facility"
    case customsHold = "customs-hold"
    case delivered
  }

  public struct LastEvent: Sendable {
    public let id: String
    public let code: EventCode
    public let location: LocationCode
    public let at: EventTime
    /// The same instant at the place's own time zone.
    public let localTime: String

    package init(id: String, code: EventCode, location: LocationCode, at: EventTime, localTime: String) {
      self.id = id
      self.code = code
      self.location = location
      self.at = at
      self.localTime = localTime
    }
  }

  public struct Exception: Sendable {
    public let eventID: String
    public let code: EventCode
    public let location: LocationCode
    public let at: EventTime
    /// `allow-gap` or `off-route`.
    public let kind: String
    public let rule: String?

    package init(eventID: String, code: EventCode, location: LocationCode, at: EventTime, kind: String, rule: String?) {
      self.eventID = eventID
      self.code = code
      self.location = location
      self.at = at
      self.kind = kind
      self.rule = rule
    }
  }

  public let container: ContainerNumber
  public let shipment: String?
  public let route: Route?
  public let state: State
  public let lastEvent: LastEvent?
  /// Leg k of n the box is on or about to start.
  public let leg: Int?
  public let legs: Int?
  public let kmCovered: Int
  public let kmTotal: Int
  public let nextLocation: LocationCode?
  public let eta: EventTime?
  /// Where the arrival falls eight times out of ten (10th to 90th percentile), when the
  /// estimate knows its spread (docs/eta.md).
  public var etaWindow: ETAEstimate.Window?
  /// What the ETA rests on.
  public var etaBasis: ETABasis?
  /// ETA minus plan, in hours (positive: late).
  public let delayHours: Double?
  public let exceptions: [Exception]
  /// Every event of the shipment in time order, retracted ones included (for `--history`).
  public let history: [MovementEvent]
  /// The customs declarations covering the box on its shipment, oldest first, each with the
  /// box's own status (docs/customs.md): which declaration holds a box, and how far it is.
  public var declarations: [Customs] = []

  public struct Customs: Sendable, Equatable {
    public let number: String
    public let procedure: CustomsProcedure
    public let office: LocationCode
    public let status: DeclarationStatus

    package init(number: String, procedure: CustomsProcedure, office: LocationCode, status: DeclarationStatus) {
      self.number = number
      self.procedure = procedure
      self.office = office
      self.status = status
    }
  }

  package init(
    container: ContainerNumber, shipment: String?, route: Route?, state: State, lastEvent: LastEvent?, leg: Int?, legs: Int?, kmCovered: Int,
    kmTotal: Int, nextLocation: LocationCode?, eta: EventTime?, delayHours: Double?, exceptions: [Exception], history: [MovementEvent]
  ) {
    self.container = container
    self.shipment = shipment
    self.route = route
    self.state = state
    self.lastEvent = lastEvent
    self.leg = leg
    self.legs = legs
    self.kmCovered = kmCovered
    self.kmTotal = kmTotal
    self.nextLocation = nextLocation
    self.eta = eta
    self.delayHours = delayHours
    self.exceptions = exceptions
    self.history = history
  }
}
