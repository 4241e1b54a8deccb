#!/usr/bin/env bash
# Audit trail at scale: `audit verify` and `audit export` (both formats) over 1,000,000 entries,
# with time and peak RSS; next to it, the sqlite3 shell reading the same rows (a floor for the
# scan). Run from the repository root: Benchmarks/scripts/audit-1m.sh [ENTRIES]
N=${1:-1000000}
source "$(dirname "$0")/common.sh"
"$BIN" init --db "$WORK/a.db" --operator bench >/dev/null 2>&1
/usr/bin/time -f "fill      %e s  %M KB" "$BIN" dev audit-fill --entries "$N" --db "$WORK/a.db" >/dev/null
/usr/bin/time -f "sqlite3   %e s  %M KB (SELECT of every entry)" sqlite3 "$WORK/a.db" "SELECT * FROM audit_log" >/dev/null
/usr/bin/time -f "verify    %e s  %M KB" "$BIN" audit verify --db "$WORK/a.db"
/usr/bin/time -f "export    %e s  %M KB (ndjson)" "$BIN" audit export --format ndjson --out "$WORK/a.ndjson" --db "$WORK/a.db" >/dev/null
/usr/bin/time -f "export    %e s  %M KB (csv)" "$BIN" audit export --format csv --out "$WORK/a.csv" --db "$WORK/a.db" >/dev/null
/usr/bin/time -f "v-export  %e s  %M KB (ndjson, no database)" "$BIN" audit verify-export "$WORK/a.ndjson"
ls -la "$WORK"/a.ndjson "$WORK"/a.csv | awk '{print $5, $9}'
