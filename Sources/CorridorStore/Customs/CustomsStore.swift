import CorridorInterchange
import CorridorModel
import SQLite

/// The customs feature's store: declarations, their boxes, and every status customs gave them
/// (docs/customs.md). Each change is one transaction and one audit entry with the declaration's
/// whole state.
public struct CustomsStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var customsStore: CustomsStore { CustomsStore(db: self) }
}

/// What `customs declare` is given, parsed at the edge.
public struct DeclarationRequest: Sendable {
  public var number: String
  public var foreign: Bool
  public var shipment: String
  public var procedure: CustomsProcedure
  public var office: String
  public var containers: [ContainerNumber]?
  public var mode: DeclarationMode
  public var value: Money?
  public var at: EventTime

  public init(
    number: String, foreign: Bool, shipment: String, procedure: CustomsProcedure, office: String, containers: [ContainerNumber]?,
    mode: DeclarationMode, value: Money?, at: EventTime
  ) {
    self.number = number
    self.foreign = foreign
    self.shipment = shipment
    self.procedure = procedure
    self.office = office
    self.containers = containers
    self.mode = mode
    self.value = value
    self.at = at
  }
}

extension CustomsStore {
  /// Lodges a declaration for the shipment's boxes (all, or the listed ones) at an office of the
  /// network. Refused, with nothing written: a bad number, an unknown shipment or office, a box
  /// not on the shipment, a number already used.
  @discardableResult
  public func declare(_ request: DeclarationRequest, operator op: String) throws -> Declaration {
    try mapSQLiteErrors {
      try connection.transaction {
        let number = try DeclarationNumber(
          parsing: request.number, foreign: request.foreign, procedure: request.procedure, declaredOn: request.at.day)
        try Declaration.checkNotFuture(request.at, now: clock.now(), number: number.text)
        guard try connection.scalarInt("SELECT count(*) FROM declarations WHERE number = ?", [.text(number.text)]) == 0 else {
          throw CorridorError.invalid("declaration \(number) exists already", rule: .declaration, hint: "a new declaration takes a new number")
        }
        let shipment = try db.shipmentStore.requireShipment(request.shipment)
        let office = try db.networkStore.resolveLocation(request.office)
        let onShipment = shipment.containers.map(\.container)
        let boxes = request.containers ?? onShipment
        guard !boxes.isEmpty else { throw CorridorError.invalid("shipment \(request.shipment) has no containers to declare", rule: .declaration) }
        if let stranger = boxes.first(where: { !onShipment.contains($0) }) {
          throw CorridorError.invalid("\(stranger) is not on shipment \(request.shipment)", rule: .declaration)
        }
        guard Set(boxes).count == boxes.count else { throw CorridorError.invalid("a container is listed twice", rule: .declaration) }
        let first = Declaration.firstStatus(request.mode)
        let change = DeclarationChange(status: first, at: request.at, recordedAt: clock.nowUTC(), operatorName: op)
        let declaration = Declaration(
          number: number, shipment: shipment.booking.ref, procedure: request.procedure, office: office, mode: request.mode,
          value: request.value, declaredAt: request.at, status: first, boxes: boxes.map { ($0, first) }, completedAt: nil, history: [change])
        try connection.execute(
          """
          INSERT INTO declarations(number, foreign_number, shipment, procedure, office, mode, value_minor, currency, declared_at_ms,
            declared_at_offset_minutes, status, created_at, operator)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
          [
            .text(number.text), SQLValue(number.isForeign), .text(shipment.booking.ref), .text(request.procedure.rawValue), .text(office.text),
            .text(request.mode.rawValue), SQLValue(request.value?.minorUnits), SQLValue(request.value?.currency.code),
            .integer(request.at.milliseconds), .integer(Int64(request.at.offsetMinutes)), .text(first.rawValue), .text(change.recordedAt),
            .text(op),
          ])
        for (index, box) in boxes.enumerated() {
          try connection.execute(
            "INSERT INTO declaration_boxes(declaration, seq, container, status) VALUES (?, ?, ?, ?)",
            [.text(number.text), .integer(Int64(index + 1)), .text(box.text), .text(first.rawValue)])
        }
        try insert(change, number: number.text, seq: 1)
        try db.auditTrail.audit(action: "insert", entity: "declaration", key: number.text, operator: op)
        return declaration
      }
    }
  }

  /// Records a status customs gave a declaration (or some of its boxes), after the model's
  /// transitions allow it. Refused with nothing written otherwise.
  ///
  /// What the status means for the boxes goes through the one acceptance engine, in the same
  /// transaction: a box `selected` gets a customs-hold event at the office (`CUSS` for a scan,
  /// `CUSI` for a document check or a physical inspection), and a held box `released` gets `CUSR`;
  /// tracking, exceptions, the DCSA feed and subscriptions see them as any event. An event the
  /// engine refuses refuses the change.
  @discardableResult
  public func record(_ number: String, _ change: DeclarationChange, operator op: String) throws -> Declaration {
    try mapSQLiteErrors {
      try connection.transaction {
        try db.outbox.notifying { try recordInTransaction(number, change, operator: op) }
      }
    }
  }

  private func recordInTransaction(_ number: String, _ change: DeclarationChange, operator op: String) throws -> Declaration {
    let declaration = try requireDeclaration(number)
    try Declaration.checkNotFuture(change.at, now: clock.now(), number: number)
    let next = try declaration.applying(change)
    try connection.execute(
      "UPDATE declarations SET status = ?, completed_at_ms = ?, completed_at_offset_minutes = ? WHERE number = ?",
      [
        .text(next.status.rawValue), SQLValue(next.completedAt?.milliseconds), SQLValue(next.completedAt.map { Int64($0.offsetMinutes) }),
        .text(number),
      ])
    for (old, new) in zip(declaration.boxes, next.boxes) where old.status != new.status {
      try connection.execute(
        "UPDATE declaration_boxes SET status = ? WHERE declaration = ? AND container = ?",
        [.text(new.status.rawValue), .text(number), .text(new.container.text)])
    }
    try insert(change, number: number, seq: next.history.count)
    try db.auditTrail.audit(action: "update", entity: "declaration", key: number, operator: op)
    for (old, new) in zip(declaration.boxes, next.boxes) where old.status != new.status {
      guard let code = Self.event(from: old.status, to: new.status, check: change.check) else { continue }
      let report = EventReport(
        id: "\(number)-\(next.history.count)-\(new.container.text)", container: new.container, code: code, time: change.at,
        location: declaration.office, shipment: declaration.shipment,
        note: "customs declaration \(number): \(change.status.rawValue)\(change.check.map { " (\($0.rawValue))" } ?? "")")
      _ = try db.eventStore.recordInTransaction(report, allowGap: false, operator: op)
    }
    return next
  }

  /// The container event a box's change of status means: a hold when selected (a scan is `CUSS`,
  /// any other check `CUSI`), its release when a held box is released; nil otherwise.
  static func event(from old: DeclarationStatus, to new: DeclarationStatus, check: CustomsCheck?) -> EventCode? {
    switch (old, new) {
    case (_, .selected): check == .scan ? .CUSS : .CUSI
    case (.selected, .released), (.inspected, .released), (.detained, .released): .CUSR
    default: nil
    }
  }

  private func insert(_ change: DeclarationChange, number: String, seq: Int) throws {
    try connection.execute(
      """
      INSERT INTO declaration_history(declaration, seq, status, at_ms, at_offset_minutes, containers, check_kind, outcome, note,
        recorded_at, operator)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        .text(number), .integer(Int64(seq)), .text(change.status.rawValue), .integer(change.at.milliseconds),
        .integer(Int64(change.at.offsetMinutes)), SQLValue(change.containers.map { $0.map(\.text).joined(separator: " ") }),
        SQLValue(change.check?.rawValue), SQLValue(change.outcome?.rawValue), SQLValue(change.note), .text(change.recordedAt),
        .text(change.operatorName),
      ])
  }

  /// The declaration with this number, or the refusal that names it.
  public func requireDeclaration(_ number: String) throws -> Declaration {
    guard let declaration = try declaration(number) else {
      throw CorridorError.invalid("no declaration \(number)", rule: .declaration, hint: "corridor customs list shows the declarations")
    }
    return declaration
  }

  /// The declaration with this number, with its boxes and history; nil when there is none.
  public func declaration(_ number: String) throws -> Declaration? {
    try mapSQLiteErrors { try load(where: "number = ?1", [.text(number)]).first }
  }

  /// Declarations, newest first: of a shipment, in a status, open only, at an office.
  public func declarations(shipment: String? = nil, status: DeclarationStatus? = nil, openOnly: Bool = false, office: String? = nil) throws
    -> [Declaration]
  {
    try mapSQLiteErrors {
      let office = try office.map { try db.networkStore.resolveLocation($0).text }
      return try load(
        where: """
          (CAST(?1 AS TEXT) IS NULL OR shipment = ?1) AND (CAST(?2 AS TEXT) IS NULL OR status = ?2) AND (?3 = 0 OR status NOT IN ('rejected', 'seized', 'closed'))
            AND (CAST(?4 AS TEXT) IS NULL OR office = ?4)
          """, [SQLValue(shipment), SQLValue(status?.rawValue), SQLValue(openOnly), SQLValue(office)])
    }
  }

  /// The declarations `condition` selects (newest first), with their boxes and histories: three
  /// queries however many there are, not three per declaration.
  private func load(where condition: String, _ arguments: [SQLValue]) throws -> [Declaration] {
    let selected = "SELECT number FROM declarations WHERE \(condition)"
    var boxes: [String: [(container: ContainerNumber, status: DeclarationStatus)]] = [:]
    for row in try connection.rows(
      "SELECT declaration, container, status FROM declaration_boxes WHERE declaration IN (\(selected)) ORDER BY declaration, seq", arguments)
    {
      boxes[try row.text("declaration"), default: []].append((try row.container("container"), try row.code("status")))
    }
    var history: [String: [DeclarationChange]] = [:]
    for row in try connection.rows(
      """
      SELECT declaration, status, at_ms, at_offset_minutes, containers, check_kind, outcome, note, recorded_at, operator
      FROM declaration_history WHERE declaration IN (\(selected)) ORDER BY declaration, seq
      """, arguments)
    {
      history[try row.text("declaration"), default: []].append(
        DeclarationChange(
          status: try row.code("status"), at: try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes"),
          containers: try Self.containers(row), check: try row.optionalCode("check_kind"), outcome: try row.optionalCode("outcome"),
          note: try row.optionalText("note"), recordedAt: try row.text("recorded_at"), operatorName: try row.text("operator")))
    }
    return try connection.rows(
      """
      SELECT number, foreign_number, shipment, procedure, office, mode, value_minor, currency, declared_at_ms,
        declared_at_offset_minutes, status, completed_at_ms, completed_at_offset_minutes
      FROM declarations WHERE \(condition) ORDER BY declared_at_ms DESC, number
      """, arguments
    ).map { row throws(RowDecodingError) in
      let number = try row.text("number")
      let value = try row.isNull("value_minor") ? nil : Money(minorUnits: try row.minorUnits("value_minor"), currency: try row.currency("currency"))
      return Declaration(
        number: DeclarationNumber(stored: number, foreign: try row.bool("foreign_number")), shipment: try row.text("shipment"),
        procedure: try row.code("procedure"), office: try row.location("office"), mode: try row.code("mode"), value: value,
        declaredAt: try row.eventTime(milliseconds: "declared_at_ms", offset: "declared_at_offset_minutes"), status: try row.code("status"),
        boxes: boxes[number] ?? [],
        completedAt: try row.isNull("completed_at_ms")
          ? nil : try row.eventTime(milliseconds: "completed_at_ms", offset: "completed_at_offset_minutes"),
        history: history[number] ?? [])
    }
  }
}

extension CustomsStore {
  /// The declarations covering a box on a shipment, oldest first, with the box's own status
  /// (`track`): one indexed query.
  func declarations(covering container: ContainerNumber, shipment: String) throws -> [TrackingReport.Customs] {
    try connection.rows(
      """
      SELECT d.number, d.procedure, d.office, b.status FROM declaration_boxes b JOIN declarations d ON d.number = b.declaration
      WHERE b.container = ? AND d.shipment = ? ORDER BY d.declared_at_ms, d.number
      """, [.text(container.text), .text(shipment)]
    ).map { row throws(RowDecodingError) in
      TrackingReport.Customs(
        number: try row.text("number"), procedure: try row.code("procedure"), office: try row.location("office"), status: try row.code("status"))
    }
  }
}

extension CustomsStore {
  /// The declaration as a key of `party` sees it: nil when its shipment is another party's, so
  /// that another party's number reads as unknown (nil party: an unscoped key sees every one).
  public func declaration(_ number: String, party: String?) throws -> Declaration? {
    guard let declaration = try declaration(number) else { return nil }
    guard let party else { return declaration }
    return try mapSQLiteErrors { try db.eventStore.shipmentBelongs(declaration.shipment, to: party) } ? declaration : nil
  }

  /// A shipment's declarations as a key of `party` sees them: none for another party's shipment.
  public func declarations(
    shipment: String, status: DeclarationStatus? = nil, openOnly: Bool = false, office: String? = nil, party: String?
  ) throws -> [Declaration] {
    if let party, try !mapSQLiteErrors({ try db.eventStore.shipmentBelongs(shipment, to: party) }) { return [] }
    return try declarations(shipment: shipment, status: status, openOnly: openOnly, office: office)
  }
}

extension CustomsStore {
  /// The holds export declarations put on a box (`Declaration.hold(on:)`, the one rule), for the
  /// acceptance engine: asked only when an event would take the box away from a place, and in
  /// one indexed query (a cached statement), as an import asks it for many boxes.
  public func clearanceHolds(of container: ContainerNumber) throws -> [ClearanceHold] {
    var declarations: [(number: String, office: LocationCode, history: [DeclarationChange])] = []
    for row in try connection.rows(
      """
      SELECT d.number, d.office, h.status, h.at_ms, h.at_offset_minutes, h.containers
      FROM declaration_boxes b JOIN declarations d ON d.number = b.declaration
        JOIN declaration_history h ON h.declaration = d.number
      WHERE b.container = ? AND d.procedure = 'export'
      ORDER BY d.declared_at_ms, d.number, h.seq
      """, [.text(container.text)])
    {
      let number = try row.text("number")
      let change = DeclarationChange(
        status: try row.code("status"), at: try row.eventTime(milliseconds: "at_ms", offset: "at_offset_minutes"),
        containers: try Self.containers(row), recordedAt: "", operatorName: "")
      if declarations.last?.number == number {
        declarations[declarations.count - 1].history.append(change)
      } else {
        declarations.append((number, try row.location("office"), [change]))
      }
    }
    return declarations.compactMap { number, office, history in
      Declaration(
        number: DeclarationNumber(stored: number, foreign: false), shipment: "", procedure: .export, office: office, mode: .oneStep, value: nil,
        declaredAt: history[0].at, status: .declared, boxes: [(container, .declared)], completedAt: nil, history: history
      ).hold(on: container)
    }
  }

  /// Whether any export declaration exists (an import with none asks no box for holds).
  func hasExportDeclarations() throws -> Bool {
    try connection.row("SELECT 1 FROM declarations WHERE procedure = 'export' LIMIT 1") != nil
  }

  /// A history row's `containers`: space-separated numbers, NULL for every box.
  static func containers(_ row: Row) throws(RowDecodingError) -> [ContainerNumber]? {
    try row.optionalParsed("containers", "space-separated container numbers") { text in
      let parts = text.split(separator: " ").map { try? ContainerNumber(parsing: String($0)) }
      return parts.isEmpty || parts.contains(nil) ? nil : parts.compactMap { $0 }
    }
  }
}

extension CustomsStore {
  /// For `report exceptions`: declarations still open (not released, rejected, seized or closed)
  /// `staleHours` after they were lodged, and two-step ones with no complete declaration 14 days
  /// after the summary; each named by its first box, at its office, at the time it was lodged.
  func exceptions(now: EventTime, staleHours: Int) throws -> [ExceptionItem] {
    let open = now.milliseconds - Int64(staleHours) * 3_600_000
    let due = now.milliseconds - 14 * 86_400_000
    var items: [ExceptionItem] = []
    for row in try connection.rows(
      """
      SELECT * FROM (
        SELECT d.number, d.shipment, d.office, d.status, d.declared_at_ms, d.declared_at_offset_minutes,
          d.status IN ('summary', 'declared', 'accepted', 'selected', 'inspected', 'detained') AND d.declared_at_ms <= ?1 AS is_open,
          d.mode = 'two-step' AND d.completed_at_ms IS NULL AND d.status <> 'rejected' AND d.declared_at_ms <= ?2 AS is_overdue,
          (SELECT container FROM declaration_boxes b WHERE b.declaration = d.number ORDER BY seq LIMIT 1) AS container
        FROM declarations d) flagged
      WHERE is_open OR is_overdue
      ORDER BY declared_at_ms, number
      """, [.integer(open), .integer(due)])
    {
      let number = try row.text("number")
      let lodged = try row.eventTime(milliseconds: "declared_at_ms", offset: "declared_at_offset_minutes")
      var reasons: [ExceptionItem.Reason] = []
      if try row.bool("is_open") {
        let status: DeclarationStatus = try row.code("status")
        reasons.append(
          .declarationOpen(
            number: number, status: status.rawValue, hours: (now.milliseconds - lodged.milliseconds) / 3_600_000, threshold: staleHours))
      }
      if try row.bool("is_overdue") {
        reasons.append(.completeDeclarationOverdue(number: number, days: (now.milliseconds - lodged.milliseconds) / 86_400_000))
      }
      for reason in reasons {
        items.append(
          ExceptionItem(
            container: try row.container("container"), shipment: try row.text("shipment"), location: try row.location("office"), at: lodged,
            eventID: nil, reason: reason))
      }
    }
    return items
  }
}

extension StoreFeature {
  /// What the customs feature audits: each declaration's state, its boxes and its history.
  static let customs = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "declaration",
        select: """
          SELECT number AS key, number, foreign_number AS "foreignNumber", shipment, procedure, office, mode, value_minor AS "valueMinor",
            currency, declared_at_ms AS "declaredAtMs", declared_at_offset_minutes AS "declaredAtOffsetMinutes", status,
            completed_at_ms AS "completedAtMs", completed_at_offset_minutes AS "completedAtOffsetMinutes", operator
          FROM declarations
          """, keyExpression: "number",
        lists: [
          AuditedList(
            name: "boxes", query: "SELECT container, status FROM declaration_boxes WHERE declaration = ? ORDER BY seq", itemIsArray: true),
          AuditedList(
            name: "history",
            query: """
              SELECT seq, status, at_ms, at_offset_minutes, containers, check_kind, outcome, note, recorded_at, operator
              FROM declaration_history WHERE declaration = ? ORDER BY seq
              """, itemIsArray: true),
        ]),
      AuditedEntity(
        name: "rebateScheme",
        select: """
          SELECT departure || '/' || exit_port || '/' || valid_from AS key, departure, exit_port AS exit, exit_name AS "exitName",
            valid_from AS "validFrom", valid_to AS "validTo", source
          FROM rebate_schemes
          """, keyExpression: "departure || '/' || exit_port || '/' || valid_from", lookup: "departure = ? AND exit_port = ? AND valid_from = ?",
        splitKey: { key in key.split(separator: "/").map { .text(String($0)) } }),
    ],
    referenceSections: [.rebateSchemes])
}
