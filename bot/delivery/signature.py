"""Standard Webhooks signatures (https://www.standardwebhooks.com), made with hmac.

    webhook-signature: v1,<base64 HMAC-SHA256("{webhook-id}.{webhook-timestamp}.{body}")>

keyed with the base64-decoded secret that follows the "whsec_" prefix. Receivers verify
with any Standard Webhooks library (e.g. `standardwebhooks.Webhook(secret).verify`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SECRET_PREFIX = "whsec_"


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a "whsec_..." secret; ValueError if there is none."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a Standard Webhooks secret starts with 'whsec_'")
    # Padding added as the reference libraries do: secrets are often written unpadded.
    key = base64.b64decode(secret[len(SECRET_PREFIX) :] + "==", validate=True)
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def sign(key: bytes, *, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header value for this id, Unix timestamp and exact body."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(digest).decode('ascii')}"


def signature_headers(
    key: bytes, *, webhook_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key, webhook_id=webhook_id, timestamp=timestamp, body=body),
    }
