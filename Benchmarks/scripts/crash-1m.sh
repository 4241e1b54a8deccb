#!/usr/bin/env bash
# Crash test: KILLS random `kill -9` during an import of N generated events, each followed by
# `db check`, `audit verify` and a count; then the same command once more, which must finish
# with exactly N events. Run from the repository root:
#   Benchmarks/scripts/crash-1m.sh 1000000 20
set -euo pipefail
N=${1:-1000000}
KILLS=${2:-20}
RANDOM=${SEED:-7}
cd "$(dirname "$0")/../.."
swift build -c release --product corridor >/dev/null
BIN=$(swift build -c release --show-bin-path)/corridor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CORRIDOR_DB="$WORK/c.db"

$BIN init --operator bench >/dev/null 2>&1
$BIN dev generate --events "$N" --seed 1 --out "$WORK/events.csv" --operator bench >/dev/null
# How long an uninterrupted import takes, to spread the kills over it.
cp "$WORK/c.db" "$WORK/base.db"
start=$(date +%s%N)
$BIN import events "$WORK/events.csv" --quiet --operator bench >/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
rm -f "$WORK"/c.db*
cp "$WORK/base.db" "$WORK/c.db"
echo "events: $N; uninterrupted import ${full_ms} ms; $KILLS kills"

for kill in $(seq 1 "$KILLS"); do
  delay_ms=$(( RANDOM * RANDOM % full_ms ))
  before=$(sqlite3 "$CORRIDOR_DB" 'SELECT count(*) FROM events')
  $BIN import events "$WORK/events.csv" --quiet --operator bench >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then outcome="killed"; else outcome="had finished"; fi
  wait "$pid" 2>/dev/null || true
  $BIN db check >/dev/null
  $BIN audit verify >/dev/null
  after=$(sqlite3 "$CORRIDOR_DB" 'SELECT count(*) FROM events')
  printf 'kill %2d after %6d ms (%s): db check ok, audit verify ok, %7d events (+%d)\n' "$kill" "$delay_ms" "$outcome" "$after" \
    $((after - before))
done

start=$(date +%s%N)
$BIN import events "$WORK/events.csv" --quiet --operator bench
echo "the last run took $(( ($(date +%s%N) - start) / 1000000 )) ms"
$BIN db check
$BIN audit verify
count=$(sqlite3 "$CORRIDOR_DB" 'SELECT count(*) FROM events')
duplicates=$(sqlite3 "$CORRIDOR_DB" 'SELECT count(*) - count(DISTINCT id) FROM events')
echo "final: $count events (expected $N), $duplicates duplicate ids"
[ "$count" -eq "$N" ] && [ "$duplicates" -eq 0 ]
