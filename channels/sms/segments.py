"""Splitting an outgoing reply into SMS messages that each fit one segment.

Every part is sent as its own message, so each must fit a single, unconcatenated
segment: 160 septets when all its characters are in the GSM 03.38 default alphabet
(extension-table characters such as `{` or `€` take two), otherwise 70 UTF-16 code units
in UCS-2 (an emoji outside the BMP takes two). The encoding is decided per part, so one
emoji costs only the part it is in.

Parts break at sentence ends and line breaks first, then between words, and inside a
word (a long URL) only as a last resort.

Typographic punctuation the bot's responses use (dashes, curly quotes, the ellipsis) is
outside the GSM alphabet and would send the whole part as UCS-2, at 70 characters a
segment: it goes out as its plain GSM equivalent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM_SEGMENT = 160
UCS2_SEGMENT = 70

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Sent as ESC + character, so each costs two septets.
_GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
_PLAIN = str.maketrans(
    {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}
)
# A sentence ends at ., ! or ? (perhaps inside a closing quote or bracket) before a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"')\]”’])\s+")


def plain_for_sms(text: str) -> str:
    """The text with typographic punctuation in its GSM form ("—" as "-", "’" as "'")."""
    return text.translate(_PLAIN)


def encoding_of(text: str) -> Encoding:
    """GSM-7 if every character is in the GSM default alphabet or its extension, else UCS-2."""
    gsm = all(ch in _GSM_BASIC or ch in _GSM_EXTENSION for ch in text)
    return "GSM-7" if gsm else "UCS-2"


def segment_capacity(text: str) -> int:
    """How many units one segment holds for this text's encoding (160 or 70)."""
    return GSM_SEGMENT if encoding_of(text) == "GSM-7" else UCS2_SEGMENT


def sms_length(text: str) -> int:
    """The text's length in its encoding's units: septets for GSM-7, code units for UCS-2."""
    if encoding_of(text) == "GSM-7":
        return len(text) + sum(ch in _GSM_EXTENSION for ch in text)
    return len(text.encode("utf-16-le")) // 2


def fits_one_segment(text: str) -> bool:
    """Whether the text goes out as a single SMS segment."""
    return sms_length(text) <= segment_capacity(text)


def split_for_sms(text: str) -> list[str]:
    """The text as single-segment parts, in order; [] when it is only whitespace.

    Whitespace runs become one space, except that a line break between sentences is kept
    as one newline (it costs the same as a space and keeps lists readable).
    """
    parts: list[str] = []
    current = ""
    for separator, sentence in _sentences(plain_for_sms(text)):
        joined = f"{current}{separator}{sentence}" if current else sentence
        if fits_one_segment(joined):
            current = joined
            continue
        if current:
            parts.append(current)
        current = sentence
        if not fits_one_segment(sentence):
            # Too long alone: pack its words, starting a fresh part; the tail stays open.
            current = ""
            for word in _words(sentence):
                joined = f"{current} {word}" if current else word
                if fits_one_segment(joined):
                    current = joined
                else:
                    parts.append(current)
                    current = word
    if current:
        parts.append(current)
    return parts


def _sentences(text: str) -> Iterator[tuple[str, str]]:
    """Each sentence with whitespace collapsed, after the separator that preceded it."""
    separator = " "
    for line in text.splitlines():
        for sentence in _SENTENCE_END.split(line):
            words = sentence.split()
            if words:
                yield separator, " ".join(words)
                separator = " "
        separator = "\n"


def _words(sentence: str) -> Iterator[str]:
    """The sentence's words, each hard-split into pieces that fit a segment if need be."""
    for word in sentence.split(" "):
        piece = ""
        for ch in word:
            if piece and not fits_one_segment(piece + ch):
                yield piece
                piece = ""
            piece += ch
        yield piece
