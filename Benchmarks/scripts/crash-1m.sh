#!/usr/bin/env bash
# Crash test: KILLS `kill -9` during an import of N generated events, each followed by
# `db check`, `audit verify` and a count; then the same command once more, which must finish
# with exactly N events and no duplicates. Run from the repository root:
#   Benchmarks/scripts/crash-1m.sh 1000000 20
# Every kill lands while the import still has rows to write: kill k waits until the table holds
# a random number of events between target k-1 and target k (KILLS targets spread over N), then
# kills within the next 0-300 ms, so kills fall inside write transactions, between them, and
# (on the first runs) inside the validation pass.
N=${1:-1000000}
KILLS=${2:-20}
RANDOM=${SEED:-7}
source "$(dirname "$0")/common.sh"
export CORRIDOR_DB="$WORK/c.db"
count() { sqlite3 "$CORRIDOR_DB" 'SELECT count(*) FROM events'; }

$BIN init --operator bench >/dev/null 2>&1
$BIN dev generate --events "$N" --seed 1 --out "$WORK/events.csv" --operator bench >/dev/null
echo "events: $N; $KILLS kills"

for kill in $(seq 1 "$KILLS"); do
  before=$(count)
  step=$(( N / KILLS ))
  target=$(( (kill - 1) * step + RANDOM * RANDOM % step ))
  $BIN import events "$WORK/events.csv" --quiet --operator bench >/dev/null 2>&1 &
  pid=$!
  start=$(date +%s%N)
  while kill -0 "$pid" 2>/dev/null && [ "$(count)" -lt "$target" ]; do sleep 0.05; done
  sleep "0.$(printf '%03d' $((RANDOM % 300)))"
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  if kill -9 "$pid" 2>/dev/null; then outcome="killed"; else outcome="had finished"; fi
  wait "$pid" 2>/dev/null || true
  $BIN db check >/dev/null
  $BIN audit verify >/dev/null
  after=$(count)
  printf 'kill %2d after %6d ms (%s): db check ok, audit verify ok, %7d events (+%d)\n' "$kill" "$elapsed" "$outcome" "$after" \
    $((after - before))
done

start=$(date +%s%N)
$BIN import events "$WORK/events.csv" --quiet --operator bench
echo "the last run took $(( ($(date +%s%N) - start) / 1000000 )) ms"
$BIN db check
$BIN audit verify
total=$(count)
duplicates=$(sqlite3 "$CORRIDOR_DB" 'SELECT count(*) - count(DISTINCT id) FROM events')
echo "final: $total events (expected $N), $duplicates duplicate ids"
[ "$total" -eq "$N" ] && [ "$duplicates" -eq 0 ]
