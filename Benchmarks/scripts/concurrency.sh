#!/usr/bin/env bash
# Concurrency: an import of N generated events runs while 4 processes each record 1,000 events,
# one `corridor event record` command at a time. Every event must be present afterwards and no
# command may fail (no "database is locked" reaching anyone). Run from the repository root:
#   Benchmarks/scripts/concurrency.sh 1000000
N=${1:-1000000}
PER=${PER:-1000}
source "$(dirname "$0")/common.sh"
export CORRIDOR_DB="$WORK/c.db"

$BIN init --operator bench >/dev/null 2>&1
$BIN dev generate --events "$N" --seed 1 --out "$WORK/events.csv" --operator bench >/dev/null
BOXES=(CSQU3054383 TCNU7200794 TOLU4734787 GYOU4047990)
for box in "${BOXES[@]}"; do $BIN container add "$box" --type 22G1 --operator bench >/dev/null; done

record() {  # one process: gate in and out of Chongqing, a minute apart, one command per event
  local box=$1 failures=0 code
  for i in $(seq 0 $((PER - 1))); do
    if (( i % 2 == 0 )); then code=GTIN; else code=GTOT; fi
    at=$(date -u -d "@$((1577836800 + i * 60))" +%Y-%m-%dT%H:%M:%SZ)
    $BIN event record "$box" "$code" --at "$at" --location CNCQI --operator "rec-$box" >/dev/null 2>>"$WORK/$box.err" \
      || failures=$((failures + 1))
  done
  echo "$box: $PER commands, $failures failed, done at $(date +%s.%N | cut -c1-14)"
}

start=$(date +%s.%N | cut -c1-14)
$BIN import events "$WORK/events.csv" --quiet --operator bench > "$WORK/import.out" &
importer=$!
for box in "${BOXES[@]}"; do record "$box" > "$WORK/$box.out" & done
wait "$importer"
echo "import: $(cat "$WORK/import.out") — started $start, done at $(date +%s.%N | cut -c1-14)"
wait
cat "$WORK"/*.out | grep -v '^events\.csv'
for box in "${BOXES[@]}"; do
  [ -s "$WORK/$box.err" ] && { echo "$box errors:"; sort "$WORK/$box.err" | uniq -c | head; }
done
imported=$(sqlite3 "$CORRIDOR_DB" "SELECT count(*) FROM events WHERE operator = 'bench'")
recorded=$(sqlite3 "$CORRIDOR_DB" "SELECT count(*) FROM events WHERE operator LIKE 'rec-%'")
# Sequence numbers are commit order: recorded events between the import's first and last row
# were committed while the import was writing.
during=$(sqlite3 "$CORRIDOR_DB" "SELECT count(*) FROM events WHERE operator LIKE 'rec-%'
  AND seq BETWEEN (SELECT min(seq) FROM events WHERE operator = 'bench') AND (SELECT max(seq) FROM events WHERE operator = 'bench')")
$BIN audit verify
echo "imported $imported of $N; recorded $recorded of $((PER * 4)), $during of them between the import's first and last batch"
[ "$imported" -eq "$N" ] && [ "$recorded" -eq $((PER * 4)) ]
