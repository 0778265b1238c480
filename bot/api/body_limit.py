"""Refuse request bodies over a size limit with 413, before any route reads them.

A declared Content-Length over the limit is refused at once; a body sent without one
(chunked) is counted as it arrives and refused as soon as it goes over, so a client can
never make the server buffer more than the limit.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.api.errors import error_response

MAX_BODY_BYTES = 1024 * 1024


class _BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing passes it on rather than calling it a
    malformed body (400); the error handlers then answer 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the request body is limited to {max_bytes} bytes")


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            # Only reached when no error handler answered (one normally does).
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = _BodyTooLarge(self.max_bytes).detail
        await error_response(413, detail, {"Connection": "close"})(scope, receive, send)
