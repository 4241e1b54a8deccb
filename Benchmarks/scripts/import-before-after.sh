#!/usr/bin/env bash
# Import throughput before and after a change, on the same schema: `corridor import events` of N
# generated events by this checkout's build and by the build of an older revision (default
# d1c5a92, the last commit before the acceptance engine), alternating, RUNS times each, with
# peak RSS. The older build gets a database with every index the current schema has on events
# (added by hand: its own migrations stop earlier), so that the comparison is of the code that
# decides and writes rows, not of the indexes later features added. Run from the repository root:
#   Benchmarks/scripts/import-before-after.sh 1000000 [REVISION]
N=${1:-1000000}
REVISION=${2:-d1c5a92}
RUNS=${RUNS:-3}
source "$(dirname "$0")/common.sh"

OLD_TREE="$WORK/old"
git worktree add --detach "$OLD_TREE" "$REVISION" >/dev/null 2>&1
trap 'git worktree remove --force "$OLD_TREE" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
if ! (cd "$OLD_TREE" && swift build -c release --product corridor >"$WORK/old-build.log" 2>&1); then
  cat "$WORK/old-build.log" >&2
  exit 1
fi
OLD="$OLD_TREE/.build/release/corridor"

"$BIN" init --db "$WORK/new.db" --operator bench >/dev/null 2>&1
"$BIN" dev generate --events "$N" --seed 1 --out "$WORK/new.csv" --db "$WORK/new.db" --operator bench >/dev/null
"$OLD" init --db "$WORK/old.db" --operator bench >/dev/null 2>&1
"$OLD" dev generate --events "$N" --seed 1 --out "$WORK/old.csv" --db "$WORK/old.db" --operator bench >/dev/null
# The same rows: older generators write fewer of the trailing optional columns (carrierBooking,
# sealSource, sealType: always empty here; the rows end in CRLF), so trailing empty fields are
# left out of the comparison.
if ! cmp -s <(tail -n +2 "$WORK/new.csv" | sed 's/,*\r$/\r/') <(tail -n +2 "$WORK/old.csv" | sed 's/,*\r$/\r/'); then
  echo "the two generators wrote different rows: no comparison" >&2
  exit 1
fi
# Every index on events that the older schema lacks, as the current one defines it.
sqlite3 "$WORK/old.db" "PRAGMA table_info(events)" | grep -q '|carrier_booking|' ||
  sqlite3 "$WORK/old.db" "ALTER TABLE events ADD COLUMN carrier_booking TEXT"
for name in $(sqlite3 "$WORK/new.db" "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"); do
  if [ -z "$(sqlite3 "$WORK/old.db" "SELECT 1 FROM sqlite_schema WHERE name = '$name'")" ]; then
    { sqlite3 "$WORK/new.db" "SELECT sql FROM sqlite_schema WHERE name = '$name'"; echo ";"; } | sqlite3 "$WORK/old.db"
  fi
done
echo "events: $N; indexes on events: $(sqlite3 "$WORK/new.db" "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'") now, $(sqlite3 "$WORK/old.db" "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'") in the older database"

for run in $(seq 1 "$RUNS"); do
  cp "$WORK/old.db" "$WORK/o.db"
  /usr/bin/time -f "$REVISION  %e s  %M KB" "$OLD" import events "$WORK/old.csv" --quiet --db "$WORK/o.db" --operator bench >/dev/null
  cp "$WORK/new.db" "$WORK/n.db"
  /usr/bin/time -f "now      %e s  %M KB" "$BIN" import events "$WORK/new.csv" --quiet --db "$WORK/n.db" --operator bench >/dev/null
done
"$BIN" db check --db "$WORK/n.db"
"$BIN" audit verify --db "$WORK/n.db"
