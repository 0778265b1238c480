"""Server-issued web chat conversation ids.

The browser keeps an id and sends it with every message, so the id is all that stands
between a visitor and someone else's conversation. It is random (144 bits) and signed
with the deployment's secret key: the server recognises its own ids without storing
them, and an id it never issued is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "webchat-"
_PURPOSE = b"parley web chat conversation id"


def _signature(key: bytes, token: str) -> str:
    mac = hmac.new(hmac.new(key, _PURPOSE, hashlib.sha256).digest(), token.encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode()


def issue(key: bytes) -> str:
    """A new conversation id for the browser to keep."""
    token = secrets.token_urlsafe(18)
    return f"{token}.{_signature(key, token)}"


def sender_id(key: bytes, conversation_id: str | None) -> str | None:
    """The Rasa sender id of an id this server issued; None for anything else."""
    if not conversation_id or len(conversation_id) > 80:
        return None
    token, _, signature = conversation_id.partition(".")
    if not token or not hmac.compare_digest(signature, _signature(key, token)):
        return None
    return PREFIX + token
