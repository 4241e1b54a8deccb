#!/usr/bin/env bash
# `corridor serve` on SQLite beside `corridor serve` on PostgreSQL (issue 33), one run, the same
# demo ledger (copied to PostgreSQL with `db copy`), release build, wrk on loopback:
#  1. reads: GET /v2/events?equipmentReference=… at 64 connections: requests/s and p99;
#  2. writes: 16 connections POSTing one estimated event each request (Benchmarks/load/
#     post-event.lua): events/s, and 2xx answers against rows recorded (nothing lost);
#  3. the same writes split over two servers on the one PostgreSQL ledger (8 connections each,
#     at once), then `audit verify` on PostgreSQL (the chain stays one sequence).
# A throwaway cluster on loopback (.ci/postgres).
# usage: Benchmarks/scripts/servers.sh [SECONDS]   (default 15 per wrk run)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SECONDS_PER_RUN=${1:-15}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
DB="$WORK/demo.db"
"$BIN" demo --db "$DB" >/dev/null 2>&1
chmod 755 "$WORK"
PG="$WORK/pg"
ADMIN=$(.ci/postgres start "$PG" "${SERVERS_PORT:-55441}")
SERVERS=()
trap 'kill ${SERVERS[@]:-} 2>/dev/null; wait 2>/dev/null; .ci/postgres stop "$PG" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
/usr/lib/postgresql/15/bin/psql -qAt "$ADMIN" -c "CREATE DATABASE bench TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
URLPG="${ADMIN%/postgres}/bench"
"$BIN" db copy --from "$DB" --to "$URLPG" | tail -1
KEY=$("$BIN" apikey create load --role admin --db "$DB")
KEYPG=$("$BIN" apikey create load --role admin --db "$URLPG")
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
serve() { # DB PORT
  "$BIN" serve --db "$1" --listen "127.0.0.1:$2" 2>>"$WORK/serve.log" &
  SERVERS+=($!)
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$2/corridor/v1/openapi.yaml" >/dev/null && return; sleep 0.1; done
  echo "the server on $1 did not start" >&2; cat "$WORK/serve.log" >&2; exit 1
}
events() { if [[ "$1" == postgres* ]]; then /usr/lib/postgresql/15/bin/psql -qAt "$1" -c "SELECT COUNT(*) FROM events"; else sqlite3 "$1" "SELECT COUNT(*) FROM events"; fi; }
BOX=$(sqlite3 "$DB" "SELECT container FROM events GROUP BY container ORDER BY COUNT(*) DESC LIMIT 1")
BOXES=$(open_boxes "$DB")
echo "machine: $(nproc) cores; $($BIN --version); PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}') on loopback"

for engine in sqlite postgres; do
  if [ $engine = sqlite ]; then LEDGER=$DB; K=$KEY; else LEDGER=$URLPG; K=$KEYPG; fi
  P=$(port); serve "$LEDGER" "$P"
  echo "== $engine: GET /v2/events?equipmentReference=$BOX (64 connections, ${SECONDS_PER_RUN}s)"
  wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $K" "http://127.0.0.1:$P/v2/events?equipmentReference=$BOX" |
    grep -E 'Requests/sec|99%|Non-2xx|Socket errors'
  # The first write brings the learned ETA's summaries up to date with the whole copied history
  # (docs/eta.md), which holds the writer: timed here, outside the measured runs.
  START=$(date +%s.%N)
  curl -sf -m 600 -o /dev/null -X POST "http://127.0.0.1:$P/corridor/v1/events" -H "Authorization: Bearer $K" \
    -d '[{"eventType":"EQUIPMENT","equipmentEventTypeCode":"INSP","eventClassifierCode":"EST","eventDateTime":"2029-01-01T00:00:00Z","equipmentReference":"'"${BOXES%%,*}"'","eventLocation":{"UNLocationCode":"CNCQI"}}]'
  echo "first write (the ETA summaries caught up with the history): $(python3 -c "print(f'{$(date +%s.%N) - $START:.1f}')") s"
  echo "== $engine: POST /corridor/v1/events, one server (16 connections, ${SECONDS_PER_RUN}s)"
  BEFORE=$(events "$LEDGER")
  BOXES=$BOXES KEY=$K wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -s Benchmarks/load/post-event.lua "http://127.0.0.1:$P" >"$WORK/post.txt"
  grep -E 'Requests/sec|99%|posted' "$WORK/post.txt"
  read -r REQUESTS NON2XX <<<"$(sed -n 's/posted: \([0-9]*\) requests, \([0-9]*\) non-2xx.*/\1 \2/p' "$WORK/post.txt")"
  AFTER=$(events "$LEDGER")
  echo "events recorded: $((AFTER - BEFORE)) in ${SECONDS_PER_RUN}s ($(((AFTER - BEFORE) / SECONDS_PER_RUN))/s); 2xx answers: $((REQUESTS - NON2XX))"
  if [ $engine = postgres ]; then
    P2=$(port); serve "$LEDGER" "$P2"
    echo "== postgres: POST /corridor/v1/events, two servers on one ledger (8 connections each, at once, ${SECONDS_PER_RUN}s)"
    BEFORE=$(events "$LEDGER")
    OFFSET=1 BOXES=$BOXES KEY=$K wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" -s Benchmarks/load/post-event.lua "http://127.0.0.1:$P" >"$WORK/post-a.txt" &
    A=$!
    OFFSET=2 BOXES=$BOXES KEY=$K wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" -s Benchmarks/load/post-event.lua "http://127.0.0.1:$P2" >"$WORK/post-b.txt" &
    B=$!
    wait $A $B
    OK=0
    for f in "$WORK/post-a.txt" "$WORK/post-b.txt"; do
      read -r R N <<<"$(sed -n 's/posted: \([0-9]*\) requests, \([0-9]*\) non-2xx.*/\1 \2/p' "$f")"
      OK=$((OK + R - N))
    done
    AFTER=$(events "$LEDGER")
    echo "events recorded: $((AFTER - BEFORE)) in ${SECONDS_PER_RUN}s ($(((AFTER - BEFORE) / SECONDS_PER_RUN))/s); 2xx answers: $OK"
  fi
  "$BIN" audit verify --db "$LEDGER" | head -1
done
