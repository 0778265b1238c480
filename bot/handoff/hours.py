"""Business hours in the team's time zone: whether the team is in, and when it next is.

What the bot tells a person outside them ("someone will reply when we open, Monday at
9:00 New York time") comes from `next_opening`, so it is never a promise the team's
hours cannot keep.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.handoff.config import HandoffConfig

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def is_open(config: HandoffConfig, now: datetime) -> bool:
    local = now.astimezone(config.time_zone)
    span = config.hours.get(local.weekday())
    return span is not None and span[0] <= local.time() < span[1]


def next_opening(config: HandoffConfig, now: datetime) -> datetime | None:
    """The next moment the team is in (`now` itself when it is); None when no day has
    opening hours."""
    if is_open(config, now):
        return now
    local = now.astimezone(config.time_zone)
    for ahead in range(8):
        day = local.date() + timedelta(days=ahead)
        span = config.hours.get(day.weekday())
        if span is None:
            continue
        opening = datetime.combine(day, span[0], tzinfo=config.time_zone)
        if opening > local:
            return opening
    return None


def _clock(moment: time) -> str:
    text = moment.strftime("%I:%M %p").lstrip("0")
    return text.replace(":00 ", " ")


def describe_opening(config: HandoffConfig, opening: datetime, now: datetime) -> str:
    """ "today at 2 PM", "tomorrow at 9 AM" or "Monday at 9 AM", with the zone's city."""
    local_now = now.astimezone(config.time_zone)
    ahead = (opening.date() - local_now.date()).days
    day = "today" if ahead == 0 else "tomorrow" if ahead == 1 else DAY_NAMES[opening.weekday()]
    city = str(config.time_zone.key).split("/")[-1].replace("_", " ")
    return f"{day} at {_clock(opening.timetz())} {city} time"
