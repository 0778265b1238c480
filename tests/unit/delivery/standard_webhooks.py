"""A Standard Webhooks verifier written from the specification, independent of Parley's
signer and of the reference library, for the tests (the receiver's side)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

TOLERANCE_S = 300


def verify(secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    """Raises AssertionError unless the headers carry a valid v1 signature of `body`."""
    lower = {name.lower(): value for name, value in headers.items()}
    webhook_id, timestamp = lower["webhook-id"], lower["webhook-timestamp"]
    assert abs(time.time() - int(timestamp)) <= TOLERANCE_S, "timestamp out of tolerance"
    key = base64.b64decode(secret.removeprefix("whsec_") + "==")
    signed = webhook_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1) for s in lower["webhook-signature"].split()]
    assert any(
        version == "v1" and hmac.compare_digest(signature, expected)
        for version, signature in offered
    ), "no matching v1 signature"
