#!/usr/bin/env bash
# SQLite beside PostgreSQL on this machine (issue 33), what runs on both engines today: moving a
# ledger of N generated events (default 1,000,000) from a file to PostgreSQL and back with
# `db copy` (one snapshot, COPY in, every table read back and hashed, the audit chain re-hashed
# before commit), `import events` of the N events into the ledger as it was before them (SQLite's
# prepared INSERTs against PostgreSQL's COPY, the same two passes; one run each), and `audit
# export` and `audit verify` on each; each beside the nearest thing each engine's own
# shell does (sqlite3 reading the events; psql's \copy out and in). A throwaway cluster on
# loopback (.ci/postgres), hyperfine's mean of 3, peak RSS. Run from the repository root:
#   Benchmarks/scripts/engines.sh [EVENTS]
# ENGINES_DIR=/some/folder keeps the generated file between runs. ENGINES_ROWS picks the tables
# (default "copy year": the copies, imports and audit rows, and the year rows: year.sh's everyday
# commands on the same ledger on each engine, each output compared byte for byte).
N=${1:-1000000}
source "$(dirname "$0")/common.sh"
DIR=${ENGINES_DIR:-$WORK}
mkdir -p "$DIR"
DB="$DIR/ledger-$N.db"
if [ ! -f "$DB" ] || [ ! -f "$DIR/before-$N.db" ]; then
  rm -f "$DB.tmp"*
  "$BIN" init --db "$DB.tmp" >/dev/null 2>&1
  "$BIN" dev generate --events "$N" --seed 1 --out "$DIR/events-$N.csv" --db "$DB.tmp" >/dev/null
  cp "$DB.tmp" "$DIR/before-$N.db"
  "$BIN" import events "$DIR/events-$N.csv" --quiet --db "$DB.tmp" >/dev/null
  mv "$DB.tmp" "$DB"
fi
"$BIN" db migrate --db "$DB" >/dev/null 2>&1

# The cluster lives in $WORK and runs as the OS user postgres when this runs as root.
chmod 755 "$WORK"
PG="$WORK/pg"
PORT=${ENGINES_PORT:-55439}
ADMIN=$(.ci/postgres start "$PG" "$PORT")
trap '.ci/postgres stop "$PG" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
BASE=${ADMIN%/postgres}
export PGPASSWORD=${ADMIN#postgres://corridor:}
PGPASSWORD=${PGPASSWORD%%@*}
psql_() { psql -q -h 127.0.0.1 -p "$PORT" -U corridor "$@"; }
fresh() { psql_ -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"; }
export -f psql_ fresh
export PORT

echo "ledger: $(sqlite3 "$DB" "SELECT count(*) FROM events") events, $(sqlite3 "$DB" "SELECT count(*) FROM audit_log") audit entries, $(du -h "$DB" | cut -f1); PostgreSQL $(psql_ -d postgres -Atc 'SHOW server_version') on loopback"

ROWS=()
time_it() {
  local label=$1 prepare=$2 command=$3 runs=${4:-3}
  hyperfine -S bash --warmup 0 --runs "$runs" --prepare "$prepare" --export-json "$WORK/h.json" "$command" >/dev/null 2>&1 || {
    ROWS+=("$label|failed|")
    return
  }
  local mean peak
  mean=$(python3 -c "import json; r=json.load(open('$WORK/h.json'))['results'][0]; print('%.2f ± %.2f s' % (r['mean'], r['stddev'] or 0))")
  bash -c "$prepare" >/dev/null 2>&1
  /usr/bin/time -f "%M" -o "$WORK/rss" bash -c "$command >/dev/null 2>&1"
  peak=$(( $(tail -1 "$WORK/rss") / 1024 ))
  ROWS+=("$label|$mean|$peak MB")
}

fresh moved >/dev/null 2>&1
/usr/bin/time -f "first db copy file → PostgreSQL: %e s, %M KB" "$BIN" db copy --from "$DB" --to "$BASE/moved" >/dev/null
ENGINES_ROWS=${ENGINES_ROWS:-copy year}

# The year rows: year.sh's everyday commands, as of the ledger's last event, on the file and on its
# copy in PostgreSQL (hyperfine's mean of 3 each), and whether the two outputs are the same bytes.
if [[ " $ENGINES_ROWS " == *" year "* ]]; then
  LAST_MS=$(sqlite3 "$DB" "SELECT max(at_ms) FROM events")
  AS_OF=$(date -u -d "@$((LAST_MS / 1000))" +%Y-%m-%dT%H:%M:%SZ)
  SHIPMENT=$(sqlite3 "$DB" "SELECT ref FROM shipments ORDER BY rowid LIMIT 1 OFFSET (SELECT count(*) / 2 FROM shipments)")
  CONTAINER=$(sqlite3 "$DB" "SELECT container FROM shipment_containers WHERE shipment = '$SHIPMENT' LIMIT 1")
  OPEN_CONTAINER=$(sqlite3 "$DB" "SELECT sc.container FROM shipment_status st JOIN shipments s ON s.ref = st.ref
    JOIN shipment_containers sc ON sc.shipment = st.ref WHERE st.status = 'in-transit' AND s.route = 'CQ-AKL-DUI' LIMIT 1")
  YEAR=$(sqlite3 "$DB" "SELECT substr(min(booked_on), 1, 4) FROM shipments")
  YEAR_ROWS=()
  year_row() {
    local label=$1 args=$2 file="CORRIDOR_NOW=$AS_OF $BIN $2 --db $DB" pg="CORRIDOR_NOW=$AS_OF $BIN $2 --db $BASE/moved" times same
    if hyperfine -S bash --warmup 1 --runs 3 --export-json "$WORK/y.json" "$file" "$pg" >/dev/null 2>&1; then
      times=$(python3 -c "import json; r=json.load(open('$WORK/y.json'))['results']; print('|'.join('%.3f s' % x['mean'] for x in r))")
    else
      times="failed|failed"
    fi
    bash -c "$file" >"$WORK/y.file" 2>&1 || true
    bash -c "$pg" >"$WORK/y.pg" 2>&1 || true
    cmp -s "$WORK/y.file" "$WORK/y.pg" && same="same bytes" || same="DIFFERENT"
    YEAR_ROWS+=("$label|$times|$same")
  }
  year_row "report exceptions --as-of" "report exceptions --as-of $AS_OF"
  year_row "cost SHIPMENT" "cost $SHIPMENT"
  year_row "report costs --from/--to (one year)" "report costs --from $YEAR-01-01 --to $YEAR-12-31"
  year_row "report exports --year --by commodity" "report exports --year $YEAR --by commodity"
  year_row "report imports --year --by commodity" "report imports --year $YEAR --by commodity"
  year_row "report costs --format html (page)" "report costs --from $YEAR-01-01 --to $YEAR-12-31 --format html"
  year_row "report network --format html (page)" "report network --as-of $AS_OF --format html"
  year_row "report transit --format html (page)" "report transit --format html"
  year_row "shipment list --status in-transit --limit 50" "shipment list --status in-transit --limit 50"
  year_row "track CONTAINER" "track $CONTAINER"
  year_row "track (on its way, learned ETA)" "track $OPEN_CONTAINER --as-of $AS_OF"
  year_row "eta backtest --from/--to (one year)" "eta backtest --from $YEAR-01-01 --to $YEAR-12-31"
  year_row "emissions SHIPMENT" "emissions $SHIPMENT"
  year_row "free-time CONTAINER" "free-time $CONTAINER --as-of $AS_OF"
  year_row "report free-time --as-of" "report free-time --as-of $AS_OF"
  year_row "audit verify" "audit verify"
  echo
  echo "| year row ($N events) | SQLite file | PostgreSQL on loopback | outputs |"
  echo "|---|---|---|---|"
  for row in "${YEAR_ROWS[@]}"; do echo "| ${row//|/ | } |"; done
fi
[[ " $ENGINES_ROWS " == *" copy "* ]] || exit 0
time_it "db copy file → PostgreSQL" "fresh target >/dev/null 2>&1" "$BIN db copy --from $DB --to $BASE/target"
time_it "db copy PostgreSQL → file" "rm -f $WORK/back.db*" "$BIN db copy --from $BASE/moved --to $WORK/back.db"
time_it "import events ($N), SQLite (1 run)" "rm -f $WORK/imp.db* && cp $DIR/before-$N.db $WORK/imp.db" "CORRIDOR_NOW=2026-01-01T00:00:00Z $BIN import events $DIR/events-$N.csv --quiet --db $WORK/imp.db" 1
time_it "import events ($N), PostgreSQL COPY (1 run)" "fresh imp >/dev/null 2>&1 && $BIN db copy --from $DIR/before-$N.db --to $BASE/imp >/dev/null 2>&1" "CORRIDOR_NOW=2026-01-01T00:00:00Z $BIN import events $DIR/events-$N.csv --quiet --db $BASE/imp" 1
[ "$("$BIN" audit verify --db "$WORK/imp.db")" = "$("$BIN" audit verify --db "$BASE/imp")" ] && IMPORTED="the same words, entries and head" || IMPORTED="DIFFERENT"
time_it "audit export, SQLite" "true" "$BIN audit export --db $DB --out $WORK/a.ndjson"
time_it "audit export, PostgreSQL" "true" "$BIN audit export --db $BASE/moved --out $WORK/b.ndjson"
cmp -s "$WORK/a.ndjson" "$WORK/b.ndjson" && SAME="identical" || SAME="DIFFERENT"
time_it "audit verify, SQLite" "true" "$BIN audit verify --db $DB"
time_it "audit verify, PostgreSQL" "true" "$BIN audit verify --db $BASE/moved"
[ "$("$BIN" audit verify --db "$DB")" = "$("$BIN" audit verify --db "$BASE/moved")" ] && VERIFIED="the same words, entries and head" || VERIFIED="DIFFERENT"
time_it "sqlite3 shell: every event to /dev/null" "true" "sqlite3 $DB 'SELECT * FROM events' >/dev/null"
time_it "psql: \\copy events out" "true" "psql_ -d moved -c '\\copy events TO /dev/null'"
psql_ -d moved -c "\\copy events TO '$WORK/events.copy'" >/dev/null
time_it "psql: \\copy events in (CHECKs only, foreign keys off)" "fresh bare >/dev/null 2>&1 && $BIN db migrate --db $BASE/bare >/dev/null 2>&1 && psql_ -d bare -c 'ALTER TABLE events DISABLE TRIGGER ALL' >/dev/null" "psql_ -d bare -c \"\\copy events FROM '$WORK/events.copy'\""

echo
echo "| on this machine | mean (3 runs) | peak RSS |"
echo "|---|---|---|"
for row in "${ROWS[@]}"; do echo "| ${row//|/ | } |"; done
echo
echo "the two audit exports: $SAME"
echo "the two audit verifies: $VERIFIED"
echo "the two imports' audit verifies: $IMPORTED"
