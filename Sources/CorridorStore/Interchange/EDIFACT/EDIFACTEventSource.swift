import CorridorInterchange
import CorridorModel
import Foundation

extension NetworkStore {
  /// Every place's IANA time zone by code and by alias, for EDIFACT times given without a zone.
  public func placeTimeZones() throws -> [String: String] {
    try mapSQLiteErrors {
      var zones: [String: String] = [:]
      for row in try connection.rows(
        "SELECT code AS place, time_zone FROM locations UNION ALL SELECT a.alias, l.time_zone FROM location_aliases a JOIN locations l ON l.code = a.code"
      ) {
        zones[try row.text("place")] = try row.text("time_zone")
      }
      return zones
    }
  }
}
