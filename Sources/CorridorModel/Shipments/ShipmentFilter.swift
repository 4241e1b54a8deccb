/// Filters for `shipment list` and the reports, and a page of the list: at most `limit`
/// shipments after the one named `after`, in (booked date, reference) order.
public struct ShipmentFilter: Sendable {
  public var corridor: String?
  public var route: String?
  public var status: ShipmentStatus?
  public var from: Day?
  public var to: Day?
  public var limit: Int?
  public var after: String?
  /// Only shipments whose shipper or consignee is this party (a party-scoped key's pages).
  public var party: String?
  /// Only shipments on one of these routes (those of one direction: `--direction`); nil for
  /// any route, empty for none.
  public var routes: [String]?

  public init(
    corridor: String? = nil, route: String? = nil, status: ShipmentStatus? = nil, from: Day? = nil, to: Day? = nil, limit: Int? = nil,
    after: String? = nil, party: String? = nil, routes: [String]? = nil
  ) {
    self.routes = routes
    self.corridor = corridor
    self.route = route
    self.status = status
    self.from = from
    self.to = to
    self.limit = limit
    self.after = after
    self.party = party
  }
}
