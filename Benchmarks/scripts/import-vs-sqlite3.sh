#!/usr/bin/env bash
# Import throughput and memory: `corridor import events` of N generated events into a fresh
# database, side by side with the sqlite3 shell's `.import` of the same CSV into a table with the
# same columns and indexes as the events table. Run from the repository root:
#   Benchmarks/scripts/import-vs-sqlite3.sh 1000000
N=${1:-1000000}
RUNS=${RUNS:-3}
source "$(dirname "$0")/common.sh"

$BIN init --db "$WORK/base.db" --operator bench >/dev/null 2>&1
$BIN dev generate --events "$N" --seed 1 --out "$WORK/events.csv" --db "$WORK/base.db" --operator bench >/dev/null
echo "events: $N, CSV $(du -h "$WORK/events.csv" | cut -f1)"

SCHEMA="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE events(id TEXT NOT NULL UNIQUE, container TEXT NOT NULL, code TEXT NOT NULL, at TEXT NOT NULL, location TEXT NOT NULL,
  shipment TEXT, classifier TEXT, mode TEXT, vehicle TEXT, emptyLaden TEXT, seal TEXT, note TEXT, carrierBooking TEXT, sealSource TEXT, sealType TEXT);
CREATE INDEX events_container_time ON events(container, at); CREATE INDEX events_shipment ON events(shipment);
CREATE INDEX events_time ON events(at);"

for run in $(seq 1 "$RUNS"); do
  cp "$WORK/base.db" "$WORK/c.db"
  /usr/bin/time -f "corridor  %e s  %M KB" "$BIN" import events "$WORK/events.csv" --quiet --db "$WORK/c.db" --operator bench >/dev/null
  rm -f "$WORK/s.db"*
  sqlite3 "$WORK/s.db" "$SCHEMA" >/dev/null
  /usr/bin/time -f "sqlite3   %e s  %M KB" sqlite3 "$WORK/s.db" ".import --csv --skip 1 $WORK/events.csv events" >/dev/null
done
echo "corridor database: $(du -h "$WORK/c.db" | cut -f1); shell database: $(du -h "$WORK/s.db" | cut -f1)"
"$BIN" db check --db "$WORK/c.db"
"$BIN" audit verify --db "$WORK/c.db"
