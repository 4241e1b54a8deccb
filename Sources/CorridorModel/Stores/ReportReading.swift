/// What the report pages read from a store: the report queries, as values. The pages
/// (CorridorPresentation) depend on this protocol, never on a database, so that a second storage
/// engine serves them unchanged. Defaults are the implementation's; a requirement names every
/// argument.
public protocol ReportReading {
  func routes(corridor: String?) throws -> [Route]
  func corridors() throws -> [CorridorInfo]
  func locations(country: String?) throws -> [Location]
  /// The reduction policies, for their names.
  func policies() throws -> [Policy]
  /// Where the boxes of open shipments are as of a time (per route node and leg, and open holds).
  func networkPositions(asOf: EventTime, party: String?) throws -> NetworkPositions
  /// The shipments on their way as of a time and when they arrive (the learned ETA).
  func arrivals(asOf: EventTime, party: String?) throws -> [ShipmentArrival]
  func costReports(
    from: Day?, to: Day?, corridor: String?, route: String?, by groupings: [[CostGrouping]], currency: Currency, fxAt: Day?,
    asOf: EventTime?, party: String?, direction: RouteDirection?
  ) throws -> [[CostReportRow]]
  /// `report exports` (`direction` `.export`) and `report imports` (`.import`): the shipments on
  /// routes of that direction.
  func exportReport(
    year: Int, compare: Int?, by grouping: ExportGrouping, currency: Currency, fxAt: Day?, party: String?, direction: RouteDirection
  ) throws -> [ExportReportRow]
  func exceptions(staleHours: Int, now: EventTime, party: String?) throws -> [ExceptionItem]
  func transitReport(from: Day?, to: Day?, corridor: String?, route: String?, party: String?, direction: RouteDirection?) throws
    -> TransitReport
  func policyImpact(from: Day?, to: Day?, corridor: String?, policiesAsOf: Day, currency: Currency, fxAt: Day?, party: String?) throws
    -> [PolicyImpactRow]
}
