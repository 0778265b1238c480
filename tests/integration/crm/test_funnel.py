"""The funnel report over Rasa's own tracker store and the CRM, on SQLite and PostgreSQL.

The tracker store is always a database apart from the CRM (a second SQLite file, or a
second PostgreSQL schema), so the report cannot lean on a join across the two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.crm import ConsentEvent, enqueue_delivery, upsert_contact
from bot.crm.funnel import STAGES, form_drop_off, funnel
from bot.crm.handoff_tables import Handoff
from bot.leads.form import QUESTIONS
from bot.stores.conversation_events import ConversationEvents
from tests.api.seed import tracker_store
from tests.integration.crm.conftest import postgres_schema
from tests.integration.crm.crm_helpers import lead_for

pytestmark = pytest.mark.integration

START = datetime(2026, 11, 20, tzinfo=timezone.utc)
END = START + timedelta(days=1)


@dataclass
class Talk:
    """One seeded conversation: how the visitor came and how far the form got."""

    channel: str
    begun: datetime
    campaign: str | None = None
    trigger: str | None = None  # the web chat trigger that greeted the visitor
    asked: tuple[str, ...] | None = None  # None: the lead form never ran
    form_closed: bool = False
    then_consent_form: bool = False
    lead: dict[str, Any] | None = None  # lead_for's fields; None: no lead captured
    consent_granted: bool = False
    delivered: bool = False
    events: list[Event] = field(default_factory=list)


TALKS = {
    # Reaches every stage; the message's campaign and trigger win over the lead's.
    "web-a": Talk(
        "webchat",
        START + timedelta(hours=1),
        campaign="spring",
        trigger="pricing-page",
        asked=QUESTIONS,
        lead={"status": "qualified", "source": {"utm_campaign": "other", "trigger": "other"}},
        consent_granted=True,
        delivered=True,
    ),
    # Handed off and consented, but the delivery is still pending.
    "web-b": Talk(
        "webchat",
        START + timedelta(hours=2),
        campaign="spring",
        trigger="pricing-page",
        asked=QUESTIONS,
        lead={"status": "handed_off"},
        consent_granted=True,
    ),
    # A new lead: its consent does not count, since it never qualified. Campaign and
    # trigger from the lead.
    "web-c": Talk(
        "webchat",
        START + timedelta(hours=3),
        asked=QUESTIONS,
        lead={
            "status": "new",
            "source": {"channel": "webchat", "utm_campaign": "autumn", "trigger": "returning"},
        },
        consent_granted=True,
    ),
    "sms-a": Talk("sms", START + timedelta(hours=4), asked=("name", "email")),
    # Left at "company"; the consent form's question afterwards is not the lead form's.
    "sms-b": Talk(
        "sms",
        START + timedelta(hours=5),
        asked=("name", "email", "company"),
        form_closed=True,
        then_consent_form=True,
    ),
    "tg-a": Talk("telegram", START + timedelta(hours=6)),  # chatted, no form
    "rest-a": Talk("rest", START + timedelta(hours=7), asked=("name",)),
    "rest-b": Talk("rest", END - timedelta(seconds=1), campaign="spring", asked=("name", "email")),
    # Outside the period: begun two days before (it goes on inside it), and begun at `end`.
    "old": Talk(
        "webchat",
        START - timedelta(days=2),
        campaign="spring",
        asked=QUESTIONS,
        lead={"status": "qualified"},
        consent_granted=True,
        delivered=True,
    ),
    "late": Talk("webchat", END, campaign="spring", asked=("name",)),
}


def tracker(conversation_id: str, talk: Talk) -> DialogueStateTracker:
    clock = talk.begun.timestamp()

    def at(step: int) -> float:
        return clock + step

    source = {"utm_campaign": talk.campaign, "trigger": talk.trigger}
    kept = {key: value for key, value in source.items() if value}
    metadata = {"source": kept} if kept else {}
    events: list[Event] = [
        ActionExecuted("action_session_start", timestamp=at(-2)),
        SessionStarted(timestamp=at(-1)),
        UserUttered(
            "hi",
            {"name": "greet", "confidence": 1.0},
            input_channel=talk.channel,
            metadata=metadata,
            timestamp=at(0),
        ),
        BotUttered("Hello!", timestamp=at(1)),
    ]
    if talk.asked is not None:
        events.append(ActiveLoop("lead_form", timestamp=at(2)))
        for step, question in enumerate(talk.asked, start=3):
            events.append(SlotSet("requested_slot", question, timestamp=at(step)))
        if talk.form_closed:
            events.append(SlotSet("requested_slot", None, timestamp=at(50)))
            events.append(ActiveLoop(None, timestamp=at(51)))
        if talk.then_consent_form:
            events.append(ActiveLoop("consent_form", timestamp=at(60)))
            events.append(SlotSet("requested_slot", "consent_email", timestamp=at(61)))
    # A later message, which never moves the conversation's beginning.
    events.append(
        UserUttered("thanks", input_channel="other", timestamp=at(3 * 24 * 3600)),
    )
    return DialogueStateTracker.from_events(
        conversation_id, events, slots=[AnySlot("requested_slot", mappings=[])]
    )


@pytest.fixture
def tracker_url(crm_engine: Engine, tmp_path: Path) -> Iterator[str]:
    if crm_engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def tracker_engine(tracker_url: str) -> Iterator[Engine]:
    store = tracker_store(tracker_url)
    for conversation_id, talk in TALKS.items():
        asyncio.run(store.save(tracker(conversation_id, talk)))
    store.engine.dispose()
    engine = sqlalchemy.create_engine(tracker_url, future=True)
    yield engine
    engine.dispose()


@pytest.fixture
def events(tracker_engine: Engine) -> ConversationEvents:
    return ConversationEvents(tracker_engine)


@pytest.fixture
def crm(session: Session) -> Session:
    for number, (conversation_id, talk) in enumerate(TALKS.items()):
        if talk.lead is None:
            continue
        contact = upsert_contact(session, email=f"visitor{number}@example.com")
        lead = lead_for(session, contact, conversation_id, channel=talk.channel, **talk.lead)
        if talk.consent_granted:
            session.add(
                ConsentEvent(
                    contact_id=contact.id,
                    purpose="marketing_email",
                    answer="granted",
                    granted=True,
                    notice_version="2026-11",
                    reply_text="yes",
                    conversation_id=conversation_id,
                    recorded_at=talk.begun + timedelta(minutes=5),
                )
            )
        row = enqueue_delivery(session, lead=lead, sink="webhook", payload={})
        assert row is not None
        if talk.delivered:
            row.status, row.delivered_at = "delivered", talk.begun + timedelta(minutes=6)
    # A denied consent in a conversation that never became a lead changes nothing.
    session.add(
        ConsentEvent(
            purpose="marketing_email",
            answer="denied",
            granted=False,
            notice_version="2026-11",
            reply_text="no",
            conversation_id="sms-a",
            recorded_at=START + timedelta(hours=4, minutes=5),
        )
    )
    session.flush()
    return session


def test_the_total_funnel_counts_each_stage_within_the_previous_one(
    crm: Session, events: ConversationEvents
) -> None:
    report = funnel(crm, events, start=START, end=END, group_by="channel")
    assert report.total.counts == {
        "started": 8,
        "form_started": 7,
        "qualified": 2,
        "consent_given": 2,
        "pushed": 1,
    }
    rates = [(stage.from_previous, stage.from_started) for stage in report.total.stages]
    assert rates == [
        (None, 1.0),
        (pytest.approx(7 / 8), pytest.approx(7 / 8)),
        (pytest.approx(2 / 7), 0.25),
        (1.0, 0.25),
        (0.5, 0.125),
    ]


def test_by_channel_groups_on_the_first_messages_input_channel(
    crm: Session, events: ConversationEvents
) -> None:
    report = funnel(crm, events, start=START, end=END, group_by="channel")
    assert [(row.group, list(row.counts.values())) for row in report.groups] == [
        ("webchat", [3, 3, 2, 2, 1]),
        ("rest", [2, 2, 0, 0, 0]),
        ("sms", [2, 2, 0, 0, 0]),
        ("telegram", [1, 0, 0, 0, 0]),
    ]
    telegram = report.group("telegram")
    assert telegram is not None
    assert [stage.from_previous for stage in telegram.stages] == [None, 0.0, None, None, None]


def test_by_campaign_prefers_the_message_then_the_lead_then_none(
    crm: Session, events: ConversationEvents
) -> None:
    report = funnel(crm, events, start=START, end=END, group_by="utm_campaign")
    assert {row.group: list(row.counts.values()) for row in report.groups} == {
        "spring": [3, 3, 2, 2, 1],  # web-a (its lead says "other"), web-b, rest-b
        "autumn": [1, 1, 0, 0, 0],  # web-c, from its lead's source
        "(none)": [4, 3, 0, 0, 0],
    }


def test_by_trigger_prefers_the_message_then_the_lead_then_none(
    crm: Session, events: ConversationEvents
) -> None:
    report = funnel(crm, events, start=START, end=END, group_by="trigger")
    assert {row.group: list(row.counts.values()) for row in report.groups} == {
        "pricing-page": [2, 2, 2, 2, 1],  # web-a (its lead says "other"), web-b
        "returning": [1, 1, 0, 0, 0],  # web-c, from its lead's source
        "(none)": [5, 4, 0, 0, 0],  # the default greeting, and the other channels
    }
    assert report.as_dict()["group_by"] == "trigger"


def test_drop_off_is_the_last_question_the_lead_form_asked(
    crm: Session, events: ConversationEvents
) -> None:
    drop_off = form_drop_off(crm, events, start=START, end=END)
    assert [item.question for item in drop_off] == list(QUESTIONS)
    counts = {item.question: item.count for item in drop_off if item.count}
    assert counts == {"name": 1, "email": 2, "company": 1}  # rest-a; sms-a, rest-b; sms-b
    shares = {item.question: item.share for item in drop_off}
    assert shares["email"] == pytest.approx(2 / 7)
    assert shares["budget"] == 0.0


def test_the_report_is_plain_json(crm: Session, events: ConversationEvents) -> None:
    report = funnel(crm, events, start=START, end=END, group_by="channel").as_dict()
    assert report["start"] == "2026-11-20T00:00:00+00:00"
    assert report["group_by"] == "channel"
    assert [stage["stage"] for stage in report["total"]["stages"]] == list(STAGES)
    assert report["groups"][0]["stages"][4] == {
        "stage": "pushed",
        "count": 1,
        "from_previous": 0.5,
        "from_started": pytest.approx(1 / 3),
    }
    drop_off = form_drop_off(crm, events, start=START, end=END)
    assert drop_off[0].as_dict() == {"question": "name", "count": 1, "share": pytest.approx(1 / 7)}


def test_each_database_is_read_once(
    crm: Session, events: ConversationEvents, tracker_engine: Engine
) -> None:
    statements: list[str] = []

    def seen(_: Any, __: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.lower().split()))

    crm_engine = crm.get_bind()
    for engine in (crm_engine, tracker_engine):
        sqlalchemy.event.listen(engine, "before_cursor_execute", seen)
    try:
        funnel(crm, events, start=START, end=END, group_by="utm_campaign")
    finally:
        for engine in (crm_engine, tracker_engine):
            sqlalchemy.event.remove(engine, "before_cursor_execute", seen)
    assert sum("from events" in statement for statement in statements) == 1
    assert sum("from leads" in statement for statement in statements) == 1


def test_an_empty_period_or_tracker_store_gives_an_empty_funnel(
    session: Session, tmp_path: Path
) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'none.db'}", future=True)
    empty = ConversationEvents(engine)
    report = funnel(session, empty, start=START, end=END, group_by="channel")
    engine.dispose()
    assert report.groups == ()
    assert [(s.count, s.from_previous, s.from_started) for s in report.total.stages][:2] == [
        (0, None, None),
        (0, None, None),
    ]
    assert all(item.share is None for item in form_drop_off(session, empty, start=START, end=END))


def test_a_naive_period_is_refused(session: Session, events: ConversationEvents) -> None:
    with pytest.raises(ValueError, match="naive"):
        funnel(session, events, start=datetime(2026, 11, 20), end=END, group_by="channel")


def test_conversations_a_rep_wrote_in_are_counted_beside_the_stages(
    crm: Session, events: ConversationEvents
) -> None:
    for conversation_id, replied in (("web-a", True), ("web-b", False)):
        crm.add(
            Handoff(
                conversation_id=conversation_id,
                channel="webchat",
                reason="asked",
                status="assigned" if replied else "waiting",
                agent="rosa" if replied else None,
                requested_at=START,
                first_reply_at=START if replied else None,
                changed_at=START,
            )
        )
    crm.flush()
    report = funnel(crm, events, start=START, end=END, group_by="channel")
    assert report.total.talked_to_person == 1
    assert report.total.talked_share == pytest.approx(1 / 8)
    webchat = report.group("webchat")
    assert webchat is not None and webchat.talked_to_person == 1
    assert report.as_dict()["total"]["talked_to_person"] == 1
