"""Composition root: the adapters a process needs, built once, on first use.

Nothing here connects or reads files at import time. Tests reset the caches with
`reset()` after changing settings.

The scoring rules and segments are the exception to "built once": marketers edit them in
the console while the action server runs, so they are read again whenever their file
changes (one `stat` per use; an atomic save replaces the file, changing its inode).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy.engine import Engine

from bot.consent.confirmation import ConfirmationRequests
from bot.crm import make_engine
from bot.followups.mail import FollowupMail
from bot.handoff.config import HandoffConfig, load_handoff_config
from bot.scoring import ScoringRules, Segment, load_scoring_rules, load_segments
from bot.secret_key import secret_key
from bot.settings import PROJECT_ROOT, get_settings

SCORING_RULES = PROJECT_ROOT / "data" / "scoring" / "rules.yml"
SEGMENTS = PROJECT_ROOT / "data" / "scoring" / "segments.yml"
HANDOFF = PROJECT_ROOT / "data" / "scoring" / "handoff.yml"
WORKFLOWS = PROJECT_ROOT / "data" / "workflows"
DOMAIN = PROJECT_ROOT / "bot" / "domain"
CONTENT = PROJECT_ROOT / "data" / "content"
TRIGGERS = PROJECT_ROOT / "data" / "targeting" / "triggers.yml"

if TYPE_CHECKING:  # imported where used: only some processes need them
    from bot.editor.responses import Variation
    from bot.followups.workflows import Sequence
    from bot.recommend import Catalogue, RecommenderConfig
    from bot.recommend.links import ContentLinks
    from bot.recommend.offering import Offering
    from bot.targeting.triggers import Trigger
    from channels.wakeup import Wakeup

T = TypeVar("T")
logger = logging.getLogger(__name__)


def _stamp(path: Path) -> tuple[Any, ...]:
    """What changes when the file changes; for a directory, when any YAML file in it does
    (or one is added or removed)."""
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    return tuple(
        (file, stat.st_mtime_ns, stat.st_size, stat.st_ino)
        for file in files
        for stat in [file.stat()]
    )


class FileBacked(Generic[T]):
    """A value loaded from a file (or a directory of YAML files), loaded again when the
    file's stat changes.

    A running process keeps its last good value if the changed file does not load (the
    console validates before saving, so only a hand edit can do that), and logs why once.
    """

    def __init__(self, path: Callable[[], Path], load: Callable[[Path], T]) -> None:
        self._path = path
        self._load = load
        self._lock = threading.Lock()
        self._stamp: tuple[Any, ...] | None = None
        self._value: T | None = None

    def __call__(self) -> T:
        path = self._path()
        stamp = _stamp(path)
        with self._lock:
            if stamp != self._stamp or self._value is None:
                self._stamp = stamp
                try:
                    self._value = self._load(path)
                except ValueError:
                    if self._value is None:
                        raise
                    logger.exception("%s no longer loads; still using its previous content", path)
            return self._value

    def cache_clear(self) -> None:
        with self._lock:
            self._stamp = None
            self._value = None


@cache
def crm_engine() -> Engine:
    return make_engine(get_settings().crm_database_url)


@cache
def tracker_engine() -> Engine:
    """The tracker store's database, for the API's transcripts, exports and erasures."""
    return make_engine(get_settings().tracker_store_url)


# The paths are looked up on each call, so tests can point them elsewhere.
scoring_rules: FileBacked[ScoringRules] = FileBacked(lambda: SCORING_RULES, load_scoring_rules)
segments: FileBacked[list[Segment]] = FileBacked(lambda: SEGMENTS, load_segments)
handoff_config: FileBacked[HandoffConfig] = FileBacked(lambda: HANDOFF, load_handoff_config)


def _load_workflows(directory: Path) -> dict[str, Sequence]:
    from bot.followups.workflows import load_workflows, project_catalogue

    loaded = load_workflows(directory, catalogue=project_catalogue())
    return {sequence.name: sequence for sequence in loaded}


def _load_responses(_: Path) -> dict[str, list[Variation]]:
    from bot.editor.responses import responses

    return {response.name: response.variations for response in responses()}


# Follow-up sequences (data/workflows/*.yml) and the domain's responses, which follow-up
# e-mails quote: read again when a file in the directory changes.
workflows: FileBacked[dict[str, Sequence]] = FileBacked(lambda: WORKFLOWS, _load_workflows)
domain_responses: FileBacked[dict[str, list[Variation]]] = FileBacked(
    lambda: DOMAIN, _load_responses
)


def _load_content(directory: Path) -> tuple[Catalogue, RecommenderConfig]:
    from bot.recommend import load_content

    return load_content(directory, segments=[segment.name for segment in segments()])


# The content catalogue and the recommender's settings (data/content), read again when a
# file changes; the offering rebuilds its recommender when they do.
content: FileBacked[tuple[Catalogue, RecommenderConfig]] = FileBacked(
    lambda: CONTENT, _load_content
)


def _load_triggers(path: Path) -> tuple[Trigger, ...]:
    from bot.targeting.triggers import load_triggers

    items = [item.id for item in content()[0].items]
    return load_triggers(path, segments=[segment.name for segment in segments()], items=items)


def catalogue() -> Catalogue | None:
    """The content catalogue, or None (logged) when it does not load: scoring the content
    a lead opened never stops a lead being captured or a click being recorded."""
    try:
        return content()[0]
    except ValueError:
        logger.exception("the content catalogue does not load; content opened scores nothing")
        return None


# The web chat's triggers (data/targeting/triggers.yml), read again when the file changes.
triggers: FileBacked[tuple[Trigger, ...]] = FileBacked(lambda: TRIGGERS, _load_triggers)


@cache
def content_links() -> ContentLinks:
    """Signed links to recommended content (`/r/<token>`)."""
    from bot.recommend.links import ContentLinks

    settings = get_settings()
    return ContentLinks.from_settings(settings, secret_key(settings))


@cache
def content_offering() -> Offering:
    """The recommender offering content (the wrap-up, a visitor's question), built once per
    process (its history refreshed)."""
    from bot.recommend.offering import Offering

    return Offering(content, content_links())


@cache
def suppression_pepper() -> bytes:
    return secret_key(get_settings())


@cache
def sink_names() -> tuple[str, ...]:
    """The delivery sinks each captured lead is queued for (PARLEY_SINKS)."""
    return get_settings().sink_names


@cache
def confirmation_requests() -> ConfirmationRequests:
    """Double opt-in requests' wording, signed links and configured senders."""
    settings = get_settings()
    return ConfirmationRequests.from_settings(settings, secret_key(settings))


@cache
def followup_mail() -> FollowupMail:
    """Follow-up e-mails' footer and signed one-click unsubscribe links."""
    settings = get_settings()
    return FollowupMail.from_settings(settings, secret_key(settings))


@cache
def inbox_wakeup() -> Wakeup:
    """How a process that records inbox rows wakes the Rasa servers that run them, and how
    a Rasa server listens (`channels.wakeup`): chosen from the settings once."""
    from channels.wakeup import wakeup_from_settings

    return wakeup_from_settings(get_settings())


def reset() -> None:
    """Forgets everything built (tests change settings between cases)."""
    for engine in (crm_engine, tracker_engine):
        if engine.cache_info().currsize:
            engine().dispose()
    if inbox_wakeup.cache_info().currsize:
        inbox_wakeup().close()
    for built in (
        crm_engine,
        tracker_engine,
        suppression_pepper,
        sink_names,
        confirmation_requests,
        followup_mail,
        content_links,
        content_offering,
        inbox_wakeup,
    ):
        built.cache_clear()
    for backed in (scoring_rules, segments, workflows, domain_responses, content, triggers):
        backed.cache_clear()
