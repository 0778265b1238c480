"""A follow-up engine on a fresh CRM of each backend, with a clock the test moves, and the
people and conversations it follows up on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.consent import ConsentAnswer, Purpose, consent_record
from bot.crm import append_consent_events, session_scope, upsert_contact
from bot.crm.followup_tables import FollowupLog
from bot.followups.activity import reader
from bot.followups.engine import FollowupEngine
from bot.followups.gate import Policy
from bot.followups.send_window import SendWindows
from bot.followups.steps import Runtime
from bot.followups.workflows import load_workflows, project_catalogue
from tests.api.seed import tracker_store
from tests.security.conftest import crm

__all__ = ["crm"]


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Followups:
    """The engine under test and what it needs: workflows written by the test."""

    engine: Engine
    folder: Path
    clock: Clock
    cap_per_week: int = 3
    postal_address: str | None = "Acme Inc., 1 Main St, Springfield, IL 62701"
    sinks: tuple[str, ...] = ()
    tracker_store: Engine | None = None  # None: the tracker store is the CRM's database
    window: str = "08:00-21:00"
    pepper: bytes | None = None  # the suppression list's key: the settings' own if None
    worker: FollowupEngine = field(init=False)

    def __post_init__(self) -> None:
        self.worker = FollowupEngine(self.engine, self.runtime, clock=self.clock)

    def write(self, text: str) -> None:
        (self.folder / "sequences.yml").write_text(text, encoding="utf-8")

    def runtime(self) -> Runtime:
        catalogue = project_catalogue()
        sequences = load_workflows(self.folder, catalogue=catalogue)
        mail = bootstrap.followup_mail()
        if self.postal_address != mail.postal_address:
            mail = type(mail)(mail.brand, self.postal_address, mail.unsubscribe_url, mail.signer)
        return Runtime(
            sequences={s.name: s for s in sequences},
            policy=Policy(
                cap_per_week=self.cap_per_week,
                windows=SendWindows.parse(self.window, ""),
                fallback_zone="UTC",
                pepper=self.pepper or bootstrap.suppression_pepper(),
            ),
            mail=mail,
            variations=lambda name: bootstrap.domain_responses().get(name, []),
            slots={"brand_name": "Acme"},
            lead_sinks=self.sinks,
            grade_for=lambda total: bootstrap.scoring_rules().grade_for(total),
            activity=reader(self.tracker_store),
            questions=catalogue.questions,
        )

    def run(self) -> int:
        return self.worker.run_until_idle()

    def log(self, kind: str) -> list[tuple[str | None, str | None]]:
        """(step, reason) of each log row of this kind about the test's own sequences."""
        names = list(self.runtime().sequences)
        with session_scope(self.engine) as session:
            rows = session.execute(
                select(FollowupLog.step_id, FollowupLog.reason)
                .where(FollowupLog.kind == kind, FollowupLog.__table__.c.sequence.in_(names))
                .order_by(FollowupLog.id)
            ).all()
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def count(self, model: Any, *conditions: Any) -> int:
        with session_scope(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*conditions)))


@pytest.fixture
def followups(crm: Engine, tmp_path: Path) -> Iterator[Followups]:
    folder = tmp_path / "workflows"
    folder.mkdir()
    yield Followups(crm, folder, Clock(datetime(2026, 1, 1)))


def subscribed(engine: Engine, *, phone: str | None = None, email: str | None = None) -> str:
    """A person who proved their number or address and said yes to its marketing."""
    purposes = ([Purpose.MARKETING_SMS] if phone else []) + (
        [Purpose.MARKETING_EMAIL] if email else []
    )
    conversation = f"sms:{phone}" if phone else "web-earlier"
    with session_scope(engine) as session:
        verified = [kind for kind, value in (("phone", phone), ("email", email)) if value]
        contact = upsert_contact(session, verified=verified, phone=phone, email=email)
        records = [
            consent_record(
                purpose=purpose,
                answer=ConsentAnswer.GRANTED,
                wording="May we send you marketing?",
                notice_version="2026-11",
                reply_text="YES",
                message_id=f"yes-{purpose.value}",
                channel="sms",
                conversation_id=conversation,
            )
            for purpose in purposes
        ]
        append_consent_events(session, contact=contact, records=records)
        return contact.id


def left_the_form(url: str, conversation_id: str, at: datetime, *, question: str) -> None:
    """A conversation whose visitor stopped answering the lead form at `question`."""
    moment = at.timestamp()
    events: list[Any] = [
        ActionExecuted("action_listen", timestamp=moment - 60),
        UserUttered("I need a quote", {"name": "request_demo"}, timestamp=moment - 60),
        ActionExecuted("lead_form", timestamp=moment - 59),
        ActiveLoop("lead_form", timestamp=moment - 59),
        SlotSet("requested_slot", question, timestamp=moment),
        ActionExecuted("action_listen", timestamp=moment),
    ]
    tracker = DialogueStateTracker.from_events(
        conversation_id, events, slots=[AnySlot("requested_slot", mappings=[])]
    )
    store = tracker_store(url)
    asyncio.run(store.save(tracker))
    store.engine.dispose()


def wrote(
    url: str, conversation_id: str, at: datetime, text: str, *, slot: str | None = None
) -> None:
    """The visitor writes again (and, with `slot`, the form takes the answer)."""
    store = tracker_store(url)
    tracker = asyncio.run(store.retrieve(conversation_id))
    assert tracker is not None
    tracker.update(UserUttered(text, {"name": "inform"}, timestamp=at.timestamp()))
    if slot is not None:
        tracker.update(SlotSet(slot, text, timestamp=at.timestamp() + 1))
    asyncio.run(store.save(tracker))
    store.engine.dispose()
