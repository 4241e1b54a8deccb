#!/usr/bin/env bash
# Load on `corridor serve` (release build) with wrk, on the demo database:
#  1. reads: GET /v2/events?equipmentReference=… at 64 connections: requests/s and p99 latency;
#  2. writes: 16 connections POSTing one event each request: events/s sustained, events lost
#     (wrk's 2xx count against the events table), `audit verify` afterwards;
#  3. push: 10 subscriptions, then 10,000 events imported by the CLI while the server runs; the
#     receiver (Python, checking every signature) is killed and restarted once in the middle;
#     every subscription must receive every event, in recording order (repeats allowed: at
#     least once).
# usage: Benchmarks/scripts/api-load.sh [SECONDS]   (default 15 per wrk run)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SECONDS_PER_RUN=${1:-15}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
DB="$WORK/demo.db"
"$BIN" demo --db "$DB" >/dev/null 2>&1
KEY=$("$BIN" apikey create load --role admin --db "$DB")
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(port)
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --callback-allow 127.0.0.1 2>"$WORK/serve.log" &
SERVER=$!
RECEIVER=
trap 'kill $SERVER $RECEIVER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/corridor/v1/openapi.yaml" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT"
echo "machine: $(nproc) cores; $($BIN --version)"

echo "== 1. GET /v2/events?equipmentReference=… (64 connections, ${SECONDS_PER_RUN}s)"
BOX=$(sqlite3 "$DB" "SELECT container FROM events GROUP BY container ORDER BY COUNT(*) DESC LIMIT 1")
echo "container $BOX: $(curl -s -H "Authorization: Bearer $KEY" "$URL/v2/events?equipmentReference=$BOX" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') events per response"
wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $KEY" "$URL/v2/events?equipmentReference=$BOX" |
  grep -E 'Requests/sec|99%|50%|Non-2xx|Socket errors'

echo "== 2. POST /corridor/v1/events, one event per request (16 connections, ${SECONDS_PER_RUN}s)"
# The containers of the open shipments: estimates go on them without a sequence rule.
BOXES=$(open_boxes "$DB")
echo "posting to $(echo "$BOXES" | tr , '\n' | wc -l) containers of the open shipments"
BEFORE=$(sqlite3 "$DB" "SELECT COUNT(*) FROM events")
BOXES=$BOXES KEY=$KEY wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -s Benchmarks/load/post-event.lua "$URL" >"$WORK/post.txt"
grep -E 'Requests/sec|99%|50%|posted' "$WORK/post.txt"
POSTED=$(sed -n 's/posted: \([0-9]*\) requests, \([0-9]*\) non-2xx.*/\1 \2/p' "$WORK/post.txt")
read -r REQUESTS NON2XX <<<"$POSTED"
AFTER=$(sqlite3 "$DB" "SELECT COUNT(*) FROM events")
# wrk does not count requests still in flight when it stops, which may be recorded: lost is
# answered-2xx minus recorded, when positive.
LOST=$((REQUESTS - NON2XX - (AFTER - BEFORE)))
echo "events recorded: $((AFTER - BEFORE)); 2xx answers: $((REQUESTS - NON2XX)); lost: $((LOST > 0 ? LOST : 0))"
"$BIN" audit verify --db "$DB" | head -1

echo "== 3. 10,000 events to 10 subscriptions, receiver killed and restarted once"
SECRET=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
RPORT=$(port)
python3 Benchmarks/load/receiver.py "$RPORT" "$SECRET" "$WORK/received.log" >/dev/null & RECEIVER=$!
for i in $(seq 10); do
  curl -sf -X POST "$URL/v2/event-subscriptions" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d "{\"callbackUrl\":\"http://127.0.0.1:$RPORT/hook/$i\",\"secret\":\"$SECRET\"}" >/dev/null
done
# Containers and shipments of the generated journeys, booked in the served database, then the
# events imported by the CLI while the server runs.
"$BIN" dev generate --events 10000 --seed 7 --out "$WORK/events.csv" --db "$DB" --operator load >/dev/null
START=$(date +%s.%N)
"$BIN" import events "$WORK/events.csv" --db "$DB" --operator load >/dev/null
SEQ_FIRST=$(sqlite3 "$DB" "SELECT MIN(event_seq) FROM outbox")
wait_for() { for _ in $(seq 600); do [ "$(wc -l <"$WORK/received.log")" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }
wait_for 30000 || true
kill -9 $RECEIVER; wait $RECEIVER 2>/dev/null || true
echo "receiver killed after $(wc -l <"$WORK/received.log") notifications"
sleep 3
python3 Benchmarks/load/receiver.py "$RPORT" "$SECRET" "$WORK/received.log" >/dev/null & RECEIVER=$!
for _ in $(seq 1200); do
  [ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")" = 0 ] && break
  sleep 0.25
done
END=$(date +%s.%N)
sqlite3 "$DB" "SELECT s.id, e.id FROM outbox o JOIN events e ON e.seq = o.event_seq JOIN subscriptions s ON s.id = o.subscription_id
  ORDER BY s.id, o.id" >"$WORK/expected.txt"
python3 - "$WORK/expected.txt" "$WORK/received.log" <<'PY'
import sys
from collections import defaultdict
expected, received = defaultdict(list), defaultdict(list)
for line in open(sys.argv[1]):
    sub, event = line.strip().split("|"); expected[sub].append(event)
for line in open(sys.argv[2]):
    sub, event = line.split(); received[sub].append(event)
ok = True
for sub, events in expected.items():
    got, first = received[sub], []
    seen = set()
    for e in got:
        if e not in seen: seen.add(e); first.append(e)
    missing = len(set(events) - seen)
    in_order = first == events
    repeats = len(got) - len(first)
    ok &= missing == 0 and in_order
    print(f"subscription {sub[:8]}: {len(events)} expected, {len(seen)} received, {missing} missing, {repeats} repeated, in order: {in_order}")
print("all delivered, in order" if ok else "DELIVERY CHECK FAILED")
sys.exit(0 if ok else 1)
PY
echo "delivered $(sqlite3 "$DB" "SELECT COUNT(*) FROM outbox") notifications in $(python3 -c "print(round($END - $START, 1))") s (import included)"
"$BIN" audit verify --db "$DB" | head -1
