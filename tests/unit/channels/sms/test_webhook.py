"""The SMS webhook's decision on a request, as the ingress serves it: refused (403, nothing
to record), malformed (400 with a reason), or acknowledged with empty TwiML and, when the
message has text, the message to record."""

from __future__ import annotations

from urllib.parse import urlencode

from channels.inbound import Verdict
from channels.sms.webhook import EMPTY_TWIML, read_sms
from tests.fakes.twilio_signing import inbound_sms_params, sign

TOKEN = "ingress-test-auth-token"
PATH = "/webhooks/sms/webhook"
SEEN_URL = f"http://127.0.0.1:5007{PATH}"  # what the server sees behind a proxy
PUBLIC = "https://bot.example.com"
SID = "SM" + "c" * 32


def params(**changes: str) -> dict[str, str]:
    fields = inbound_sms_params(
        message_sid=SID,
        from_="+14155550100",
        to="+15005550006",
        body="hi there",
        account_sid="AC" + "d" * 32,
    )
    return {**fields, **changes}


def post(
    fields: dict[str, str],
    *,
    signed_for: str = SEEN_URL,
    public_url: str | None = None,
    body: bytes | None = None,
) -> Verdict:
    return read_sms(
        body=urlencode(fields).encode() if body is None else body,
        request_url=SEEN_URL,
        path_and_query=PATH,
        signature=sign(signed_for, fields, TOKEN),
        auth_token=TOKEN,
        public_url=public_url,
    )


def test_a_signed_message_is_acknowledged_with_empty_twiml_and_recorded_by_its_sid() -> None:
    verdict = post(params())
    assert (verdict.status, verdict.body, verdict.content_type) == (200, EMPTY_TWIML, "text/xml")
    assert verdict.inbound is not None
    assert verdict.inbound.external_id == SID
    assert verdict.inbound.conversation_id == "sms:+14155550100"
    assert verdict.inbound.address == "+14155550100"
    assert verdict.inbound.text == "hi there"
    assert verdict.inbound.metadata == {"source": {"channel": "sms"}, "phone": "+14155550100"}


def test_a_forged_or_missing_signature_is_refused_with_nothing_to_record() -> None:
    forged = post(params(), signed_for="https://elsewhere.example.com/")
    assert (forged.status, forged.inbound) == (403, None)
    assert "X-Twilio-Signature" in str(forged.body)
    unsigned = read_sms(
        body=urlencode(params()).encode(),
        request_url=SEEN_URL,
        path_and_query=PATH,
        signature=None,
        auth_token=TOKEN,
        public_url=None,
    )
    assert (unsigned.status, unsigned.inbound) == (403, None)


def test_behind_a_proxy_the_public_url_is_what_twilio_signed() -> None:
    public = f"{PUBLIC}{PATH}"
    assert post(params(), signed_for=public, public_url=PUBLIC).status == 200
    assert post(params(), signed_for=SEEN_URL, public_url=PUBLIC).status == 403


def test_malformed_requests_get_400_with_the_reason() -> None:
    not_utf8 = post(params(), body=b"Body=\xff\xfe")
    assert (not_utf8.status, not_utf8.body) == (400, "the body is not form-encoded UTF-8")
    fields = params()
    del fields["MessageSid"]
    missing = post(fields)
    assert (missing.status, missing.body, missing.inbound) == (400, "missing MessageSid", None)


def test_an_empty_message_is_acknowledged_and_not_recorded() -> None:
    verdict = post(params(Body="  "))
    assert (verdict.status, verdict.inbound) == (200, None)


def test_a_short_code_is_a_conversation_but_not_a_phone_answer() -> None:
    verdict = post(params(From="72345"))
    assert verdict.inbound is not None
    assert verdict.inbound.conversation_id == "sms:72345"
    assert "phone" not in verdict.inbound.metadata
