import CorridorInterchange
import CorridorModel
import SQLite

/// Bulk bookings: `ref,route,shipper,consignee,commodity,hs,value,currency,booked,containers`,
/// where `containers` lists `NUMBER:SIZETYPE` pairs separated by `;`. Each row goes through the
/// same rules as `shipment create`, `container add` and `shipment assign`.
///
/// All or nothing by default: the file is applied in one transaction and the first bad row
/// rolls everything back (exit 65, `FILE:LINE:COLUMN: message`). With `skipInvalid`, each row is
/// its own savepoint: good rows are kept, bad ones reported. Re-running the same file is a no-op
/// (bookings and assignments are idempotent).
public struct ShipmentImport {
  public struct Summary: Sendable, Equatable {
    public var imported = 0
    public var unchanged = 0
    public var rejected = 0
    public var containers = 0
  }

  /// A rejected row, for the rejects file.
  public struct Rejection: Sendable {
    public let line: Int
    public let column: Int
    public let message: String
  }

  static let columns = ["ref", "route", "shipper", "consignee", "commodity", "hs", "value", "currency", "booked", "containers"]
  static let required: Set<String> = ["ref", "route", "shipper", "consignee", "commodity", "value", "currency", "booked"]

  public static func run(
    reader: CSVReader, file: String, db: CorridorDatabase, skipInvalid: Bool, operator op: String,
    reject: (Rejection) -> Void = { _ in }
  ) throws -> Summary {
    let index = try reader.header(file: file, columns: columns, required: required)
    func read() throws(CorridorError) -> CSVRecord? { try reader.next(file: file) }

    var summary = Summary()
    try mapSQLiteErrors {
      try db.connection.transaction {
        while let record = try read() {
          do {
            try db.connection.savepoint {
              let changed = try importRow(record, index: index, file: file, db: db, operator: op, summary: &summary)
              if changed { summary.imported += 1 } else { summary.unchanged += 1 }
            }
          } catch let error as CorridorError where error.kind == .invalidData && skipInvalid {
            summary.rejected += 1
            reject(Rejection(line: record.line, column: 1, message: error.message))
          }
        }
      }
    }
    return summary
  }

  /// Applies one row; an error names the row's position and the column at fault.
  static func importRow(
    _ record: CSVRecord, index: [String: Int], file: String, db: CorridorDatabase, operator op: String, summary: inout Summary
  ) throws -> Bool {
    guard record.fields.count == index.count else {
      throw CorridorError.invalid(
        "expected \(index.count) fields, found \(record.fields.count)", rule: .csv, at: SourcePosition(file: file, line: record.line, column: 1))
    }
    func at(_ column: String) -> String { index[column].map { record.fields[$0] } ?? "" }
    func located<T>(_ column: String, _ parse: (String) throws -> T) throws -> T {
      do {
        return try parse(at(column))
      } catch let error as CorridorError {
        let position = index[column].map { record.positions[$0] } ?? (line: record.line, column: 1)
        throw CorridorError(
          error.kind, "\(column): \(error.message)", hint: error.hint, rule: error.rule,
          at: SourcePosition(file: file, line: position.line, column: position.column))
      }
    }
    let currency = try located("currency") { try Currency(parsing: $0) }
    let hs = at("hs").isEmpty ? nil : at("hs")
    let booking = ShipmentBooking(
      ref: at("ref"), route: at("route"), shipper: at("shipper"), consignee: at("consignee"),
      commodity: try located("commodity") { try Commodity(parsing: $0) }, hsCode: hs,
      value: try located("value") { try Money(parsing: $0, currency: currency) }, bookedOn: try located("booked") { try Day(parsing: $0) })
    let boxes: [(ContainerNumber, SizeType)] = try located("containers") { text in
      var seen: Set<ContainerNumber> = []
      return try text.split(separator: ";", omittingEmptySubsequences: true).map { pair in
        let parts = pair.split(separator: ":", maxSplits: 1).map { String($0).trimmingSpaces }
        guard parts.count == 2 else {
          throw CorridorError.invalid("expected NUMBER:SIZETYPE pairs separated by ';', found \(String(pair).debugDescription)", rule: .csv)
        }
        let number = try ContainerNumber(parsing: parts[0])
        // A box listed twice was counted twice and assigned once.
        guard seen.insert(number).inserted else {
          throw CorridorError.invalid("container \(number) is listed twice in this booking", rule: .duplicateContainer)
        }
        return (number, try SizeType(parsing: parts[1]))
      }
    }
    var changed = try located("ref") { _ in try db.shipmentStore.createShipment(booking, operator: op) }
    for (number, type) in boxes {
      changed = try located("containers") { _ in try db.containerStore.addContainer(number, sizeType: type, operator: op) } || changed
      changed = try located("containers") { _ in try db.shipmentStore.assign(number, to: booking.ref, operator: op) } || changed
      summary.containers += 1
    }
    return changed
  }
}

extension ShipmentStore {
  /// Loads the sample 2023–2024 export shipments shipped inside the binary (fixtures/sample).
  public func loadSampleShipments(operator op: String) throws -> ShipmentImport.Summary {
    var total = ShipmentImport.Summary()
    for file in EmbeddedSample.files where file.name.hasPrefix("shipments") && file.name.hasSuffix(".csv") {
      let summary = try ShipmentImport.run(
        reader: CSVReader(bytes: Array(file.text.utf8)), file: "fixtures/sample/\(file.name)", db: db, skipInvalid: false,
        operator: op)
      total.imported += summary.imported
      total.unchanged += summary.unchanged
      total.containers += summary.containers
    }
    return total
  }
}
