"""Unit tests for bot.leads.contact: e-mail and phone extraction from free text."""

from __future__ import annotations

import pytest

from bot.leads import InvalidAnswer, normalise_email, normalise_phone
from bot.leads.errors import NeedsCountry


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane@acme.io", "jane@acme.io"),
        ("sure, it's Jane.Doe@Acme.io thanks", "Jane.Doe@acme.io"),
        ("JANE@ACME.IO", "JANE@acme.io"),
        ("  jane@acme.io  ", "jane@acme.io"),
        ("my email is jane+bot@acme.co.uk, cheers", "jane+bot@acme.co.uk"),
        ("it's jane@acme.io.", "jane@acme.io"),
        ("jane@acme.io!", "jane@acme.io"),
        ("<jane@acme.io>", "jane@acme.io"),
        ("(jane@acme.io)", "jane@acme.io"),
        ('"jane@acme.io"', "jane@acme.io"),
        ("mailto:jane@acme.io", "jane@acme.io"),
        ("email: sam.lee@Globex-Corp.com", "sam.lee@globex-corp.com"),
        ("yeah sure its o'neil@acme.ie", "o'neil@acme.ie"),
        ("Jane.Doe@Acme.io. Thanks!", "Jane.Doe@acme.io"),
        ("reach me at first_last@sub.acme.org anytime", "first_last@sub.acme.org"),
        ("jane@acmé.com", "jane@acmé.com"),
        ("jane dot doe at acme dot com", "jane.doe@acme.com"),
        ("jane[at]acme[dot]io", "jane@acme.io"),
        ("jane (at) acme (dot) io", "jane@acme.io"),
        ("work: jane@acme.io, personal: jd@gmail.com", "jane@acme.io"),
    ],
)
def test_normalise_email_finds_and_normalises_the_address(text: str, expected: str) -> None:
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    ("text", "reason_fragment"),
    [
        ("", "couldn't spot an e-mail address"),
        ("no thanks", "couldn't spot an e-mail address"),
        ("I'd rather not say", "couldn't spot an e-mail address"),
        ("I'm at acme", "couldn't spot an e-mail address"),
        ("jane.doe.acme.com", "missing the @"),
        ("I'm at acme.io", "missing the @"),
        ("jane@", "missing the part after the @"),
        ("it's jane@ thanks", "missing the part after the @"),
        ("@acme.com", "missing the part before the @"),
        ("jane@acme", "needs a dot"),
        ("jane@localhost", "needs a dot"),
        ("jane @ acme.com", "space"),
        ("jane@ acme.com", "space"),
        ("jane @acme.com", "space"),
        ("jane@acme .com", "space"),
        ("jane@@acme.com", "can't contain: '@'"),
        ("jane@acme,com", "can't contain: ','"),
        ("jane@acme_corp.com", "can't contain: '_'"),
        ("jane@acme..com", "two dots in a row"),
        ("jane..doe@acme.com", "two dots in a row"),
        ("jane@acme.test", "can't receive e-mail"),
        ("jane@acme.invalid", "can't receive e-mail"),
        ("jane@123.123.123.123", "real domain"),
        ("jane@-acme.com", "hyphen"),
    ],
)
def test_normalise_email_explains_what_is_wrong(text: str, reason_fragment: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        normalise_email(text)
    assert reason_fragment in caught.value.reason
    assert "@-sign" not in caught.value.reason


def test_invalid_answer_is_a_value_error_carrying_its_reason() -> None:
    with pytest.raises(ValueError, match="missing the part after the @") as caught:
        normalise_email("jane@")
    assert isinstance(caught.value, InvalidAnswer)
    assert str(caught.value) == caught.value.reason


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("call me on (415) 555-0132", "US", "+14155550132"),
        ("(415) 555-0132", "US", "+14155550132"),
        ("415.555.0132", "US", "+14155550132"),
        ("4155550132", "US", "+14155550132"),
        ("4155550132", "us", "+14155550132"),
        ("+1 415 555 0132", "GB", "+14155550132"),
        ("my cell is 212-555-0199 thanks", "US", "+12125550199"),
        ("202-555-0143, evenings only", "US", "+12025550143"),
        ("(415) 555-0132 ext 12", "US", "+14155550132"),
        ("1 800 555 0199", "US", "+18005550199"),
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("00 44 20 7946 0958", "GB", "+442079460958"),
        ("07400 123456", "GB", "+447400123456"),
        ("mobile: 07400123456", "GB", "+447400123456"),
        ("+33 6 12 34 56 78 merci", "FR", "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+49 30 901820", "US", "+4930901820"),
        ("98765 43210", "IN", "+919876543210"),
        ("+61 2 9876 5432", "US", "+61298765432"),
        ("call me at 2015550123 or 2015550124", "US", "+12015550123"),
    ],
)
def test_normalise_phone_returns_e164(text: str, region: str, expected: str) -> None:
    assert normalise_phone(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "reason_fragment"),
    [
        ("", "US", "couldn't find a phone number"),
        ("call me", "US", "couldn't find a phone number"),
        ("1", "US", "couldn't find a phone number"),
        ("12345", "US", "too short"),
        ("+1 555", "US", "too short"),
        # Dialled locally: the area code is missing, not the country.
        ("555-1234", "US", "include the area code"),
        ("123456789012345678", "US", "too long"),
        ("020 7946 0958", "US", "too long for a United States number"),
        ("0207946095", "GB", "not a valid United Kingdom number"),
        ("+44 7700 900123", "US", "not a valid United Kingdom number"),
        ("+999 1234567", "US", "country code"),
        ("415 555 0132", "ZZ", "include the country code"),
    ],
)
def test_normalise_phone_explains_what_is_wrong(
    text: str, region: str, reason_fragment: str
) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        normalise_phone(text, region)
    assert reason_fragment in caught.value.reason


def test_phone_reason_for_international_number_does_not_suggest_a_country_code() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        normalise_phone("+44 7700 900123", "US")
    assert "country code" not in caught.value.reason
    assert "double-check" in caught.value.reason


def test_trailing_words_are_not_read_as_vanity_letters() -> None:
    # phonenumbers.parse on the whole sentence would turn "thanks" into digits.
    with pytest.raises(InvalidAnswer) as caught:
        normalise_phone("it's 555-0199 thanks", "US")
    assert "thanks" not in caught.value.reason


def test_a_number_dialled_without_its_area_code_asks_for_it_not_for_a_country() -> None:
    with pytest.raises(InvalidAnswer, match="area code") as raised:
        normalise_phone("555 0134", "US")
    assert not isinstance(raised.value, NeedsCountry)
