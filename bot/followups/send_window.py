"""When a marketing follow-up may be sent to a recipient. Pure: no I/O.

US telemarketing rules (TCPA) allow marketing messages only between 08:00 and 21:00 in the
recipient's local time, which is derived here from their phone number; some states are
stricter (Florida: 08:00-20:00), so per-state windows can be configured on top of the
default one. A send that falls outside the window is deferred to the next allowed whole
minute: it is never dropped and never sent early. A number that spans several time zones
(a toll-free number, an Alaskan or a Russian mobile) may only be messaged at the minutes
allowed in every one of its zones, since the recipient could be in any of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_timezone

_UTC = timezone.utc
_SECOND = timedelta(seconds=1)
_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)  # no zone changes its UTC offset twice within an hour
_HORIZON = timedelta(days=8)

_WINDOW = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")

_STATES = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "District of Columbia": "DC",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
    # The spellings phonenumbers' geocoder uses besides the plain names above.
    "Washington State": "WA",
    "Washington D.C.": "DC",
}
_STATE_CODES = frozenset(_STATES.values())


@dataclass(frozen=True)
class Window:
    """A daily span of local time in which messages may be sent: [start, end)."""

    start: time  # inclusive
    end: time  # exclusive: a send at exactly `end` is outside

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(
                f"a send window must start before it ends, got {self.start:%H:%M}-{self.end:%H:%M}"
            )

    @classmethod
    def parse(cls, text: str) -> Window:
        """Read "HH:MM-HH:MM" (24-hour clock, e.g. "08:00-21:00")."""
        match = _WINDOW.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"a send window looks like 08:00-21:00, got {text!r}")
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        for hour, minute in ((start_h, start_m), (end_h, end_m)):
            if hour > 23 or minute > 59:
                raise ValueError(f"{hour:02d}:{minute:02d} is not a time of day in {text!r}")
        return cls(time(start_h, start_m), time(end_h, end_m))

    def contains(self, local: time) -> bool:
        """Whether a local time of day is inside the window."""
        return self.start <= local < self.end


TCPA_WINDOW = Window(time(8, 0), time(21, 0))


@dataclass(frozen=True)
class SendWindows:
    """The default send window and the stricter windows of some US states."""

    default: Window = TCPA_WINDOW
    by_state: Mapping[str, Window] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def parse(cls, default: str, states: str) -> SendWindows:
        """Read a default window and "FL=08:00-20:00,OK=08:00-21:00" ("" for none).

        A state's window must lie within the default one: it may only be stricter.
        """
        default_window = Window.parse(default)
        by_state: dict[str, Window] = {}
        for part in states.split(","):
            if not part.strip():
                continue
            code, sep, text = part.partition("=")
            code = code.strip().upper()
            if not sep:
                raise ValueError(f"a state window looks like FL=08:00-20:00, got {part.strip()!r}")
            if code not in _STATE_CODES:
                raise ValueError(f"{code!r} is not a US state code in {part.strip()!r}")
            if code in by_state:
                raise ValueError(f"{code} has two send windows, the second is {part.strip()!r}")
            try:
                window = Window.parse(text)
            except ValueError as error:
                raise ValueError(f"bad send window {part.strip()!r}: {error}") from None
            if window.start < default_window.start or window.end > default_window.end:
                raise ValueError(
                    f"{part.strip()!r} is wider than the default window {default.strip()!r}:"
                    " a state's window may only be stricter"
                )
            by_state[code] = window
        return cls(default=default_window, by_state=MappingProxyType(by_state))

    def window_for(self, phone: str | None) -> Window:
        """The window of the phone's US state if one is configured, else the default."""
        number = _parse(phone)
        if number is None or phonenumbers.region_code_for_number(number) != "US":
            return self.default
        # Imported here: the place names are large, and only the follow-up engine needs them.
        from phonenumbers import geocoder

        state = us_state(geocoder.description_for_number(number, "en"))
        return self.by_state.get(state, self.default) if state else self.default


def us_state(description: str) -> str | None:
    """The 2-letter state code in a US geocoder description ("Florida", "Miami, FL")."""
    name = description.strip()
    if name in _STATES:
        return _STATES[name]
    tail = name.rpartition(",")[2].strip()
    return tail if tail in _STATE_CODES else None


def recipient_zones(phone: str | None, *, fallback: str) -> tuple[ZoneInfo, ...]:
    """All the time zones of an E.164 number, or just `fallback` when they are unknown."""
    number = _parse(phone)
    names = phone_timezone.time_zones_for_number(number) if number is not None else ()
    zones = []
    for name in names:
        if name == phone_timezone.UNKNOWN_TIMEZONE:
            continue
        try:
            zones.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            continue  # a zone this machine's time zone database does not have
    return tuple(zones) or (ZoneInfo(fallback),)


def next_allowed(now: datetime, *, zones: Sequence[ZoneInfo], window: Window) -> datetime:
    """`now` if it is inside `window` in every zone, else the first whole minute after that is.

    Raises ValueError when no such minute comes within 8 days (zones too far apart).
    """
    if not zones:
        raise ValueError("next_allowed needs at least one time zone")
    now = _as_utc(now)
    if _allowed(now, zones, window):
        return now
    first = _ceil_minute(now)
    last = first + _HORIZON
    # The first allowed minute is one at which some zone's window opens (or `first` itself):
    # check just those, in order, instead of every minute of the 8 days.
    candidates = {first}
    for zone in zones:
        candidates.update(_ceil_minute(opening) for opening in _openings(zone, window, first, last))
    for candidate in sorted(candidates):
        if _allowed(candidate, zones, window):
            return candidate
    names = ", ".join(str(zone) for zone in zones)
    raise ValueError(
        f"no minute within 8 days of {now:%Y-%m-%d %H:%M} UTC is inside"
        f" {window.start:%H:%M}-{window.end:%H:%M} in all of {names}"
    )


def next_weekday_time(
    now: datetime, *, zone: ZoneInfo, weekdays: frozenset[int], at: time
) -> datetime:
    """The first UTC moment after `now` at which it is `at` in `zone` on one of `weekdays`.

    Weekdays count from 0 = Monday to 6 = Sunday. A local time that a clock change skips
    becomes the moment the clocks jump past it; one that happens twice counts twice.
    """
    if not weekdays or not weekdays <= set(range(7)):
        raise ValueError(f"weekdays must be a non-empty set of 0 (Monday) to 6, got {weekdays}")
    now = _as_utc(now)
    today = now.astimezone(zone).date()
    for days in range(9):
        day = today + timedelta(days=days)
        if day.weekday() not in weekdays:
            continue
        for moment in _moments(zone, day, at):
            if moment > now:
                return moment
    raise AssertionError("every weekday comes within 9 days")  # pragma: no cover


def _parse(phone: str | None) -> phonenumbers.PhoneNumber | None:
    if not phone:
        return None
    try:
        return phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {moment.isoformat()}")
    return moment.astimezone(_UTC)


def _ceil_minute(moment: datetime) -> datetime:
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + _MINUTE


def _allowed(moment: datetime, zones: Sequence[ZoneInfo], window: Window) -> bool:
    return all(window.contains(moment.astimezone(zone).time()) for zone in zones)


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset
    return offset


def _change(zone: ZoneInfo, after: datetime, until: datetime) -> datetime:
    """The moment in (after, until] at which the zone's offset changes (there is one)."""
    before = _offset(zone, after)
    while until - after > _SECOND:
        middle = after + (until - after) / 2
        if _offset(zone, middle) == before:
            after = middle
        else:
            until = middle
    # Offsets change at whole seconds, and (after, after + 1 s] holds exactly one.
    return after.replace(microsecond=0) + _SECOND


def _spans(
    zone: ZoneInfo, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime, timedelta]]:
    """Split [start, end) into (from, to, UTC offset) spans over which the offset holds."""
    span_start, offset = start, _offset(zone, start)
    moment = start
    while moment < end:
        step = min(moment + _HOUR, end)
        if _offset(zone, step) == offset:
            moment = step
            continue
        moment = _change(zone, moment, step)
        yield span_start, moment, offset
        span_start, offset = moment, _offset(zone, moment)
    yield span_start, end, offset


def _openings(zone: ZoneInfo, window: Window, start: datetime, end: datetime) -> Iterator[datetime]:
    """The moments in [start, end) at which the window opens in the zone.

    Within a span of constant offset it opens when the local clock reaches `window.start`;
    it may also open at `start` or at a clock change (a spring-forward past `window.start`,
    a fall-back from after `window.end`).
    """
    for span_start, span_end, offset in _spans(zone, start, end):
        if window.contains((span_start + offset).time()):
            yield span_start
        day = (span_start + offset).date()
        while day <= (span_end + offset).date():
            opening = datetime.combine(day, window.start, tzinfo=_UTC) - offset
            if span_start < opening < span_end:
                yield opening
            day += timedelta(days=1)


def _moments(zone: ZoneInfo, day: date, at: time) -> list[datetime]:
    """The UTC moments at which the clock in `zone` reads `at` on `day`, in order.

    None exist when a clock change skips `at`: then the moment it is skipped stands in.
    """
    wall = datetime.combine(day, at)
    earlier = wall.replace(tzinfo=zone, fold=0).astimezone(_UTC)
    later = wall.replace(tzinfo=zone, fold=1).astimezone(_UTC)
    if earlier.astimezone(zone).replace(tzinfo=None) == wall:
        return sorted({earlier, later})
    # In a gap fold=0 reads the wall time with the offset before the change, fold=1 with
    # the one after, so the change lies between the two.
    return [_change(zone, min(earlier, later), max(earlier, later))]
