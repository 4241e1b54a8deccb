#!/usr/bin/env bash
# report costs on many small bookings (issue 30): 50,000 bookings with 200,000 boxes (20-, 40- and
# 45-foot in turn) and 1,000,000 events (each box's first five), then `report costs` for the
# year, waiting costs included, timed with hyperfine beside the sqlite3 shell reading every row
# of the events table (a full scan), in one run. Run from the repository root:
#   Benchmarks/scripts/costs-report.sh
# COSTS_DIR=/some/folder keeps the database (building it takes about three minutes).
source "$(dirname "$0")/common.sh"
DIR=${COSTS_DIR:-$WORK}
mkdir -p "$DIR"
DB="$DIR/costs.db"
export CORRIDOR_DB="$DB" CORRIDOR_OPERATOR=bench
if [ ! -f "$DB" ]; then
  rm -f "$DB.tmp"*
  "$BIN" init --db "$DB.tmp" >/dev/null 2>&1
  "$BIN" dev generate --events 1000000 --containers-per-shipment 4 --events-per-container 5 --interval-minutes 10 \
    --size-types 22G1,42G1,45G1 --out "$DIR/costs-events.csv" --db "$DB.tmp" >/dev/null
  "$BIN" import events "$DIR/costs-events.csv" --quiet --db "$DB.tmp" >/dev/null
  mv "$DB.tmp" "$DB"
fi
"$BIN" db migrate >/dev/null 2>&1
echo "database: $(sqlite3 "$DB" "SELECT count(*) FROM shipments") bookings, $(sqlite3 "$DB" "SELECT count(*) FROM containers") boxes, $(sqlite3 "$DB" "SELECT count(*) FROM events") events"
hyperfine --warmup 1 --runs 10 \
  -n "corridor report costs (year, waiting as of 2024-01-01)" "$BIN report costs --from 2023-01-01 --to 2023-12-31 --as-of 2024-01-01T00:00:00Z" \
  -n "sqlite3: full scan of events" "sqlite3 '$DB' 'SELECT count(*) FROM events NOT INDEXED WHERE location > \"\"'"
