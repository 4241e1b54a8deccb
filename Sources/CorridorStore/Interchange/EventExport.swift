import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

extension EventStore {
  /// Writes live (unretracted) events in a stable order (time, container, id) in either format.
  /// Importing the output into a database with the same shipments and exporting again gives the
  /// same bytes. Streams: memory does not grow with the number of events.
  public func exportEvents(
    from: Day? = nil, to: Day? = nil, container: ContainerNumber? = nil, shipment: String? = nil, format: EventFileFormat,
    write: (String) throws -> Void
  ) throws -> Int {
    try mapSQLiteErrors {
      let iftsta = format == .edifact || format == .iftsta ? IFTSTAWriter() : nil
      if format == .csv { try write(CSV.record(CSVEventSource.columns)) }
      try iftsta?.begin(write)
      var conditions = Conditions("r.event_id IS NULL")
      conditions.add("e.at_ms >= ?", SQLValue(from.map { $0.startMilliseconds }))
      conditions.add("e.at_ms < ?", SQLValue(to.map { $0.adding(days: 1).startMilliseconds }))
      conditions.add("e.container = ?", SQLValue(container?.text))
      conditions.add("e.shipment = ?", SQLValue(shipment))
      var count = 0
      try connection.stream(
        """
        SELECT \(Self.eventColumns) FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id
        \(conditions.sql) ORDER BY e.at_ms, e.container, e.id
        """, conditions.arguments
      ) { row in
        let event = try movementEvent(from: row)
        switch format {
        case .csv: try write(CSVEventSource.line(event))
        case .ndjson: try write(NDJSONEventSource.line(event))
        case .edifact, .iftsta: try iftsta?.add(event, write)
        }
        count += 1
      }
      try iftsta?.finish(write)
      return count
    }
  }
}
