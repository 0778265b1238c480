from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.consent import ConsentAnswer, Purpose, consent_record, purposes_named_in
from bot.consent.purposes import describe

EMAIL, SMS = Purpose.MARKETING_EMAIL, Purpose.MARKETING_SMS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stop emailing me", {EMAIL}),
        ("no more e-mails please", {EMAIL}),
        ("take me off your newsletter", {EMAIL}),
        ("please stop texting me", {SMS}),
        ("no more SMS", {SMS}),
        ("stop sending texts and emails", {EMAIL, SMS}),
        ("STOP", {EMAIL, SMS}),
        ("unsubscribe", {EMAIL, SMS}),
        ("delete my data", {EMAIL, SMS}),
        # What it names to keep stays.
        ("Please don't text me, email's fine.", {SMS}),
        ("stop texting me but keep the emails", {SMS}),
        ("unsubscribe, texts are ok though", {EMAIL}),
    ],
)
def test_an_opt_out_covers_what_it_names_or_everything(text: str, expected: set[Purpose]) -> None:
    assert purposes_named_in(text) == expected


def test_purposes_read_naturally() -> None:
    assert describe({EMAIL}) == "e-mails"
    assert describe({SMS, EMAIL}) == "e-mails or text messages"


def test_only_an_explicit_yes_is_granted() -> None:
    common = dict(
        purpose=EMAIL,
        wording="May we?",
        notice_version="v1",
        reply_text="hm",
        message_id="1",
        channel="rest",
        conversation_id="c",
    )
    granted = [consent_record(answer=a, **common)["granted"] for a in ConsentAnswer]  # type: ignore[arg-type]
    assert granted == [True, False, False, False, False]


def test_record_time_is_utc() -> None:
    local = datetime(2026, 11, 22, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    record = consent_record(
        purpose=SMS,
        answer=ConsentAnswer.WITHDRAWN,
        wording=None,
        notice_version="v1",
        reply_text="STOP",
        message_id=None,
        channel="rest",
        conversation_id="c",
        now=local,
    )
    assert record["recorded_at"] == "2026-11-22T10:00:00+00:00"
    assert record["purpose"] == "marketing_sms"
