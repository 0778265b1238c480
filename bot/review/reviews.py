"""The review's state: which visitor messages a marketer has looked at, and how many that
need a look still wait.

A message needs a look when the bot fell back on it or NLU read it with less confidence
than the threshold (`bot.review.events_sql.needs_review`). A marketer either marks it
`fine` or files it as a training example (`bot.review.filing`); either way it gets one
row in `message_reviews` (`bot.crm.review_tables`), keyed by its conversation and Rasa's
message id. A message without a message id (none reaches Rasa from a channel without one)
cannot be reviewed and is not counted.

Like `bot.crm.repository`, these functions work within the caller's Session and never
commit. The events are read from the tracker store, which may be another database.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.crm.database import insert_once, utcnow
from bot.crm.funnel import ID_BATCH
from bot.crm.review_tables import REVIEW_STATUSES, MessageReview
from bot.editor import EditError, Problem
from bot.review.events_sql import count_needing_review, events_connection, needing_review
from bot.review.messages import ConversationMessages, VisitorMessage
from bot.review.outcomes import fallback_threshold


class ReviewRefused(EditError):
    """A review the editor or the review refuses, with every problem found (file and line
    where known), for the page to show as the console's editors show theirs."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.message, file=first.file, line=first.line)
        self.problems = problems

    @classmethod
    def because(cls, message: str) -> ReviewRefused:
        return cls([Problem(None, None, message)])


@dataclass(frozen=True)
class ReviewPage:
    reviews: list[MessageReview]
    total: int


def find_message(
    events: Engine | Connection, conversation_id: str, message_id: str
) -> VisitorMessage:
    """The message to review; ReviewRefused when the tracker store has no such message."""
    message = ConversationMessages(events).message(conversation_id, message_id)
    if message is None:
        raise ReviewRefused.because("There is no such message (was the conversation erased?).")
    return message


def review_of(session: Session, conversation_id: str, message_id: str) -> MessageReview | None:
    return session.execute(
        select(MessageReview).where(
            MessageReview.conversation_id == conversation_id,
            MessageReview.message_id == message_id,
        )
    ).scalar_one_or_none()


def record(
    session: Session,
    message: VisitorMessage,
    *,
    status: str,
    reviewer: str,
    intent: str | None = None,
    example: str | None = None,
) -> MessageReview:
    """Write the review of `message` (a message marked fine may still be filed later);
    ReviewRefused if it was filed already, by anyone, even a moment ago."""
    if status not in REVIEW_STATUSES or message.message_id is None:
        raise ValueError(f"cannot record a {status!r} review of a message without an id")
    values = {"status": status, "intent": intent, "example": example, "reviewer": reviewer}
    row = MessageReview(
        conversation_id=message.conversation_id,
        message_id=message.message_id,
        message_at=message.at or utcnow(),
        reviewed_at=utcnow(),
        **values,
    )
    found = select(MessageReview).where(
        MessageReview.conversation_id == message.conversation_id,
        MessageReview.message_id == message.message_id,
    )
    if insert_once(session, row, found):
        return row
    current = session.execute(found).scalar_one()
    if current.status == "filed":
        raise ReviewRefused.because(
            f"This message was filed already, as an example of '{current.intent}', "
            f"by {current.reviewer}."
        )
    if status == "filed":
        for field, value in values.items():
            setattr(current, field, value)
        current.reviewed_at = utcnow()
        session.flush()
    return current


def mark_fine(
    session: Session,
    events: Engine | Connection,
    *,
    conversation_id: str,
    message_id: str,
    reviewer: str,
) -> MessageReview:
    """Note that the bot handled the message well enough; marking it again changes
    nothing. ReviewRefused for an unknown message or one filed already."""
    message = find_message(events, conversation_id, message_id)
    return record(session, message, status="fine", reviewer=reviewer)


def list_reviews(
    session: Session,
    *,
    status: str | None = None,
    conversation_ids: Collection[str] | None = None,
    reviewer: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ReviewPage:
    """Reviews, the latest first, optionally only those with this status, of these
    conversations or by this reviewer."""
    column = MessageReview.__table__.c
    conditions: list[Any] = []
    if status is not None:
        conditions.append(column.status == status)
    if conversation_ids is not None:
        conditions.append(column.conversation_id.in_(list(conversation_ids)))
    if reviewer is not None:
        conditions.append(column.reviewer == reviewer)
    total = session.execute(
        select(func.count()).select_from(MessageReview).where(*conditions)
    ).scalar_one()
    reviews = session.execute(
        select(MessageReview)
        .where(*conditions)
        .order_by(column.reviewed_at.desc(), column.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return ReviewPage(list(reviews), int(total))


def messages_needing_review(
    events: Engine | Connection,
    *,
    threshold: float | None = None,
    since: datetime | None = None,
) -> set[tuple[str, str]]:
    """(conversation id, message id) of every visitor message (sent since `since`, if
    given) that needs a look, reviewed or not: one query on the events table."""
    threshold = fallback_threshold() if threshold is None else threshold
    with events_connection(events) as connection:
        if connection is None:
            return set()
        moment = None if since is None else since.timestamp()
        query = needing_review(connection.dialect.name, threshold, moment)
        rows = connection.execute(query).all()
    return {(conversation_id, message_id) for conversation_id, message_id in rows}


def unreviewed_count(
    session: Session,
    events: Engine | Connection,
    *,
    threshold: float | None = None,
    since: datetime | None = None,
) -> int:
    """How many visitor messages (sent since `since`, if given) need a look and have no
    review yet: those that need a look, less the reviewed ones among them.

    The first is one count over the events table, whose cost is parsing each visitor
    message's JSON once (a page that counts often may count only recent ones); the second
    reads the events of the reviewed conversations only, through Rasa's index.
    """
    threshold = fallback_threshold() if threshold is None else threshold
    moment = None if since is None else since.timestamp()
    column = MessageReview.__table__.c
    recent = [] if since is None else [column.message_at >= since]
    reviewed = {
        (conversation_id, message_id)
        for conversation_id, message_id in session.execute(
            select(column.conversation_id, column.message_id).where(*recent)
        )
    }
    conversations = sorted({conversation_id for conversation_id, _ in reviewed})
    with events_connection(events) as connection:
        if connection is None:
            return 0
        dialect = connection.dialect.name
        waiting = int(connection.execute(count_needing_review(dialect, threshold, moment)).scalar())
        for start in range(0, len(conversations), ID_BATCH):
            batch = conversations[start : start + ID_BATCH]
            looked_at = connection.execute(needing_review(dialect, threshold, moment, batch))
            waiting -= len({(row.sender_id, row.message_id) for row in looked_at} & reviewed)
    return waiting
