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
