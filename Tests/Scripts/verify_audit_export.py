import csv, hashlib, json, sys
path = sys.argv[1]
manifest = json.load(open(path + ".manifest.json"))
assert hashlib.sha256(open(path, "rb").read()).hexdigest() == manifest["sha256"], "file digest differs"
if manifest["format"] == "csv":
    rows = csv.DictReader(open(path, newline="", encoding="utf-8"))
    entries = [dict(r, seq=int(r["seq"]), state=json.loads(r["state"])) for r in rows]
else:
    entries = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
prev = manifest["prevHash"]
for e in entries:
    h, p = e.pop("hash"), e.pop("prevHash")
    canonical = json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert p == prev and hashlib.sha256((p + canonical).encode()).hexdigest() == h, f"entry {e['seq']} broken"
    prev = h
assert len(entries) == manifest["entries"] and prev == manifest["headHash"]
print(f"intact: {len(entries)} entries, head {prev}")
