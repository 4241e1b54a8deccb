"""A POST burst for the failover script: 8 terminals, each POSTing one estimated event at a time
(EST: no sequence rule, so every 2xx is one event recorded) for SECONDS, spread over the servers
given, one box in turn. Each event id answered with 2xx is appended to ACKED as "unix-time id";
refused or failed requests (the primary gone, a server restarting) are counted and retried with
the next event after a short pause, as a terminal would.

usage: python3 burst.py SECONDS KEY BOXES(comma-separated) ACKED URL [URL...]
"""
import http.client, json, sys, threading, time, urllib.parse

seconds, key, boxes, acked_path, urls = float(sys.argv[1]), sys.argv[2], sys.argv[3].split(","), sys.argv[4], sys.argv[5:]
acked = open(acked_path, "a")
lock = threading.Lock()
counts = {"ok": 0, "failed": 0}
end = time.time() + seconds


def terminal(number):
    sequence = 0
    while time.time() < end:
        sequence += 1
        url = urllib.parse.urlparse(urls[(number + sequence) % len(urls)])
        minute = number * 1_000_000 + sequence
        at = time.strftime("%Y-%m-%dT%H:%M:00Z", time.gmtime(1_893_456_000 + minute * 60))
        body = json.dumps([{"eventType": "EQUIPMENT", "equipmentEventTypeCode": "INSP", "eventClassifierCode": "EST",
                            "eventDateTime": at, "equipmentReference": boxes[(number + sequence) % len(boxes)],
                            "eventLocation": {"UNLocationCode": "CNCQI"}}])
        try:
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
            connection.request("POST", "/corridor/v1/events", body,
                               {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
            connection.close()
        except OSError:
            response, answer = None, b""
        if response is not None and 200 <= response.status < 300:
            ids = [event["eventID"] for event in json.loads(answer)["events"] if event.get("eventID")]
            with lock:
                counts["ok"] += 1
                acked.write("".join(f"{time.time():.3f} {event}\n" for event in ids))
                acked.flush()
        else:
            with lock:
                counts["failed"] += 1
            time.sleep(0.05)


threads = [threading.Thread(target=terminal, args=(n,)) for n in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"burst: {counts['ok']} requests answered 2xx, {counts['failed']} refused or failed (while the primary was gone), {seconds:.0f} s")
