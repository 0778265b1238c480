"""A fake Telegram Bot API on loopback, for python-telegram-bot pointed at it with base_url.

It serves `/bot<token>/<method>` like api.telegram.org and answers in Telegram's
envelope (`{"ok": true, "result": …}` or `{"ok": false, "error_code", "description"}`).
PTB 22 POSTs application/x-www-form-urlencoded bodies whose non-string values are
JSON-encoded (multipart/form-data when a file is attached); both are decoded here, and
JSON bodies too. Like Telegram it rejects HTML that is not valid Bot API markup,
callback_data over 64 bytes, text over 4096 characters and getUpdates while a webhook
is set, so tests notice what Telegram would refuse.
"""

from __future__ import annotations

import asyncio
import email.message
import email.parser
import email.policy
import html
import json
import re
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TOKEN = "123456789:AAH-parley-fake-token_for-tests"
BOT_USERNAME = "ParleyBot"

# Parameters Telegram reads as strings; PTB sends every other value JSON-encoded.
_STRING_FIELDS = {"text", "parse_mode", "url", "secret_token", "callback_query_id", "caption"}
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "a"}
_ALLOWED_TAGS |= {"tg-spoiler", "tg-emoji", "code", "pre", "blockquote"}
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)[^>]*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9A-Fa-f]+);")


class TelegramApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


class FakeTelegramApi:
    """`with FakeTelegramApi(TOKEN) as api:` serves the Bot API at `api.url`."""

    def __init__(self, token: str = TOKEN, *, max_poll_wait_s: float = 0.5) -> None:
        self.token = token
        self.bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1
        self.bot_username = BOT_USERNAME
        self.max_poll_wait_s = max_poll_wait_s
        self.webhook: dict[str, Any] = {}
        self.content_types: list[tuple[str, str]] = []
        self._calls: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._messages: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, deque[TelegramApiError]] = defaultdict(deque)
        self._next_message_id = 1
        self._closing = False
        self._changed = threading.Condition()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll interval keeps shutdown (and so each test's teardown) quick.
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeTelegramApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    # What tests arrange and inspect.

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Decoded parameters of every call to `method`, failed ones included."""
        with self._changed:
            return [dict(params) for params in self._calls[method]]

    def messages(self) -> list[dict[str, Any]]:
        """Every message sent so far, with the message_id the fake gave it."""
        with self._changed:
            return [dict(message) for message in self._messages]

    def queue_update(self, update: dict[str, Any]) -> None:
        """Make `update` available to getUpdates."""
        with self._changed:
            self._updates.append(update)
            self._changed.notify_all()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        with self._changed:
            return list(self._updates)

    def fail_next(
        self, method: str, error_code: int, description: str, retry_after: int | None = None
    ) -> None:
        """Answer the next call to `method` with this error (calls queue up in order)."""
        parameters = None if retry_after is None else {"retry_after": retry_after}
        with self._changed:
            self._failures[method].append(TelegramApiError(error_code, description, parameters))

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The sendMessage calls that succeeded, once there are at least `count`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} messages, got {self._messages}")
                self._changed.wait(left)
            return [dict(message) for message in self._messages]

    async def wait_for_messages_async(
        self, count: int, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """`wait_for_messages` without blocking the event loop that is sending them."""
        return await asyncio.to_thread(self.wait_for_messages, count, timeout)

    # The Bot API methods.

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        with self._changed:
            self._calls[method].append(params)
            if self._failures[method]:
                raise self._failures[method].popleft()
        if method == "getUpdates":
            return self._get_updates(params)
        with self._changed:
            handler = getattr(self, f"_{method}", None)
            if handler is None:
                raise TelegramApiError(404, "Not Found")
            return handler(params)

    def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self._bot_user(), "can_join_groups": True, "supports_inline_queries": False}

    def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        text = _visible_text(str(params.get("text") or ""), params.get("parse_mode"))
        if not text.strip():
            raise TelegramApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise TelegramApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not 1 <= len(button.get("callback_data", "x").encode()) <= 64:
                    raise TelegramApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        message_id, self._next_message_id = self._next_message_id, self._next_message_id + 1
        self._messages.append({**params, "message_id": message_id})
        self._changed.notify_all()
        result = {
            "message_id": message_id,
            "from": self._bot_user(),
            "chat": _chat(chat_id),
            "date": int(time.time()),
            "text": text,
        }
        if "inline_keyboard" in markup:
            result["reply_markup"] = markup
        return result

    def _answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _setWebhook(self, params: dict[str, Any]) -> bool:
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise TelegramApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {key: params.get(key) for key in ("url", "secret_token", "allowed_updates")}
        return True

    def _deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        info = {
            "url": self.webhook.get("url") or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise TelegramApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        allowed = set(params.get("allowed_updates") or [])
        wait_s = min(float(params.get("timeout") or 0), self.max_poll_wait_s)
        deadline = time.monotonic() + wait_s
        with self._changed:
            # An offset confirms, and so forgets, every update below it.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                ready = [u for u in self._updates if not allowed or u.keys() & allowed]
                left = deadline - time.monotonic()
                if ready or left <= 0 or self._closing:
                    return ready[: int(params.get("limit") or 100)]
                self._changed.wait(left)

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Parley",
            "username": self.bot_username,
        }


def _chat(chat_id: Any) -> dict[str, Any]:
    if isinstance(chat_id, int) and chat_id > 0:
        return {"id": chat_id, "first_name": "Test", "type": "private"}
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "title": "Test group", "type": kind}


def _visible_text(text: str, parse_mode: Any) -> str:
    """The text as Telegram shows it, refusing markup Telegram would refuse."""
    if parse_mode != "HTML":
        return text
    for tag in _TAG.finditer(text):
        if tag.group(1).lower() not in _ALLOWED_TAGS:
            raise TelegramApiError(
                400,
                "Bad Request: can't parse entities: Unsupported start tag "
                f'"{tag.group(1)}" at byte offset {tag.start()}',
            )
    stripped = _TAG.sub("", text)
    if "<" in stripped or ">" in stripped or "&" in _ENTITY.sub("", stripped):
        raise TelegramApiError(400, "Bad Request: can't parse entities: unescaped <, > or &")
    return html.unescape(stripped)


def _decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, value in pairs:
        if name in _STRING_FIELDS:
            params[name] = value
            continue
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value  # e.g. chat_id "@channelusername"
    return params


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(body))
    if content_type.startswith("multipart/form-data"):
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        assert isinstance(message, email.message.EmailMessage)
        pairs = []
        for part in message.iter_parts():
            content = part.get_content()  # str for fields, bytes for uploaded files
            pairs.append((str(part.get_param("name", header="content-disposition")), content))
        files = {name: value for name, value in pairs if isinstance(value, bytes)}
        return {**_decode_form([(n, v) for n, v in pairs if isinstance(v, str)]), **files}
    return _decode_form(parse_qsl(body.decode(), keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on a long poll closes its socket mid-answer


def _handler(api: FakeTelegramApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _serve(self, body: bytes) -> None:
            url = urlsplit(self.path)
            match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", url.path)
            if match is None:
                return self._answer(
                    404, {"ok": False, "error_code": 404, "description": "Not Found"}
                )
            if match.group(1) != api.token:
                return self._answer(
                    401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                )
            method = match.group(2)
            content_type = self.headers.get("Content-Type", "")
            api.content_types.append((method, content_type.split(";")[0]))
            try:
                params = {**_decode_form(parse_qsl(url.query)), **_parse_body(content_type, body)}
                result = api.handle(method, params)
            except TelegramApiError as error:
                answer = {"ok": False, "error_code": error.code, "description": error.description}
                if error.parameters:
                    answer["parameters"] = error.parameters
                return self._answer(error.code, answer)
            self._answer(200, {"ok": True, "result": result})

        def _answer(self, status: int, answer: dict[str, Any]) -> None:
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
