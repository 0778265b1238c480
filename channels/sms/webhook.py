"""The SMS webhook's decision on one request from Twilio: verify, parse, what to answer.

Verify `X-Twilio-Signature` (403 otherwise, nothing stored), read the form (400 with a
reason for a body that is not form-encoded UTF-8 or lacks MessageSid or From), and answer
empty TwiML; a message with text is recorded first, keyed by `MessageSid`, so a retried
delivery is acknowledged and not processed again. The ingress process
(`channels.ingress`) serves it and records the message; the Rasa server's SMS channel
(`channels.sms.channel`) runs the turn. Nothing here imports Rasa.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from bot.crm.identity import normalise_phone
from channels.inbound import Inbound, Verdict
from channels.sms.signature import is_valid_signature, signed_url

NAME = "sms"
SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def read_sms(
    *,
    body: bytes,
    request_url: str,
    path_and_query: str,
    signature: str | None,
    auth_token: str,
    public_url: str | None,
) -> Verdict:
    """What to answer Twilio's POST, and the message to record before answering.

    `request_url` is the URL the server saw, `path_and_query` its path and query string;
    behind a proxy, `public_url` (PARLEY_PUBLIC_URL) rebuilds the URL Twilio signed.
    """
    try:
        # Not a framework's form parser: it would drop the empty fields Twilio signs.
        fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return Verdict(400, "the body is not form-encoded UTF-8")
    url = signed_url(
        public_base_url=public_url, request_url=request_url, path_and_query=path_and_query
    )
    if not is_valid_signature(auth_token=auth_token, url=url, params=fields, signature=signature):
        return Verdict(403, f"invalid or missing {SIGNATURE_HEADER}")
    params = dict(fields)
    missing = [name for name in ("MessageSid", "From") if not params.get(name)]
    if missing:
        return Verdict(400, f"missing {', '.join(missing)}")
    inbound = _inbound(params) if params.get("Body", "").strip() else None
    return Verdict(200, EMPTY_TWIML, "text/xml", inbound)


def is_e164(number: str) -> bool:
    """Whether Twilio's `From` is a phone number (not a short code or a WhatsApp address)."""
    try:
        return normalise_phone(number) == number
    except ValueError:
        return False


def _inbound(params: dict[str, str]) -> Inbound:
    sender = params["From"]
    metadata: dict[str, Any] = {"source": {"channel": NAME}}
    if is_e164(sender):
        metadata["phone"] = sender
    return Inbound(
        channel=NAME,
        external_id=params["MessageSid"],
        conversation_id=f"{NAME}:{sender}",
        text=params["Body"],
        address=sender,
        metadata=metadata,
    )
