"""A carrier keyword counts only as the whole message; mentioning one is not enough."""

from __future__ import annotations

import pytest

from bot.consent.keywords import ComplianceKeyword, classify_keyword

STOP, START, HELP = ComplianceKeyword.STOP, ComplianceKeyword.START, ComplianceKeyword.HELP


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STOP", STOP),
        ("stop", STOP),
        ("Stop.", STOP),
        ("  stop!  ", STOP),
        ("STOP!!", STOP),
        ("stop\n", STOP),
        ("StopAll", STOP),
        ("UNSUBSCRIBE", STOP),
        ("cancel", STOP),
        ("End", STOP),
        ("quit", STOP),
        ("revoke", STOP),
        ("OPTOUT", STOP),
        ("START", START),
        ("start.", START),
        ("unstop", START),
        ("HELP", HELP),
        ("help?", HELP),
        ("Info", HELP),
    ],
)
def test_a_keyword_alone_is_classified(text: str, expected: ComplianceKeyword) -> None:
    assert classify_keyword(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＳＴＯＰ", STOP),  # full-width letters
        ("ｓｔｏｐ！", STOP),  # full-width letters and exclamation mark
        ("\u200bstop\u200b", STOP),  # zero-width spaces
        ("\ufeffSTOP", STOP),  # byte order mark
        ("stop\u00a0", STOP),  # no-break space
        ("\u3000HELP\u3000", HELP),  # ideographic space
        ("quit\u2026", STOP),  # horizontal ellipsis
        ("ſtop", STOP),  # long s, folded by NFKC
    ],
)
def test_unicode_oddities_are_normalised(text: str, expected: ComplianceKeyword) -> None:
    assert classify_keyword(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        ".",
        "stop emailing me",
        "don't stop",
        "please stop",
        "stop stop",
        "stop all",  # Twilio's keyword is one word
        "opt out",
        "s t o p",
        "stopp",
        "stopping",
        "yes",  # Twilio's START synonym; Parley uses "yes" for consent answers
        "YES",
        "y",
        "helpful",
        "info@example.com",
        "¿stop",
        "stop 🛑",
        "end of story",
    ],
)
def test_anything_else_is_not_a_keyword(text: str) -> None:
    assert classify_keyword(text) is None
