"""Carrier compliance keywords (STOP, START, HELP) recognised in an inbound SMS.

Carriers and Twilio act on these words when they are the whole message, so Parley must
treat them the same way: a keyword alone, in any case or width, with surrounding spaces
and trailing punctuation ("Stop.", "ＳＴＯＰ!"), counts; a sentence that contains one
("stop emailing me", "don't stop") does not — that is left to `bot.consent.opt_out`.
"""

from __future__ import annotations

import enum
import unicodedata


class ComplianceKeyword(enum.Enum):
    """What a compliance keyword asks for."""

    STOP = "stop"
    START = "start"
    HELP = "help"


_KEYWORDS: dict[str, ComplianceKeyword] = {
    **dict.fromkeys(
        ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"),
        ComplianceKeyword.STOP,
    ),
    # Twilio also opts back in on YES; Parley doesn't, because "yes" answers consent questions.
    **dict.fromkeys(("start", "unstop"), ComplianceKeyword.START),
    **dict.fromkeys(("help", "info"), ComplianceKeyword.HELP),
}
# What phones and people add around a word: "Stop.", "STOP!!", "help?", "quit…".
_TRAILING_PUNCTUATION = ".!?,;:…"


def _bare_word(text: str) -> str:
    # NFKC folds full-width and compatibility letters ("ＳＴＯＰ", "ﬁ") into plain ones;
    # format characters (zero-width spaces, BOMs, direction marks) are invisible noise.
    folded = unicodedata.normalize("NFKC", text)
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return visible.strip().rstrip(_TRAILING_PUNCTUATION).strip().casefold()


def classify_keyword(text: str) -> ComplianceKeyword | None:
    """The compliance keyword this whole message is, or None if it is anything else."""
    return _KEYWORDS.get(_bare_word(text))


# A reply to "reply YES to confirm" (bot.double_opt_in): only whole-message answers count.
_YES = frozenset({"yes", "y", "yeah", "yep", "yup", "ok", "okay", "confirm", "yes please"})


def is_yes(text: str) -> bool:
    """Whether this whole message is a plain yes ("YES", "Yes!", "y")."""
    return _bare_word(text) in _YES
