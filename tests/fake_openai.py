"""A local OpenAI-compatible HTTP server for tests, with scripted faults."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeServer:
    """``faults``: a list consumed one per POST: "ok", "timeout", "429", "500", "malformed",
    "drop" (connection closed mid-response), "401". After the list, every request is "ok".
    ``require_key``: answer 401 unless the request carries ``Authorization: Bearer <key>``."""

    def __init__(self, faults=None, require_key: str | None = None, delay: float = 0.0):
        self.faults = list(faults or [])
        self.require_key = require_key
        self.delay = delay
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                self._send(200, {"data": [{"id": "fake"}]})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with server.lock:
                    fault = server.faults.pop(0) if server.faults else "ok"
                    server.requests.append({"path": self.path, "body": body, "fault": fault})
                if server.require_key and self.headers.get("Authorization") != f"Bearer {server.require_key}":
                    return self._send(401, {"error": "no key"})
                if server.delay:
                    time.sleep(server.delay)
                if fault == "timeout":
                    time.sleep(3.0)
                    return self._send(200, {"choices": [{"text": "late"}]})
                if fault == "429":
                    return self._send(429, {"error": "slow down"}, {"Retry-After": "0.05"})
                if fault == "500":
                    return self._send(500, {"error": "boom"})
                if fault == "401":
                    return self._send(401, {"error": "bad key"})
                if fault == "malformed":
                    return self._raw(200, b'{"choices": [ {"te')
                if fault == "drop":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "500")
                    self.end_headers()
                    self.wfile.write(b'{"choices": [')
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                prompt = body.get("prompt") or json.dumps(body.get("messages"))
                h = hashlib.sha256(f"{prompt}|{body.get('seed')}".encode()).hexdigest()[:10]
                topic = prompt.rsplit("Topic:", 1)[-1].split("|")[0].strip() if "Topic:" in prompt else "things"
                text = f" loving {topic} today, this is note {h} #{topic.replace(' ', '')}"
                if "messages" in body:
                    return self._send(200, {"choices": [{"message": {"role": "assistant", "content": text}}]})
                return self._send(200, {"choices": [{"text": text}]})

            def _send(self, status, obj, headers=None):
                self._raw(status, json.dumps(obj).encode(), headers)

            def _raw(self, status, data, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
