"""Local stand-ins for the outside world, on 127.0.0.1: a webhook receiver and HubSpot.

Both answer from a script of statuses (then 200) and record every request, so a test can
count attempts and successes per idempotency key. Nothing here reaches the internet.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.unit.delivery.standard_webhooks import verify


def closed_port() -> int:
    """A loopback port nothing listens on (until a test starts a server there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    key: str
    body: dict[str, Any]
    status: int


@dataclass
class FakeServer:
    """Answers each request with the next scripted status (200 when the script runs out)."""

    script: list[int] = field(default_factory=list)
    delay_s: float = 0.0
    retry_after: str | None = None
    received: list[Received] = field(default_factory=list)
    server: TestServer | None = None

    @property
    def successes(self) -> list[str]:
        return [r.key for r in self.received if 200 <= r.status < 300]

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    async def start(self, port: int | None = None) -> FakeServer:
        self.server = TestServer(self.app(), host="127.0.0.1", port=port)
        await self.server.start_server()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    def app(self) -> web.Application:
        raise NotImplementedError

    async def answer(self, key: str, body: dict[str, Any]) -> web.Response:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        status = self.script.pop(0) if self.script else 200
        self.received.append(Received(key, body, status))
        headers = {"Retry-After": self.retry_after} if status == 429 and self.retry_after else {}
        text = "unknown field: parley_grade" if status == 422 else json.dumps({"ok": status})
        return web.Response(status=status, text=text, headers=headers)


@dataclass
class FakeWebhookReceiver(FakeServer):
    secret: str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hooks", self.hook)
        return app

    async def hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        verify(self.secret, body, request.headers)  # a bad signature fails the test (500)
        return await self.answer(request.headers["webhook-id"], json.loads(body))


@dataclass
class FakeHubSpot(FakeServer):
    token: str = "pat-test"
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/crm/v3/objects/contacts/batch/upsert", self.upsert)
        return app

    async def upsert(self, request: web.Request) -> web.Response:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return web.json_response({"category": "INVALID_AUTHENTICATION"}, status=401)
        body = await request.json()
        [item] = body["inputs"]
        assert item["idProperty"] == "email"
        response = await self.answer(item["objectWriteTraceId"], body)
        if response.status == 200:
            self.contacts.setdefault(item["id"], {}).update(item["properties"])
        return response
