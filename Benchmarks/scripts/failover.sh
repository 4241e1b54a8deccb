#!/usr/bin/env bash
# Failover under load (issue 33): a primary and a synchronous streaming-replication standby on
# loopback (.ci/postgres), two `corridor serve` processes on the primary (one reading its GETs
# from the standby, `--read-from`), a webhook subscriber (Benchmarks/load/receiver.py, Python's
# hmac checks every signature) and a POST burst from 8 terminals spread over both servers
# (Benchmarks/load/burst.py, which keeps every event id answered with 2xx). Part way, kill -9 of
# the primary, `pg_ctl promote` of the standby, and both servers started again on it. Then:
#  - every event acknowledged with 2xx is on the new primary;
#  - the subscriber received every recorded event, in recording order (first arrivals; a
#    repeat after the failover is at-least-once, counted);
#  - `audit verify` on the new primary is intact.
# Prints the times (kill to promoted, kill to the first 2xx again) and the counts.
# usage: Benchmarks/scripts/failover.sh [SECONDS]   (default 20 of burst; the kill at a third)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DURATION=${1:-20}
chmod 755 "$WORK"
P1=${FAILOVER_PRIMARY_PORT:-55461}
P2=${FAILOVER_STANDBY_PORT:-55462}
PIDS=()
trap 'kill ${PIDS[@]:-} 2>/dev/null; wait 2>/dev/null; .ci/postgres stop "$WORK/standby" >/dev/null 2>&1 || true; .ci/postgres stop "$WORK/primary" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
PRIMARY_ADMIN=$(.ci/postgres start "$WORK/primary" "$P1")
export PGPASSWORD=ci-secret-pw
psql_() { /usr/lib/postgresql/15/bin/psql -qAt -h 127.0.0.1 -U corridor "$@"; }
psql_ -p "$P1" -d postgres -c "CREATE DATABASE corridor TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
PRIMARY=${PRIMARY_ADMIN%/postgres}/corridor
export CORRIDOR_OPERATOR=failover
"$BIN" init --db "$PRIMARY" >/dev/null 2>&1
BOXES=""
for serial in 1 2 3 4 5 6 7 8; do
  box=$(python3 -c "
p='FOVU%06d' % $serial
v=lambda c: int(c) if c.isdigit() else [10,12,13,14,15,16,17,18,19,20,21,23,24,25,26,27,28,29,30,31,32,34,35,36,37,38][ord(c)-65]
print(p + str(sum(v(c) * 2**i for i, c in enumerate(p)) % 11 % 10))")
  "$BIN" container add "$box" --type 42G1 --db "$PRIMARY" >/dev/null
  BOXES="$BOXES${BOXES:+,}$box"
done
KEY=$("$BIN" apikey create burst --role admin --db "$PRIMARY")
STANDBY_ADMIN=$(.ci/postgres standby "$WORK/standby" "$P2" "$P1")
STANDBY=${STANDBY_ADMIN%/postgres}/corridor
# Synchronous: a commit returns (and a POST is answered) once the standby has written it.
psql_ -p "$P1" -d postgres -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()" >/dev/null
until [ "$(psql_ -p "$P1" -d postgres -c "SELECT sync_state FROM pg_stat_replication")" = "sync" ]; do sleep 0.2; done

SECRET=$(python3 -c "import base64; print(base64.b64encode(bytes([7]) * 32).decode())")
python3 Benchmarks/load/receiver.py 0 "$SECRET" "$WORK/received.log" >"$WORK/receiver.port" &
PIDS+=($!)
until [ -s "$WORK/receiver.port" ]; do sleep 0.1; done
RECEIVER=$(head -1 "$WORK/receiver.port")
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
A=$(port)
B=$(port)
serve() { # DB PORT [OPTIONS...]: started in the background, its pid in $SERVED
  local db=$1 p=$2
  shift 2
  "$BIN" serve --db "$db" --listen "127.0.0.1:$p" --callback-allow 127.0.0.1 "$@" 2>>"$WORK/serve-$p.log" &
  SERVED=$!
  PIDS+=($SERVED)
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$p/corridor/v1/openapi.yaml" >/dev/null && return; sleep 0.1; done
  echo "the server on port $p did not start" >&2
  cat "$WORK/serve-$p.log" >&2
  exit 1
}
serve "$PRIMARY" "$A" --read-from "$STANDBY"
SERVER_A=$SERVED
serve "$PRIMARY" "$B"
SERVER_B=$SERVED
curl -sf -o /dev/null -X POST "http://127.0.0.1:$A/v2/event-subscriptions" -H "Authorization: Bearer $KEY" \
  -d "{\"callbackUrl\":\"http://127.0.0.1:$RECEIVER/hook\",\"secret\":\"$SECRET\"}"
echo "machine: $(nproc) cores; $("$BIN" --version); PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'), primary :$P1, synchronous standby :$P2"

python3 Benchmarks/load/burst.py "$DURATION" "$KEY" "$BOXES" "$WORK/acked.log" "http://127.0.0.1:$A" "http://127.0.0.1:$B" \
  >"$WORK/burst.txt" &
BURST=$!
sleep "$(python3 -c "print($DURATION / 3)")"
KILLED=$(date +%s.%N)
.ci/postgres kill "$WORK/primary"
.ci/postgres promote "$WORK/standby"
PROMOTED=$(date +%s.%N)
# The servers are pointed at the new primary: stopped, started again with --db the standby's URL.
kill -9 "$SERVER_A" "$SERVER_B" 2>/dev/null || true
wait "$SERVER_A" "$SERVER_B" 2>/dev/null || true
serve "$STANDBY" "$A"
serve "$STANDBY" "$B"
RESTARTED=$(date +%s.%N)
wait "$BURST"
cat "$WORK/burst.txt"
FIRST_AFTER=$(python3 -c "
import sys
t=[float(l.split()[0]) for l in open('$WORK/acked.log') if float(l.split()[0]) > $KILLED]
print('%.2f s' % (min(t) - $KILLED) if t else 'none')")
echo "kill -9 of the primary to promoted: $(python3 -c "print('%.2f s' % ($PROMOTED - $KILLED))"); to both servers up on it: $(python3 -c "print('%.2f s' % ($RESTARTED - $KILLED))"); to the first 2xx again: $FIRST_AFTER"

# Every acknowledged event is on the new primary.
psql_ -p "$P2" -d corridor -c "SELECT id FROM events ORDER BY seq" >"$WORK/recorded.txt"
ACKED=$(cut -d' ' -f2 "$WORK/acked.log" | sort -u | wc -l)
MISSING=$(cut -d' ' -f2 "$WORK/acked.log" | sort -u | comm -23 - <(sort -u "$WORK/recorded.txt") | wc -l)
echo "acknowledged with 2xx: $ACKED events; on the new primary: $(wc -l <"$WORK/recorded.txt") events; acknowledged but missing: $MISSING"
# Every recorded event reaches the subscriber, in recording order (leases of the killed servers
# run out after 30 s).
for _ in $(seq 120); do
  [ "$(cut -d' ' -f2 "$WORK/received.log" 2>/dev/null | sort -u | wc -l)" -ge "$(wc -l <"$WORK/recorded.txt")" ] && break
  sleep 1
done
python3 - "$WORK/received.log" "$WORK/recorded.txt" <<'EOF'
import sys
received = [line.split()[1] for line in open(sys.argv[1])]
recorded = [line.strip() for line in open(sys.argv[2]) if line.strip()]
first, seen = [], set()
for event in received:
    if event not in seen:
        seen.add(event)
        first.append(event)
lost = [e for e in recorded if e not in seen]
print(f"subscriber: {len(received)} notifications, {len(first)} events, {len(received) - len(first)} repeated (at least once), "
      f"{len(lost)} lost; in recording order: {'yes' if first == recorded else 'NO'}")
sys.exit(0 if not lost and first == recorded else 1)
EOF
"$BIN" audit verify --db "$STANDBY" | cut -d';' -f1 | sed 's/^/audit verify on the new primary: /'
[ "$MISSING" = 0 ]
