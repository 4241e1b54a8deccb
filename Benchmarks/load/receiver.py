"""A webhook receiver for the load test: checks each notification's signature with Python's hmac,
answers 204, and appends "subscription-id event-id" lines to a log (one per event received).

usage: python3 receiver.py PORT SECRET_BASE64 LOG   (PORT 0: any free port; the port is printed)
"""
import base64, hashlib, hmac, http.server, json, socketserver, sys

port, secret, log = int(sys.argv[1]), base64.b64decode(sys.argv[2]), open(sys.argv[3], "a")


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, self.headers.get("Notification-Signature", "")):
            self.send_response(401)
        else:
            sub = self.headers["Subscription-ID"]
            log.write("".join(f"{sub} {event['eventID']}\n" for event in json.loads(body)))
            log.flush()
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    allow_reuse_address = True
    daemon_threads = True


server = Server(("127.0.0.1", port), Receiver)
print(server.server_address[1], flush=True)
server.serve_forever()
