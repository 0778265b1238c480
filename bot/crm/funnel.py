"""The marketing funnel: how far conversations begun in a period got, and where they stopped.

A conversation begins with its first visitor message. Its stages, each a subset of the one
before: `started`, `form_started` (the lead form ran), `qualified` (its lead is qualified
or handed off), `consent_given` (a consent was granted in it) and `pushed` (its lead was
delivered to a sink). Beside them, not a stage of its own (a visitor may ask for someone
at any point), `talked_to_person`: a sales rep wrote in the conversation (`bot.handoff`).
`form_drop_off` says which question the form was asking when a visitor left without
becoming a lead.

A report groups conversations by their channel, their UTM campaign or the web chat
trigger whose greeting opened them (`bot.targeting`: its name goes with each message,
into the conversation's source). A campaign or trigger is read from the first visitor
message, else from the lead's source; a conversation without one is `NO_VALUE`.

The tracker store and the CRM may be different databases, so nothing is joined across
them: one query reads the events (`ConversationEvents.funnel_events`), then one query per
`ID_BATCH` conversations reads their leads, with consent and delivery as `EXISTS` columns.
Conversations the retention purge removed count from `funnel_archive`, one anonymous row
each (`archive_rows`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.crm.database import parse_utc
from bot.crm.handoff_tables import Handoff
from bot.crm.tables import ConsentEvent, FunnelArchive, Lead, OutboxRow
from bot.leads.form import QUESTIONS
from bot.stores.conversation_events import ConversationEvents, StoredEvent

GroupBy = Literal["channel", "utm_campaign", "trigger"]
STAGES = ("started", "form_started", "qualified", "consent_given", "pushed")
LEAD_FORM = "lead_form"
QUALIFIED_STATUSES = ("qualified", "handed_off")
NO_VALUE = "(none)"  # the group of a conversation with no channel, campaign or trigger
# Each grouping's column in `funnel_archive`.
ARCHIVED_AS = {"channel": "channel", "utm_campaign": "campaign", "trigger": "trigger"}
# Conversation ids per CRM query: well under SQLite's limit on bound parameters.
ID_BATCH = 1000


@dataclass(frozen=True)
class StageCount:
    stage: str
    count: int
    # Shares of the previous stage and of `started`; None where that stage is empty.
    from_previous: float | None
    from_started: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "count": self.count,
            "from_previous": self.from_previous,
            "from_started": self.from_started,
        }


@dataclass(frozen=True)
class FunnelRow:
    """One group's funnel (or the total's), its stages in funnel order."""

    group: str
    stages: tuple[StageCount, ...]
    talked_to_person: int = 0  # conversations a sales rep wrote in

    @property
    def counts(self) -> dict[str, int]:
        return {stage.stage: stage.count for stage in self.stages}

    @property
    def talked_share(self) -> float | None:
        """Of the conversations started, the share a rep wrote in."""
        return _ratio(self.talked_to_person, self.stages[0].count)

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "stages": [stage.as_dict() for stage in self.stages],
            "talked_to_person": self.talked_to_person,
        }


@dataclass(frozen=True)
class FunnelReport:
    start: datetime
    end: datetime
    group_by: GroupBy
    total: FunnelRow
    groups: tuple[FunnelRow, ...]  # largest first, then by name

    def group(self, name: str) -> FunnelRow | None:
        return next((row for row in self.groups if row.group == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "group_by": self.group_by,
            "total": self.total.as_dict(),
            "groups": [row.as_dict() for row in self.groups],
        }


@dataclass(frozen=True)
class QuestionDropOff:
    question: str
    count: int  # form starts without a lead that stopped at this question
    share: float | None  # of all form starts in the period

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "count": self.count, "share": self.share}


@dataclass(frozen=True)
class _LeadOutcome:
    status: str
    source: Mapping[str, Any]
    consent_given: bool
    pushed: bool


@dataclass
class _Conversation:
    """What the events say about one conversation."""

    channel: str | None = None
    source: Mapping[str, Any] | None = None  # the first message's (page, UTM, trigger)
    form_started: bool = False
    last_asked: str | None = None  # the last question the lead form asked


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _check_period(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("naive datetime: give the period's bounds with a time zone (UTC)")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _source_value(source: Any, key: str) -> str | None:
    return _text(source.get(key)) if isinstance(source, Mapping) else None


def _read_events(events: Iterable[StoredEvent]) -> dict[str, _Conversation]:
    conversations: dict[str, _Conversation] = {}
    form_active: dict[str, bool] = {}
    for event in events:
        conversation_id = event["conversation_id"]
        data = event["data"] if isinstance(event["data"], dict) else {}
        conversation = conversations.setdefault(conversation_id, _Conversation())
        if event["type"] == "user":  # `funnel_events` gives only the first one
            metadata = data.get("metadata")
            source = metadata.get("source") if isinstance(metadata, dict) else None
            conversation.channel = _text(data.get("input_channel"))
            conversation.source = source if isinstance(source, Mapping) else None
        elif event["type"] == "active_loop":
            form_active[conversation_id] = data.get("name") == LEAD_FORM
            conversation.form_started |= form_active[conversation_id]
        elif event["type"] == "slot" and form_active.get(conversation_id):
            # Closing the form clears requested_slot: that is no question being asked.
            conversation.last_asked = _text(data.get("value")) or conversation.last_asked
    return conversations


def _lead_outcomes(session: Session, conversation_ids: Sequence[str]) -> dict[str, _LeadOutcome]:
    consent_given = exists().where(
        ConsentEvent.conversation_id == Lead.conversation_id, ConsentEvent.answer == "granted"
    )
    pushed = exists().where(OutboxRow.lead_id == Lead.id, OutboxRow.status == "delivered")
    outcomes: dict[str, _LeadOutcome] = {}
    for first in range(0, len(conversation_ids), ID_BATCH):
        batch = conversation_ids[first : first + ID_BATCH]
        rows = session.execute(
            select(
                Lead.conversation_id,
                Lead.status,
                Lead.source,
                consent_given.label("consent_given"),
                pushed.label("pushed"),
            ).where(Lead.__table__.c.conversation_id.in_(batch))
        )
        for row in rows:
            outcomes[row.conversation_id] = _LeadOutcome(
                status=row.status,
                source=row.source if isinstance(row.source, dict) else {},
                consent_given=bool(row.consent_given),
                pushed=bool(row.pushed),
            )
    return outcomes


def conversions(session: Session, conversation_ids: Sequence[str]) -> dict[str, set[str]]:
    """Per conversation that has a lead: which of `qualified` and `consent_given` it reached.

    Each is counted on its own here (a consent without qualification still counts), as
    an A/B test's conversion metrics are; conversations without a lead are left out.
    """
    return {
        conversation_id: {
            stage
            for stage, reached in (
                ("qualified", lead.status in QUALIFIED_STATUSES),
                ("consent_given", lead.consent_given),
            )
            if reached
        }
        for conversation_id, lead in _lead_outcomes(session, conversation_ids).items()
    }


def _stages_reached(conversation: _Conversation, lead: _LeadOutcome | None) -> int:
    """How many of STAGES the conversation reached: each requires all before it."""
    reached = (
        True,
        conversation.form_started,
        lead is not None and lead.status in QUALIFIED_STATUSES,
        lead is not None and lead.consent_given,
        lead is not None and lead.pushed,
    )
    count = 0
    while count < len(reached) and reached[count]:
        count += 1
    return count


def _talked_to_person(session: Session, conversation_ids: Sequence[str]) -> set[str]:
    """The conversations in which a sales rep wrote (a handoff with a first reply)."""
    talked: set[str] = set()
    column = Handoff.__table__.c
    for first in range(0, len(conversation_ids), ID_BATCH):
        batch = conversation_ids[first : first + ID_BATCH]
        talked.update(
            session.scalars(
                select(column.conversation_id).where(
                    column.conversation_id.in_(batch), column.first_reply_at.is_not(None)
                )
            )
        )
    return talked


def _row(group: str, reached: Iterable[int], talked: int = 0) -> FunnelRow:
    at_least = Counter[int]()
    for count in reached:
        for stage in range(count):
            at_least[stage] += 1
    started = at_least[0]
    stages = tuple(
        StageCount(
            stage=name,
            count=at_least[index],
            from_previous=_ratio(at_least[index], at_least[index - 1]) if index else None,
            from_started=_ratio(at_least[index], started),
        )
        for index, name in enumerate(STAGES)
    )
    return FunnelRow(group=group, stages=stages, talked_to_person=talked)


def _group_of(conversation: _Conversation, lead: _LeadOutcome | None, group_by: GroupBy) -> str:
    if group_by == "channel":
        return conversation.channel or NO_VALUE
    said = _source_value(conversation.source, group_by)
    return said or (_source_value(lead.source, group_by) if lead else None) or NO_VALUE


def _archived(session: Session, start: datetime, end: datetime) -> list[FunnelArchive]:
    """The purged conversations begun in [start, end) (`bot.crm.retention`)."""
    return list(
        session.scalars(
            select(FunnelArchive).where(
                FunnelArchive.started_at >= start, FunnelArchive.started_at < end
            )
        )
    )


def _as_funnel_reads(events: Iterable[StoredEvent]) -> list[StoredEvent]:
    """Of a conversation's events, those `funnel_events` gives: its first user message,
    its `active_loop` events and its `requested_slot` slot events."""
    seen_user: set[str] = set()
    kept = []
    for event in events:
        data = event["data"] if isinstance(event["data"], dict) else {}
        kind = event["type"]
        if kind == "user":
            if event["conversation_id"] in seen_user:
                continue
            seen_user.add(event["conversation_id"])
        elif kind != "active_loop" and not (
            kind == "slot" and data.get("name") == "requested_slot"
        ):
            continue
        kept.append(event)
    return kept


def archive_rows(session: Session, events: Sequence[StoredEvent]) -> list[FunnelArchive]:
    """What the funnel keeps of these conversations (all their stored events) once they
    are purged: one anonymous row each, for those that began with a user message."""
    reads = _as_funnel_reads(events)
    began = {
        event["conversation_id"]: parse_utc(str(event["timestamp"]))
        for event in reads
        if event["type"] == "user" and event["timestamp"]
    }
    conversations = _read_events(reads)
    leads = _lead_outcomes(session, sorted(began))
    talked = _talked_to_person(session, sorted(began))
    rows = []
    for conversation_id, started_at in began.items():
        conversation, lead = conversations[conversation_id], leads.get(conversation_id)
        rows.append(
            FunnelArchive(
                started_at=started_at,
                channel=_group_of(conversation, lead, "channel"),
                campaign=_group_of(conversation, lead, "utm_campaign"),
                trigger=_group_of(conversation, lead, "trigger"),
                stages=_stages_reached(conversation, lead),
                form_started=conversation.form_started,
                last_asked=conversation.last_asked if lead is None else None,
                talked_to_person=conversation_id in talked,
            )
        )
    return rows


def funnel(
    session: Session,
    events: ConversationEvents,
    *,
    start: datetime,
    end: datetime,
    group_by: GroupBy,
) -> FunnelReport:
    """The funnel of the conversations whose first user message falls in [start, end)."""
    _check_period(start, end)
    conversations = _read_events(events.funnel_events(start=start, end=end))
    leads = _lead_outcomes(session, sorted(conversations))
    talked = _talked_to_person(session, sorted(conversations))
    reached: dict[str, list[int]] = {}
    talks = Counter[str]()
    for conversation_id, conversation in conversations.items():
        lead = leads.get(conversation_id)
        group = _group_of(conversation, lead, group_by)
        reached.setdefault(group, []).append(_stages_reached(conversation, lead))
        talks[group] += conversation_id in talked
    for archived in _archived(session, start, end):
        group = getattr(archived, ARCHIVED_AS[group_by])
        reached.setdefault(group, []).append(archived.stages)
        talks[group] += archived.talked_to_person
    rows = [_row(group, stages, talks[group]) for group, stages in reached.items()]
    rows.sort(key=lambda row: (-row.stages[0].count, row.group))
    everyone = [stages for group in reached.values() for stages in group]
    total = _row("total", everyone, sum(talks.values()))
    return FunnelReport(start=start, end=end, group_by=group_by, total=total, groups=tuple(rows))


def form_drop_off(
    session: Session, events: ConversationEvents, *, start: datetime, end: datetime
) -> list[QuestionDropOff]:
    """Per question, in the form's order: form starts without a lead that stopped there.

    Every question is listed, those nobody stopped at with a zero; a question the form
    asked that is no longer in QUESTIONS (an older form) follows them, by name.
    """
    _check_period(start, end)
    conversations = _read_events(events.funnel_events(start=start, end=end))
    started_form = sorted(key for key, value in conversations.items() if value.form_started)
    leads = _lead_outcomes(session, started_form)
    stopped_at = Counter[str]()
    for conversation_id in started_form:
        last_asked = conversations[conversation_id].last_asked
        if conversation_id not in leads and last_asked is not None:
            stopped_at[last_asked] += 1
    archived = [row for row in _archived(session, start, end) if row.form_started]
    for row in archived:
        if row.last_asked is not None:
            stopped_at[row.last_asked] += 1
    form_starts = len(started_form) + len(archived)
    older = sorted(question for question in stopped_at if question not in QUESTIONS)
    return [
        QuestionDropOff(
            question=question,
            count=stopped_at[question],
            share=_ratio(stopped_at[question], form_starts),
        )
        for question in (*QUESTIONS, *older)
    ]
