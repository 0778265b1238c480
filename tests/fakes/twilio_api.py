"""A stand-in for Twilio's Messages API on loopback: records every SMS it is asked to send.

    with FakeTwilioApi(account_sid, auth_token) as twilio:
        sender = TwilioSender(..., api_base_url=twilio.url)
        ...
        assert twilio.wait_for(1, timeout=5)[0]["body"] == "Hi!"

Only `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` is served, with Twilio's
status codes and error bodies. `wait_for` blocks; from async code call it through
`asyncio.to_thread`.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.twilio_signing import new_sid, num_segments

_MESSAGES_PATH = re.compile(r"/2010-04-01/Accounts/(?P<account>AC\w+)/Messages\.json")
_ERRORS = {  # status: (Twilio error code, message)
    400: (21211, "Invalid 'To' Phone Number"),
    401: (20003, "Authenticate"),
    404: (20404, "The requested resource was not found"),
    429: (20429, "Too Many Requests"),
    500: (20500, "An internal server error has occurred"),
    503: (20503, "Service Unavailable"),
}


class FakeTwilioApi:
    """Twilio's Messages API for one account, in a background thread; use it with `with`."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sent: list[dict[str, str]] = []  # {"to", "from_", "body"} per accepted message
        self.requests: list[dict[str, Any]] = []  # every POST: path, headers, form, status
        self._lock = threading.Condition()
        self._failures: list[int] = []
        self._stall = 0.0
        self._released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                status, payload = fake._answer(self.path, self.headers.get("Authorization"), form)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll keeps shutdown() from waiting the default half second.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """The base URL to give the SDK in place of https://api.twilio.com."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with this status and a Twilio error body."""
        with self._lock:
            self._failures.extend([status] * times)

    def stall_next(self, seconds: float) -> None:
        """Hold the next request this long before answering (released early on exit)."""
        with self._lock:
            self._stall = seconds

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, str]]:
        """The messages sent so far, once there are at least `count`; TimeoutError if not."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.sent) >= count, timeout):
                raise TimeoutError(f"{len(self.sent)} of {count} SMS sent: {self.sent}")
            return list(self.sent)

    def _answer(
        self, path: str, authorization: str | None, form: dict[str, list[str]]
    ) -> tuple[int, dict[str, Any]]:
        fields = {name: values[0] for name, values in form.items()}
        with self._lock:
            stall, self._stall = self._stall, 0.0
        if stall:
            self._released.wait(stall)
        status, payload = self._outcome(path, authorization, fields)
        with self._lock:
            self.requests.append({"path": path, "form": fields, "status": status})
            if status == 201:
                self.sent.append(
                    {"to": fields["To"], "from_": fields["From"], "body": fields["Body"]}
                )
                self._lock.notify_all()
        return status, payload

    def _outcome(
        self, path: str, authorization: str | None, fields: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != f"Basic {expected}":
            return _error(401)
        match = _MESSAGES_PATH.fullmatch(path)
        if not match or match["account"] != self.account_sid:
            return _error(404)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            return _error(failure)
        for field, code in (("To", 21604), ("From", 21603), ("Body", 21602)):
            if not fields.get(field):
                return _error(400, code, f"A '{field}' parameter is required.")
        return 201, self._message(fields)

    def _message(self, fields: dict[str, str]) -> dict[str, Any]:
        sid = new_sid("SM")
        now = format_datetime(datetime.now(timezone.utc))
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": fields["Body"],
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": fields["From"],
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(num_segments(fields["Body"])),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": fields["To"],
            "uri": f"{uri}.json",
        }

    def __enter__(self) -> FakeTwilioApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()


def _error(
    status: int, code: int | None = None, message: str | None = None
) -> tuple[int, dict[str, Any]]:
    default_code, default_message = _ERRORS.get(status, (status, "Error"))
    code = code or default_code
    return status, {
        "code": code,
        "message": message or default_message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
