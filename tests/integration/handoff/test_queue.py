"""A handoff's life on SQLite and PostgreSQL: routing, claim, the rep's messages as inbox
rows, hand-back, the watcher for requests nobody took, and what live pages read."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm.handoff_tables import Handoff
from bot.crm.inbox import InboundMessage
from bot.handoff.config import HandoffConfig, Rep
from bot.handoff.queue import (
    HandoffRefused,
    claim,
    end,
    end_for,
    is_live,
    person_wrote,
    request,
    say,
)
from bot.handoff.routing import Audience, seen
from bot.handoff.service import tell_overdue

# Monday 7 December 2026, 15:00 UTC: 10:00 in New York, inside the hours below.
MONDAY = datetime(2026, 12, 7, 15, 0, tzinfo=timezone.utc)
WEEKDAYS_9_TO_5 = {day: (time(9), time(17)) for day in range(5)}


def config(**changes: object) -> HandoffConfig:
    values: dict[str, object] = {
        "time_zone": ZoneInfo("America/New_York"),
        "hours": WEEKDAYS_9_TO_5,
        "wait_for_rep": timedelta(minutes=3),
        "max_open_per_rep": 2,
    }
    values.update(changes)
    return HandoffConfig(**values)  # type: ignore[arg-type]


def ask(session: Session, conversation: str, now: datetime = MONDAY, **more: object):  # type: ignore[no-untyped-def]
    settings = more.pop("settings", None) or config()
    return request(
        session,
        settings,  # type: ignore[arg-type]
        conversation_id=conversation,
        channel=conversation.split(":")[0] if ":" in conversation else "webchat",
        reason="asked",
        now=now,
        **more,  # type: ignore[arg-type]
    )


def inbox_rows(session: Session, conversation: str) -> list[dict[str, object]]:
    rows = session.execute(
        select(InboundMessage.payload)
        .where(InboundMessage.conversation_id == conversation)
        .order_by(InboundMessage.id)
    ).scalars()
    return [dict(row["agent"]) for row in rows]


def test_a_request_with_a_rep_online_is_routed_and_a_second_one_joins_it(
    session: Session,
) -> None:
    seen(session, "ada", MONDAY - timedelta(seconds=10))
    first = ask(session, "web-1")
    again = ask(session, "web-1", MONDAY + timedelta(minutes=1))
    assert first.soon and not first.joined and first.handoff.routed_to == "ada"
    assert again.joined and again.handoff.id == first.handoff.id
    assert session.query(Handoff).count() == 1


def test_with_nobody_online_the_person_hears_when_someone_will_reply(session: Session) -> None:
    seen(session, "ada", MONDAY - timedelta(minutes=5))  # closed the inbox five minutes ago
    asked = ask(session, "web-1")
    assert not asked.soon and asked.handoff.routed_to is None
    assert asked.opening == MONDAY  # during hours: as soon as someone is free
    assert asked.handoff.waiting_told_at == MONDAY  # told now, so not again by the watcher


def test_outside_hours_the_opening_is_the_next_morning(session: Session) -> None:
    seen(session, "ada", MONDAY + timedelta(hours=10))
    asked = ask(session, "web-1", MONDAY + timedelta(hours=10))  # 20:00 in New York
    assert not asked.soon
    assert asked.opening == datetime(2026, 12, 8, 9, 0, tzinfo=ZoneInfo("America/New_York"))


def test_routing_takes_the_rep_holding_fewest_and_respects_the_cap(session: Session) -> None:
    for rep in ("ada", "bob"):
        seen(session, rep, MONDAY)
    for number in range(3):
        handoff = ask(session, f"web-{number}").handoff
        claim(session, handoff.id, agent="ada", now=MONDAY)
    assert ask(session, "web-new").handoff.routed_to == "bob"
    for number in range(2):
        claim(session, ask(session, f"web-b{number}").handoff.id, agent="bob", now=MONDAY)
    assert ask(session, "web-last").handoff.routed_to is None  # both at the cap of 2


def test_routing_follows_territories_languages_and_segments(session: Session) -> None:
    for rep in ("ada", "dieter"):
        seen(session, rep, MONDAY)
    reps = {"dieter": Rep(territories=frozenset({"DE"}), languages=frozenset({"de"}))}
    settings = config(reps=reps)
    german = Audience(territory="DE", language="de")
    assert ask(
        session, "sms:+4915112345678", settings=settings, audience=german
    ).handoff.routed_to in {
        "ada",
        "dieter",
    }
    claim(session, ask(session, "web-x", settings=settings).handoff.id, agent="ada", now=MONDAY)
    assert ask(session, "web-de", settings=settings, audience=german).handoff.routed_to == "dieter"
    assert (
        ask(session, "web-us", settings=settings, audience=Audience("US")).handoff.routed_to
        == "ada"
    )


def test_a_claimed_conversation_is_the_reps_and_their_messages_become_inbox_rows(
    session: Session,
) -> None:
    handoff = ask(session, "sms:+15550100").handoff
    claim(session, handoff.id, agent="ada", now=MONDAY)
    with pytest.raises(HandoffRefused, match="taken by ada"):
        claim(session, handoff.id, agent="bob", now=MONDAY)
    with pytest.raises(HandoffRefused, match="claim it first"):
        say(session, handoff.id, agent="bob", text="Hi!", now=MONDAY)
    for text in ("", "   ", "x" * 1601):
        with pytest.raises(HandoffRefused):
            say(session, handoff.id, agent="ada", text=text, now=MONDAY)
    say(session, handoff.id, agent="ada", text="Hi, I'm Ada from sales.", now=MONDAY)
    say(session, handoff.id, agent="ada", text="How can I help?", now=MONDAY + timedelta(seconds=5))
    rows = inbox_rows(session, "sms:+15550100")
    assert [(r["kind"], r["text"], r["key"]) for r in rows] == [
        ("reply", "Hi, I'm Ada from sales.", f"agent:{handoff.id}:1"),
        ("reply", "How can I help?", f"agent:{handoff.id}:2"),
    ]
    payload = session.execute(select(InboundMessage.payload)).scalars().first()
    assert payload is not None and payload["address"] == "+15550100"
    assert handoff.first_reply_at == MONDAY and handoff.replies == 2


def test_while_held_the_person_writing_marks_the_handoff_changed(session: Session) -> None:
    handoff = ask(session, "web-1").handoff
    assert person_wrote(session, "web-1", MONDAY + timedelta(seconds=1)) is None  # waiting
    claim(session, handoff.id, agent="ada", now=MONDAY)
    later = MONDAY + timedelta(seconds=30)
    assert person_wrote(session, "web-1", later) == "ada"
    assert handoff.changed_at == later
    assert person_wrote(session, "web-2", later) is None


def test_hand_back_resumes_the_bot_and_the_chat_stays_live_briefly(session: Session) -> None:
    handoff = ask(session, "web-1").handoff
    claim(session, handoff.id, agent="ada", now=MONDAY)
    assert is_live(session, "web-1", MONDAY)
    with pytest.raises(HandoffRefused, match="ada holds"):
        end(session, handoff.id, agent="bob", reason="handed_back", now=MONDAY)
    end(session, handoff.id, agent="ada", reason="handed_back", now=MONDAY)
    assert handoff.status == "ended" and handoff.end_reason == "handed_back"
    assert [r["kind"] for r in inbox_rows(session, "web-1")] == ["resume"]
    with pytest.raises(HandoffRefused, match="ended already"):
        end(session, handoff.id, agent="ada", reason="closed", now=MONDAY)
    assert is_live(session, "web-1", MONDAY + timedelta(seconds=29))
    assert not is_live(session, "web-1", MONDAY + timedelta(seconds=31))
    assert ask(session, "web-1", MONDAY + timedelta(minutes=1)).handoff.id != handoff.id


def test_closing_a_waiting_request_needs_no_bot_return(session: Session) -> None:
    handoff = ask(session, "web-1").handoff
    end(session, handoff.id, agent="ada", reason="closed", now=MONDAY)
    assert inbox_rows(session, "web-1") == []


def test_an_opt_out_ends_the_handoff(session: Session) -> None:
    handoff = ask(session, "web-1").handoff
    claim(session, handoff.id, agent="ada", now=MONDAY)
    assert end_for(session, "web-1", reason="opted_out", now=MONDAY)
    session.refresh(handoff)
    assert handoff.status == "ended" and handoff.end_reason == "opted_out"
    assert not end_for(session, "web-1", reason="opted_out", now=MONDAY)


def test_the_watcher_tells_a_waiting_person_once(session: Session) -> None:
    seen(session, "ada", MONDAY)
    handoff = ask(session, "web-1").handoff  # a rep was online: told "in a moment"
    settings = config()
    assert tell_overdue(session, settings, MONDAY + timedelta(minutes=2)) == 0
    assert tell_overdue(session, settings, MONDAY + timedelta(minutes=3)) == 1
    assert tell_overdue(session, settings, MONDAY + timedelta(minutes=10)) == 0
    [notice] = inbox_rows(session, "web-1")
    assert notice["kind"] == "notice" and notice["key"] == f"agent:{handoff.id}:overdue"
    assert notice["values"] == {"when": "as soon as someone is free"}


def test_the_watcher_leaves_claimed_conversations_alone(session: Session) -> None:
    seen(session, "ada", MONDAY)
    claim(session, ask(session, "web-1").handoff.id, agent="ada", now=MONDAY)
    assert tell_overdue(session, config(), MONDAY + timedelta(hours=1)) == 0
