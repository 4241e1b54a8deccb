#!/usr/bin/env bash
# EDIFACT import throughput: the same N generated events imported as CSV and as IFTSTA (written
# by `corridor dev to-iftsta` from the CSV, one CNI/STS group per event, 1,000 events a message),
# each into a fresh copy of the same booked database, one after the other. Target: EDIFACT within
# 1.3× the CSV time. Run from the repository root:
#   Benchmarks/scripts/edifact-vs-csv.sh 1000000
N=${1:-1000000}
RUNS=${RUNS:-2}
source "$(dirname "$0")/common.sh"

$BIN init --db "$WORK/base.db" --operator bench >/dev/null 2>&1
$BIN dev generate --events "$N" --seed 1 --out "$WORK/events.csv" --db "$WORK/base.db" --operator bench >/dev/null
$BIN dev to-iftsta "$WORK/events.csv" --out "$WORK/events.edi" >/dev/null
echo "events: $N, CSV $(du -h "$WORK/events.csv" | cut -f1), IFTSTA $(du -h "$WORK/events.edi" | cut -f1)"

for run in $(seq 1 "$RUNS"); do
  for format in csv edi; do
    cp "$WORK/base.db" "$WORK/$format.db"
    /usr/bin/time -f "$format  %e s  %M KB" "$BIN" import events "$WORK/events.$format" --quiet --db "$WORK/$format.db" --operator bench >/dev/null
  done
done
# Both files hold the same events.
$BIN export events --db "$WORK/csv.db" --out "$WORK/a.csv" 2>/dev/null
$BIN export events --db "$WORK/edi.db" --out "$WORK/b.csv" 2>/dev/null
cmp "$WORK/a.csv" "$WORK/b.csv" && echo "same events: yes"
