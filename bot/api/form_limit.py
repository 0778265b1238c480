"""Refuse url-encoded forms with more fields than any Parley form has, before parsing.

Starlette 0.50 (the newest FastAPI 0.125 allows, and FastAPI's newer releases need
pydantic 2, which Rasa 3.6 cannot take) parses url-encoded bodies without its field
limit (CVE-2026-54283, fixed in Starlette 1.3.1), and FastAPI parses a form before the
route runs: `POST /console/login` would parse an anonymous caller's megabyte of fields.
Here the body (already size-limited by `BodySizeLimit`) is read first and its fields
counted, which costs one pass over the bytes; a body within the limit is handed on as
it was received.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.api.errors import error_response

# The console's largest form (the YAML editor's) has a handful of fields.
MAX_FORM_FIELDS = 50
_URLENCODED = b"application/x-www-form-urlencoded"


class FormFieldLimit:
    def __init__(self, app: ASGIApp, max_fields: int = MAX_FORM_FIELDS) -> None:
        self.app = app
        self.max_fields = max_fields

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        if scope["type"] != "http" or not content_type.lower().startswith(_URLENCODED):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: nothing to answer
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        fields = body.count(b"&") + body.count(b";") + 1
        if fields > self.max_fields:
            detail = f"a form may have at most {self.max_fields} fields"
            await error_response(400, detail, {"Connection": "close"})(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
