#!/usr/bin/env bash
# What subscriptions cost every write (issue 27, item 8): the same import of N events, one event
# per transaction (--batch-size 1, as the server's single-event POSTs), into databases with no
# subscription, with 1,000 identical catch-all subscriptions (one party reader's, as the finding
# made them), and with 1,000 subscriptions of 1,000 different filters. None of them matches an
# event (a party with no shipments, boxes that do not exist), so what is measured is the
# matching, not the outbox rows. Run from the repository root:
#   Benchmarks/scripts/subscription-matching.sh 2000
N=${1:-2000}
source "$(dirname "$0")/common.sh"

$BIN init --db "$WORK/base.db" --operator bench >/dev/null 2>&1
$BIN dev generate --events "$N" --seed 1 --out "$WORK/events.csv" --db "$WORK/base.db" --operator bench >/dev/null
$BIN apikey create customer --role reader --party "Nobody Ltd" --db "$WORK/base.db" --operator bench >/dev/null
python3 - "$WORK" <<'PY'
import shutil, sqlite3, sys, uuid
work = sys.argv[1]
for name, distinct in (("identical", False), ("distinct", True)):
    shutil.copy(f"{work}/base.db", f"{work}/{name}.db")
    c = sqlite3.connect(f"{work}/{name}.db")
    for i in range(1000):
        filters = '{"equipmentReference":"ZZZU%07d"}' % i if distinct else "{}"
        c.execute("INSERT INTO subscriptions VALUES (?, 'customer', 'https://hooks.example/x', ?, ?, ?, ?, ?)",
                  (str(uuid.uuid4()), b"0123456789abcdef", filters, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"))
    c.commit()
PY
for name in base identical distinct; do
  cp "$WORK/$name.db" "$WORK/run.db"
  start=$(date +%s.%N)
  $BIN import events "$WORK/events.csv" --batch-size 1 --quiet --db "$WORK/run.db" --operator bench >/dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); print(f'{sys.argv[3]:>10}: {t:.2f} s for {sys.argv[4]} one-event writes, {t/int(sys.argv[4])*1000:.2f} ms a write')" "$start" "$end" "$name" "$N"
  [ "$(sqlite3 "$WORK/run.db" 'SELECT COUNT(*) FROM outbox')" = 0 ] || { echo "a subscription matched" >&2; exit 1; }
done
