import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

/// The report queries (`ReportReading`) and tracking: questions over several aggregates, answered in SQL.
public struct ReportStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var reportStore: ReportStore { ReportStore(db: self) }
}

/// The report queries the pages read, answered by SQLite; the network the pages draw is the
/// network store's.
extension ReportStore: ReportReading {
  public func routes(corridor: String?) throws -> [Route] { try db.networkStore.routes(corridor: corridor) }
  public func corridors() throws -> [CorridorInfo] { try db.networkStore.corridors() }
  public func locations(country: String?) throws -> [Location] { try db.networkStore.locations(country: country) }
  public func policies() throws -> [Policy] { try db.costStore.policies() }
}

extension ReportStore {
  /// Tracks a container on its open shipment (else its latest one).
  /// The ETA is `method`'s: learned from the corridor's history (docs/eta.md), or the plan's, as
  /// of `asOf` (default: now).
  public func track(_ container: ContainerNumber, eta method: ETAMethod = .learned, asOf: EventTime? = nil) throws -> TrackingReport {
    try track(container, estimator: estimator(method), asOf: asOf)
  }

  /// Tracks with any estimator (the seam: docs/eta.md).
  public func track(_ container: ContainerNumber, estimator: some ETAEstimator, asOf: EventTime? = nil) throws -> TrackingReport {
    _ = try db.containerStore.requireContainer(container)
    let ref = try db.shipmentStore.openShipment(of: container) ?? db.shipmentStore.latestShipment(of: container)
    return try track(container, shipment: ref, estimator: estimator, asOf: asOf)
  }

  /// The box as `party` may see it: nil when it is unknown, or (with a party) on no shipment of
  /// that party's (the server's tracking view: another party's box reads as unknown).
  public func track(_ container: ContainerNumber, eta method: ETAMethod, party: String?) throws -> TrackingReport? {
    guard try db.containerStore.container(container) != nil else { return nil }
    let report = try track(container, eta: method)
    if let party, !(try report.shipment.map { try shipments(of: party).contains($0) } ?? false) { return nil }
    return report
  }

  /// Every container of a shipment.
  public func track(shipment ref: String, eta method: ETAMethod = .learned, asOf: EventTime? = nil) throws -> [TrackingReport] {
    let estimator = estimator(method)
    return try db.shipmentStore.requireShipment(ref).containers.map {
      try track($0.container, shipment: ref, estimator: estimator, asOf: asOf)
    }
  }

  func estimator(_ method: ETAMethod) -> any ETAEstimator {
    switch method {
    case .learned: db.etaStore.estimator
    case .plan: PlanETAEstimator()
    }
  }

  /// The open shipments (a party's only, with `party`) and their first box's learned ETA as of
  /// `asOf`, by shipment reference.
  public func arrivals(asOf: EventTime, party: String?) throws -> [ShipmentArrival] {
    let own = try party.map(shipments(of:))
    let estimator = db.etaStore.estimator
    return try shipmentsMoving().open.filter { own?.contains($0.ref) ?? true }.sorted { $0.ref < $1.ref }.compactMap { ref, route in
      guard let box = try db.shipmentStore.shipment(ref)?.containers.first?.container else { return nil }
      let report = try track(box, shipment: ref, estimator: estimator, asOf: asOf)
      return ShipmentArrival(
        shipment: ref, route: route, container: box, state: report.state, nextLocation: report.nextLocation, eta: report.eta,
        window: report.etaWindow, basis: report.etaBasis)
    }
  }

  /// `asOf`: when the estimate is made (default: now).
  func track(_ container: ContainerNumber, shipment ref: String?, estimator: any ETAEstimator, asOf: EventTime? = nil) throws -> TrackingReport {
    let route = try ref.flatMap { try db.shipmentStore.shipment($0) }.flatMap { try db.networkStore.route($0.booking.route) }
    let history = try db.eventStore.events(container: container, shipment: ref)
    let live = history.filter { !$0.retracted }
    let actual = live.filter { $0.report.classifier == .ACT }
    let replay = SequenceRules.replay(SequenceRules.steps(of: actual))

    let nodes = route?.nodes ?? []
    let final = nodes.last
    let delivery = actual.last { Delivery.delivers($0.code, classifier: $0.report.classifier, at: $0.location, finalNode: final) }
    // The furthest route node the box has reached, moving forward only; when it got there, and
    // whether it has left.
    var nodeIndex = 0
    var since: EventTime?
    var departed = false
    for event in actual {
      guard nodeIndex < nodes.count, let index = nodes[nodeIndex...].firstIndex(of: event.location) else { continue }
      if index != nodeIndex { (since, departed) = (nil, false) }
      nodeIndex = index
      if event.code == .ARRI, since == nil { since = event.time }
      if event.code == .DEPA, !departed { (since, departed) = (event.time, true) }
    }
    let legCount = route?.legs.count ?? 0
    let legs = route?.legs ?? []

    let state: TrackingReport.State
    if delivery != nil {
      state = .delivered
    } else if !replay.state.holds.isEmpty {
      state = .customsHold
    } else {
      switch replay.state.position {
      case .unknown: state = .booked
      case .inFacility: state = .inFacility
      case .onConveyance: state = .onConveyance
      case .outside: state = .outsideFacility
      }
    }

    let last = actual.last
    let lastEvent = try last.map { event in
      TrackingReport.LastEvent(
        id: event.id, code: event.code, location: event.location, at: event.time,
        localTime: try localTime(event.time, at: event.location))
    }
    // A reporter's estimate, not one Corridor published itself (ETAPublication).
    let estimate = live.filter { $0.report.classifier == .EST && $0.location == final && $0.recordedBy != ETAPublication.operatorName }
      .max { $0.seq < $1.seq }
    let plan = live.filter { $0.report.classifier == .PLN && $0.location == final }.max { $0.seq < $1.seq }
    // Delivered: the arrival is known. Otherwise the estimator's.
    let estimated =
      delivery == nil
      ? try estimator.estimate(
        for: ETAQuestion(
          route: route, nodeIndex: nodeIndex, departed: departed, since: since, lastActual: last, reportedEstimate: estimate?.time,
          asOf: asOf ?? clock.now())) : nil
    let eta = delivery?.time ?? estimated?.median
    let planned: EventTime? =
      plan?.time
      ?? actual.first.map {
        EventTime(milliseconds: $0.time.milliseconds + Int64(route?.totalHours ?? 0) * 3_600_000, offsetMinutes: $0.time.offsetMinutes)
      }
    var delay: Double?
    if let eta, let planned {
      // Tenths of an hour, computed in integers.
      let tenths = (eta.milliseconds - planned.milliseconds) / 360_000
      delay = Double(tenths) / 10
    }
    let exceptions = live.flatMap { event -> [TrackingReport.Exception] in
      var items: [TrackingReport.Exception] = []
      if let rule = event.exception {
        items.append(.init(eventID: event.id, code: event.code, location: event.location, at: event.time, kind: "allow-gap", rule: rule))
      }
      if event.offRoute {
        items.append(.init(eventID: event.id, code: event.code, location: event.location, at: event.time, kind: "off-route", rule: nil))
      }
      return items
    }
    let atEnd = delivery != nil || nodeIndex >= legCount
    var report = TrackingReport(
      container: container, shipment: ref, route: route, state: state, lastEvent: lastEvent,
      leg: route == nil ? nil : max(1, min(nodeIndex + 1, legCount)), legs: route == nil ? nil : legCount,
      kmCovered: delivery != nil ? (route?.totalKm ?? 0) : legs.prefix(nodeIndex).reduce(0) { $0 + $1.distanceKm },
      kmTotal: route?.totalKm ?? 0, nextLocation: atEnd ? nil : nodes[nodeIndex + 1], eta: eta, delayHours: delay,
      exceptions: exceptions, history: history)
    report.etaWindow = estimated?.window
    report.etaBasis = delivery == nil ? estimated?.basis : .arrived
    report.declarations = try ref.map { try db.customsStore.declarations(covering: container, shipment: $0) } ?? []
    return report
  }

  /// An instant shown at a place's own time zone (the zone's offset at that instant).
  public func localTime(_ time: EventTime, at place: LocationCode) throws -> String {
    let zone = try db.networkStore.location(place.text).flatMap { TimeZone(identifier: $0.timeZone) }
    let offsetSeconds = zone?.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(time.milliseconds / 1000))) ?? 0
    return EventTime.format(milliseconds: time.milliseconds, offsetMinutes: offsetSeconds / 60)
  }
}
