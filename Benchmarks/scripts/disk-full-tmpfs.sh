#!/usr/bin/env bash
# Disk full on a real small filesystem (needs root for `mount -t tmpfs`). Run from the repository
# root:  Benchmarks/scripts/disk-full-tmpfs.sh 300000
# 1. The database lives on a 64 MiB tmpfs and the file needs more: exit 74 before anything is
#    written, and the database is exactly as it was (same bytes, same audit head).
# 2. The space runs out in the middle of the write pass (another process fills the disk after
#    the import's space check): exit 74, the committed batches are kept (consistent and audited),
#    and once space is freed the same command finishes the job.
N=${1:-300000}
source "$(dirname "$0")/common.sh"
SMALL="$WORK/small"
mkdir -p "$SMALL"
trap 'umount "$SMALL" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export CORRIDOR_DB="$SMALL/c.db"

$BIN init --db "$WORK/base.db" --operator bench >/dev/null 2>&1
$BIN dev generate --events "$N" --seed 1 --out "$WORK/events.csv" --db "$WORK/base.db" --operator bench >/dev/null
sqlite3 "$WORK/base.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
echo "events: $N, CSV $(du -h "$WORK/events.csv" | cut -f1), database before the import $(du -h "$WORK/base.db" | cut -f1)"

echo "== 1. not enough room from the start (64 MiB tmpfs)"
mount -t tmpfs -o size=64m tmpfs "$SMALL"
cp "$WORK/base.db" "$CORRIDOR_DB"
before=$(sha256sum "$CORRIDOR_DB" | cut -c1-16)
head_before=$($BIN audit verify)
set +e
$BIN import events "$WORK/events.csv" --quiet --operator bench
status=$?
set -e
echo "exit $status; database $before -> $(sha256sum "$CORRIDOR_DB" | cut -c1-16)"
[ "$status" -eq 74 ]
[ "$head_before" = "$($BIN audit verify)" ] && echo "audit head unchanged: $head_before"
$BIN db check
umount "$SMALL"

echo "== 2. the disk fills up during the write pass"
# Room for the import's own estimate (3 bytes per CSV byte and 128 MiB for the WAL) and a little.
free_needed=$(( $(stat -c %s "$WORK/events.csv") * 3 / 1048576 + 128 + $(stat -c %s "$WORK/base.db") / 1048576 + 8 ))
mount -t tmpfs -o size=${free_needed}m tmpfs "$SMALL"
cp "$WORK/base.db" "$CORRIDOR_DB"
set +e
$BIN import events "$WORK/events.csv" --operator bench --batch-size 2000 2>"$WORK/import.err" &
importer=$!
# Once the write pass has committed a few batches, another process takes the rest of the disk.
until [ "$(sqlite3 "$CORRIDOR_DB" 'SELECT count(*) FROM events' 2>/dev/null || echo 0)" -gt 10000 ]; do sleep 0.05; done
dd if=/dev/zero of="$SMALL/filler" bs=1M 2>/dev/null
wait "$importer"
status=$?
set -e
echo "exit $status: $(tail -n 2 "$WORK/import.err" | tr '\n' ' ')"
[ "$status" -eq 74 ]
rm -f "$SMALL/filler"
$BIN db check
$BIN audit verify
echo "kept after the failure: $(sqlite3 "$CORRIDOR_DB" 'SELECT count(*) FROM events') events"
$BIN import events "$WORK/events.csv" --quiet --operator bench
echo "after the re-run: $(sqlite3 "$CORRIDOR_DB" 'SELECT count(*) FROM events') events (expected $N)"
