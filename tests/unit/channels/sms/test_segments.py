"""Every SMS part fits one segment in its own encoding, and no word is lost or reordered."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels.sms.segments import (
    encoding_of,
    fits_one_segment,
    plain_for_sms,
    segment_capacity,
    sms_length,
    split_for_sms,
)

# An oracle written independently of the module: the GSM 03.38 tables as published.
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "\f^{}\\[~]|€"


def fits(part: str) -> bool:
    if all(ch in GSM_BASIC + GSM_EXTENSION for ch in part):
        return len(part) + sum(ch in GSM_EXTENSION for ch in part) <= 160
    return len(part.encode("utf-16-le")) // 2 <= 70


@pytest.mark.parametrize(
    ("text", "encoding", "length"),
    [
        ("Hello!", "GSM-7", 6),
        ("Prix: 10€ {promo}", "GSM-7", 20),
        ("ÄÖÑÜ äöñü à é", "GSM-7", 13),
        ("", "GSM-7", 0),
        ("café ç", "UCS-2", 6),  # ç is not in the default alphabet, only Ç
        ("Olá", "UCS-2", 3),
        ("👍", "UCS-2", 2),  # astral: a surrogate pair
        ("naïve", "UCS-2", 5),
        ("“quoted”", "UCS-2", 8),
        ("Hi\u00a0there", "UCS-2", 8),  # a no-break space is not GSM
    ],
)
def test_encoding_and_length(text: str, encoding: str, length: int) -> None:
    assert encoding_of(text) == encoding
    assert sms_length(text) == length
    assert segment_capacity(text) == (160 if encoding == "GSM-7" else 70)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("€" * 80, 1),  # two septets each
        ("€" * 81, 2),
        ("é" * 160, 1),  # é is in the default alphabet
        ("ç" * 70, 1),
        ("ç" * 71, 2),
        ("😀" * 35, 1),  # two code units each
        ("😀" * 36, 2),
    ],
)
def test_segment_boundaries(text: str, parts: int) -> None:
    assert len(split_for_sms(text)) == parts


def test_a_short_reply_is_one_part_with_whitespace_collapsed() -> None:
    assert split_for_sms("  Thanks,   Priya!  ") == ["Thanks, Priya!"]


def test_only_whitespace_gives_no_parts() -> None:
    assert split_for_sms("") == []
    assert split_for_sms(" \n\t \n") == []


def test_line_breaks_between_sentences_are_kept_once() -> None:
    text = "Want our pricing guide?\n\n1 Yes, e-mail me\n2 No thanks\nReply with a number."
    assert split_for_sms(text) == [
        "Want our pricing guide?\n1 Yes, e-mail me\n2 No thanks\nReply with a number."
    ]


def test_whole_sentences_are_packed_and_split_at_sentence_ends() -> None:
    first = "Parley helps marketing teams qualify leads around the clock. " * 2  # 122
    second = "It books the meeting for you when a lead is ready to buy. "  # 58
    third = "Want to see it?"
    parts = split_for_sms(first + second + third)
    assert parts == [first.strip(), f"{second}{third}"]


def test_a_sentence_too_long_for_a_segment_is_split_between_words() -> None:
    sentence = " ".join(["marketing"] * 40) + "."
    parts = split_for_sms(f"Hi. {sentence} Bye.")
    assert parts[0] == "Hi."  # the long sentence starts a fresh part
    assert all(len(part) <= 160 and not part.startswith(" ") for part in parts)
    assert " ".join(parts).split() == ["Hi.", *sentence.split(), "Bye."]
    assert parts[-1].endswith("marketing. Bye.")  # the tail is packed with what follows


def test_a_word_longer_than_a_segment_is_split_hard() -> None:
    url = "https://example.com/?" + "x" * 300
    parts = split_for_sms(f"See {url} now")
    assert parts[0] == "See"
    assert "".join(parts[1:]).replace(" ", "").removesuffix("now") == url
    assert [len(part) for part in parts[1:3]] == [160, 160]


def test_the_encoding_is_decided_per_part() -> None:
    gsm = "We will e-mail the guide to you within the hour, and a colleague will call. " * 2
    parts = split_for_sms(f"{gsm}Thanks 🙏")
    assert parts == [gsm.strip(), "Thanks 🙏"]
    assert [encoding_of(part) for part in parts] == ["GSM-7", "UCS-2"]


def test_sentence_ends_inside_quotes_and_after_question_marks_are_boundaries() -> None:
    text = 'She said "yes." ' + "Really? " + "y" * 150
    assert split_for_sms(text) == ['She said "yes." Really?', "y" * 150]


# Characters chosen to hit every path: GSM, extension, non-GSM BMP, astral, whitespace.
ALPHABET = st.sampled_from(list("abcXYZ019 .!?,'\n\t€{}^éüçñ–“”Ωж中😀👍🏽\u00a0\u200b"))
texts = st.text(alphabet=ALPHABET, max_size=600) | st.lists(
    st.text(alphabet=ALPHABET, min_size=1, max_size=40), max_size=60
).map(" ".join)


@given(texts)
def test_every_part_fits_one_segment(text: str) -> None:
    for part in split_for_sms(text):
        assert fits(part), part
        assert fits_one_segment(part)


@given(texts)
def test_no_part_is_empty_or_padded(text: str) -> None:
    for part in split_for_sms(text):
        assert part
        assert part == part.strip()
        assert "  " not in part
        assert part.split() != []


@given(texts)
def test_every_character_outside_whitespace_survives_in_order(text: str) -> None:
    parts = split_for_sms(text)
    assert "".join("".join(part.split()) for part in parts) == "".join(plain_for_sms(text).split())


@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=30), max_size=80))
def test_words_that_fit_come_back_whole_and_in_order(words: list[str]) -> None:
    text = " ".join(words)
    assert " ".join(split_for_sms(text)).split() == plain_for_sms(text).split()


@given(texts)
def test_a_part_is_split_no_further(text: str) -> None:
    for part in split_for_sms(text):
        assert split_for_sms(part) == [part]


def test_typographic_punctuation_goes_out_as_gsm_so_a_reply_stays_one_segment() -> None:
    reply = (
        "Got it — I’ve changed your company to “Stop & Go”… The team is away right now; "
        "someone will reply here tomorrow at 9 AM New York time."
    )
    [part] = split_for_sms(reply)
    assert encoding_of(part) == "GSM-7"
    assert part.startswith('Got it - I\'ve changed your company to "Stop & Go"...')
