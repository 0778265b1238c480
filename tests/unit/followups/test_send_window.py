from __future__ import annotations

import io
import struct
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.followups.send_window import (
    SendWindows,
    Window,
    next_allowed,
    next_weekday_time,
    recipient_zones,
    us_state,
)

UTC = timezone.utc
NEW_YORK = ZoneInfo("America/New_York")
TCPA = Window(time(8, 0), time(21, 0))
WINDOWS = SendWindows.parse("08:00-21:00", "FL=08:00-20:00")

MIAMI = "+13055550100"  # geocoder: "Florida", zone America/New_York
MANHATTAN = "+12125550100"  # "New York, NY", America/New_York
SAN_FRANCISCO = "+14155550100"  # "San Francisco, CA", America/Los_Angeles
ALASKA = "+19075550100"  # "Alaska", America/Adak and America/Anchorage
RUSSIAN_MOBILE = "+79161234567"  # 16 zones, Europe/Bucharest (UTC+2) to Asia/Anadyr (UTC+12)
TOLL_FREE = "+18005550100"  # 42 zones, Pacific/Guam to Pacific/Pago_Pago


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    """A wall-clock time in `zone`, as the UTC moment it happens."""
    return datetime(*args, tzinfo=zone, fold=fold).astimezone(UTC)


def posix_zone(rule: str) -> ZoneInfo:
    """A zone that follows a POSIX TZ rule, for clock changes no real zone makes."""

    def header() -> bytes:  # TZif v2; counts: isut, isstd, leap, transitions, types, chars
        return b"TZif2" + bytes(15) + struct.pack(">6l", 0, 0, 0, 0, 1, 4)

    body = struct.pack(">lBB", -5 * 3600, 0, 0) + b"XST\0"
    data = header() + body + header() + body + b"\n" + rule.encode() + b"\n"
    return ZoneInfo.from_file(io.BytesIO(data), key=rule)


def brute_force(now: datetime, zones: tuple[ZoneInfo, ...], window: Window) -> datetime:
    def inside(moment: datetime) -> bool:
        return all(window.contains(moment.astimezone(zone).time()) for zone in zones)

    if inside(now):
        return now
    moment = now.replace(second=0, microsecond=0)
    while moment < now or not inside(moment):
        moment += timedelta(minutes=1)
    return moment


# --- Window and SendWindows -------------------------------------------------------------------


def test_a_window_reads_start_and_end() -> None:
    assert Window.parse("08:00-21:00") == TCPA
    assert Window.parse(" 8:30 - 20:00 ") == Window(time(8, 30), time(20, 0))


@pytest.mark.parametrize(
    "text",
    ["", "08:00", "8-21", "08:00-21:00-22:00", "08:00 to 21:00", "24:00-25:00", "08:60-21:00"],
)
def test_a_window_rejects_what_is_not_two_times(text: str) -> None:
    with pytest.raises(ValueError, match=r"08:00-21:00|not a time of day"):
        Window.parse(text)


@pytest.mark.parametrize("text", ["21:00-08:00", "08:00-08:00"])
def test_a_window_must_start_before_it_ends(text: str) -> None:
    with pytest.raises(ValueError, match="start before it ends"):
        Window.parse(text)


def test_send_windows_read_the_default_and_the_states() -> None:
    windows = SendWindows.parse("08:00-21:00", " fl=08:00-20:00 , OK=08:00-21:00,")
    assert windows.default == TCPA
    assert dict(windows.by_state) == {
        "FL": Window(time(8), time(20)),
        "OK": Window(time(8), time(21)),
    }
    assert SendWindows.parse("08:00-21:00", "") == SendWindows()


@pytest.mark.parametrize(
    ("states", "named"),
    [
        ("FL", "'FL'"),
        ("FL:08:00-20:00", "'FL:08:00-20:00'"),
        ("XX=08:00-20:00", "'XX'"),
        ("Florida=08:00-20:00", "'FLORIDA'"),
        ("FL=08:00-20:00,OK=8am-9pm", "'OK=8am-9pm'"),
        ("FL=20:00-08:00", "'FL=20:00-08:00'"),
        ("FL=08:00-20:00,FL=09:00-20:00", "'FL=09:00-20:00'"),
        ("FL=07:00-20:00", "'FL=07:00-20:00'"),
        ("FL=08:00-22:00", "'FL=08:00-22:00'"),
    ],
)
def test_send_windows_name_the_bad_part(states: str, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        SendWindows.parse("08:00-21:00", states)


def test_send_windows_reject_a_bad_default() -> None:
    with pytest.raises(ValueError, match="'9-5'"):
        SendWindows.parse("9-5", "")


@pytest.mark.parametrize(
    ("description", "state"),
    [
        ("Florida", "FL"),
        ("Miami, FL", "FL"),
        ("New York, NY", "NY"),
        ("New York", "NY"),
        ("Washington State", "WA"),
        ("Washington D.C.", "DC"),
        ("San Francisco, CA", "CA"),
        ("Ontario", None),
        ("Toronto, ON", None),
        ("", None),
    ],
)
def test_the_state_comes_from_the_geocoder_description(description: str, state: str | None) -> None:
    assert us_state(description) == state


def test_a_state_window_applies_to_numbers_of_that_state_only() -> None:
    florida = Window(time(8), time(20))
    assert WINDOWS.window_for(MIAMI) == florida
    assert WINDOWS.window_for("+1 305-555-0100") == florida
    assert WINDOWS.window_for(MANHATTAN) == TCPA
    assert WINDOWS.window_for(TOLL_FREE) == TCPA
    assert WINDOWS.window_for("+16135550100") == TCPA  # Ontario, Canada
    assert WINDOWS.window_for(None) == TCPA
    assert WINDOWS.window_for("not a phone") == TCPA


# --- recipient_zones ------------------------------------------------------------------------


def test_a_number_has_the_zones_phonenumbers_gives_it() -> None:
    assert recipient_zones(MIAMI, fallback="UTC") == (NEW_YORK,)
    assert recipient_zones(SAN_FRANCISCO, fallback="UTC") == (ZoneInfo("America/Los_Angeles"),)
    assert recipient_zones(ALASKA, fallback="UTC") == (
        ZoneInfo("America/Adak"),
        ZoneInfo("America/Anchorage"),
    )
    assert len(recipient_zones(RUSSIAN_MOBILE, fallback="UTC")) == 16
    assert len(recipient_zones(TOLL_FREE, fallback="UTC")) == 42


@pytest.mark.parametrize("phone", [None, "", "garbage", "12125550100", "+1212", "+15555550100"])
def test_an_unknown_number_gets_the_fallback_zone(phone: str | None) -> None:
    assert recipient_zones(phone, fallback="Europe/Berlin") == (ZoneInfo("Europe/Berlin"),)


def test_an_unknown_number_is_held_to_the_fallback_zones_hours() -> None:
    zones = recipient_zones("garbage", fallback="Europe/Berlin")
    # 21:30 in Berlin (UTC+1 in January): the next morning at 08:00.
    assert next_allowed(utc(2026, 1, 15, 20, 30), zones=zones, window=TCPA) == utc(2026, 1, 16, 7)


# --- next_allowed ---------------------------------------------------------------------------


def test_inside_the_window_the_send_goes_now() -> None:
    now = local(NEW_YORK, 2026, 6, 10, 14, 7, 33, 12)
    assert next_allowed(now, zones=(NEW_YORK,), window=TCPA) is now


def test_the_window_opens_at_its_start_exactly() -> None:
    now = local(NEW_YORK, 2026, 6, 10, 8, 0)
    assert next_allowed(now, zones=(NEW_YORK,), window=TCPA) == now


def test_the_end_of_the_window_is_outside_it() -> None:
    now = local(NEW_YORK, 2026, 6, 10, 21, 0)
    assert next_allowed(now, zones=(NEW_YORK,), window=TCPA) == local(NEW_YORK, 2026, 6, 11, 8)
    last = local(NEW_YORK, 2026, 6, 10, 20, 59, 59, 999999)
    assert next_allowed(last, zones=(NEW_YORK,), window=TCPA) == last


def test_just_before_the_window_waits_for_the_whole_minute() -> None:
    now = local(NEW_YORK, 2026, 6, 10, 7, 59, 30)
    allowed = next_allowed(now, zones=(NEW_YORK,), window=TCPA)
    assert allowed == local(NEW_YORK, 2026, 6, 10, 8, 0, 0)
    assert (allowed.second, allowed.microsecond) == (0, 0)
    assert allowed.tzinfo == UTC


def test_after_midnight_waits_for_the_same_mornings_window() -> None:
    now = local(NEW_YORK, 2026, 6, 10, 0, 15)
    assert next_allowed(now, zones=(NEW_YORK,), window=TCPA) == local(NEW_YORK, 2026, 6, 10, 8)


def test_a_florida_number_waits_when_a_new_york_one_does_not() -> None:
    # Both in America/New_York; 20:30 local is past Florida's 20:00 but before 21:00.
    now = local(NEW_YORK, 2026, 6, 10, 20, 30)
    miami = next_allowed(
        now, zones=recipient_zones(MIAMI, fallback="UTC"), window=WINDOWS.window_for(MIAMI)
    )
    manhattan = next_allowed(
        now, zones=recipient_zones(MANHATTAN, fallback="UTC"), window=WINDOWS.window_for(MANHATTAN)
    )
    assert miami == local(NEW_YORK, 2026, 6, 11, 8)
    assert manhattan == now


def test_a_number_with_two_zones_gets_only_their_common_hours() -> None:
    zones = recipient_zones(ALASKA, fallback="UTC")
    anchorage = ZoneInfo("America/Anchorage")
    # Adak is an hour behind Anchorage: 08:30 in Anchorage is 07:30 in Adak.
    now = local(anchorage, 2026, 1, 15, 8, 30)
    assert next_allowed(now, zones=zones, window=TCPA) == local(anchorage, 2026, 1, 15, 9)
    # 20:59 in Anchorage is 19:59 in Adak; 21:00 in Anchorage is closed.
    late = local(anchorage, 2026, 1, 15, 20, 59)
    assert next_allowed(late, zones=zones, window=TCPA) == late
    closed = local(anchorage, 2026, 1, 15, 21)
    assert next_allowed(closed, zones=zones, window=TCPA) == local(anchorage, 2026, 1, 16, 9)


def test_a_number_across_russia_gets_the_three_hours_all_its_zones_share() -> None:
    zones = recipient_zones(RUSSIAN_MOBILE, fallback="UTC")
    # January: Europe/Bucharest is UTC+2 (08:00 = 06:00 UTC), Asia/Anadyr and
    # Asia/Kamchatka UTC+12 (21:00 = 09:00 UTC).
    assert next_allowed(utc(2026, 1, 15, 12), zones=zones, window=TCPA) == utc(2026, 1, 16, 6)
    assert next_allowed(utc(2026, 1, 16, 8, 59), zones=zones, window=TCPA) == utc(
        2026, 1, 16, 8, 59
    )
    assert next_allowed(utc(2026, 1, 16, 9), zones=zones, window=TCPA) == utc(2026, 1, 17, 6)


def test_a_toll_free_number_gets_the_hours_its_42_zones_share() -> None:
    zones = recipient_zones(TOLL_FREE, fallback="UTC")
    # In January Guam (UTC+10) opens at 22:00 UTC and St. John's (UTC-3:30) closes at 00:30.
    assert next_allowed(utc(2026, 1, 14, 12), zones=zones, window=TCPA) == utc(2026, 1, 14, 22)
    assert next_allowed(utc(2026, 1, 15, 0, 29), zones=zones, window=TCPA) == utc(
        2026, 1, 15, 0, 29
    )
    assert next_allowed(utc(2026, 1, 15, 0, 30), zones=zones, window=TCPA) == utc(2026, 1, 15, 22)
    # In July St. John's is on UTC-2:30 and closes at 23:30 UTC.
    assert next_allowed(utc(2026, 7, 14, 23, 30), zones=zones, window=TCPA) == utc(2026, 7, 15, 22)


def test_zones_with_no_common_minute_are_an_error() -> None:
    zones = (ZoneInfo("Etc/GMT+8"), ZoneInfo("UTC"), ZoneInfo("Etc/GMT-8"))
    with pytest.raises(ValueError, match="no minute within 8 days"):
        next_allowed(utc(2026, 1, 15, 12), zones=zones, window=TCPA)


def test_next_allowed_needs_an_aware_now_and_a_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_allowed(datetime(2026, 1, 15, 12), zones=(NEW_YORK,), window=TCPA)
    with pytest.raises(ValueError, match="at least one"):
        next_allowed(utc(2026, 1, 15, 12), zones=(), window=TCPA)


def test_an_aware_now_in_another_zone_is_answered_in_utc() -> None:
    now = datetime(2026, 6, 10, 22, 0, tzinfo=NEW_YORK)
    allowed = next_allowed(now, zones=(NEW_YORK,), window=TCPA)
    assert allowed == local(NEW_YORK, 2026, 6, 11, 8)
    assert allowed.tzinfo == UTC


def test_the_spring_forward_day_opens_at_8_daylight_time() -> None:
    # 2026-03-08: New York goes from 02:00 EST (UTC-5) to 03:00 EDT (UTC-4) at 07:00 UTC.
    evening_before = utc(2026, 3, 8, 2, 30)  # 21:30 EST on the 7th
    assert next_allowed(evening_before, zones=(NEW_YORK,), window=TCPA) == utc(2026, 3, 8, 12)
    in_the_gap = utc(2026, 3, 8, 7)  # 03:00 EDT
    assert next_allowed(in_the_gap, zones=(NEW_YORK,), window=TCPA) == utc(2026, 3, 8, 12)
    # ...and closes at 21:00 EDT, 01:00 UTC.
    assert next_allowed(utc(2026, 3, 9, 0, 59), zones=(NEW_YORK,), window=TCPA) == utc(
        2026, 3, 9, 0, 59
    )
    assert next_allowed(utc(2026, 3, 9, 1), zones=(NEW_YORK,), window=TCPA) == utc(2026, 3, 9, 12)


def test_the_fall_back_day_opens_at_8_standard_time() -> None:
    # 2026-11-01: New York goes from 02:00 EDT (UTC-4) back to 01:00 EST (UTC-5) at 06:00 UTC.
    first_one_thirty = utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    second_one_thirty = utc(2026, 11, 1, 6, 30)  # 01:30 EST
    assert next_allowed(first_one_thirty, zones=(NEW_YORK,), window=TCPA) == utc(2026, 11, 1, 13)
    assert next_allowed(second_one_thirty, zones=(NEW_YORK,), window=TCPA) == utc(2026, 11, 1, 13)
    # ...and closes at 21:00 EST, 02:00 UTC.
    assert next_allowed(utc(2026, 11, 2, 1, 59), zones=(NEW_YORK,), window=TCPA) == utc(
        2026, 11, 2, 1, 59
    )
    assert next_allowed(utc(2026, 11, 2, 2), zones=(NEW_YORK,), window=TCPA) == utc(2026, 11, 2, 13)


def test_a_window_start_the_clocks_skip_opens_when_they_jump() -> None:
    # Clocks jump from 07:30 XST (UTC-5) to 08:30 XDT (UTC-4): 08:00 never happens that day.
    zone = posix_zone("XST5XDT,M3.2.0/7:30,M11.1.0/2")
    assert next_allowed(utc(2027, 3, 14, 11), zones=(zone,), window=TCPA) == utc(
        2027, 3, 14, 12, 30
    )


def test_a_fall_back_past_the_window_end_reopens_the_window() -> None:
    # Clocks fall back from 21:30 XDT (UTC-4) to 20:30 XST (UTC-5): 20:30-21:00 happens twice.
    zone = posix_zone("XST5XDT,M3.2.0/2,M11.1.0/21:30")
    after_nine = utc(2027, 11, 8, 1, 10)  # 21:10 XDT on the 7th
    assert next_allowed(after_nine, zones=(zone,), window=TCPA) == utc(2027, 11, 8, 1, 30)


@pytest.mark.parametrize(
    "zones",
    [
        ("America/New_York",),
        ("America/Adak", "America/Anchorage"),
        ("Australia/Lord_Howe", "Australia/Perth", "Indian/Cocos"),
        ("Pacific/Apia", "Pacific/Kiritimati", "America/Santiago"),
        ("Europe/London", "America/Sao_Paulo", "Asia/Kolkata"),
    ],
)
def test_next_allowed_agrees_with_checking_every_minute(zones: tuple[str, ...]) -> None:
    infos = tuple(ZoneInfo(name) for name in zones)
    window = Window(time(8, 0), time(20, 45))
    # Around the 2026 spring-forward and fall-back days of both hemispheres.
    for start in (utc(2026, 3, 6), utc(2026, 4, 3), utc(2026, 9, 25), utc(2026, 10, 30)):
        for step in range(0, 4 * 24 * 60, 97):
            now = start + timedelta(minutes=step, seconds=step % 60)
            assert next_allowed(now, zones=infos, window=window) == brute_force(now, infos, window)


# --- next_weekday_time ----------------------------------------------------------------------

WORKDAYS = frozenset(range(5))
TEN = time(10, 0)


def test_a_friday_after_ten_waits_for_monday() -> None:
    friday = local(NEW_YORK, 2026, 1, 9, 11, 0)  # 2026-01-09 is a Friday
    monday = next_weekday_time(friday, zone=NEW_YORK, weekdays=WORKDAYS, at=TEN)
    assert monday == local(NEW_YORK, 2026, 1, 12, 10, 0) == utc(2026, 1, 12, 15)
    assert monday.tzinfo == UTC


def test_a_friday_before_ten_waits_for_ten_that_day() -> None:
    friday = local(NEW_YORK, 2026, 1, 9, 9, 0)
    assert next_weekday_time(friday, zone=NEW_YORK, weekdays=WORKDAYS, at=TEN) == local(
        NEW_YORK, 2026, 1, 9, 10
    )


def test_the_time_itself_is_not_after_itself() -> None:
    tuesday = local(NEW_YORK, 2026, 1, 13, 10, 0)
    assert next_weekday_time(tuesday, zone=NEW_YORK, weekdays=WORKDAYS, at=TEN) == local(
        NEW_YORK, 2026, 1, 14, 10
    )


def test_the_weekday_is_the_recipients_not_utcs() -> None:
    # Friday 22:00 in Los Angeles is already Saturday in UTC.
    los_angeles = ZoneInfo("America/Los_Angeles")
    friday_night = local(los_angeles, 2026, 1, 9, 22)
    assert next_weekday_time(
        friday_night, zone=los_angeles, weekdays=frozenset({5}), at=TEN
    ) == local(los_angeles, 2026, 1, 10, 10)


def test_a_skipped_local_time_becomes_the_jump() -> None:
    # 02:30 on Sunday 2026-03-08 does not exist in New York: the clocks jump at 07:00 UTC.
    saturday = utc(2026, 3, 7, 12)
    sunday = next_weekday_time(saturday, zone=NEW_YORK, weekdays=frozenset({6}), at=time(2, 30))
    assert sunday == utc(2026, 3, 8, 7)


def test_a_repeated_local_time_counts_both_times() -> None:
    # 01:30 on Sunday 2026-11-01 happens in New York at 05:30 UTC (EDT) and 06:30 UTC (EST).
    sunday = frozenset({6})
    saturday = utc(2026, 10, 31, 12)
    assert next_weekday_time(saturday, zone=NEW_YORK, weekdays=sunday, at=time(1, 30)) == utc(
        2026, 11, 1, 5, 30
    )
    between = utc(2026, 11, 1, 5, 45)
    assert next_weekday_time(between, zone=NEW_YORK, weekdays=sunday, at=time(1, 30)) == utc(
        2026, 11, 1, 6, 30
    )


@pytest.mark.parametrize("weekdays", [frozenset(), frozenset({7}), frozenset({-1, 0})])
def test_weekdays_must_be_some_of_monday_to_sunday(weekdays: frozenset[int]) -> None:
    with pytest.raises(ValueError, match="weekdays"):
        next_weekday_time(utc(2026, 1, 9, 12), zone=NEW_YORK, weekdays=weekdays, at=TEN)
