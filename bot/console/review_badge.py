"""The number beside "Review" in the console's navigation: how many visitor messages need
a look and have no review yet (`bot.review.unreviewed_count`).

Counting reads every visitor message of the tracker store (about a second on a large
one) and the navigation is on every page, so each process counts at most once a minute
and shows the last count meanwhile: the first page after the minute counts, pages shown
while it counts show the previous number. A review made in this process takes one off
the number at once; reviews made in other processes show at the next count.

The count is kept per database (the settings' URLs), so a process whose settings change
(the tests) never shows another database's number.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from bot import bootstrap
from bot.crm import read_scope
from bot.review import unreviewed_count
from bot.settings import get_settings

logger = logging.getLogger(__name__)
EVERY_S = 60.0


@dataclass
class _Count:
    key: tuple[str, str] | None = None  # the databases counted
    value: int | None = None
    at: float = float("-inf")  # time.monotonic() when counted
    counting: bool = False


_lock = threading.Lock()
_count = _Count()


def _databases() -> tuple[str, str]:
    settings = get_settings()
    return settings.crm_database_url, settings.tracker_store_url


def _counted() -> int | None:
    """A fresh count, on read-only connections of their own (never the request's: its
    transaction holds SQLite's write lock, and would not show a review it committed);
    None if the databases cannot be read."""
    try:
        with read_scope(bootstrap.crm_engine()) as session:
            return unreviewed_count(session, bootstrap.tracker_engine())
    except Exception:  # a missing number must never cost the page
        logger.exception("could not count the messages waiting for a review")
        return None


def unreviewed() -> int | None:
    """The number of messages waiting for a review, counted at most once a minute."""
    key, now = _databases(), time.monotonic()
    with _lock:
        if _count.key == key and (now - _count.at < EVERY_S or _count.counting):
            return _count.value
        if _count.key != key:
            _count.key, _count.value = key, None
        _count.counting = True
    value = None
    try:
        value = _counted()
    finally:
        with _lock:
            if _count.key == key:
                _count.value, _count.at, _count.counting = value, time.monotonic(), False
    return value


def one_less() -> None:
    """A message that waited was reviewed (and committed): count it off at once."""
    key = _databases()
    with _lock:
        if _count.key == key and _count.value:
            _count.value -= 1


def forget() -> None:
    """Count again on the next page (for tests)."""
    with _lock:
        _count.key, _count.value, _count.at, _count.counting = None, None, float("-inf"), False
