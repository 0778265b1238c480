"""Only requests Twilio signed pass, at the URL Twilio called, however the proxy rewrote it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from twilio.request_validator import RequestValidator

from channels.sms.signature import FormFields, is_valid_signature, signed_url
from tests.fakes.twilio_signing import inbound_sms_params, sign

TOKEN = "9f2c1d8e7b6a5f4e3d2c1b0a9f8e7d6c"
PUBLIC_URL = "https://bot.example.com/webhooks/twilio_sms/webhook"
INTERNAL_URL = "http://127.0.0.1:5005/webhooks/twilio_sms/webhook"
PARAMS = inbound_sms_params(
    message_sid="SM" + "a" * 32,
    from_="+14155550100",
    to="+14155550199",
    body="Yes, e-mail me the guide",
    account_sid="AC" + "b" * 32,
)


def valid(url: str, params: FormFields, signature: str | None, token: str = TOKEN) -> bool:
    return is_valid_signature(auth_token=token, url=url, params=params, signature=signature)


def test_a_request_signed_by_twilio_is_valid() -> None:
    assert valid(PUBLIC_URL, PARAMS, sign(PUBLIC_URL, PARAMS, TOKEN))


def test_a_tampered_field_is_invalid() -> None:
    signature = sign(PUBLIC_URL, PARAMS, TOKEN)
    assert not valid(PUBLIC_URL, {**PARAMS, "Body": "STOP"}, signature)
    assert not valid(PUBLIC_URL, {**PARAMS, "Extra": "1"}, signature)


def test_another_accounts_token_is_invalid() -> None:
    signature = sign(PUBLIC_URL, PARAMS, "0" * 32)
    assert not valid(PUBLIC_URL, PARAMS, signature)


@pytest.mark.parametrize("signature", [None, ""])
def test_a_missing_signature_is_invalid(signature: str | None) -> None:
    assert not valid(PUBLIC_URL, PARAMS, signature)


def test_an_empty_auth_token_never_validates() -> None:
    assert not valid(PUBLIC_URL, PARAMS, sign(PUBLIC_URL, PARAMS, ""), token="")


def test_behind_a_proxy_the_public_url_is_checked_not_the_internal_one() -> None:
    signature = sign(f"{PUBLIC_URL}?lang=en", PARAMS, TOKEN)
    url = signed_url(
        public_base_url="https://bot.example.com",
        request_url=f"{INTERNAL_URL}?lang=en",
        path_and_query="/webhooks/twilio_sms/webhook?lang=en",
    )
    assert url == f"{PUBLIC_URL}?lang=en"
    assert valid(url, PARAMS, signature)
    assert not valid(f"{INTERNAL_URL}?lang=en", PARAMS, signature)


@pytest.mark.parametrize("base", ["https://bot.example.com/chat", "https://bot.example.com/chat/"])
def test_a_public_base_may_carry_the_path_prefix_the_proxy_strips(base: str) -> None:
    url = signed_url(
        public_base_url=base, request_url=INTERNAL_URL, path_and_query="/webhooks/x/webhook"
    )
    assert url == "https://bot.example.com/chat/webhooks/x/webhook"


def test_without_a_public_base_the_request_url_is_used_unchanged() -> None:
    for base in (None, ""):
        url = signed_url(public_base_url=base, request_url=INTERNAL_URL, path_and_query="/x")
        assert url == INTERNAL_URL


@pytest.mark.parametrize("base", ["bot.example.com", "https://bot.example.com/?a=1", "/chat"])
def test_a_malformed_public_base_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="public base URL"):
        signed_url(public_base_url=base, request_url=INTERNAL_URL, path_and_query="/x")


def test_the_default_port_may_be_present_or_not() -> None:
    # RequestValidator's quirk: Twilio may sign either form, so both are tried.
    with_port = "https://bot.example.com:443/webhooks/twilio_sms/webhook"
    assert valid(with_port, PARAMS, sign(PUBLIC_URL, PARAMS, TOKEN))
    assert valid(PUBLIC_URL, PARAMS, sign(with_port, PARAMS, TOKEN))


def test_blank_fields_are_signed_so_the_raw_pairs_must_be_checked() -> None:
    signature = sign(PUBLIC_URL, PARAMS, TOKEN)
    body = urlencode(PARAMS)
    assert valid(PUBLIC_URL, parse_qsl(body, keep_blank_values=True), signature)
    # What a framework that drops blank values (Sanic's request.form) would pass:
    assert not valid(PUBLIC_URL, parse_qsl(body), signature)


def test_fields_as_lists_of_values_are_accepted() -> None:
    as_lists = {name: [value] for name, value in PARAMS.items()}
    assert valid(PUBLIC_URL, as_lists, sign(PUBLIC_URL, PARAMS, TOKEN))


class MultiDict(dict[str, list[str]]):
    """Repeated fields the way RequestValidator reads them from Flask or Werkzeug."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def test_a_repeated_field_is_checked_with_all_its_values() -> None:
    pairs = [("Tag", "b"), ("Tag", "a"), ("Body", "hi")]
    signature = RequestValidator(TOKEN).compute_signature(
        PUBLIC_URL, MultiDict(Tag=["b", "a"], Body=["hi"])
    )
    assert valid(PUBLIC_URL, pairs, signature)
    assert not valid(PUBLIC_URL, pairs[1:], signature)
