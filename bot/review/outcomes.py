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

The other tags are aggregates over a conversation's events (`bot.review.conversation_sql`).
One pass over the `events` table finds the conversations that pass the filters, ordered,
counted and paged in the database; only then are the page's own details read, by id (a
pass that worked them out for every conversation would parse every message's JSON).
`left_form` and `became_lead` are read elsewhere (the form's last state; the CRM, which
may be another database: nothing is joined across the two), so a filter on them reads the
candidates in order and checks them `ID_BATCH` at a time. The try-it panel's own
conversations are left out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.crm.funnel import ID_BATCH
from bot.crm.tables import Lead
from bot.followups.activity import ConversationActivity
from bot.review.conversation_sql import candidates, details
from bot.review.events_sql import events_connection
from bot.settings import PROJECT_ROOT

TAGS = ("fell_back", "low_confidence", "left_form", "opted_out", "handed_off", "became_lead")
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


def _stopped(activity: ConversationActivity, conversation_ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(conversation_ids), ID_BATCH):
        found |= activity.stopped_in_form(conversation_ids[start : start + ID_BATCH])
    return found


def _leads(crm: Session, conversation_ids: list[str]) -> dict[str, str]:
    column = Lead.__table__.c
    found: dict[str, str] = {}
    for start in range(0, len(conversation_ids), ID_BATCH):
        batch = conversation_ids[start : start + ID_BATCH]
        rows = crm.execute(
            select(column.conversation_id, column.id).where(column.conversation_id.in_(batch))
        ).all()
        found |= {conversation_id: lead_id for conversation_id, lead_id in rows}
    return found


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
        query = candidates(
            connection.dialect.name,
            threshold=threshold,
            channel=channel,
            since=since,
            until=until,
            tags=tags,
        )
        activity = ConversationActivity(connection)
        wanted = set(tags) & CHECKED_TAGS
        if wanted:
            page, total = _checked_page(connection, query, activity, crm, wanted, limit, offset)
        else:
            counted = query.add_columns(func.count().over().label("total"))
            rows = connection.execute(counted.limit(limit).offset(offset)).all()
            total = int(rows[0].total) if rows else _total(connection, query, offset)
            page = [(row.sender_id, float(row.last_at)) for row in rows]
        ids = [conversation_id for conversation_id, _ in page]
        shown = details(connection, ids, threshold)
        stopped = _stopped(activity, [i for i in ids if shown[i].form_ran])
    leads = _leads(crm, ids)
    summaries = []
    for conversation_id, last_at in page:
        own = shown[conversation_id]
        checked = {"left_form"} if conversation_id in stopped else set()
        checked |= {"became_lead"} if conversation_id in leads else set()
        summaries.append(
            ConversationSummary(
                conversation_id=conversation_id,
                last_at=datetime.fromtimestamp(last_at, timezone.utc),
                channel=own.channel,
                messages=own.messages,
                tags=own.tags | checked,
                stopped_at=stopped.get(conversation_id),
                lead_id=leads.get(conversation_id),
            )
        )
    return ConversationPage(summaries, total, threshold)


def _total(connection: Connection, query: Any, offset: int) -> int:
    """The count when the page came back empty: nothing matched, or `offset` is past the
    end (then the count is asked for on its own)."""
    if offset == 0:
        return 0
    return int(connection.execute(select(func.count()).select_from(query.subquery())).scalar())


def _checked_page(
    connection: Connection,
    query: Any,
    activity: ConversationActivity,
    crm: Session,
    wanted: set[str],
    limit: int,
    offset: int,
) -> tuple[list[tuple[str, float]], int]:
    """The page and total count of a filter on tags read outside the events query: every
    candidate, in order, checked `ID_BATCH` at a time for those tags only."""
    candidates = [(row.sender_id, float(row.last_at)) for row in connection.execute(query)]
    matching: list[tuple[str, float]] = []
    for start in range(0, len(candidates), ID_BATCH):
        batch = candidates[start : start + ID_BATCH]
        ids = [conversation_id for conversation_id, _ in batch]
        keep = set(ids)
        if "left_form" in wanted:
            keep &= set(activity.stopped_in_form(ids))
        if "became_lead" in wanted:
            keep &= set(_leads(crm, ids))
        matching += [candidate for candidate in batch if candidate[0] in keep]
    return matching[offset : offset + limit], len(matching)
