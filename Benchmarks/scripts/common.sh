# Sourced by the benchmark scripts: strict mode, the repository root as working folder, a
# release build of corridor in $BIN (a failed build prints its log and stops the script; with
# $CORRIDOR_BIN set, that binary instead, e.g. the debug build CI already has), and a scratch
# folder $WORK removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -n "${CORRIDOR_BIN:-}" ]; then
  BIN=$(realpath "$CORRIDOR_BIN")
else
  if ! swift build -c release --product corridor >"$WORK/build.log" 2>&1; then
    cat "$WORK/build.log" >&2
    exit 1
  fi
  BIN=$(swift build -c release --show-bin-path)/corridor
fi

# The containers of the demo's open shipments, comma-separated: estimated events go on them
# without a sequence rule (Benchmarks/load/post-event.lua posts them).
open_boxes() {
  "$BIN" shipment list --db "$1" --format csv | awk -F, '$4=="booked"||$4=="in-transit"{print $1}' |
    while read -r ref; do "$BIN" shipment show "$ref" --db "$1" --format json; done |
    python3 -c 'import json,sys; d=json.JSONDecoder(); t=sys.stdin.read(); i=0; out=[]
while i < len(t):
    if t[i].isspace(): i += 1; continue
    o, i = d.raw_decode(t, i); out += [c["container"] for c in o["containers"]]
print(",".join(out))'
}
