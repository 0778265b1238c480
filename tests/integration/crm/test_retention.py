"""PARLEY_RETENTION_DAYS: what nobody touched since the cut-off is purged, on SQLite and
PostgreSQL; the suppression list and the funnel's counts of the purged period stay."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from bot.crm import (
    AuditEntry,
    Contact,
    Lead,
    is_suppressed,
    make_engine,
    record_inbound,
    session_scope,
    suppress,
    upgrade_to_head,
)
from bot.crm.funnel import form_drop_off, funnel
from bot.crm.handoff_tables import Handoff
from bot.crm.inbox import InboundMessage
from bot.crm.retention import purge_expired
from bot.crm.tables import FunnelArchive
from bot.stores.conversation_events import ConversationEvents
from tests.api.seed import capture, priya_slots, tracker_store

pytestmark = pytest.mark.integration

OLD = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
CUTOFF = datetime(2025, 1, 1, tzinfo=timezone.utc)
RECENT = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
PEPPER = b"pepper"


def conversation(
    sender_id: str, at: datetime, *, asked: str | None, trigger: str | None = "pricing-page"
) -> DialogueStateTracker:
    """A web chat visitor from a campaign, greeted by `trigger` (None: the default
    greeting); the lead form asks `asked` if given."""
    moment = at.timestamp()
    source = {"channel": "webchat", "utm_campaign": "spring", "trigger": trigger}
    metadata = {"source": {key: value for key, value in source.items() if value}}
    events: list[Any] = [
        ActionExecuted("action_listen", timestamp=moment),
        UserUttered(
            "hi", {"name": "greet"}, input_channel="webchat", metadata=metadata, timestamp=moment
        ),
    ]
    if asked:
        events += [
            ActiveLoop("lead_form", timestamp=moment + 1),
            SlotSet("requested_slot", asked, timestamp=moment + 2),
        ]
    return DialogueStateTracker.from_events(
        sender_id, events, slots=[AnySlot("requested_slot", mappings=[])]
    )


def reports(engine: Engine, start: datetime) -> Any:
    end = start + timedelta(days=1)
    with session_scope(engine) as session:
        events = ConversationEvents(session.connection())
        by_channel = funnel(session, events, start=start, end=end, group_by="channel")
        by_campaign = funnel(session, events, start=start, end=end, group_by="utm_campaign")
        by_trigger = funnel(session, events, start=start, end=end, group_by="trigger")
        drop_off = form_drop_off(session, events, start=start, end=end)
    return by_channel, by_campaign, by_trigger, drop_off


def count(engine: Engine, model: Any, *conditions: Any) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(model).where(*conditions)
        return int(session.scalar(query) or 0)


def test_old_data_goes_and_the_suppression_and_funnel_counts_stay(
    empty_database_url: str,
) -> None:
    upgrade_to_head(empty_database_url)
    engine = make_engine(empty_database_url)
    store = tracker_store(empty_database_url)
    for sender, at, asked, trigger in (
        ("old-lead", OLD, "email", "pricing-page"),
        ("old-left", OLD + timedelta(minutes=5), "budget", "pricing-page"),
        ("old-browsed", OLD + timedelta(minutes=9), None, None),
        ("recent", RECENT, "budget", "pricing-page"),
    ):
        asyncio.run(store.save(conversation(sender, at, asked=asked, trigger=trigger)))
    store.engine.dispose()
    capture(engine, priya_slots(), "old-lead", "webchat", OLD)
    capture(engine, priya_slots() | {"email": "kim@acme.io"}, "recent", "webchat", RECENT)
    with session_scope(engine) as session:
        session.execute(update(Contact).values(updated_at=OLD))  # the recent lead is new
        for sender in ("old-lead", "recent"):
            record_inbound(
                session,
                channel="webchat",
                external_id=f"m-{sender}",
                conversation_id=sender,
                payload={"text": "hi"},
            )
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.conversation_id == "old-lead")
            .values(status="processed", received_at=OLD)
        )
        suppress(session, kind="email", value="Priya.Patel@Globex.com", reason="x", pepper=PEPPER)
        session.add(  # a sales rep wrote in the old lead's conversation
            Handoff(
                conversation_id="old-lead",
                channel="webchat",
                reason="asked",
                status="ended",
                agent="rosa",
                requested_at=OLD,
                first_reply_at=OLD,
                changed_at=OLD,
            )
        )
    day = OLD.replace(hour=0, minute=0)
    before = reports(engine, day)
    assert before[0].total.stages[0].count == 3
    assert before[0].total.talked_to_person == 1
    by_trigger = {row.group: row.stages[0].count for row in before[2].groups}
    assert by_trigger == {"pricing-page": 2, "(none)": 1}

    with session_scope(engine) as session:
        purged = purge_expired(session, ConversationEvents(session.connection()), cutoff=CUTOFF)
    assert purged is not None
    assert purged["conversations"] == 3 and purged["funnel_archive"] == 3
    assert purged["leads"] == 1 and purged["inbound_messages"] == 1
    assert purged["handoffs"] == 1

    assert reports(engine, day) == before  # the funnel of the purged day is unchanged
    with session_scope(engine) as session:
        assert sorted(session.scalars(select(FunnelArchive.trigger))) == [
            "(none)",
            "pricing-page",
            "pricing-page",
        ]
    assert count(engine, Lead) == 1  # the recent one
    assert count(engine, Contact) == 1
    assert count(engine, InboundMessage) == 1
    with session_scope(engine) as session:
        events = ConversationEvents(session.connection())
        assert [e["conversation_id"] for e in events.events(["old-lead", "recent"])][:1] == [
            "recent"
        ]
        assert is_suppressed(session, kind="email", value="priya.patel@globex.com", pepper=PEPPER)
        audit = session.scalars(select(AuditEntry.action)).all()
        assert "retention.purged" in audit
        again = purge_expired(session, events, cutoff=CUTOFF)
    assert again is not None and not any(again.values())
    engine.dispose()
