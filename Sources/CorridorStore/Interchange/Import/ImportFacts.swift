import CorridorInterchange
import CorridorModel
import Crypto
import SQLite

/// The acceptance engine's facts for an import: the database's, kept in caches so that a
/// million rows do not mean a million lookups of the same container, place and shipment, plus
/// what the file has done so far. It serves the validation pass (a dry run: the file's rows are
/// not in the database, so their effect lives here, spilled to a private file when memory is
/// full) and the write pass (whose rows are in the database as they are written). The rules
/// themselves are `EventAcceptance`'s; nothing here decides.
final class ImportFacts: AcceptanceContext {
  let db: CorridorDatabase
  let options: EventImportOptions
  let now: EventTime

  /// A class, so that the per-row updates change it in place (a struct in the dictionary was
  /// copied, `known` and all, on every row).
  final class Box {
    var facts = ContainerFacts(state: SequenceRules.State(), openShipment: nil)
    /// The ids this box has (its events in the database when the import met it, then the rows
    /// this import accepted), newest last, at most `knownLimit`. While `knownIsComplete`, an id
    /// not in the list is not the box's; and a derived id hashes the container, so it cannot be
    /// another box's either: re-runs and new boxes need no lookups.
    var known: [RowHash] = []
    var knownIsComplete = true
    /// The validator's clock when the box was last used, for eviction.
    var touched = 0
    /// The dry run's accepted actual rows of this box, which the database does not have yet:
    /// a late row is replayed with them, as the write pass replays it with the written rows
    /// (without them, a late row that conflicts with an earlier row of the same file passed
    /// the dry run and stopped the write pass halfway).
    var pending: [SequenceRules.Step] = []
  }

  typealias RowHash = EventRowHash

  /// The write pass's writer for the batch under way (nil in the dry run): it holds accepted
  /// rows back to insert them in chunks, and the rows a read of the database could see are
  /// written before the facts read it.
  var writer: EventBatchWriter?

  /// Ids a box remembers; a box with a longer history looks the rest up in the database.
  static let knownLimit = 256

  private var boxes: [ContainerNumber: Box] = [:]
  /// Boxes kept in memory at most: a backfill meets hundreds of thousands of containers, and
  /// memory must not grow with the file. The least recently used half is evicted when full:
  /// the write pass simply reloads an evicted box from the database (which has its rows); the
  /// dry run, whose rows are not in the database, keeps evicted boxes in `spill`.
  let maxBoxes: Int
  private let spill: BoxSpill?
  private var dryRun: Bool { spill != nil }
  private var clock = 0
  /// Shipments kept in memory, at most `maxShipments` of them, like boxes. What only this
  /// import knows of a shipment is kept apart: the shipments it delivered (a short list of refs)
  /// and the containers it has delivered of the others (kept until the shipment is delivered).
  private var shipments: [String: ShipmentFacts?] = [:]
  private var deliveredBoxes: [String: Set<ContainerNumber>] = [:]
  private var deliveredHere: Set<String> = []
  let maxShipments: Int
  private var places: [String: LocationCode?] = [:]
  private var routes: [String: Route] = [:]
  /// What the row said of its place, shipment and id (copying the whole report cost more).
  private var inputLocation = LocationCode(trusted: "")
  private var inputShipment: String?
  private var inputID: String?
  private var inputCarrierBooking: String?
  private var parsedDerivedID: String?
  /// The row's hashes as `recorded` worked them out (hashing a report is not cheap: once a row).
  private var rowHash: RowHash?
  /// The row's hashes as parsed, valid when resolving changed nothing.
  private var parsedRowHash: RowHash?
  /// The row's box, as `container` found it (one dictionary lookup a row, not three).
  private var currentBox: Box?
  /// Orders the dry run's pending steps after the database's rows at the same instant, in file
  /// order (the write pass gives them increasing `seq`s).
  private var pendingSeq = Int64.max / 2
  /// The dry run's pending steps held in memory, over all boxes: bounded like the boxes, so
  /// memory does not grow with the file (each box's rows go to the spill with the box).
  private var pendingSteps = 0
  static let maxPendingSteps = 65_536

  init(db: CorridorDatabase, options: EventImportOptions, dryRun: Bool) throws {
    self.db = db
    self.options = options
    now = options.now ?? db.clock.now()
    maxBoxes = max(2, options.maxBoxes)
    maxShipments = max(2, options.maxShipments)
    spill = dryRun ? try BoxSpill() : nil
    for route in try db.networkStore.routes() { routes[route.code] = route }
    hasExportDeclarations = try db.customsStore.hasExportDeclarations()
  }

  /// Whether any box can be held by a declaration: without one (most imports), no row asks.
  private let hasExportDeclarations: Bool

  /// A decided row: what the write pass inserts, or nil for a duplicate to count.
  struct Prepared {
    let accepted: EventAcceptance.Accepted?
    let box: Box
    let hashes: RowHash
  }

  /// Decides one row with the engine, over this import's facts.
  ///
  /// - Parameter parsedDerivedID: the derived id of `report` as parsed, when the reader worked
  ///   it out ahead.
  func decide(_ report: EventReport, parsedDerivedID: String? = nil, parsedRowHash: RowHash? = nil) throws -> Prepared {
    (inputLocation, inputShipment, inputID, inputCarrierBooking) = (report.location, report.shipment, report.id, report.carrierBooking)
    self.parsedDerivedID = parsedDerivedID
    self.parsedRowHash = parsedRowHash
    rowHash = nil
    currentBox = nil
    let decision = try EventAcceptance.decide(report, allowGap: options.allowGap, onboarding: options.onboard, in: self)
    // The engine has asked for the box first: it is loaded.
    guard let box = currentBox else { throw CorridorError(.internal, "container \(report.container) was not loaded") }
    switch decision {
    case .accepted(let accepted):
      return Prepared(accepted: accepted, box: box, hashes: rowHash ?? RowHash(id: accepted.id, report: accepted.report))
    case .duplicate(let id, _):
      return Prepared(accepted: nil, box: box, hashes: rowHash ?? RowHash(id: id, report: report))
    }
  }

  /// Moves the facts past an accepted row (a duplicate changes nothing).
  func apply(_ prepared: Prepared) throws {
    guard let accepted = prepared.accepted else { return }
    let box = prepared.box
    box.known.append(prepared.hashes)
    if box.known.count > Self.knownLimit {
      // Older ids are forgotten from here on, so look them up in the database instead.
      box.known.removeFirst(box.known.count - Self.knownLimit)
      box.knownIsComplete = false
    }
    let report = accepted.report
    guard report.classifier == .ACT else { return }
    if let state = accepted.stateAfter { box.facts.state = state }
    noteDelivery(of: report, in: box)
    if dryRun {
      pendingSeq += 1
      box.pending.append(.init(id: accepted.id, code: report.code, location: report.location, time: report.time, seq: pendingSeq))
      pendingSteps += 1
      if pendingSteps > Self.maxPendingSteps { try evictHalf() }
    }
  }

  /// Keeps what only this import knows: the boxes it delivered, and the shipments all of whose
  /// boxes it delivered (delivery is `Delivery.delivers`).
  private func noteDelivery(of report: EventReport, in box: Box) {
    guard Delivery.canDeliver(report.code, classifier: report.classifier), let ref = report.shipment, case var info?? = shipments[ref],
      Delivery.delivers(report.code, classifier: report.classifier, at: report.location, finalNode: info.nodes.last)
    else { return }
    deliveredBoxes[ref, default: []].insert(report.container)
    if deliveredBoxes[ref] == info.containers {
      info.status = .delivered
      deliveredBoxes[ref] = nil
      deliveredHere.insert(ref)
      shipments[ref] = info
    }
    if box.facts.openShipment == ref { box.facts.openShipment = nil }
  }

  // MARK: - AcceptanceContext

  func container(_ number: ContainerNumber) throws -> ContainerFacts? {
    currentBox = try box(number)
    return currentBox?.facts
  }

  func place(_ code: LocationCode) throws -> LocationCode? {
    if let cached = places[code.text] { return cached }
    let resolved = try db.networkStore.location(code.text)?.code
    places[code.text] = resolved
    return resolved
  }

  func shipment(_ ref: String) throws -> ShipmentFacts? {
    if let cached = shipments[ref] { return cached }
    if shipments.count >= maxShipments {
      // Keep the ones this import has delivered some boxes of: that is known nowhere else.
      shipments = shipments.filter { ref, _ in deliveredBoxes[ref] != nil }
    }
    try writer?.writePending(visibleTo: nil)
    var facts = try db.shipmentStore.shipmentFacts(ref).map { s in
      ShipmentFacts(status: s.status, nodes: routes[s.route]?.nodes ?? [], containers: s.containers)
    }
    if deliveredHere.contains(ref) { facts?.status = .delivered }
    shipments[ref] = facts
    return facts
  }

  func recorded(_ report: EventReport, id: String) throws -> RecordedMatch {
    guard let box = currentBox ?? boxes[report.container] else {
      try writer?.writePending(visibleTo: nil)
      return try db.eventStore.recordedMatch(report, id: id)
    }
    let hashes =
      isAsParsed(report) && (inputID == nil || inputID == id) ? parsedRowHash ?? RowHash(id: id, report: report) : RowHash(id: id, report: report)
    rowHash = hashes
    if let seen = box.known.last(where: { $0.id == hashes.id }) {
      if seen.content == hashes.content { return .same(retraction: nil) }
      try writer?.writePending(visibleTo: nil)
      let stored = try db.eventStore.recordedMatch(report, id: id)
      return stored == .none ? .different(existing: "an earlier row of this file") : stored
    }
    // An id the box does not know may still be in the database: when the box's list is not
    // complete (looked up, so that a resent old row is not judged by the sequence rules), or
    // when the id is not the content's own (any box could have it: the dry run looks it up, the
    // write pass leaves it to the id's UNIQUE index and `insertImported` answers a collision).
    var lookUp = !box.knownIsComplete
    if !lookUp, dryRun { lookUp = id != derivedID(of: report) }
    guard lookUp else { return .none }
    try writer?.writePending(visibleTo: nil)
    let exists = try db.connection.fetchOne("SELECT 1 FROM events WHERE id = ?", [.text(id)]) != nil
    return exists ? try db.eventStore.recordedMatch(report, id: id) : .none
  }

  func history(of container: ContainerNumber) throws -> [SequenceRules.Step] {
    try writer?.writePending(visibleTo: container)
    return try db.eventStore.actualSteps(of: container) + (boxes[container]?.pending ?? [])
  }

  func clearanceHolds(of container: ContainerNumber) throws -> [ClearanceHold] {
    hasExportDeclarations ? try db.customsStore.clearanceHolds(of: container) : []
  }

  func derivedID(of resolved: EventReport) -> String {
    isAsParsed(resolved) ? parsedDerivedID ?? resolved.derivedID : resolved.derivedID
  }

  /// Whether resolving the row left its content as parsed: resolving an alias or filling in the
  /// shipment changes the content, and so its derived id and hashes. (A derived id ignores the
  /// report's own id.)
  private func isAsParsed(_ resolved: EventReport) -> Bool {
    resolved.location == inputLocation && resolved.shipment == inputShipment && resolved.carrierBooking == inputCarrierBooking
  }

  // MARK: - Boxes

  /// Whether the container is registered (or registered by this import).
  func knows(_ container: ContainerNumber) throws -> Bool { try box(container) != nil }

  /// A container this import registers (`--register-containers`): no events, no shipment.
  func register(_ container: ContainerNumber) throws {
    if boxes.count >= maxBoxes { try evictHalf() }
    clock += 1
    let box = Box()
    box.touched = clock
    boxes[container] = box
  }

  /// The box for `container`, from memory, the spill or the database; nil when the container
  /// is not registered.
  private func box(_ container: ContainerNumber) throws -> Box? {
    clock += 1
    if let cached = boxes[container] {
      cached.touched = clock
      return cached
    }
    guard let box = try spill?.take(container) ?? load(container) else { return nil }
    pendingSteps += box.pending.count
    if boxes.count >= maxBoxes { try evictHalf() }
    box.touched = clock
    boxes[container] = box
    return box
  }

  /// Moves the least recently used half of the boxes out of memory: to the spill in the dry run,
  /// nowhere in the write pass (the database has their rows).
  private func evictHalf() throws {
    for (evicted, box) in boxes.sorted(by: { $0.value.touched < $1.value.touched }).prefix(boxes.count / 2) {
      try spill?.keep(box, of: evicted)
      pendingSteps -= box.pending.count
      boxes[evicted] = nil
    }
  }

  /// A box as the database knows it.
  private func load(_ container: ContainerNumber) throws -> Box? {
    try writer?.writePending(visibleTo: container)
    guard try db.containerStore.isRegistered(container) else { return nil }
    let box = Box()
    let all = try db.eventStore.events(container: container)
    box.facts.state = SequenceRules.replay(SequenceRules.steps(of: all)).state
    box.known = all.suffix(Self.knownLimit).map { RowHash(id: $0.id, report: $0.report) }
    box.knownIsComplete = all.count <= Self.knownLimit
    // The most recent open shipment, as `event record` takes it, open as this import knows it.
    box.facts.openShipment = try db.shipmentStore.shipmentRefs(of: container).first { try shipment($0)?.status.isOpen == true }
    return box
  }
}
