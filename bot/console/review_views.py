"""What the review pages show, worked out from `bot.review`: each listed conversation's
tags in words and how many of its messages wait for a review, and each visitor message
of a conversation with its reading, its review and the example it would make."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.console.charts import percent
from bot.console.funnel_routes import QUESTION_LABELS
from bot.crm.funnel import ID_BATCH
from bot.crm.review_tables import MessageReview, reviews_of
from bot.editor import Problem
from bot.review import (
    ConversationPage,
    ConversationSummary,
    VisitorMessage,
    replacements,
    suggested_example,
)
from bot.review.events_sql import events_connection, needing_review
from bot.settings import get_settings

KINDS = {
    "email": "e-mail address",
    "phone": "phone number",
    "url": "web address",
    "name": "name",
    "company": "company",
}


def tag_words(tag: str, threshold: float, stopped_at: str | None = None) -> str:
    """A tag as the page says it."""
    if tag == "low_confidence":
        return f"Low intent confidence (under {percent(threshold)})"
    if tag == "left_form":
        question = QUESTION_LABELS.get(stopped_at or "", stopped_at)
        return f"Left the form at: {question}" if question else "Left the form"
    return {
        "fell_back": "Fell back",
        "opted_out": "Opted out",
        "handed_off": "Handed off",
        "became_lead": "Became a lead",
    }.get(tag, tag)


@dataclass(frozen=True)
class Row:
    """A conversation in the list."""

    summary: ConversationSummary
    tags: list[tuple[str, str]]  # (tag, in words), in the order of bot.review.TAGS
    waiting: int  # its messages that need a look and have no review yet


def _reviewed(session: Session, conversation_ids: list[str]) -> set[tuple[str, str]]:
    column = MessageReview.__table__.c
    rows = session.execute(
        select(column.conversation_id, column.message_id).where(reviews_of(conversation_ids))
    )
    return {(conversation_id, message_id) for conversation_id, message_id in rows}


def _needing(
    events: Engine | Connection, conversation_ids: list[str], threshold: float
) -> set[tuple[str, str]]:
    """(conversation id, message id) of these conversations' messages that need a look."""
    found: set[tuple[str, str]] = set()
    with events_connection(events) as connection:
        if connection is None:
            return found
        dialect = connection.dialect.name
        for start in range(0, len(conversation_ids), ID_BATCH):
            batch = conversation_ids[start : start + ID_BATCH]
            rows = connection.execute(needing_review(dialect, threshold, None, batch))
            found |= {(row.sender_id, row.message_id) for row in rows}
    return found


def conversation_rows(
    session: Session, events: Engine | Connection, found: ConversationPage, order: Iterable[str]
) -> list[Row]:
    """The page's conversations as the list shows them; `order` is bot.review.TAGS."""
    ids = [summary.conversation_id for summary in found.conversations]
    waiting = _needing(events, ids, found.threshold) - _reviewed(session, ids)
    return [
        Row(
            summary,
            [
                (tag, tag_words(tag, found.threshold, summary.stopped_at))
                for tag in order
                if tag in summary.tags
            ],
            sum(1 for conversation_id, _ in waiting if conversation_id == summary.conversation_id),
        )
        for summary in found.conversations
    ]


@dataclass(frozen=True)
class Filing:
    """The values of a message's "file as an example" form."""

    example: str
    intent: str = ""  # the existing intent chosen
    kind: str = "existing"  # or "new"
    new_intent: str = ""
    nlu_file: str = ""
    answer: str = ""


@dataclass(frozen=True)
class Kept:
    """A refused form, shown again beside its message with what was wrong."""

    message_id: str
    problems: list[Problem]
    filing: Filing | None = None  # None: the refused form was "mark as fine"


@dataclass(frozen=True)
class MessageView:
    anchor: str  # the id of its place on the page
    message: VisitorMessage
    reasons: list[str]  # why it needs a look, in words; none: it does not
    review: MessageReview | None
    replaced: list[tuple[str, str, str]]  # (kind in words, what was there, its stand-in)
    form: Filing
    problems: list[Problem] = field(default_factory=list)


def reasons(message: VisitorMessage, threshold: float) -> list[str]:
    found = []
    if message.fell_back:
        found.append("the bot fell back (it did not understand)")
    if message.is_low_confidence(threshold):
        found.append(
            f"NLU was only {percent(message.confidence)} sure of the intent "
            f"(under {percent(threshold)})"
        )
    return found


def _likely_intent(message: VisitorMessage, known: set[str]) -> str:
    """The intent the form proposes: what NLU read, else its best runner-up we know."""
    candidates = [message.intent, *(name for name, _ in message.runners_up)]
    return next((name for name in candidates if name in known), "")


def message_views(
    messages: list[VisitorMessage],
    reviews: Mapping[str, MessageReview],
    threshold: float,
    known_intents: set[str],
    kept: Kept | None = None,
) -> list[MessageView]:
    region = get_settings().default_phone_region
    views = []
    for number, message in enumerate(messages, start=1):
        found = replacements(
            message.text, entities=message.entities, personal=message.personal, region=region
        )
        suggestion = suggested_example(message, region=region)
        form = Filing(suggestion, _likely_intent(message, known_intents))
        problems: list[Problem] = []
        if kept is not None and message.message_id == kept.message_id:
            form, problems = kept.filing or form, kept.problems
        views.append(
            MessageView(
                anchor=f"m{number}",
                message=message,
                reasons=reasons(message, threshold),
                review=reviews.get(message.message_id or ""),
                replaced=[
                    (KINDS.get(r.kind, r.kind), message.text[r.start : r.end], r.stand_in)
                    for r in found
                ],
                form=form,
                problems=problems,
            )
        )
    return views
