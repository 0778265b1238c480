"""The review's queries per conversation on Rasa's `events` table: which conversations
pass the filters the events can decide (`candidates`), and the details of a page of them
(`details`). The tags are aggregates over a conversation's events (`flags`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Connection

from bot.followups.activity import LEAD_FORM
from bot.review.events_sql import (
    FALLBACK_ACTIONS,
    FALLBACK_INTENT,
    FROM_VISITORS,
    VISITOR,
    confidence,
    json_text,
    on_channel,
    slot_set_true,
)
from bot.stores.conversation_events import EVENTS

# The actions of a visitor who opts out or asks for erasure in the chat (actions/consent.py).
OPT_OUT_ACTIONS = ("action_withdraw_consent", "action_request_erasure")
HANDOFF_SLOT = "handoff_requested"


def _flag(condition: Any) -> Any:
    return func.max(case((condition, 1), else_=0))


def flags(dialect: str, threshold: float) -> dict[str, Any]:
    """Per conversation, 1 where its events show the tag (and whether the form ran: a
    necessary condition of `left_form`, which is then checked properly)."""
    column = EVENTS.c
    action = column.type_name == "action"
    fell_back = or_(
        and_(VISITOR, column.intent_name == FALLBACK_INTENT),
        and_(action, column.action_name.in_(FALLBACK_ACTIONS)),
    )
    return {
        "fell_back": _flag(fell_back),
        "low_confidence": _flag(confidence(dialect) < threshold),
        "opted_out": _flag(and_(action, column.action_name.in_(OPT_OUT_ACTIONS))),
        "handed_off": _flag(slot_set_true(dialect, HANDOFF_SLOT)),
        "form_ran": _flag(and_(column.type_name == "active_loop", column.action_name == LEAD_FORM)),
    }


def candidates(
    dialect: str,
    *,
    threshold: float,
    channel: str | None,
    since: datetime | None,
    until: datetime | None,
    tags: Collection[str],
) -> Any:
    """The conversations with a visitor message that pass the filters the events can
    decide, newest first. One pass over the table, which reads inside an event's JSON only
    for the filters asked for: the page's details are read afterwards, by id."""
    last_at = func.max(EVENTS.c.timestamp)
    query = (
        select(EVENTS.c.sender_id, last_at.label("last_at"))
        .where(FROM_VISITORS)
        .group_by(EVENTS.c.sender_id)
        .having(_flag(VISITOR) == 1)
        .order_by(last_at.desc(), EVENTS.c.sender_id)
    )
    if channel is not None:
        query = query.having(_flag(on_channel(dialect, channel)) == 1)
    if since is not None:
        query = query.having(last_at >= since.timestamp())
    if until is not None:
        query = query.having(last_at < until.timestamp())
    shown = flags(dialect, threshold)
    for tag in {*tags, *(["form_ran"] if "left_form" in tags else [])}:
        if tag in shown:
            query = query.having(shown[tag] == 1)
    return query


@dataclass(frozen=True)
class Details:
    channel: str | None
    messages: int
    tags: frozenset[str]
    form_ran: bool


def details(
    connection: Connection, conversation_ids: list[str], threshold: float
) -> dict[str, Details]:
    """The channel, message count and event-read tags of these conversations (found
    through Rasa's index on `sender_id`)."""
    if not conversation_ids:
        return {}
    dialect = connection.dialect.name
    shown = flags(dialect, threshold)
    rows = connection.execute(
        select(
            EVENTS.c.sender_id,
            func.max(json_text(dialect, "input_channel")).label("channel"),
            func.sum(case((VISITOR, 1), else_=0)).label("messages"),
            *(flag.label(name) for name, flag in shown.items()),
        )
        .where(EVENTS.c.sender_id.in_(conversation_ids))
        .group_by(EVENTS.c.sender_id)
    ).all()
    own = [tag for tag in shown if tag != "form_ran"]
    return {
        row.sender_id: Details(
            channel=row.channel,
            messages=int(row.messages),
            tags=frozenset(tag for tag in own if getattr(row, tag)),
            form_ran=bool(row.form_ran),
        )
        for row in rows
    }
