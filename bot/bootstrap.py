"""Composition root: the adapters a process needs, built once, on first use.

Nothing here connects or reads files at import time. Tests reset the caches with
`reset()` after changing settings.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy.engine import Engine

from bot.crm import make_engine
from bot.scoring import ScoringRules, Segment, load_scoring_rules, load_segments
from bot.secret_key import secret_key
from bot.settings import PROJECT_ROOT, get_settings

SCORING_RULES = PROJECT_ROOT / "data" / "scoring" / "rules.yml"
SEGMENTS = PROJECT_ROOT / "data" / "scoring" / "segments.yml"


@cache
def crm_engine() -> Engine:
    return make_engine(get_settings().crm_database_url)


@cache
def tracker_engine() -> Engine:
    """The tracker store's database, for the API's transcripts, exports and erasures."""
    return make_engine(get_settings().tracker_store_url)


@cache
def scoring_rules() -> ScoringRules:
    return load_scoring_rules(SCORING_RULES)


@cache
def segments() -> list[Segment]:
    return load_segments(SEGMENTS)


@cache
def suppression_pepper() -> bytes:
    return secret_key(get_settings())


@cache
def sink_names() -> tuple[str, ...]:
    """The delivery sinks each captured lead is queued for (PARLEY_SINKS)."""
    return get_settings().sink_names


def reset() -> None:
    """Forgets everything built (tests change settings between cases)."""
    for engine in (crm_engine, tracker_engine):
        if engine.cache_info().currsize:
            engine().dispose()
    for built in (
        crm_engine,
        tracker_engine,
        scoring_rules,
        segments,
        suppression_pepper,
        sink_names,
    ):
        built.cache_clear()
