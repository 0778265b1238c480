"""Rasa's API token, checked on Parley's own routes in the Rasa server (the model swap, the
REST channel) the way Rasa checks it on its API: `?token=` or `Authorization: Bearer`."""

from __future__ import annotations

import hmac

from sanic.request import Request


class Refused(Exception):
    """The request cannot be served; `status` and the message are the answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def provided_token(request: Request) -> str | None:
    """The token from `?token=` (as Rasa's API reads it) or `Authorization: Bearer`."""
    token = request.args.get("token")
    if token:
        return str(token)
    scheme, _, credentials = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip() or None


def check_token(provided: str | None, expected: str) -> None:
    if not provided:
        raise Refused(401, "the API token is missing")
    if not hmac.compare_digest(provided.encode(), expected.encode()):
        raise Refused(403, "the API token is wrong")
