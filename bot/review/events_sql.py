"""What the review reads of Rasa's `events` table in SQL: values inside an event's JSON,
the visitor messages that need a look, and a connection that does not block writers.

Rasa stores each event's JSON as text (`SQLTrackerStore`), so reading a value inside it is
the database's own JSON function: `json_extract` on SQLite, a cast to `json` on
PostgreSQL. Only visitor messages are parsed (a `CASE` keeps other rows out), so a query
costs one pass over the table and the parsing of its visitor messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Float, and_, case, cast, func, inspect, not_, or_, select, type_coerce
from sqlalchemy.engine import Connection, Engine

from bot.crm.database import READ_ONLY
from bot.stores.conversation_events import EVENTS

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


def _json(dialect: str) -> Any:
    # PostgreSQL needs the text cast to `json` for its operators; SQLite's JSON functions
    # take the text as it is (a CAST there would turn it into a number).
    if dialect == "postgresql":
        return cast(EVENTS.c.data, JSON)
    return type_coerce(EVENTS.c.data, JSON)


def json_text(dialect: str, *path: str) -> Any:
    """The string at `path` in a visitor message's JSON (NULL for other events)."""
    return case((VISITOR, _json(dialect)[path].as_string()))


def confidence(dialect: str) -> Any:
    """How sure NLU was of a visitor message's intent (`parse_data.intent.confidence`)."""
    value = _json(dialect)[("parse_data", "intent", "confidence")]
    if dialect == "postgresql":
        # `as_float()` casts the `#>>` text, which is fine for numbers and null.
        return case((VISITOR, cast(value.as_string(), Float)))
    return case((VISITOR, value.as_float()))


def slot_set_true(dialect: str, slot: str) -> Any:
    """Whether an event sets `slot` to true (Rasa stores a slot's name as `action_name`)."""
    is_slot = and_(EVENTS.c.type_name == "slot", EVENTS.c.action_name == slot)
    if dialect == "postgresql":
        value = case((is_slot, cast(EVENTS.c.data, JSON)["value"].as_string()))
        return and_(is_slot, value == "true")
    return and_(is_slot, func.json_type(EVENTS.c.data, "$.value") == "true")


def answered_by_fallback() -> Any:
    """The ids of the visitor messages a fallback action answered: for each such action,
    the conversation's last visitor message before it (found through Rasa's index on
    `sender_id`)."""
    answered, prior = EVENTS.alias("answered"), EVENTS.alias("prior")
    before = (
        select(func.max(prior.c.id))
        .where(
            prior.c.sender_id == answered.c.sender_id,
            prior.c.type_name == "user",
            prior.c.id < answered.c.id,
        )
        .correlate(answered)
        .scalar_subquery()
    )
    return select(before).where(
        answered.c.type_name == "action", answered.c.action_name.in_(FALLBACK_ACTIONS)
    )


def needs_review(dialect: str, threshold: float) -> Any:
    """The condition on a visitor message's event that it needs a look: NLU fell back,
    a fallback action answered it, or its intent's confidence is under `threshold`."""
    return and_(
        VISITOR,
        or_(
            EVENTS.c.intent_name == FALLBACK_INTENT,
            confidence(dialect) < threshold,
            EVENTS.c.id.in_(answered_by_fallback()),
        ),
    )
