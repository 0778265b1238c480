"""Items and leads as bags of words and tags, for the TF-IDF models of the rankers.

A `Document` is free text (an item's title, summary and use-case tags; a lead's stated
need and role) plus tags for the attributes both share (``industry=retail``,
``size=11-50``). `features` reads text as lower-case words without stop words, a plural
"s" taken off ("carts" and "cart" are one word), and pairs of neighbouring words, so
"abandoned carts" counts as a phrase too; `phrase` finds a feature's words back in the
text a visitor typed, to quote them in a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from bot.recommend.catalogue import ANY, SIZE_BANDS, Item
from bot.recommend.lead import Lead

__all__ = [
    "Document",
    "features",
    "industry_tag",
    "item_document",
    "lead_document",
    "phrase",
    "size_tag",
]

_WORD = re.compile(r"[a-z0-9]+", re.IGNORECASE)
# Words that say nothing about a need, on top of scikit-learn's English stop words.
_FILLER = frozenset(
    {
        *("need", "needs", "want", "wants", "looking", "help", "like", "just", "really"),
        *("company", "business", "team", "thing", "way", "lot", "better", "good"),
        *("use", "using", "ve", "re", "don", "parley"),
    }
)
_STOP = ENGLISH_STOP_WORDS | _FILLER
_TAG = "="


@dataclass(frozen=True)
class Document:
    text: str = ""
    tags: tuple[str, ...] = ()


def industry_tag(industry: str) -> str:
    return f"industry{_TAG}{industry}"


def size_tag(band: str) -> str:
    return f"size{_TAG}{band}"


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> list[tuple[str, str]]:
    """(normalised, as typed) for each word of `text` that is no stop word."""
    return [
        (_stem(match.group().lower()), match.group())
        for match in _WORD.finditer(text.replace("_", " "))
        if match.group().lower() not in _STOP and len(match.group()) > 1
    ]


def features(document: Document) -> list[str]:
    """What a TF-IDF model counts in `document`: words, word pairs, tags."""
    words = [word for word, _ in _words(document.text)]
    pairs = [f"{first} {second}" for first, second in pairwise(words)]
    return [*words, *pairs, *document.tags]


def is_tag(feature: str) -> bool:
    return _TAG in feature


def phrase(text: str, feature: str) -> str | None:
    """The words of `text` a word or word-pair feature was read from, as typed."""
    wanted = feature.split(" ")
    words = _words(text)
    for start in range(len(words) - len(wanted) + 1):
        window = words[start : start + len(wanted)]
        if [word for word, _ in window] == wanted:
            typed = [word.lower() for _, word in window]
            # A pair read across a dropped word ("leads at night") is quoted whole.
            between = r"(?:\W+\w+){0,3}?\W+".join(re.escape(word) for word in typed)
            found = re.search(rf"\b{between}\b", text, re.IGNORECASE)
            return found.group().lower() if found else " ".join(typed)
    return None


def item_document(item: Item) -> Document:
    """An item's title, summary and (twice, being chosen with care) use-case tags as
    text; its industries and size bands as tags. A band list of every band says nothing."""
    use_cases = " ".join(tag.replace("_", " ") for tag in item.use_cases)
    tags = [industry_tag(name) for name in item.industries if name != ANY]
    if set(item.size_bands) != set(SIZE_BANDS):
        tags += [size_tag(band) for band in item.size_bands]
    return Document(f"{item.title}. {item.summary}. {use_cases}. {use_cases}", tuple(tags))


def lead_document(lead: Lead) -> Document:
    """What a lead said (their need and role) as text; industry and size band as tags."""
    tags = [industry_tag(lead.industry)] if lead.industry else []
    tags += [size_tag(lead.size_band)] if lead.size_band else []
    return Document(f"{lead.use_case}. {lead.role}", tuple(tags))
