"""Seed data for the API tests: leads captured as the action server does, conversations
saved by Rasa's own SQL tracker store, and a scan for leftovers of an erased person."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.consent import ConsentAnswer, ConsentRecord, Purpose, consent_record
from bot.crm import record_inbound, session_scope
from bot.crm.exposures import record_exposure
from bot.crm.tables import ConsentConfirmation, Lead
from bot.double_opt_in import Outcome, confirm
from bot.lead_capture import capture_lead

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
PRIYA = {
    "name": "Priya Patel",
    "email": "Priya.Patel@Globex.com",
    "phone": "+14155550132",
    "company": "Globex",
}
# Her web chat, then texts from her phone (the SMS channel proves the number).
PRIYA_SMS = f"sms:{PRIYA['phone']}"
PRIYA_CONVERSATIONS = ("conv-priya-1", PRIYA_SMS, "conv-priya-anonymous")
# Her confirmations of the consent she gave in the web chat (double opt-in).
PRIYA_CONFIRMATIONS = {"email": "confirm-link-p1", "phone": "SM-yes-priya"}
SIGNALS = {"asked_pricing": False, "asked_product": False, "handoff_requested": False}


def proof(
    purpose: Purpose, answer: ConsentAnswer, message_id: str, conversation_id: str, minutes: int
) -> ConsentRecord:
    return consent_record(
        purpose=purpose,
        answer=answer,
        wording=f"May we contact you about Parley ({purpose.value})?",
        notice_version="2026-11",
        reply_text=f"{answer.value}, thanks",
        message_id=message_id,
        channel="rest",
        conversation_id=conversation_id,
        now=T0 + timedelta(minutes=minutes),
    )


def priya_slots() -> dict[str, Any]:
    return {
        **PRIYA,
        "role": "VP marketing",
        "authority": "decision_maker",
        "company_size": {"low": 250, "high": 250, "unit": "people"},
        "use_case": "qualify inbound leads",
        "budget": {"low": 20000, "high": 30000, "unit": "USD"},
        "timeline": "1_3_months",
        "consent_email": "granted",
        "consent_sms": "granted",
        "consent_records": [
            proof(Purpose.MARKETING_EMAIL, ConsentAnswer.GRANTED, "m-p1", "conv-priya-1", 1),
            proof(Purpose.MARKETING_SMS, ConsentAnswer.GRANTED, "m-p2", "conv-priya-1", 2),
        ],
    }


def sam_slots() -> dict[str, Any]:
    return {
        "name": "Sam Jones",
        "email": "sam@initech.io",
        "company": "Initech",
        "role": "engineer",
        "authority": "influencer",
        "company_size": {"low": 12, "high": 12, "unit": "people"},
        "budget": "declined",
        "timeline": "6_12_months",
        "phone": "declined",
        "consent_email": "denied",
        "consent_records": [
            proof(Purpose.MARKETING_EMAIL, ConsentAnswer.DENIED, "m-s1", "conv-sam", 5)
        ],
    }


def jo_slots() -> dict[str, Any]:
    return {
        "name": "Jo Student",
        "email": "jo@uni.edu",
        "role": "student",
        "authority": "student",
        "phone": "declined",
    }


def capture(
    engine: Engine, slots: dict[str, Any], conversation_id: str, channel: str, created: datetime
) -> str:
    with session_scope(engine) as session:
        lead = capture_lead(
            session,
            slots=slots,
            conversation_id=conversation_id,
            channel=channel,
            signals=SIGNALS,
            rules=bootstrap.scoring_rules(),
            segments=bootstrap.segments(),
            pepper=bootstrap.suppression_pepper(),
            sinks=["webhook"],
        )
        assert lead is not None
        # Pinned creation times make the date filters testable.
        lead.created_at = lead.updated_at = created
        return lead.id


def confirm_priya(engine: Engine) -> None:
    """Priya clicks the e-mail's link and replies YES to the text: her consent counts."""
    with session_scope(engine) as session:
        for confirmation in session.scalars(
            select(ConsentConfirmation).where(ConsentConfirmation.conversation_id == "conv-priya-1")
        ):
            by_text = confirmation.kind == "phone"
            outcome = confirm(
                session,
                confirmation.id,
                reply_text="YES" if by_text else "Yes, confirm",
                message_id=PRIYA_CONFIRMATIONS[confirmation.kind],
                channel="sms" if by_text else "email",
                wording="Yes, send me Parley marketing.",
                notice_version="2026-11",
                pepper=bootstrap.suppression_pepper(),
                sinks=["webhook"],
                now=T0 + timedelta(minutes=10),
                kind=confirmation.kind,
            )
            assert outcome is Outcome.CONFIRMED


def seed_crm(engine: Engine) -> dict[str, str]:
    """Priya (a web chat whose consent she confirms, then texts withdrawing e-mail), Sam
    and Jo; lead ids."""
    ids = {
        "priya": capture(engine, priya_slots(), "conv-priya-1", "rest", T0),
        "sam": capture(engine, sam_slots(), "conv-sam", "telegram", T0 + timedelta(days=1)),
        "jo": capture(engine, jo_slots(), "conv-jo", "rest", T0 + timedelta(days=2)),
    }
    confirm_priya(engine)
    later = priya_slots() | {
        "consent_email": "withdrawn",
        "consent_records": [
            proof(Purpose.MARKETING_EMAIL, ConsentAnswer.WITHDRAWN, "m-p3", PRIYA_SMS, 60)
        ],
    }
    ids["priya_2"] = capture(engine, later, PRIYA_SMS, "sms", T0 + timedelta(days=3))
    with session_scope(engine) as session:
        for conversation, sender in (("conv-priya-1", PRIYA["phone"]), ("conv-sam", "+15550100")):
            record_inbound(
                session,
                channel="twilio",
                external_id=f"SM-{conversation}",
                conversation_id=conversation,
                payload={"From": sender, "Body": "yes"},
            )
            record_exposure(
                session, experiment="utter_greet", conversation_id=conversation, variant="control"
            )
    return ids


def conversation(sender_id: str, turns: Sequence[tuple[str, str]]) -> DialogueStateTracker:
    events: list[Event] = [ActionExecuted("action_listen", timestamp=T0.timestamp())]
    for number, (user, bot) in enumerate(turns):
        moment = T0.timestamp() + number * 10
        events.append(UserUttered(user, {"name": "inform"}, timestamp=moment + 1))
        events.append(BotUttered(bot, timestamp=moment + 2))
    if "@" in turns[0][0]:
        events.append(SlotSet("email", turns[0][0].split()[-1], timestamp=T0.timestamp() + 99))
    return DialogueStateTracker.from_events(
        sender_id, events, slots=[AnySlot("email", mappings=[])]
    )


def tracker_store(url: str) -> SQLTrackerStore:
    parsed = sqlalchemy.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=parsed.database)
    # A complete URL in `host` is used as it is (with its search_path option).
    return SQLTrackerStore(Domain.empty(), dialect="postgresql", host=url)


def seed_conversations(url: str) -> None:
    """Rasa's `events` table with Priya's and Sam's conversations, saved by Rasa itself."""
    store = tracker_store(url)
    talks = {
        "conv-priya-1": [
            ("hi, I am Priya Patel, Priya.Patel@Globex.com", "Nice to meet you, Priya!"),
            ("my number is +14155550132", "Thanks, noted."),
        ],
        PRIYA_SMS: [("please stop emailing me", "Done: no more e-mails.")],
        # Never a lead, but it holds her address: found by searching the events.
        "conv-priya-anonymous": [("write to priya.patel@globex.com", "Will do.")],
        "conv-sam": [("I'm Sam from Initech, sam@initech.io", "Hi Sam!")],
    }
    for sender_id, turns in talks.items():
        asyncio.run(store.save(conversation(sender_id, turns)))
    store.engine.dispose()


def text_values(engine: Engine) -> Iterator[tuple[str, str, str]]:
    """(table, column, text) for every non-null value of every table, JSON included."""
    with engine.connect() as connection:
        inspector = sqlalchemy.inspect(connection)
        for table in inspector.get_table_names():
            for row in connection.execute(sqlalchemy.text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    if value is not None:
                        text = value if isinstance(value, str) else json.dumps(value, default=str)
                        yield table, column, text


def traces(engine: Engine, needles: Sequence[str]) -> list[tuple[str, str, str]]:
    lowered = [needle.lower() for needle in needles]
    return [
        (table, column, needle)
        for table, column, text in text_values(engine)
        for needle in lowered
        if needle in text.lower()
    ]


def lead_conversation(engine: Engine, lead_id: str) -> str:
    with session_scope(engine) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead.conversation_id
