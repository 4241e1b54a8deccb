#!/usr/bin/env bash
# One year of Chongqing in one file (issue 14): builds a database of N generated events (default
# 10,000,000: about 630,000 containers on 15,000 bookings, all four corridors, late events, customs
# holds and releases, boxes mid-journey), then times the everyday commands with hyperfine, each
# beside the same question asked of the database in the sqlite3 shell where one exists, and prints
# one table. Run from the repository root:
#   Benchmarks/scripts/year.sh [EVENTS]
# YEAR_DIR=/some/folder keeps the database (and reuses it on the next run: building 10M events
# takes about ten minutes on a 2-core machine); without it everything goes in a scratch folder.
N=${1:-10000000}
source "$(dirname "$0")/common.sh"
DIR=${YEAR_DIR:-$WORK}
mkdir -p "$DIR"
DB="$DIR/year-$N.db"
export CORRIDOR_DB="$DB" CORRIDOR_OPERATOR=bench

if [ ! -f "$DB" ]; then
  rm -f "$DB.tmp"*
  "$BIN" init --db "$DB.tmp" >/dev/null 2>&1
  /usr/bin/time -f "generate  %e s  %M KB" "$BIN" dev generate --events "$N" --seed 1 --out "$DIR/events-$N.csv" --db "$DB.tmp" >/dev/null
  /usr/bin/time -f "import    %e s  %M KB" "$BIN" import events "$DIR/events-$N.csv" --quiet --db "$DB.tmp" >/dev/null
  mv "$DB.tmp" "$DB"
fi
"$BIN" db migrate >/dev/null 2>&1
# A database built before the free-time rules or the Chinese names shipped gets them (loading is
# idempotent).
for file in fixtures/reference/*.json; do "$BIN" reference load "$file" >/dev/null 2>&1 || true; done
# A customs declaration per booking (issue 29): an export declaration at the route's origin, lodged
# the day after booking, accepted and released, imported as customs' CSV with --create.
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM declarations")" = "0" ]; then
  sqlite3 -csv "$DB" "SELECT 'number','status','at','office','shipment','procedure'
    UNION ALL SELECT * FROM (
      SELECT '8000' || substr(s.booked_on, 1, 4) || '0' || printf('%09d', s.rowid), st.status,
        date(s.booked_on, '+1 day') || 'T' || st.at || '+08:00', l.from_location, s.ref, 'export'
      FROM shipments s JOIN legs l ON l.route = s.route AND l.seq = (SELECT min(seq) FROM legs WHERE route = s.route)
      CROSS JOIN (SELECT 1 AS k, 'declared' AS status, '06:00:00' AS at UNION ALL SELECT 2, 'accepted', '06:30:00'
        UNION ALL SELECT 3, 'released', '07:30:00') st
      ORDER BY s.rowid, st.k)" >"$DIR/declarations.csv"
  /usr/bin/time -f "customs   %e s  %M KB" "$BIN" import customs "$DIR/declarations.csv" --format csv --create >/dev/null
fi
NUMBER=$(sqlite3 "$DB" "SELECT number FROM declarations WHERE shipment = (SELECT ref FROM shipments ORDER BY rowid LIMIT 1 OFFSET (SELECT count(*) / 2 FROM shipments))")
LAST_MS=$(sqlite3 "$DB" "SELECT max(at_ms) FROM events")
AS_OF=$(date -u -d "@$((LAST_MS / 1000))" +%Y-%m-%dT%H:%M:%SZ)
SHIPMENT=$(sqlite3 "$DB" "SELECT ref FROM shipments ORDER BY rowid LIMIT 1 OFFSET (SELECT count(*) / 2 FROM shipments)")
CONTAINER=$(sqlite3 "$DB" "SELECT container FROM shipment_containers WHERE shipment = '$SHIPMENT' LIMIT 1")
YEAR=$(sqlite3 "$DB" "SELECT substr(min(booked_on), 1, 4) FROM shipments")
echo "database: $(sqlite3 "$DB" "SELECT count(*) FROM events") events, $(sqlite3 "$DB" "SELECT count(*) FROM containers") containers, $(sqlite3 "$DB" "SELECT count(*) FROM shipments") shipments, $(sqlite3 "$DB" "SELECT count(*) FROM declarations") declarations, $(du -h "$DB" | cut -f1); as of $AS_OF"

ROWS=()
# time LABEL TARGET COMMAND [SQL]: hyperfine's mean, and the sqlite3 shell on SQL when given.
time_it() {
  local label=$1 target=$2 command=$3 sql=${4:-}
  hyperfine --warmup 1 --runs 3 --export-json "$WORK/h.json" "$command" >/dev/null 2>&1 || { ROWS+=("$label|failed|$target|"); return; }
  local mean
  mean=$(python3 -c "import json; print('%.3f s' % json.load(open('$WORK/h.json'))['results'][0]['mean'])")
  /usr/bin/time -f "%M" -o "$WORK/rss" bash -c "$command >/dev/null 2>&1"
  local peak
  peak=$(tail -1 "$WORK/rss")
  local shell=""
  if [ -n "$sql" ]; then
    hyperfine --runs 3 --export-json "$WORK/s.json" "sqlite3 '$DB' \"$sql\"" >/dev/null 2>&1 &&
      shell=$(python3 -c "import json; print('%.3f s' % json.load(open('$WORK/s.json'))['results'][0]['mean'])")
  fi
  ROWS+=("$label|$mean, $((peak / 1024)) MB|$target|$shell")
}

time_it "report exceptions --as-of" "< 1 s" "$BIN report exceptions --as-of $AS_OF"
time_it "cost $SHIPMENT" "< 50 ms" "$BIN cost $SHIPMENT" \
  "SELECT count(*) FROM shipment_containers sc JOIN containers c ON c.number = sc.container WHERE sc.shipment = '$SHIPMENT'"
time_it "report costs --from/--to (one year)" "< 2 s, flat memory" "$BIN report costs --from $YEAR-01-01 --to $YEAR-12-31" \
  "SELECT s.route, count(*), sum(t.teu) FROM shipments s JOIN shipment_teu t ON t.shipment = s.ref WHERE s.booked_on BETWEEN '$YEAR-01-01' AND '$YEAR-12-31' GROUP BY s.route"
time_it "report exports --year --by commodity" "< 1 s" "$BIN report exports --year $YEAR --by commodity" \
  "SELECT commodity, count(*), sum(value_minor) FROM shipments WHERE booked_on BETWEEN '$YEAR-01-01' AND '$YEAR-12-31' GROUP BY commodity"
time_it "report costs --direction export (one year)" "as without it" \
  "$BIN report costs --from $YEAR-01-01 --to $YEAR-12-31 --direction export"
time_it "report imports --year --by commodity" "< 1 s" "$BIN report imports --year $YEAR --by commodity"
time_it "report costs --format html (page)" "< 2 s" "$BIN report costs --from $YEAR-01-01 --to $YEAR-12-31 --format html"
time_it "report exports --format html (page)" "< 2 s" "$BIN report exports --year $YEAR --format html"
time_it "report exceptions --format html (page)" "< 2 s" "$BIN report exceptions --as-of $AS_OF --format html"
time_it "report network --format html (page)" "< 2 s" "$BIN report network --as-of $AS_OF --format html"
time_it "report network --format html --lang zh-CN (page)" "< 2 s" "$BIN report network --as-of $AS_OF --format html --lang zh-CN"
time_it "report transit --format html (page)" "< 2 s" "$BIN report transit --format html" \
  "SELECT location, count(*), sum(t) FROM (SELECT location, max(CASE WHEN code = 'DEPA' THEN at_ms END) - min(CASE WHEN code = 'ARRI' THEN at_ms END) AS t FROM events INDEXED BY events_stops WHERE location IN (SELECT to_location FROM legs WHERE border_crossing = 1 OR gauge_change = 1) AND code IN ('ARRI', 'DEPA') AND classifier = 'ACT' GROUP BY location, shipment, container) GROUP BY location"
time_it "shipment list --status in-transit --limit 50" "< 1 s" "$BIN shipment list --status in-transit --limit 50" \
  "SELECT ref FROM shipment_status WHERE status = 'in-transit' LIMIT 50"
time_it "audit verify" "streaming" "$BIN audit verify" "SELECT count(*), max(seq) FROM audit_log"
"$BIN" audit checkpoint >/dev/null 2>&1 || true
time_it "audit verify --since-checkpoint" "< 1 s" "$BIN audit verify --since-checkpoint"
time_it "track $CONTAINER" "< 50 ms" "$BIN track $CONTAINER" \
  "SELECT * FROM events WHERE container = '$CONTAINER' ORDER BY at_ms DESC LIMIT 1"
# The learned ETA (issue 31): a box on its way on the China-Europe route (the most stretches
# ahead), as of the ledger's last event, and the backtest of the first year.
OPEN_CONTAINER=$(sqlite3 "$DB" "SELECT sc.container FROM shipment_status st JOIN shipments s ON s.ref = st.ref
  JOIN shipment_containers sc ON sc.shipment = st.ref WHERE st.status = 'in-transit' AND s.route = 'CQ-AKL-DUI' LIMIT 1")
time_it "track (on its way, learned ETA)" "< 50 ms" "$BIN track $OPEN_CONTAINER --as-of $AS_OF"
time_it "track --eta plan (the same box)" "< 50 ms" "$BIN track $OPEN_CONTAINER --as-of $AS_OF --eta plan"
time_it "eta backtest --from/--to (one year)" "< 1 min" "$BIN eta backtest --from $YEAR-01-01 --to $YEAR-12-31"
time_it "emissions $SHIPMENT" "< 50 ms" "$BIN emissions $SHIPMENT"
time_it "customs show $NUMBER" "< 50 ms" "$BIN customs show $NUMBER" \
  "SELECT * FROM declaration_boxes WHERE declaration = '$NUMBER'"
time_it "report clearance" "< 2 s" "$BIN report clearance"
time_it "free-time $CONTAINER" "< 50 ms" "$BIN free-time $CONTAINER --as-of $AS_OF" \
  "SELECT * FROM events WHERE container = '$CONTAINER'"
time_it "report free-time --as-of" "< 2 s" "$BIN report free-time --as-of $AS_OF"

echo
echo "| command | corridor (mean, peak RSS) | target | sqlite3 shell |"
echo "|---|---|---|---|"
for row in "${ROWS[@]}"; do echo "| ${row//|/ | } |"; done
