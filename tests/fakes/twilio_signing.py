"""Requests signed exactly as Twilio signs its webhooks, with twilio's own RequestValidator."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from twilio.request_validator import RequestValidator

from channels.sms.segments import encoding_of, sms_length


def sign(url: str, params: Mapping[str, str], auth_token: str) -> str:
    """The X-Twilio-Signature header Twilio would send for this URL and these form fields."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))


def new_sid(prefix: str) -> str:
    """A Twilio-shaped SID: two letters and 32 hex digits ("SM…", "AC…", "MG…")."""
    return prefix + secrets.token_hex(16)


def inbound_sms_params(
    *,
    message_sid: str | None = None,
    from_: str,
    to: str,
    body: str,
    account_sid: str,
    messaging_service_sid: str | None = None,
    from_country: str = "US",
    to_country: str = "US",
) -> dict[str, str]:
    """The form fields Twilio POSTs to an SMS webhook for one inbound text.

    City, state and zip are usually empty for mobile numbers, and Twilio sends (and signs)
    them empty; a webhook that drops blank fields fails the signature check.
    """
    sid = message_sid or new_sid("SM")
    params = {
        "ToCountry": to_country,
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": from_country,
        "To": to,
        "ToZip": "",
        "NumSegments": str(num_segments(body)),
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_,
        "ApiVersion": "2010-04-01",
    }
    if messaging_service_sid:
        params["MessagingServiceSid"] = messaging_service_sid
    return params


def num_segments(body: str) -> int:
    """Segments Twilio bills for a body, concatenated (153 septets or 67 code units each)."""
    length = sms_length(body)
    single, concatenated = (160, 153) if encoding_of(body) == "GSM-7" else (70, 67)
    return 1 if length <= single else -(-length // concatenated)
