"""What happened in each conversation, as tags a marketer filters the review by, and the
conversations listed newest first.

The tags:

- `fell_back`: the bot did not understand a visitor message (see `bot.review.messages`);
- `low_confidence`: NLU read some message with less confidence than the threshold (the
  FallbackClassifier's in bot/config.yml unless the page asks for another);
- `left_form`: the lead form is still open at the conversation's end, and the question it
  stopped at is known (`bot.followups.activity.ConversationActivity.stopped_in_form`);
- `opted_out`: the visitor withdrew consent or asked for their data to be erased in the
  chat (`action_withdraw_consent`, `action_request_erasure`: actions/consent.py);
- `handed_off`: the `handoff_requested` slot was set to true;
- `became_lead`: the CRM has a lead for the conversation.

Most tags are aggregates of one query on the `events` table, which pages itself when they
are all it filters by. `left_form` and `became_lead` are read elsewhere (the form's last
state; the CRM, which may be another database: nothing is joined across the two), so a
filter on them reads the candidates in order and checks them `ID_BATCH` at a time. The
try-it panel's own conversations are left out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.crm.funnel import ID_BATCH
from bot.crm.tables import Lead
from bot.followups.activity import LEAD_FORM, ConversationActivity
from bot.review.events_sql import (
    FALLBACK_ACTIONS,
    FALLBACK_INTENT,
    FROM_VISITORS,
    VISITOR,
    confidence,
    events_connection,
    json_text,
    slot_set_true,
)
from bot.settings import PROJECT_ROOT
from bot.stores.conversation_events import EVENTS

TAGS = ("fell_back", "low_confidence", "left_form", "opted_out", "handed_off", "became_lead")
OPT_OUT_ACTIONS = ("action_withdraw_consent", "action_request_erasure")
HANDOFF_SLOT = "handoff_requested"
FALLBACK_CLASSIFIER = "FallbackClassifier"
RASA_DEFAULT_THRESHOLD = 0.3  # the FallbackClassifier's own default
# Tags read outside the events query: a filter on them checks candidates in batches.
CHECKED_TAGS = frozenset({"left_form", "became_lead"})


def fallback_threshold(root: Path = PROJECT_ROOT) -> float:
    """The FallbackClassifier's `threshold` in the project's bot/config.yml."""
    config = YAML(typ="safe").load((root / "bot" / "config.yml").read_text(encoding="utf-8"))
    for component in (config or {}).get("pipeline") or []:
        if isinstance(component, dict) and component.get("name") == FALLBACK_CLASSIFIER:
            return float(component.get("threshold", RASA_DEFAULT_THRESHOLD))
    return RASA_DEFAULT_THRESHOLD


@dataclass(frozen=True)
class ConversationSummary:
    conversation_id: str
    last_at: datetime  # its last event
    channel: str | None  # the `input_channel` of its visitor messages
    messages: int  # how many the visitor sent
    tags: frozenset[str]
    stopped_at: str | None  # the lead form's question it was left at (`left_form`)
    lead_id: str | None  # its lead (`became_lead`)


@dataclass(frozen=True)
class ConversationPage:
    conversations: list[ConversationSummary]
    total: int  # how many match the filters, on all pages
    threshold: float  # the confidence under which a message counted as low


@dataclass(frozen=True)
class _Row:
    conversation_id: str
    last_at: float
    channel: str | None
    messages: int
    tags: frozenset[str]
    form_ran: bool


def _flag(condition: Any) -> Any:
    return func.max(case((condition, 1), else_=0))


def _summaries(
    dialect: str,
    *,
    threshold: float,
    channel: str | None,
    since: datetime | None,
    until: datetime | None,
    tags: Collection[str],
) -> Any:
    """One row per conversation with a visitor message, newest first: its last event,
    channel, message count and the flags of the tags the events show."""
    column = EVENTS.c
    action = column.type_name == "action"
    flags = {
        "fell_back": _flag(
            or_(
                and_(VISITOR, column.intent_name == FALLBACK_INTENT),
                and_(action, column.action_name.in_(FALLBACK_ACTIONS)),
            )
        ),
        "low_confidence": _flag(confidence(dialect) < threshold),
        "opted_out": _flag(and_(action, column.action_name.in_(OPT_OUT_ACTIONS))),
        "handed_off": _flag(slot_set_true(dialect, HANDOFF_SLOT)),
        # A necessary condition of `left_form`, which is then checked properly.
        "form_ran": _flag(and_(column.type_name == "active_loop", column.action_name == LEAD_FORM)),
    }
    last_at = func.max(column.timestamp)
    messages = func.sum(case((VISITOR, 1), else_=0))
    query = (
        select(
            column.sender_id,
            last_at.label("last_at"),
            func.max(json_text(dialect, "input_channel")).label("channel"),
            messages.label("messages"),
            *(flag.label(name) for name, flag in flags.items()),
        )
        .where(FROM_VISITORS)
        .group_by(column.sender_id)
        .having(messages > 0)
        .order_by(last_at.desc(), column.sender_id)
    )
    if channel is not None:
        query = query.having(_flag(json_text(dialect, "input_channel") == channel) == 1)
    if since is not None:
        query = query.having(last_at >= since.timestamp())
    if until is not None:
        query = query.having(last_at < until.timestamp())
    for tag in {*tags, *(["form_ran"] if "left_form" in tags else [])}:
        if tag in flags:
            query = query.having(flags[tag] == 1)
    return query


def _row(row: Any) -> _Row:
    flagged = ("fell_back", "low_confidence", "opted_out", "handed_off")
    return _Row(
        conversation_id=row.sender_id,
        last_at=float(row.last_at),
        channel=row.channel,
        messages=int(row.messages),
        tags=frozenset(tag for tag in flagged if getattr(row, tag)),
        form_ran=bool(row.form_ran),
    )


def _batches(rows: list[_Row]) -> Iterable[list[_Row]]:
    for start in range(0, len(rows), ID_BATCH):
        yield rows[start : start + ID_BATCH]


def _lead_ids(crm: Session, conversation_ids: list[str]) -> dict[str, str]:
    column = Lead.__table__.c
    found = crm.execute(
        select(column.conversation_id, column.id).where(
            column.conversation_id.in_(conversation_ids)
        )
    ).all()
    return {conversation_id: lead_id for conversation_id, lead_id in found}


class _Checks:
    """The tags read outside the events query, for a batch of conversations at a time."""

    def __init__(self, activity: ConversationActivity, crm: Session) -> None:
        self.activity, self.crm = activity, crm
        self.stopped: dict[str, str] = {}
        self.leads: dict[str, str] = {}

    def read(self, rows: list[_Row]) -> None:
        self.stopped |= self.activity.stopped_in_form(
            [r.conversation_id for r in rows if r.form_ran]
        )
        self.leads |= _lead_ids(self.crm, [r.conversation_id for r in rows])

    def tags(self, row: _Row) -> frozenset[str]:
        own = {"left_form"} if row.conversation_id in self.stopped else set()
        if row.conversation_id in self.leads:
            own.add("became_lead")
        return row.tags | own

    def summary(self, row: _Row) -> ConversationSummary:
        return ConversationSummary(
            conversation_id=row.conversation_id,
            last_at=datetime.fromtimestamp(row.last_at, timezone.utc),
            channel=row.channel,
            messages=row.messages,
            tags=self.tags(row),
            stopped_at=self.stopped.get(row.conversation_id),
            lead_id=self.leads.get(row.conversation_id),
        )


def list_conversations(
    events: Engine | Connection,
    crm: Session,
    *,
    threshold: float | None = None,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    tags: Collection[str] = (),
    limit: int = 50,
    offset: int = 0,
) -> ConversationPage:
    """Conversations newest first (by their last event), those whose last event falls in
    [since, until) on `channel` with every one of `tags`, `limit` from `offset` on.

    `events` is the tracker store (an Engine, or a Connection whose transaction to join);
    `crm` a session on the CRM, read for leads only. `threshold` defaults to the
    FallbackClassifier's. Raises ValueError for an unknown tag.
    """
    unknown = sorted(set(tags) - set(TAGS))
    if unknown:
        raise ValueError(f"unknown tags {unknown}; known: {list(TAGS)}")
    threshold = fallback_threshold() if threshold is None else threshold
    with events_connection(events) as connection:
        if connection is None:
            return ConversationPage([], 0, threshold)
        query = _summaries(
            connection.dialect.name,
            threshold=threshold,
            channel=channel,
            since=since,
            until=until,
            tags=tags,
        )
        checks = _Checks(ConversationActivity(connection), crm)
        wanted = set(tags) & CHECKED_TAGS
        if not wanted:
            counted = query.add_columns(func.count().over().label("total"))
            rows = connection.execute(counted.limit(limit).offset(offset)).all()
            total = int(rows[0].total) if rows else _total(connection, query, offset)
            page = [_row(row) for row in rows]
            checks.read(page)
        else:
            page, total = _checked_page(connection, query, checks, wanted, limit, offset)
    return ConversationPage([checks.summary(row) for row in page], total, threshold)


def _total(connection: Connection, query: Any, offset: int) -> int:
    """The count when the page came back empty: nothing matched, or `offset` is past the
    end (then the count is asked for on its own)."""
    if offset == 0:
        return 0
    return int(connection.execute(select(func.count()).select_from(query.subquery())).scalar())


def _checked_page(
    connection: Connection,
    query: Any,
    checks: _Checks,
    wanted: set[str],
    limit: int,
    offset: int,
) -> tuple[list[_Row], int]:
    """The page and total count of a filter on tags read outside the events query: every
    candidate, in order, checked a batch at a time."""
    matching: list[_Row] = []
    for batch in _batches([_row(row) for row in connection.execute(query)]):
        checks.read(batch)
        matching += [row for row in batch if wanted <= checks.tags(row)]
    return matching[offset : offset + limit], len(matching)
