#!/usr/bin/env bash
# A hot standby that takes over (issue 33), for what runs on PostgreSQL today: a primary and a
# synchronous streaming-replication standby on loopback (.ci/postgres); the demo's ledger copied
# to the primary (`db copy`: committed only once the standby has it); the standby, read-only,
# serving `audit export` byte for byte as the file's and `audit verify` with the file's head;
# then kill -9 of the primary, `pg_ctl promote` of the standby, `audit verify` and a checkpoint
# on it, and the ledger copied back from it: every row and the same audit head. Prints the times. Run from the repository root:
#   Benchmarks/scripts/standby.sh
source "$(dirname "$0")/common.sh"
# The clusters live in $WORK and run as the OS user postgres when this runs as root.
chmod 755 "$WORK"
P1=${STANDBY_PRIMARY_PORT:-55451}
P2=${STANDBY_PORT:-55452}
PRIMARY=$(.ci/postgres start "$WORK/primary" "$P1")
trap '.ci/postgres stop "$WORK/standby" >/dev/null 2>&1 || true; .ci/postgres stop "$WORK/primary" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
export PGPASSWORD=ci-secret-pw
psql -q -h 127.0.0.1 -p "$P1" -U corridor -d postgres \
  -c "CREATE DATABASE corridor TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
STANDBY=$(.ci/postgres standby "$WORK/standby" "$P2" "$P1")
# Synchronous: a commit returns once the standby has written it.
psql -q -h 127.0.0.1 -p "$P1" -U corridor -d postgres -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()" >/dev/null
until [ "$(psql -h 127.0.0.1 -p "$P1" -U corridor -d postgres -Atc "SELECT sync_state FROM pg_stat_replication")" = "sync" ]; do sleep 0.2; done
PRIMARY_DB=${PRIMARY%/postgres}/corridor
STANDBY_DB=${STANDBY%/postgres}/corridor

"$BIN" demo --db "$WORK/demo.db" >/dev/null
"$BIN" audit export --db "$WORK/demo.db" --out "$WORK/file.ndjson" >/dev/null
HEAD=$(python3 -c "import json; m=json.load(open('$WORK/file.ndjson.manifest.json')); print('%d:%s' % (m['lastSeq'], m['headHash']))")
start=$(date +%s.%N)
"$BIN" db copy --from "$WORK/demo.db" --to "$PRIMARY_DB" >/dev/null 2>&1
copied=$(date +%s.%N)
echo "copied the demo's ledger to the primary (synchronous standby): $(python3 -c "print('%.1f s' % ($copied - $start))")"

# The standby serves reads while it follows.
"$BIN" audit export --db "$STANDBY_DB" --out "$WORK/standby.ndjson" >/dev/null 2>&1
cmp -s "$WORK/file.ndjson" "$WORK/standby.ndjson" && echo "audit export from the hot standby: identical to the file's" || { echo "audit export from the standby DIFFERS"; exit 1; }
start=$(date +%s.%N)
VERIFY=$("$BIN" audit verify --db "$STANDBY_DB" --anchor "$HEAD" 2>&1) || { echo "audit verify on the standby failed: $VERIFY"; exit 1; }
verified=$(date +%s.%N)
echo "audit verify on the hot standby, read-only: ${VERIFY%%;*} ($(python3 -c "print('%.1f s' % ($verified - $start))"))"

.ci/postgres kill "$WORK/primary"
killed=$(date +%s.%N)
.ci/postgres promote "$WORK/standby"
promoted=$(date +%s.%N)
echo "primary killed (-9); standby promoted in $(python3 -c "print('%.2f s' % ($promoted - $killed))")"
VERIFY=$("$BIN" audit verify --db "$STANDBY_DB" --anchor "$HEAD" 2>&1) || { echo "audit verify on the new primary failed: $VERIFY"; exit 1; }
echo "audit verify on the new primary: ${VERIFY%%;*}"
"$BIN" audit checkpoint --db "$STANDBY_DB" --operator failover >/dev/null 2>&1 && echo "audit checkpoint written on the new primary: $("$BIN" audit verify --db "$STANDBY_DB" --since-checkpoint 2>&1 | cut -d';' -f1)"
"$BIN" db copy --from "$STANDBY_DB" --to "$WORK/after.db" >/dev/null 2>&1
VERIFY=$("$BIN" audit verify --db "$WORK/after.db" --anchor "$HEAD")
echo "after the failover, copied back from the new primary: ${VERIFY%%;*}"
[ "$(sqlite3 "$WORK/after.db" "SELECT count(*) FROM events")" = "$(sqlite3 "$WORK/demo.db" "SELECT count(*) FROM events")" ] && echo "every event is there ($(sqlite3 "$WORK/after.db" "SELECT count(*) FROM events")); the audit chain reaches the file's head $HEAD"
