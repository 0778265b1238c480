"""Rasa buttons over SMS: listed as numbered lines, answered by number or by title.

SMS has no buttons, so a reply with buttons becomes

    Would you like our pricing guide?
    1 Yes, e-mail me
    2 No thanks
    Reply with a number.

and an answer of "2", "2.", "#2", "(2)", "option 2" or "no thanks" becomes that button's
payload. Anything else is left for NLU, so a free-text answer still works.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

HINT = "Reply with a number."

_NUMBER_REPLY = re.compile(r"(?:option|number|#)?\s*\(?\s*(\d{1,3})\s*\)?\s*[.)!]?")
# Keycap emoji ("2️⃣") are a digit followed by these; people send them as numbers.
_KEYCAP_MARKS = dict.fromkeys(map(ord, "\ufe0f\u20e3"))


def numbered_options(text: str, buttons: Sequence[Mapping[str, Any]]) -> str:
    """The text followed by one numbered line per button title and a short hint."""
    if not buttons:
        return text
    lines = [
        f"{number} {' '.join(str(button.get('title', '')).split())}"
        for number, button in enumerate(buttons, start=1)
    ]
    return "\n".join([text.rstrip(), *lines, HINT] if text.strip() else [*lines, HINT])


def choose_option(reply: str, buttons: Sequence[Mapping[str, Any]]) -> str | None:
    """The payload of the button this reply picks, or None if it picks none."""
    answer = _comparable(reply)
    number = _NUMBER_REPLY.fullmatch(answer)
    if number:
        index = int(number.group(1)) - 1
        return _payload(buttons[index]) if 0 <= index < len(buttons) else None
    for button in buttons:
        if answer and answer == _comparable(str(button.get("title", ""))):
            return _payload(button)
    return None


def _comparable(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_KEYCAP_MARKS).casefold()
    return " ".join(folded.split()).rstrip(".!?")


def _payload(button: Mapping[str, Any]) -> str | None:
    payload = button.get("payload")
    return payload if isinstance(payload, str) else None
