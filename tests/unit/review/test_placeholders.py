"""A visitor's message made safe to save as a training example: every address, number,
link, name and company replaced by a stand-in, and nothing else touched."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review import Entity, VisitorMessage, placeholder_text, replacements, suggested_example
from bot.review.placeholders import COMPANIES, EMAILS, NAMES, PHONES, URLS


def entity(text: str, kind: str, value: str) -> Entity:
    start = text.index(value)
    return Entity(kind, value, start, start + len(value), "StructuredEntityExtractor")


@pytest.mark.parametrize(
    "text",
    [
        "how much does it cost?",
        "we're 50 people with a budget of $20,000 a year",
        "Budget: 25k–40k USD, team of 1,200, go live in Q3 2027",
        "call me maybe 🙂 — ça va? ｆｕｌｌ ｗｉｄｔｈ, zero\u200bwidth",
        "I need it by 2026-12-07, around 10:30",
        "my email is … well, I'd rather not say",
        "stop",
        "  spaces   kept\tas\ttyped \n",
        "ratio 3.5 and version 2.0.1 and 1.2.3.4",
        "we'd like a demo @ 3pm",
    ],
)
def test_text_without_personal_data_comes_back_byte_for_byte(text: str) -> None:
    assert placeholder_text(text) is text
    assert replacements(text) == []


def test_a_mixed_message_loses_every_identifier_and_keeps_its_numbers() -> None:
    text = (
        "Hi, I'm Priya Patel from Globex: priya.patel@globex.com, (415) 555-0132 or "
        "https://globex.com/team. Budget $30,000 for 250 people."
    )
    safe = placeholder_text(text)
    assert safe == (
        "Hi, I'm Alex Morgan from Acme: alex@example.com, +1 415 555 0100 or "
        "https://example.com. Budget $30,000 for 250 people."
    )
    for trace in ("Priya", "Patel", "Globex", "globex", "555-0132"):
        assert trace not in safe


def test_several_identifiers_of_a_kind_get_distinct_stand_ins_and_repeats_the_same() -> None:
    text = "write to a.b@c.io, cc jo@d.org, not a.b@c.io; call +44 20 7946 0958 or +1 212 555 0187"
    assert placeholder_text(text) == (
        f"write to {EMAILS[0]}, cc {EMAILS[1]}, not {EMAILS[0]}; call {PHONES[0]} or {PHONES[1]}"
    )
    links = "see www.globex.io and http://initech.example/jobs?id=7, then www.globex.io!"
    assert placeholder_text(links) == f"see {URLS[0]} and {URLS[1]}, then {URLS[0]}!"


def test_names_with_stop_in_them_go_and_the_word_stop_stays() -> None:
    personal = {"name": ["Ann Stopford"]}
    assert placeholder_text("please STOP, this is Ann Stopford", personal=personal) == (
        "please STOP, this is Alex Morgan"
    )
    assert placeholder_text("stopford here. stop it", personal=personal) == "Morgan here. stop it"
    # Christopher holds "stop" too: only the whole word is a name.
    said = "christopher says don't stop, christophers stop"
    assert placeholder_text(said, personal={"name": ["Christopher"]}) == (
        "Alex says don't stop, christophers stop"
    )
    # "StopGap Software" is the visitor's company, not an opt-out.
    assert placeholder_text("I'm Jo Park from StopGap Software, please stop calling") == (
        "I'm Alex Morgan from Acme, please stop calling"
    )


def test_a_stored_name_is_found_in_any_case_and_spacing_and_by_its_parts() -> None:
    personal = {"name": ["Priya Patel", "Patel"], "company": ["Globex Corp"]}
    text = "PRIYA  patel of globex corp; Priya said Patel's ok; Priyanka is not her"
    assert placeholder_text(text, personal=personal) == (
        "Alex Morgan of Acme; Alex said Morgan's ok; Priyanka is not her"
    )


def test_unicode_names_companies_and_addresses() -> None:
    personal = {"name": ["Zoë Ångström"], "company": ["Büro Øst"]}
    text = "ZOË ÅNGSTRÖM bei Büro Øst — zoë@bücher.de, tel. +49 30 901820"
    assert placeholder_text(text, personal=personal) == (
        f"Alex Morgan bei Acme — {EMAILS[0]}, tel. {PHONES[0]}"
    )
    assert placeholder_text("我叫 李雷, 邮箱 lilei@例子.中国", personal={"name": ["李雷"]}) == (
        f"我叫 Alex, 邮箱 {EMAILS[0]}"
    )


def test_a_budget_read_as_money_is_never_a_phone_number() -> None:
    text = "budget 4155550132 dollars, number 4155550133"
    money = entity(text, "amount_of_money", "4155550132 dollars")
    assert (
        placeholder_text(text, entities=[money]) == f"budget 4155550132 dollars, number {PHONES[0]}"
    )


def test_personal_entities_are_replaced_where_nlu_found_them() -> None:
    text = "reach me on 555-0147 or at my site globex.io"
    found = [entity(text, "phone", "555-0147"), entity(text, "url", "globex.io")]
    assert (
        placeholder_text(text, entities=found) == f"reach me on {PHONES[0]} or at my site {URLS[0]}"
    )
    # Edited since NLU read it: the values are looked for again.
    edited = "my site is globex.io, my number 555-0147"
    assert (
        placeholder_text(edited, entities=found) == f"my site is {URLS[0]}, my number {PHONES[0]}"
    )
    person = [entity("ask Dana", "PERSON", "Dana")]
    assert placeholder_text("ask Dana", entities=person) == "ask Alex Morgan"


def test_stored_addresses_and_numbers_that_do_not_parse_are_still_replaced() -> None:
    personal = {"email": ["jo@intranet"], "phone": ["555 0199"]}
    assert placeholder_text("jo@intranet or 555 0199", personal=personal) == (
        f"{EMAILS[0]} or {PHONES[0]}"
    )


def test_stand_ins_are_left_as_they_are() -> None:
    safe = f"{EMAILS[0]} {PHONES[0]} {URLS[0]} I'm {' '.join(NAMES[0])} from {COMPANIES[0]}"
    assert placeholder_text(safe) is safe


def test_the_region_reads_local_numbers() -> None:
    assert placeholder_text("ring 020 7946 0958", region="GB") == f"ring {PHONES[0]}"
    assert placeholder_text("ring 020 7946 0958", region="US") == "ring 020 7946 0958"


def test_a_message_suggests_its_example_with_its_own_entities_and_details() -> None:
    text = "it's Sam at Initech, sam@initech.io, 12 people"
    message = VisitorMessage(
        conversation_id="c",
        message_id="m",
        at=None,
        text=text,
        intent="inform",
        confidence=0.9,
        runners_up=(),
        entities=(entity(text, "email", "sam@initech.io"), entity(text, "headcount", "12")),
        channel="webchat",
        next_actions=(),
        replies=(),
        fell_back=False,
        personal={"name": ("Sam Jones",), "company": ("Initech",)},
    )
    assert suggested_example(message) == f"it's Alex at Acme, {EMAILS[0]}, 12 people"


_FRAGMENTS = [
    "hello",
    "we need pricing",
    "budget $20k",
    "for 50 people",
    "jane.doe+crm@acme.io",
    "(212) 555-0187",
    "+44 7911 123456",
    "https://acme.io/x",
    "www.acme.io",
    "I'm Jane Doe",
    "from Acme Widgets",
    "Jane",
    "stop",
    "ünïcødé ✓",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=8), st.sampled_from([" ", ", ", ". "]))
def test_replacing_twice_changes_nothing_and_leaves_no_identifier(
    fragments: list[str], separator: str
) -> None:
    text = separator.join(fragments)
    personal = {"name": ["Jane Doe"], "company": ["Acme Widgets"]}
    once = placeholder_text(text, personal=personal)
    assert placeholder_text(once, personal=personal) == once
    for trace in ("jane", "doe", "555-0187", "7911", "acme.io", "widgets"):
        assert trace not in once.lower()


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(categories=["Ll", "Zs", "Po", "So", "Nd"], exclude_characters="@."),
        max_size=80,
    )
)
def test_lower_case_words_punctuation_and_short_numbers_are_never_touched(text: str) -> None:
    # Without capitals, "@", links or a valid phone number, nothing can be personal.
    if any(c.isdigit() for c in text) and replacements(text):
        assert all(r.kind == "phone" for r in replacements(text))
        return
    assert placeholder_text(text) == text
