"""The words of an A/B test of a bot message, shared by whoever reads or writes one.

A response's variation may name the variant it belongs to (`metadata: {variant: name}`
in `bot/domain/*.yml`); the variations that name none form the control arm, `CONTROL`.
The response generator (`bot.nlg`), the follow-ups, the console's editor and its A/B tests
page all read variants this way, so the vocabulary lives here, with the experiments,
rather than in any one of them.
"""

from __future__ import annotations

import re
from typing import Any

CONTROL = "control"  # the variant of a variation that names none
VARIANT_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")


def variant_of(variation: Any) -> str:
    """The A/B variant a domain variation belongs to (`CONTROL` unless it names one)."""
    metadata = variation.get("metadata") if isinstance(variation, dict) else None
    name = metadata.get("variant") if isinstance(metadata, dict) else None
    return str(name) if name else CONTROL
