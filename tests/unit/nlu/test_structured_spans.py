"""The spaCy rules behind StructuredEntityExtractor find exactly the annotated spans."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from bot.nlu import structured_spans
from bot.nlu.structured_spans import StructuredSpan, find_structured_spans

Found = list[tuple[str, str]]


def found(text: str) -> Found:
    return [(span.entity, span.text) for span in find_structured_spans(text)]


EMAILS: list[tuple[str, Found]] = [
    ("it's jane.doe@acme.io thanks", [("email", "jane.doe@acme.io")]),
    ("jane.doe@acme.io.", [("email", "jane.doe@acme.io")]),
    ("mail me: CHRIS@STARTUP.IO!", [("email", "CHRIS@STARTUP.IO")]),
    ("reach me at JOHN.SMITH@Example.COM, ta", [("email", "JOHN.SMITH@Example.COM")]),
    ("liam.obrien+parley@gmail.com", [("email", "liam.obrien+parley@gmail.com")]),
    ("(sarah_connor@cyberdyne.net)", [("email", "sarah_connor@cyberdyne.net")]),
    ("<a.muller@klinik-berlin.de>", [("email", "a.muller@klinik-berlin.de")]),
    ("emial is catjones84@yahoo.co.uk thx", [("email", "catjones84@yahoo.co.uk")]),
]

PHONES: list[tuple[str, Found]] = [
    ("call me at (415) 555-0132", [("phone", "(415) 555-0132")]),
    ("call me at (415) 555-0132.", [("phone", "(415) 555-0132")]),
    ("my mobile is +44 20 7946 0958", [("phone", "+44 20 7946 0958")]),
    ("07700 900123", [("phone", "07700 900123")]),
    ("ring 415.555.0132 after 5", [("phone", "415.555.0132")]),
    ("+14155550132", [("phone", "+14155550132")]),
    ("+1 (617) 555-0182", [("phone", "+1 (617) 555-0182")]),
    ("+1-415-555-0132 is my cell", [("phone", "+1-415-555-0132")]),
    ("(415)555-0132", [("phone", "(415)555-0132")]),
    ("+44(0)20 7946 0958", [("phone", "+44(0)20 7946 0958")]),
    ("number: 020 7946 0958", [("phone", "020 7946 0958")]),
    ("text 415 555 0132 pls", [("phone", "415 555 0132")]),
    ("reach me at 07700900123", [("phone", "07700900123")]),
    ("Call me at 555-0132 tomorrow", [("phone", "555-0132")]),
]

URLS: list[tuple[str, Found]] = [
    ("acme.com", [("url", "acme.com")]),
    ("see https://www.acme.io/pricing.", [("url", "https://www.acme.io/pricing")]),
    ("our site is www.acme.co.uk", [("url", "www.acme.co.uk")]),
    ("www.brightideas.agency", [("url", "www.brightideas.agency")]),
    ("https://initech.example.com", [("url", "https://initech.example.com")]),
    ("visit acme.com/pricing!", [("url", "acme.com/pricing")]),
    ("ACME.COM", [("url", "ACME.COM")]),
    ("google.com or bing.com", [("url", "google.com"), ("url", "bing.com")]),
    ("www.acme.io/contact?ref=chat", [("url", "www.acme.io/contact?ref=chat")]),
]

MONEY: list[tuple[str, Found]] = [
    ("about $50k", [("amount_of_money", "$50k")]),
    ("between 10 and 20 thousand dollars", [("amount_of_money", "10 and 20 thousand dollars")]),
    ("10-20k", [("amount_of_money", "10-20k")]),
    ("$10k to $20k", [("amount_of_money", "$10k to $20k")]),
    ("€5,000 a month", [("amount_of_money", "€5,000")]),
    ("50 grand", [("amount_of_money", "50 grand")]),
    ("around 1.5m", [("amount_of_money", "1.5m")]),
    ("5000 euros", [("amount_of_money", "5000 euros")]),
    ("usd 25000", [("amount_of_money", "usd 25000")]),
    ("£2,500", [("amount_of_money", "£2,500")]),
    ("1.5 million dollars", [("amount_of_money", "1.5 million dollars")]),
    ("€12k per year", [("amount_of_money", "€12k")]),
    ("between $8k and $12k", [("amount_of_money", "$8k and $12k")]),
    ("10–20k", [("amount_of_money", "10–20k")]),
    ("$10k-$20k", [("amount_of_money", "$10k-$20k")]),
    ("50k-100k per year", [("amount_of_money", "50k-100k")]),
    ("~$50k", [("amount_of_money", "$50k")]),
    ("budget ~50k", [("amount_of_money", "50k")]),
    ("up to 20k", [("amount_of_money", "20k")]),
    ("at least £500", [("amount_of_money", "£500")]),
    ("50K USD", [("amount_of_money", "50K USD")]),
    ("USD 50,000", [("amount_of_money", "USD 50,000")]),
    ("$1.2bn", [("amount_of_money", "$1.2bn")]),
    ("we raised 2 bn", [("amount_of_money", "2 bn")]),
    ("I'd spend 5000€", [("amount_of_money", "5000€")]),
    ("100 bucks", [("amount_of_money", "100 bucks")]),
    ("30 quid", [("amount_of_money", "30 quid")]),
    ("roughly fifty grand", [("amount_of_money", "fifty grand")]),
    (
        "twenty-five thousand dollars per year",
        [("amount_of_money", "twenty-five thousand dollars")],
    ),
    ("$5k-10k/month", [("amount_of_money", "$5k-10k")]),
    ("between $5,000 and $10,000", [("amount_of_money", "$5,000 and $10,000")]),
    ("from 10k to 20k", [("amount_of_money", "10k to 20k")]),
    ("$10k to $20k per month", [("amount_of_money", "$10k to $20k")]),
    ("£2,500 pm", [("amount_of_money", "£2,500")]),
    ("usd25000", [("amount_of_money", "usd25000")]),
    ("the 10-20k range", [("amount_of_money", "10-20k")]),
    ("2024-2025 budget is $5k", [("amount_of_money", "$5k")]),
]

HEADCOUNTS: list[tuple[str, Found]] = [
    ("1,200 employees", [("headcount", "1,200")]),
    ("a team of 12", [("headcount", "12")]),
    ("10-50 people", [("headcount", "10-50")]),
    ("between 200 and 500 employees", [("headcount", "200 and 500")]),
    ("5k staff", [("headcount", "5k")]),
    ("about 300 people", [("headcount", "300")]),
    ("we're 40", [("headcount", "40")]),
    ("WE'RE 40", [("headcount", "40")]),
    ("we’re 85", [("headcount", "85")]),
    ("we are 40 people", [("headcount", "40")]),
    ("a team of twelve", [("headcount", "twelve")]),
    ("roughly 400 employees", [("headcount", "400")]),
    ("a small shop, about 20 of us", [("headcount", "20")]),
    ("we have 10 full-time employees", [("headcount", "10")]),
    ("a 12-person team", [("headcount", "12")]),
    ("50+ staff", [("headcount", "50")]),
    ("10,000+ employees", [("headcount", "10,000")]),
    ("a team of about 12 engineers", [("headcount", "12")]),
    ("Team of 5.", [("headcount", "5")]),
    ("there are 5 of us", [("headcount", "5")]),
    ("we are a company of 250 employees", [("headcount", "250")]),
    ("our headcount is about 50", [("headcount", "50")]),
    ("headcount of 1.2k", [("headcount", "1.2k")]),
    ("team of between 10 and 20", [("headcount", "10 and 20")]),
    ("we have between 10 and 20 people", [("headcount", "10 and 20")]),
    ("10 to 20 people", [("headcount", "10 to 20")]),
    ("500-1000 employees", [("headcount", "500-1000")]),
    ("5k-10k users", [("headcount", "5k-10k")]),
    ("we are twenty five people", [("headcount", "twenty five")]),
    ("two million users", [("headcount", "two million")]),
    ("We're a 10 person startup", [("headcount", "10")]),
    ("we're 100 give or take", [("headcount", "100")]),
    ("a team of 5 developers", [("headcount", "5")]),
    ("12 sales reps and 3 marketers", [("headcount", "12"), ("headcount", "3")]),
    ("around 5,000 users", [("headcount", "5,000")]),
    ("2-10 ppl", [("headcount", "2-10")]),
    ("we're six", [("headcount", "six")]),
    ("in 2024 we grew to 50 employees", [("headcount", "50")]),
]

SEVERAL: list[tuple[str, Found]] = [
    (
        "sure, my email is bob@corp.co.uk and my number is 555-0132, we are about "
        "40 people and budget is $20k-$30k/yr",
        [
            ("email", "bob@corp.co.uk"),
            ("phone", "555-0132"),
            ("headcount", "40"),
            ("amount_of_money", "$20k-$30k"),
        ],
    ),
    (
        "hey! we’re about 40 ppl, budget 10-15k/month, reach me at "
        "Jane.Doe+sales@Acme-Corp.co.uk or (020) 7946-0958",
        [
            ("headcount", "40"),
            ("amount_of_money", "10-15k"),
            ("email", "Jane.Doe+sales@Acme-Corp.co.uk"),
            ("phone", "(020) 7946-0958"),
        ],
    ),
    (
        "so basically im the marketing lead at a team of 8 and we wanna spend like "
        "2k a month, website is brightideas.agency",
        [("headcount", "8"), ("amount_of_money", "2k"), ("url", "brightideas.agency")],
    ),
    (
        "50 employees and a budget of 50k",
        [("headcount", "50"), ("amount_of_money", "50k")],
    ),
    (
        "call me on +1 415 555 0132 or email x@y.com",
        [("phone", "+1 415 555 0132"), ("email", "x@y.com")],
    ),
    ("we're 40 people with $2m ARR", [("headcount", "40"), ("amount_of_money", "$2m")]),
]

POSITIVE = EMAILS + PHONES + URLS + MONEY + HEADCOUNTS + SEVERAL


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_finds_exactly_the_annotated_spans(text: str, expected: Found) -> None:
    assert found(text) == expected


NEGATIVE: list[str] = [
    "I am 25 years old",
    "I'm 25",
    "in 2024",
    "Q3 2024",
    "from 2019-2024",
    "on 2024-05-01",
    "version 3.6",
    "v3.6.21",
    "10-20 days",
    "call me maybe",
    "just me",
    "it's just me and my cofounder",
    "my budget is 25000",
    "50",
    "between 500 and 1000",
    "I have 3 kids",
    "we are 10 minutes away",
    "we are 2 weeks late",
    "there are 3 options",
    "there are 2 other options",
    "we're one of the leading agencies in town",
    "we're 100% sure",
    "a team of 10 years",
    "we are 3 co-founders",
    "555 0132",
    "budget 10.000.000",
    "my zip is 94107",
    "order #12345678",
    "jane@acme",
    "jane@",
    "@acme.io",
    "report.pdf",
    "node.js",
    "e.g. 5",
    "1.5",
    "10:30",
    "what does it cost?",
    "",
    "   ",
    "hi there!!!",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_finds_nothing_in_look_alikes(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("10-20 days", "headcount"),
        ("10-20 days", "amount_of_money"),
        ("500-1000 employees", "phone"),
        ("jane.doe@acme.io", "url"),
        ("5k staff", "amount_of_money"),
        ("I talked to about 20 folks", "amount_of_money"),
        ("2019-2024", "phone"),
        ("1,000,000", "phone"),
    ],
)
def test_never_labels_as(text: str, entity: str) -> None:
    assert entity not in {label for label, _ in found(text)}


@pytest.mark.parametrize(("text", "_expected"), POSITIVE)
def test_offsets_index_the_original_text(text: str, _expected: Found) -> None:
    spans = find_structured_spans(text)
    for span in spans:
        assert text[span.start : span.end] == span.text
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    for left, right in itertools.pairwise(spans):
        assert left.end <= right.start, "spans overlap"


def test_offsets_survive_leading_whitespace_and_non_ascii() -> None:
    text = "  ☺ café owner,\tcall (415) 555-0132 — about 20 staff"
    assert find_structured_spans(text) == [
        StructuredSpan("phone", 21, 35, "(415) 555-0132"),
        StructuredSpan("headcount", 44, 46, "20"),
    ]


def test_spans_are_frozen_value_objects() -> None:
    span = StructuredSpan("email", 0, 3, "a@b")
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 1  # type: ignore[misc]
    assert span == StructuredSpan("email", 0, 3, "a@b")


def test_pipeline_is_built_once_per_process() -> None:
    first = structured_spans._pipeline()
    find_structured_spans("a team of 12")
    assert structured_spans._pipeline() is first


def test_pipeline_is_a_blank_english_tokenizer_without_pipes() -> None:
    nlp = structured_spans._pipeline().nlp
    assert nlp.lang == "en"
    assert nlp.pipe_names == []


def test_longest_span_wins_and_ties_prefer_headcount_over_money() -> None:
    # "5k" alone is money; before "staff" it is the same span as a head-count
    assert found("5k") == [("amount_of_money", "5k")]
    assert found("5k staff") == [("headcount", "5k")]
    # the range beats each of its ends
    assert found("$10k to $20k") == [("amount_of_money", "$10k to $20k")]
