"""A fake of the Rasa server's web chat channel, for testing the widget in a browser.

It answers the HTTP contract the real channel (channels/webchat) implements:

    GET  /webhooks/webchat/config         200 {"title", "greeting", "greeting_delay_s",
                                          "trigger", "offer"}
    POST /webhooks/webchat/conversations  201 {"conversation_id"}
    POST /webhooks/webchat/messages       200 {"replies"}, 202 {"pending": true}, 400, 403
    GET  /webhooks/webchat/history        200 {"messages"}, 403

with CORS for the origins in `allowed_origins` (preflight included), scripted replies (see
`scripted_replies`), each conversation's history in memory, a repeated `message_id` answered
as the first time without a second turn, and texts in `slow_texts` answered 202 with the
reply joining the history `pending_delay_s` later. What the widget sent is kept in
`requests`, so tests can assert on it.

`ServerThread` serves any ASGI app (this fake, or the real API) with uvicorn on a free
loopback port in a daemon thread.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE = "/webhooks/webchat"
CONVERSATION_HEADER = "X-Parley-Conversation"
XSS = "<img src=x onerror=alert(1)>"
BOOKING_URL = "https://example.com/book?src=chat"
GREET_BUTTONS = [
    {"title": "Book a demo", "payload": "/book_demo"},
    {"title": "See pricing", "payload": "/pricing"},
]


def scripted_replies(text: str) -> list[dict[str, Any]]:
    """What the fake bot says to `text`: a greeting with buttons, two answers, else an echo."""
    if text.strip().lower() in {"hi", "hello", "hey"}:
        return [{"text": "Hi there!\nWhat brings you here today?", "buttons": GREET_BUTTONS}]
    if text == "/book_demo":
        return [{"text": f"Great, let's find a time.\nPick a slot here: {BOOKING_URL}."}]
    if text == "/pricing":
        return [{"text": f"Plans start at $49 a month. {XSS}"}]
    return [{"text": f"You said: {text}"}]


@dataclass
class Recorded:
    method: str
    path: str
    conversation: str | None
    status: int
    body: Any = None


@dataclass
class Conversation:
    messages: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # by message_id


class FakeWebchat:
    def __init__(self) -> None:
        self.url = ""  # where it is served, once it is
        self.allowed_origins: set[str] = set()
        self.lock = threading.Lock()
        self.reset()
        routes = [
            Route(f"{BASE}/config", self.config, methods=["GET"]),
            Route(f"{BASE}/conversations", self.create_conversation, methods=["POST"]),
            Route(f"{BASE}/messages", self.message, methods=["POST"]),
            Route(f"{BASE}/history", self.history, methods=["GET"]),
        ]
        self.app: ASGIApp = Cors(Starlette(routes=routes), self)

    def reset(self) -> None:
        """Back to a freshly started fake (the allowed origins stay)."""
        with self.lock:
            self.title = "Parley assistant"
            self.greeting = "Hi! I'm the Parley assistant. Ask me anything."
            self.greeting_delay_s = 0.0
            self.trigger: str | None = None
            self.offer: dict[str, str] | None = None
            self.config_queries: list[dict[str, str]] = []  # what the widget said of each visit
            self.reply_delay_s = 0.0
            self.slow_texts: set[str] = set()
            self.pending_delay_s = 1.0
            self.conversations: dict[str, Conversation] = {}
            self.requests: list[Recorded] = []

    # ---- what tests look at -------------------------------------------------------

    def sent(self, path: str = "messages") -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.path == f"{BASE}/{path}"]

    def history_of(self, conversation_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.conversations[conversation_id].messages)

    def forget_conversations(self) -> None:
        """As after a restart that lost them: stored ids are now unknown (403)."""
        with self.lock:
            self.conversations.clear()

    # ---- the contract -------------------------------------------------------------

    async def config(self, request: Request) -> Response:
        with self.lock:
            self.config_queries.append(dict(request.query_params))
        return JSONResponse(
            {
                "title": self.title,
                "greeting": self.greeting,
                "greeting_delay_s": self.greeting_delay_s,
                "trigger": self.trigger,
                "offer": self.offer,
            }
        )

    async def create_conversation(self, request: Request) -> Response:
        if not isinstance(await json_body(request), dict):
            return self.answer(request, None, 400, {"error": "body must be a JSON object"})
        conversation_id = secrets.token_urlsafe(24)
        with self.lock:
            self.conversations[conversation_id] = Conversation()
        return self.answer(request, conversation_id, 201, {"conversation_id": conversation_id})

    async def message(self, request: Request) -> Response:
        conversation_id = request.headers.get(CONVERSATION_HEADER)
        body = await json_body(request)
        conversation = self.conversations.get(conversation_id or "")
        if conversation is None:
            return self.answer(
                request, conversation_id, 403, {"error": "unknown conversation"}, body
            )
        problem = malformed(body)
        if problem:
            return self.answer(request, conversation_id, 400, {"error": problem}, body)
        message_id, text = body["message_id"], body["text"]
        if message_id in conversation.answers:
            status, answer = conversation.answers[message_id]
            return self.answer(request, conversation_id, status, answer, body)
        replies = scripted_replies(text)
        conversation.messages.append(entry("user", text))
        if text in self.slow_texts:
            conversation.answers[message_id] = (202, {"pending": True})
            asyncio.get_running_loop().call_later(
                self.pending_delay_s, self.add_replies, conversation, replies
            )
            return self.answer(request, conversation_id, 202, {"pending": True}, body)
        conversation.answers[message_id] = (200, {"replies": replies})
        await asyncio.sleep(self.reply_delay_s)
        self.add_replies(conversation, replies)
        return self.answer(request, conversation_id, 200, {"replies": replies}, body)

    async def history(self, request: Request) -> Response:
        conversation_id = request.headers.get(CONVERSATION_HEADER)
        conversation = self.conversations.get(conversation_id or "")
        if conversation is None:
            return self.answer(request, conversation_id, 403, {"error": "unknown conversation"})
        return self.answer(request, conversation_id, 200, {"messages": conversation.messages})

    def add_replies(self, conversation: Conversation, replies: list[dict[str, Any]]) -> None:
        with self.lock:
            conversation.messages.extend(entry("bot", r["text"], r.get("buttons")) for r in replies)

    def answer(
        self,
        request: Request,
        conversation_id: str | None,
        status: int,
        content: dict[str, Any],
        body: Any = None,
    ) -> Response:
        with self.lock:
            self.requests.append(
                Recorded(request.method, request.url.path, conversation_id, status, body)
            )
        return JSONResponse(content, status_code=status)


def entry(sender: str, text: str, buttons: list[dict[str, str]] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"sender": sender, "text": text, "timestamp": time.time()}
    if buttons:
        message["buttons"] = buttons
    return message


async def json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        return None


def malformed(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body must be a JSON object"
    if not isinstance(body.get("message_id"), str) or not body["message_id"]:
        return "message_id must be a non-empty string"
    if not isinstance(body.get("text"), str) or not body["text"].strip():
        return "text must be a non-empty string"
    if not isinstance(body.get("metadata", {}), dict):
        return "metadata must be an object"
    return None


class Cors:
    """CORS as the real channel does it: the allowed origin echoed, preflights answered."""

    ALLOW_HEADERS = "Content-Type, X-Parley-Conversation"
    ALLOW_METHODS = "GET, POST, OPTIONS"

    def __init__(self, app: ASGIApp, fake: FakeWebchat) -> None:
        self.app = app
        self.fake = fake

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        allowed = origin in self.fake.allowed_origins
        cors = [(b"vary", b"Origin")]
        if allowed and origin:
            cors.append((b"access-control-allow-origin", origin.encode("latin-1")))
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            if allowed:
                cors += [
                    (b"access-control-allow-methods", self.ALLOW_METHODS.encode()),
                    (b"access-control-allow-headers", self.ALLOW_HEADERS.encode()),
                    (b"access-control-max-age", b"600"),
                ]
            await Response(status_code=204 if allowed else 403, headers=dict_of(cors))(
                scope, receive, send
            )
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *cors]
            await send(message)

        await self.app(scope, receive, send_with_cors)


def dict_of(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in headers}


class ServerThread:
    """An ASGI app served by uvicorn on a loopback port, in a daemon thread.

    The socket is bound first, so the port is known before the app is built and no other
    process can take it in between.
    """

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self, app: ASGIApp, timeout_s: float = 15.0) -> ServerThread:
        # ws="none": Rasa pins a websockets release uvicorn's websocket support cannot use.
        config = uvicorn.Config(app, log_level="warning", lifespan="auto", ws="none")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on {self.url} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
        self.socket.close()
