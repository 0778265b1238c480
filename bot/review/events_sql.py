"""What the review reads of Rasa's `events` table in SQL: values inside an event's JSON,
the visitor messages that need a look, and a connection that does not block writers.

Rasa stores each event's JSON as text (`SQLTrackerStore`), so reading a value inside it is
the database's own JSON function: `json_extract` on SQLite, a cast to `json` on
PostgreSQL. Only visitor messages are parsed (a `CASE` keeps other rows out), and only
for what a query asks, since parsing is most of what a pass over the table costs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Float, and_, case, cast, func, inspect, not_, or_, select, type_coerce
from sqlalchemy.engine import Connection, Engine

from bot.crm.database import READ_ONLY
from bot.stores.conversation_events import EVENTS, like_pattern

# What the FallbackClassifier calls a message whose reading is too unsure (bot/config.yml).
FALLBACK_INTENT = "nlu_fallback"
# Actions that say "I did not understand": this bot's own (`action_fallback`, which says
# `utter_fallback` or `utter_fallback_again`) and Rasa's defaults, should a policy pick them.
FALLBACK_ACTIONS = (
    "action_fallback",
    "action_default_fallback",
    "action_two_stage_fallback",
    "utter_fallback",
    "utter_fallback_again",
    "utter_default",
)
# The console's "try it" panel talks to the bot as `console-try-…`: marketers, not visitors.
TRY_PANEL_PREFIX = "console-try-"

VISITOR = EVENTS.c.type_name == "user"
FROM_VISITORS = not_(EVENTS.c.sender_id.like(f"{TRY_PANEL_PREFIX}%"))


@contextmanager
def events_connection(bind: Engine | Connection) -> Iterator[Connection | None]:
    """A connection to read the events on, None where Rasa has not created the table yet.

    An Engine's connection is read-only (`READ_ONLY`): on SQLite it does not queue for the
    write lock that Rasa and the action server take turns on. A Connection is used as it is
    (its caller's transaction).
    """
    if isinstance(bind, Connection):
        yield bind if inspect(bind).has_table(EVENTS.name) else None
        return
    with bind.execution_options(**{READ_ONLY: True}).connect() as connection:
        yield connection if inspect(connection).has_table(EVENTS.name) else None


def _json(dialect: str, data: Any) -> Any:
    # PostgreSQL needs the text cast to `json` for its operators; SQLite's JSON functions
    # take the text as it is (a CAST there would turn it into a number).
    if dialect == "postgresql":
        return cast(data, JSON)
    return type_coerce(data, JSON)


def json_text(dialect: str, *path: str) -> Any:
    """The string at `path` in a visitor message's JSON (NULL for other events)."""
    return case((VISITOR, _json(dialect, EVENTS.c.data)[path].as_string()))


def confidence(dialect: str) -> Any:
    """How sure NLU was of a visitor message's intent (`parse_data.intent.confidence`)."""
    value = _json(dialect, EVENTS.c.data)[("parse_data", "intent", "confidence")]
    # On PostgreSQL the `#>>` text is cast, which is fine for numbers and null.
    number = cast(value.as_string(), Float) if dialect == "postgresql" else value.as_float()
    return case((VISITOR, number))


def slot_set_true(dialect: str, slot: str) -> Any:
    """Whether an event sets `slot` to true (Rasa stores a slot's name as `action_name`)."""
    is_slot = and_(EVENTS.c.type_name == "slot", EVENTS.c.action_name == slot)
    if dialect == "postgresql":
        value = case((is_slot, cast(EVENTS.c.data, JSON)["value"].as_string()))
        return and_(is_slot, value == "true")
    return and_(is_slot, func.json_type(EVENTS.c.data, "$.value") == "true")


def on_channel(dialect: str, channel: str) -> Any:
    """Whether an event is a visitor message from `channel`. Only the events whose text
    holds the channel's name at all are parsed: a LIKE costs far less than JSON."""
    holds = EVENTS.c.data.like(like_pattern(channel), escape="\\")
    return and_(VISITOR, holds, json_text(dialect, "input_channel") == channel)


def _turns(
    dialect: str, threshold: float, since: float | None, conversations: list[str] | None
) -> Any:
    """Visitor messages and fallback actions, each message with whether NLU was unsure of
    it (`unsure`: fell back, or under `threshold`) and the type of the row after it.

    A fallback action answered a message when it is the next of these rows in its
    conversation (a window, in the order Rasa saved them). The inner query works out
    `unsure` before the window sorts the rows (OFFSET 0 keeps PostgreSQL from moving it
    after), so the sort carries a flag instead of each message's JSON.
    """
    fallback = and_(EVENTS.c.type_name == "action", EVENTS.c.action_name.in_(FALLBACK_ACTIONS))
    unsure = or_(EVENTS.c.intent_name == FALLBACK_INTENT, confidence(dialect) < threshold)
    chosen = [
        *([] if since is None else [EVENTS.c.timestamp >= since]),
        *([] if conversations is None else [EVENTS.c.sender_id.in_(conversations)]),
    ]
    rows = (
        select(
            EVENTS.c.id,
            EVENTS.c.sender_id,
            EVENTS.c.type_name,
            case((VISITOR, unsure), else_=False).label("unsure"),
        )
        .where(FROM_VISITORS, or_(VISITOR, fallback), *chosen)
        .offset(0)
        .subquery("rows")
    )
    following = func.lead(rows.c.type_name).over(partition_by=rows.c.sender_id, order_by=rows.c.id)
    return select(rows, following.label("next_type")).subquery("turns")


def _needs_a_look(turns: Any) -> Any:
    return and_(turns.c.type_name == "user", or_(turns.c.unsure, turns.c.next_type == "action"))


def count_needing_review(dialect: str, threshold: float, since: float | None = None) -> Any:
    """How many visitor messages (sent at `since` or later, a timestamp) need a look: NLU
    fell back, a fallback action answered them, or their intent's confidence is under
    `threshold`. One pass over the table, which parses each message's JSON once."""
    turns = _turns(dialect, threshold, since, None)
    return select(func.count()).select_from(turns).where(_needs_a_look(turns))


def needing_review(
    dialect: str,
    threshold: float,
    since: float | None = None,
    conversations: list[str] | None = None,
) -> Any:
    """(sender_id, message_id) of the messages `count_needing_review` counts (of these
    conversations only, if given); a message's id is read only for those."""
    turns = _turns(dialect, threshold, since, conversations)
    message_id = json_text(dialect, "message_id")
    return (
        select(EVENTS.c.sender_id, message_id.label("message_id"))
        .select_from(turns.join(EVENTS, EVENTS.c.id == turns.c.id))
        .where(_needs_a_look(turns), message_id.is_not(None))
        .distinct()
    )
