"""The period of a report that looks back from today: the last 7, 30 or 90 days (UTC),
chosen with `?days=` so a report can be bookmarked and shared. The funnel, which compares
any two dates, has its own (`bot.console.funnel_routes.Period`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from bot.console.pages import clean_text

CHOICES = (7, 30, 90)
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class RecentDays:
    """The last `days` days up to and including `last` (today), and what was wrong with
    the input."""

    days: int
    last: date
    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, days: str | None, *, today: date | None = None) -> RecentDays:
        last = today or datetime.now(timezone.utc).date()
        text = clean_text(days)
        if not text:
            return cls(DEFAULT_DAYS, last)
        if text.isdigit() and int(text) in CHOICES:
            return cls(int(text), last)
        choices = ", ".join(str(choice) for choice in CHOICES[:-1]) + f" or {CHOICES[-1]}"
        problem = f"A report covers the last {choices} days; showing {DEFAULT_DAYS}."
        return cls(DEFAULT_DAYS, last, (problem,))

    @property
    def first(self) -> date:
        return self.last - timedelta(days=self.days - 1)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: from the first day's midnight to the midnight after the last."""
        start = datetime.combine(self.first, time.min, tzinfo=timezone.utc)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=timezone.utc)
        return start, end
