"""What the web chat widget says of a visit, and the trigger it gets.

The widget sends the page's path, its UTM parameters, the referrer, how many times this
browser has visited (its own count, in localStorage) and, when it holds one, its
conversation: the server looks up that conversation's lead for its segments. Everything
the widget sends is a claim about an anonymous visit, used only to choose a greeting; it
never identifies anyone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from bot.targeting.triggers import Conditions, Trigger

__all__ = ["VISIT_KEYS", "Visit", "choose", "holds"]

VISIT_KEYS = ("path", "referrer", "utm_source", "utm_medium", "utm_campaign", "visits")

MAX_FIELD = 200
MAX_VISITS = 10_000


@dataclass(frozen=True)
class Visit:
    path: str = "/"
    referrer_host: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    visits: int = 1  # this one included
    segments: tuple[str, ...] = ()

    @property
    def returning(self) -> bool:
        return self.visits > 1

    @classmethod
    def from_query(cls, query: Mapping[str, str], segments: Sequence[str] = ()) -> Visit:
        """The visit from the widget's query parameters; what is malformed is left out
        (a greeting is chosen for anything, never refused)."""

        def text(key: str) -> str:
            return str(query.get(key) or "").strip()[:MAX_FIELD]

        path = text("path")
        try:
            visits = min(max(int(text("visits") or 1), 1), MAX_VISITS)
        except ValueError:
            visits = 1
        return cls(
            path=path if path.startswith("/") else "/",
            referrer_host=_host(text("referrer")),
            utm_source=text("utm_source").lower(),
            utm_medium=text("utm_medium").lower(),
            utm_campaign=text("utm_campaign").lower(),
            visits=visits,
            segments=tuple(segments),
        )


def _host(referrer: str) -> str:
    try:
        return (urlsplit(referrer).hostname or "").lower()
    except ValueError:
        return ""


def _any_glob(value: str, globs: Sequence[str]) -> bool:
    return any(fnmatchcase(value, glob) for glob in globs)


def holds(when: Conditions, visit: Visit) -> bool:
    """Whether every condition given holds for the visit."""
    paths = {visit.path, visit.path.rstrip("/") or "/"}  # /pricing/ is /pricing
    if when.paths and not any(_any_glob(path, when.paths) for path in paths):
        return False
    checks: list[tuple[tuple[str, ...], Any]] = [
        (when.utm_sources, visit.utm_source),
        (when.utm_media, visit.utm_medium),
        (when.utm_campaigns, visit.utm_campaign),
    ]
    if any(wanted and value not in wanted for wanted, value in checks):
        return False
    if when.referrers and not _any_glob(visit.referrer_host, when.referrers):
        return False
    if when.returning is not None and when.returning != visit.returning:
        return False
    return not when.segments or bool(set(when.segments) & set(visit.segments))


def choose(triggers: Sequence[Trigger], visit: Visit) -> Trigger | None:
    """The first trigger whose conditions hold, or None (the default greeting)."""
    return next((trigger for trigger in triggers if holds(trigger.when, visit)), None)
