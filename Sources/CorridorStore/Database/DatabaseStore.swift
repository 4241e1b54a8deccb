import CorridorModel
import SQLite

/// One aggregate's store over the SQLite database: its SQL, its audited writes, its reads. Each
/// feature declares its store beside its SQL (`NetworkStore`, `EventStore`, …) with the
/// accessor the edges call (`db.networkStore`). Each table is written by its own aggregate's
/// store only: another store asks it (`db.auditTrail.audit(…)`, `db.outbox.withdrawUndelivered`).
/// Reads may join several aggregates' tables where one question spans them (the report store,
/// the `shipment_status` view). The database object itself keeps what belongs to the file as a
/// whole: opening and migrating it, transactions, backups and the reference file that spans
/// features.
package protocol DatabaseStore {
  var db: CorridorDatabase { get }
}

extension DatabaseStore {
  var connection: any StoreConnection { db.connection }
  /// "Now" for writes and the future-event rule.
  var clock: Clock { db.clock }
}
