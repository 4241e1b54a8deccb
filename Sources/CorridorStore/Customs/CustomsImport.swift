import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

/// The formats `import customs` reads.
public enum CustomsFileFormat: String, Sendable, CaseIterable {
  case edifact, csv
}

/// What `import customs` did.
public struct CustomsImportSummary: Sendable, Equatable {
  public var responses = 0
  public var applied = 0
  /// Already in the declaration's history (a resent file): nothing written.
  public var duplicates = 0
  /// Acknowledgements only: nothing to change.
  public var acknowledgements = 0
  /// Declarations lodged outside Corridor, created from a response (`--create`).
  public var created = 0

  public init(responses: Int = 0, applied: Int = 0, duplicates: Int = 0, acknowledgements: Int = 0, created: Int = 0) {
    (self.responses, self.applied, self.duplicates, self.acknowledgements, self.created) = (responses, applied, duplicates, acknowledgements, created)
  }
}

extension CustomsStore {
  /// Reads customs' responses (CUSRES or CSV) and applies each to its declaration through the
  /// one definition of the statuses, in one transaction: a refused response refuses the file
  /// with its position and nothing is written. Idempotent: a response whose status, time, boxes,
  /// check and outcome are already in the declaration's history is a no-op.
  public func importResponses(
    path: String, name: String? = nil, format: CustomsFileFormat? = nil, create: Bool = false, operator op: String
  ) throws -> CustomsImportSummary {
    let file = name ?? path
    let handle = try InputFile.open(path, name: file)
    defer { try? handle.close() }
    let format = try format ?? (EDIFACTDetection.looksLikeEDIFACT(path: path) ? .edifact : .csv)
    let zones = Dictionary(try db.networkStore.locations().map { ($0.code.text, $0.timeZone) }, uniquingKeysWith: { a, _ in a })
    let responses: [CustomsResponse]
    switch format {
    case .csv: responses = try CustomsCSV.responses(handle: handle, file: file)
    case .edifact:
      // A time without a zone is the place's, else the declaration's office's.
      let offices = Dictionary(
        try connection.rows("SELECT number, office FROM declarations").map { (try $0.text("number"), try $0.text("office")) },
        uniquingKeysWith: { a, _ in a })
      responses = try CUSRESReader.responses(handle: handle, file: file) { place, number in
        (place.flatMap { zones[$0] } ?? offices[number].flatMap { zones[$0] }).flatMap(TimeZone.init(identifier:))
      }
    }
    return try mapSQLiteErrors {
      try connection.transaction {
        var summary = CustomsImportSummary()
        for response in responses {
          summary.responses += 1
          do { try apply(response, create: create, operator: op, summary: &summary) } catch let error as CorridorError {
            throw error.located(response.position)
          }
        }
        return summary
      }
    }
  }

  private func apply(_ response: CustomsResponse, create: Bool, operator op: String, summary: inout CustomsImportSummary) throws {
    var declaration = try declaration(response.number)
    let created = declaration == nil
    if created {
      guard create else {
        throw CorridorError.invalid(
          "no declaration \(response.number)", rule: .declaration,
          hint: "declare it first (corridor customs declare), or import with --create for declarations lodged outside Corridor")
      }
      declaration = try declare(try request(for: response), operator: op)
      summary.created += 1
    }
    guard let declaration, let status = response.status else {
      summary.acknowledgements += 1
      return
    }
    // Customs often lists every box of the declaration: that is the whole declaration.
    let named = response.containers.flatMap { Set($0) == Set(declaration.boxes.map(\.container)) ? nil : $0 }
    let change = DeclarationChange(
      status: status, at: response.at, containers: named, check: response.check, outcome: response.outcome, note: response.note,
      recordedAt: clock.nowUTC(), operatorName: op)
    if created, status == declaration.status {
      summary.applied += 1
      return
    }
    let same = declaration.history.contains {
      $0.status == change.status && $0.at.milliseconds == change.at.milliseconds && $0.containers == change.containers
        && $0.check == change.check && $0.outcome == change.outcome
    }
    if same {
      summary.duplicates += 1
      return
    }
    // A declaration lodged outside Corridor may be first heard of when customs selects or
    // releases it: its acceptance is implied, recorded at the same time and said so.
    if created, !declaration.status.next.contains(status), DeclarationStatus.accepted.next.contains(status) {
      try record(
        response.number,
        DeclarationChange(
          status: .accepted, at: response.at, note: "implied by the response (lodged outside Corridor)", recordedAt: clock.nowUTC(),
          operatorName: op), operator: op)
    }
    try record(response.number, change, operator: op)
    summary.applied += 1
  }

  /// A declaration lodged outside Corridor, as a response describes it: its office the
  /// response's place, its shipment the one named or the boxes' open shipment, its procedure
  /// the one named or the number's import/export flag (another country's number: transit).
  private func request(for response: CustomsResponse) throws -> DeclarationRequest {
    guard let office = response.place else {
      throw CorridorError.invalid(
        "declaration \(response.number) is unknown and the response names no place (LOC, office) to create it at", rule: .declaration)
    }
    var shipment = response.shipment
    if shipment == nil, let boxes = response.containers {
      let open = Set(try boxes.map { try db.shipmentStore.openShipment(of: $0) ?? "" })
      guard open.count == 1, let only = open.first, !only.isEmpty else {
        throw CorridorError.invalid(
          "declaration \(response.number) is unknown and its boxes are not all on one open shipment", rule: .declaration)
      }
      shipment = only
    }
    guard let shipment else {
      throw CorridorError.invalid(
        "declaration \(response.number) is unknown and the response names no boxes (EQD) or shipment to create it for", rule: .declaration)
    }
    let foreign = response.foreign || response.number.utf8.count != 18
    let procedure = response.procedure ?? (foreign ? .transit : Array(response.number.utf8)[8] == UInt8(ascii: "1") ? .import : .export)
    return DeclarationRequest(
      number: response.number, foreign: foreign, shipment: shipment, procedure: procedure, office: office,
      containers: response.containers, mode: .oneStep, value: nil, at: response.at)
  }
}
