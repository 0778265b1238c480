"""The parts of a visitor's message: what commas, dashes, semicolons and sentence ends
separate ("Lee Chen, lee@harbor.co, Harbor Goods. We sell rugs").

A message that answers several questions says each answer in a part of its own; the
reader (bot.leads.reading) takes the parts the typed values and cues did not claim as the
answer to the pending question.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Separators inside a part: a hyphen inside a word ("co-founder") is not one, nor is the
# comma of a thousand ("$1,200") or a dash between figures ("$1,000–1,500").
_CHUNKS = re.compile(
    r"(?:[^,;\n—–-]|(?<=\d),(?=\d{3}\b)|-(?=\S)|(?<=\S)-"
    r"|(?<=[\dkKmM])[–—](?=\s?[$€£]?\d)|(?<=[\dkKmM] )[–—](?=\s?[$€£]?\d))+"
)
# Sentences end a part too ("… overseas visitors. Budget's around 400 AUD"), except after
# a title or a company's suffix ("Dr. Anna Müller", "Acme Inc. in Leeds").
_SENTENCE_END = re.compile(r"[.!?]+\s+")
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "st", "jr", "sr", "inc", "co", "ltd", "corp"})
# What surrounds a part's words.
PADDING = " \t,;:.!-–—"


def parts(text: str) -> Iterator[tuple[int, int]]:
    """Where each comma-separated part, or sentence, of `text` starts and ends."""
    for chunk in _CHUNKS.finditer(text):
        start = chunk.start()
        for end in _SENTENCE_END.finditer(chunk.group()):
            word = chunk.group()[: end.start()].rsplit(None, 1)[-1:] or [""]
            if word[0].lower() not in _ABBREVIATIONS:
                yield start, chunk.start() + end.start()
                start = chunk.start() + end.end()
        yield start, chunk.end()


def part_around(text: str, at: int) -> tuple[int, int]:
    """The part `text[at]` is in (the whole text if none)."""
    return next(((s, e) for s, e in parts(text) if s <= at < e), (0, len(text)))


def left_over(text: str, taken: list[tuple[int, int]]) -> list[str]:
    """The words of each part of `text` that nothing in `taken` overlaps."""
    return [
        text[s:e].strip(PADDING)
        for s, e in parts(text)
        if text[s:e].strip(PADDING) and not any(start < e and s < end for start, end in taken)
    ]
