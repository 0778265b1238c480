"""Buttons become numbered lines; a number or a title picks one, anything else goes to NLU."""

from __future__ import annotations

from typing import Any

import pytest

from channels.sms.options import HINT, choose_option, numbered_options

BUTTONS: list[dict[str, Any]] = [
    {"title": "Yes, e-mail me", "payload": '/consent_given{"purpose": "newsletter"}'},
    {"title": "No thanks", "payload": "/deny"},
    {"title": "Not now", "payload": "/postpone"},
]
YES, NO, LATER = (button["payload"] for button in BUTTONS)


def test_buttons_are_listed_as_numbered_lines_with_a_hint() -> None:
    assert numbered_options("Want our guide?", BUTTONS) == (
        f"Want our guide?\n1 Yes, e-mail me\n2 No thanks\n3 Not now\n{HINT}"
    )


def test_without_buttons_the_text_is_unchanged() -> None:
    assert numbered_options("Hello!", []) == "Hello!"


def test_without_text_only_the_options_are_listed() -> None:
    assert numbered_options("", BUTTONS[:1]) == f"1 Yes, e-mail me\n{HINT}"


def test_titles_are_kept_on_one_line() -> None:
    listed = numbered_options("Pick:", [{"title": "Book\n a  demo", "payload": "/demo"}])
    assert listed.splitlines()[1] == "1 Book a demo"


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("1", YES),
        (" 2 ", NO),
        ("2.", NO),
        ("#2", NO),
        ("# 2", NO),
        ("(2)", NO),
        ("2)", NO),
        ("3!", LATER),
        ("option 2", NO),
        ("Option 3", LATER),
        ("number 1", YES),
        ("２", NO),  # full-width digit
        ("2\ufe0f\u20e3", NO),  # keycap emoji
        ("no thanks", NO),
        ("No Thanks!", NO),
        ("  NOT   NOW ", LATER),
        ("yes, e-mail me", YES),
    ],
)
def test_a_reply_naming_a_button_picks_its_payload(reply: str, payload: str) -> None:
    assert choose_option(reply, BUTTONS) == payload


@pytest.mark.parametrize(
    "reply",
    [
        "0",
        "4",
        "-1",
        "12",
        "1000",
        "",
        "   ",
        "yes",  # not a title; NLU decides what "yes" means here
        "no",
        "no 1",  # "no" to option 1, or "number 1"? NLU decides
        "1 please",
        "2 or 3",
        "1.5",
        "call me at 555 0100",
        "option",
        "not now please",
    ],
)
def test_anything_else_is_left_for_nlu(reply: str) -> None:
    assert choose_option(reply, BUTTONS) is None


def test_no_buttons_means_no_choice() -> None:
    assert choose_option("1", []) is None


def test_a_button_without_a_payload_picks_nothing() -> None:
    assert choose_option("1", [{"title": "Docs", "url": "https://example.com"}]) is None
