"""Validates every event `GET /v2/events` serves against DCSA's own schemas (tnt-v2.2.0.yaml,
with the errata openapi/dcsa/errata.py applies and Benchmarks/scripts/api-conformance.sh
explains): each page is fetched as a client would (limit 1000, following Next-Page), and each
event is checked against equipmentEvent or transportEvent by its eventType. Prints a summary
line; exits 1 with the first failures when any event does not conform.

usage: python3 dcsa_schema_check.py SPEC.yaml BASE_URL KEY
"""
import collections
import json
import sys
import urllib.request

import jsonschema
import yaml

spec_path, base, key = sys.argv[1:4]
spec = yaml.safe_load(open(spec_path))
validators = {
    kind: jsonschema.Draft4Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})
    for kind, name in (("EQUIPMENT", "equipmentEvent"), ("TRANSPORT", "transportEvent"))
}
kinds = collections.Counter()
failures = []
path = "/v2/events?limit=1000"
pages = 0
while path:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request) as response:
        events = json.load(response)
        path = response.headers.get("Next-Page")
    pages += 1
    for event in events:
        kind = event.get("eventType")
        code = event.get("equipmentEventTypeCode") or event.get("transportEventTypeCode")
        kinds[(kind, code, "seals" in event)] += 1
        validator = validators.get(kind)
        if validator is None:
            failures.append(f"{event.get('eventID')}: eventType {kind!r} is neither EQUIPMENT nor TRANSPORT")
            continue
        for error in validator.iter_errors(event):
            failures.append(f"{event.get('eventID')}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
total = sum(kinds.values())
print(f"{total} events on {pages} pages, {len(kinds)} kinds (eventType, code, with seals):")
for (kind, code, sealed), count in sorted(kinds.items()):
    print(f"  {kind} {code}{' sealed' if sealed else ''}: {count}")
if failures:
    print(f"{len(failures)} schema failures, the first:")
    for failure in failures[:20]:
        print("  " + failure)
    sys.exit(1)
print("every event conforms to DCSA's schema")
