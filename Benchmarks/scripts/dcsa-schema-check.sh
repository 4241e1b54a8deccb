#!/usr/bin/env bash
# Every event `GET /v2/events` serves, validated against DCSA's tnt-v2.2.0.yaml schemas (with the
# errata of openapi/dcsa/errata.py): the demo database (every event code of the four corridors,
# customs holds and releases, transport events) plus sealed events with and without a source and
# type, paged through as a client would. Run by .ci/run beside schemathesis.
# usage: Benchmarks/scripts/dcsa-schema-check.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml
"$BIN" demo --db "$WORK/demo.db" >/dev/null
# Sealed events: a gate-in with only a number (and no empty indicator), a load with its source, a
# departure with both; and an inspection of a box on no shipment, with nothing but its place.
"$BIN" container add CSQU3054383 --type 42G1 --db "$WORK/demo.db" >/dev/null
"$BIN" shipment create SEALED --route CQ-AKL-DUI --shipper a --consignee b --commodity laptops --value 1.00 --currency USD \
  --booked 2024-12-01 --db "$WORK/demo.db" >/dev/null
"$BIN" shipment assign SEALED CSQU3054383 --db "$WORK/demo.db" >/dev/null
"$BIN" event record CSQU3054383 GTIN --at 2024-12-02T09:00:00+08:00 --location CNCQI --seal CN1 --db "$WORK/demo.db" >/dev/null
"$BIN" event record CSQU3054383 LOAD --at 2024-12-02T10:00:00+08:00 --location CNCQI --mode rail --laden --seal CN1 --seal-source CUS \
  --db "$WORK/demo.db" >/dev/null
"$BIN" event record CSQU3054383 DEPA --at 2024-12-02T11:00:00+08:00 --location CNCQI --mode rail --vehicle X9 --seal CN1 \
  --seal-source SHI --seal-type BLT --db "$WORK/demo.db" >/dev/null
"$BIN" container add MSKU0308961 --type 22G1 --db "$WORK/demo.db" >/dev/null
"$BIN" event record MSKU0308961 INSP --at 2024-12-02T12:00:00+08:00 --location CNCQI --db "$WORK/demo.db" >/dev/null
KEY=$("$BIN" apikey create schema --role admin --db "$WORK/demo.db")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --db "$WORK/demo.db" --listen "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/corridor/v1/openapi.yaml" >/dev/null && break; sleep 0.1; done
python3 openapi/dcsa/errata.py openapi/dcsa/tnt-v2.2.0.yaml "$WORK/tnt-v2.2.0-errata.yaml"
python3 Tests/Scripts/dcsa_schema_check.py "$WORK/tnt-v2.2.0-errata.yaml" "http://127.0.0.1:$PORT" "$KEY"
