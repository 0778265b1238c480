"""Rasa's `/intent{...}` message syntax, and how Parley makes user text carrying it inert.

Kept free of Rasa imports so the action server can use it without loading the NLU stack.
"""

from __future__ import annotations

# Rasa's INTENT_MESSAGE_PREFIX.
INTENT_SYNTAX_PREFIX = "/"
# U+2060 WORD JOINER: not whitespace, so `str.strip()` in Rasa's handler keeps it.
NEUTRALISING_PREFIX = "\u2060"


def neutralise_intent_syntax(text: str) -> str:
    """The text with any leading intent-syntax prefix made inert."""
    if text.strip().startswith(INTENT_SYNTAX_PREFIX):
        return NEUTRALISING_PREFIX + text.strip()
    return text
