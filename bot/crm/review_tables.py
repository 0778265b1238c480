"""The conversation review's table: what a marketer decided about a visitor's message
(`bot.review`).

One row per reviewed message, named by its conversation and Rasa's message id: `fine`
(the bot read it well enough) or `filed` (saved as a training example of an intent, with
the example's text as saved). The example is the message with its personal data replaced
(`bot.review.placeholders`), but the row still names the conversation, whose id may be a
phone number (`sms:+1…`): it goes with the conversation on erasure and by retention.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Integer, String, Text, UniqueConstraint

from bot.crm.database import UtcDateTime, utcnow
from bot.crm.tables import Base, Mapped, one_of

REVIEW_STATUSES = ("filed", "fine")


class MessageReview(Base):
    """A marketer's verdict on one visitor message."""

    __tablename__ = "message_reviews"
    __table_args__ = (
        # Its leading column serves erasure and retention, which go by conversation.
        UniqueConstraint("conversation_id", "message_id"),
        one_of("status", REVIEW_STATUSES),
        Index("ix_message_reviews_reviewed_at", "reviewed_at"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False)
    message_id: Mapped[str] = Column(String(255), nullable=False)  # Rasa's
    # When the visitor sent the message (its event's timestamp).
    message_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False)
    intent: Mapped[str | None] = Column(String(255))  # the intent it was filed as
    example: Mapped[str | None] = Column(Text)  # the text saved, placeholders in
    reviewer: Mapped[str] = Column(String(64), nullable=False)  # the console user
    reviewed_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)


def reviews_of(conversation_ids: Collection[str]) -> Any:
    """The condition selecting these conversations' reviews (export, erasure, retention)."""
    return MessageReview.__table__.c.conversation_id.in_(list(conversation_ids))
