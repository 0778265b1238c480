"""A tiny HTTP health endpoint for the worker, so the supervisor can wait for it.

`GET /health` answers 200 while the worker's loop is going round, 503 otherwise. Served
by the standard library in a daemon thread: the worker itself has no HTTP server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def start_health_server(
    host: str, port: int, is_healthy: Callable[[], bool]
) -> ThreadingHTTPServer:
    """Serves /health on host:port until `.shutdown()`; port 0 picks a free one."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/health":
                self._reply(404, {"status": "not found"})
            elif is_healthy():
                self._reply(200, {"status": "ok"})
            else:
                self._reply(503, {"status": "stalled"})

        def _reply(self, status: int, body: dict[str, str]) -> None:
            encoded = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the supervisor polls twice a second; those lines would drown the log

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server
