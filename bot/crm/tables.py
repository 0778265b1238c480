"""The CRM's tables as SQLAlchemy ORM models (1.4, written in the 2.0 style).

Contacts own leads and consent events; suppressions, the outbox, the audit log and the
inbox (`bot.crm.inbox`) stand alone so that erasing a contact leaves them intact. The schema is
created by the Alembic migrations in `bot/crm/migrations`; a test checks the two agree.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import registry

from bot.consent.proof import ConsentRecord
from bot.crm.database import UtcDateTime, parse_utc, utcnow

if TYPE_CHECKING:
    # SQLAlchemy 1.4 ships no type information, so its `Mapped` is `Any` to mypy; reading
    # `Mapped[str]` as plain `str` lets mypy check every use of a loaded row's attributes.
    _T = TypeVar("_T")
    Mapped = Annotated[_T, "mapped"]
else:
    from sqlalchemy.orm import Mapped

LEAD_STATUSES = ("new", "qualified", "nurture", "disqualified", "handed_off")
SUPPRESSION_KINDS = ("email", "phone", "telegram")
OUTBOX_STATUSES = ("pending", "delivered", "failed")
CONFIRMATION_KINDS = ("email", "phone")
API_ROLES = ("viewer", "agent", "marketer", "admin")  # least to most trusted
# The funnel archive's trigger of a conversation purged before the archive kept triggers.
NOT_RECORDED = "(not recorded)"

# Fixed constraint names: the same on SQLite and PostgreSQL, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
mapper_registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def new_id() -> str:
    return str(uuid.uuid4())


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


if TYPE_CHECKING:

    class Base:
        """What mypy sees of the declarative base."""

        metadata: ClassVar[Any]
        __table__: ClassVar[Any]

        def __init__(self, **values: Any) -> None: ...

else:
    Base = mapper_registry.generate_base()


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[str] = Column(String(36), primary_key=True, default=new_id)
    email: Mapped[str | None] = Column(String(320), unique=True)
    phone: Mapped[str | None] = Column(String(16), unique=True)
    telegram_user_id: Mapped[str | None] = Column(String(32), unique=True)
    name: Mapped[str | None] = Column(Text)
    company: Mapped[str | None] = Column(Text)
    # When the person proved the identifier theirs (the channel it came through, a YES
    # texted back, a confirmation link); None while it is only a claim typed in chat.
    email_verified_at: Mapped[datetime | None] = Column(UtcDateTime)
    phone_verified_at: Mapped[datetime | None] = Column(UtcDateTime)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (one_of("status", LEAD_STATUSES),)

    id: Mapped[str] = Column(String(36), primary_key=True, default=new_id)
    # Erasing a contact erases their leads; the outbox rows follow (see OutboxRow).
    contact_id: Mapped[str] = Column(
        String(36), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    conversation_id: Mapped[str] = Column(String(255), nullable=False, unique=True)
    channel: Mapped[str] = Column(String(32), nullable=False)
    source: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    answers: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    facts: Mapped[dict[str, Any] | None] = Column(JSON)  # LeadFacts.as_dict()
    role: Mapped[str | None] = Column(String(32))
    authority: Mapped[str | None] = Column(String(32))
    score: Mapped[int] = Column(Integer, nullable=False)
    grade: Mapped[str] = Column(String(16), nullable=False)
    score_breakdown: Mapped[list[Any]] = Column(JSON, nullable=False)
    segments: Mapped[list[str]] = Column(JSON, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False)
    version: Mapped[int] = Column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)

    # Optimistic locking: an UPDATE only applies to the version it was based on, so two
    # writers cannot both turn version 3 into "version 4" (and one outbox key) unnoticed.
    # The repository sets the next version itself, only when something changed.
    __mapper_args__: ClassVar[dict[str, Any]] = {
        "version_id_col": version,
        "version_id_generator": False,
    }


class ConsentEvent(Base):
    """One consent answer with its proof. Rows are only ever added (or, on erasure,
    detached from their contact); the current state is derived from them."""

    __tablename__ = "consent_events"
    # The proof of one answer to one message; backs the repository's idempotency check.
    __table_args__ = (UniqueConstraint("conversation_id", "message_id", "purpose", "answer"),)

    # An integer key records the order in which answers arrived, for ties in recorded_at.
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[str | None] = Column(
        String(36), ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = Column(String(64), nullable=False)
    answer: Mapped[str] = Column(String(16), nullable=False)
    granted: Mapped[bool] = Column(Boolean, nullable=False)
    wording: Mapped[str | None] = Column(Text)
    notice_version: Mapped[str] = Column(String(64), nullable=False)
    reply_text: Mapped[str] = Column(Text, nullable=False)
    message_id: Mapped[str | None] = Column(String(255))
    channel: Mapped[str | None] = Column(String(32))
    conversation_id: Mapped[str] = Column(String(255), nullable=False)
    recorded_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)

    @classmethod
    def from_record(cls, record: ConsentRecord, *, contact_id: str | None) -> ConsentEvent:
        return cls(
            contact_id=contact_id, **{**record, "recorded_at": parse_utc(record["recorded_at"])}
        )

    def same_proof(self) -> list[Any]:
        """Conditions selecting the events that prove this same answer.

        Same conversation, message id, purpose and answer; without a message id the same
        recorded time too, so a later answer lacking an id is not taken for an earlier one.
        """
        column = type(self).__table__.c
        same = [
            column.conversation_id == self.conversation_id,
            column.purpose == self.purpose,
            column.answer == self.answer,
        ]
        if self.message_id is None:
            return [*same, column.message_id.is_(None), column.recorded_at == self.recorded_at]
        return [*same, column.message_id == self.message_id]


class Suppression(Base):
    """An identifier nobody may message, kept only as a keyed hash (never the value)."""

    __tablename__ = "suppressions"
    __table_args__ = (one_of("kind", SUPPRESSION_KINDS),)

    identifier_hash: Mapped[str] = Column(String(64), primary_key=True)
    kind: Mapped[str] = Column(String(16), nullable=False)
    reason: Mapped[str] = Column(Text, nullable=False)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)


class ConsentConfirmation(Base):
    """A double opt-in under way: marketing consent given for an identifier the
    conversation had not verified, waiting for its owner's YES or click (`bot.
    double_opt_in`). It holds the address or number it was sent to, so it goes with the
    contact on erasure."""

    __tablename__ = "consent_confirmations"
    __table_args__ = (
        one_of("kind", CONFIRMATION_KINDS),
        Index("ix_consent_confirmations_kind_identifier", "kind", "identifier"),
    )

    id: Mapped[str] = Column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = Column(
        String(36), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[str] = Column(String(64), nullable=False)
    kind: Mapped[str] = Column(String(16), nullable=False)
    identifier: Mapped[str] = Column(String(320), nullable=False)  # normalised
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    requested_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    confirmed_at: Mapped[datetime | None] = Column(UtcDateTime)


class OutboxRow(Base):
    """One message waiting to be (or already) delivered to one sink: a lead version for
    a CRM, or a confirmation request for its mail or SMS sender."""

    __tablename__ = "outbox"
    __table_args__ = (
        one_of("status", OUTBOX_STATUSES),
        # Workers poll for pending rows that are due.
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # The payload holds personal data, so it goes when the lead (or, for a confirmation
    # request, the contact) it was made for is erased.
    lead_id: Mapped[str | None] = Column(
        String(36), ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[str | None] = Column(
        String(36), ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    lead_version: Mapped[int | None] = Column(Integer)
    sink: Mapped[str] = Column(String(64), nullable=False)
    idempotency_key: Mapped[str] = Column(String(255), nullable=False, unique=True)
    payload: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    last_error: Mapped[str | None] = Column(Text)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    delivered_at: Mapped[datetime | None] = Column(UtcDateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = Column(String(64), nullable=False)
    action: Mapped[str] = Column(String(64), nullable=False)
    subject_hash: Mapped[str | None] = Column(String(64), index=True)
    details: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)


class ApiToken(Base):
    """A bearer token for the CRM API, kept only as its SHA-256 (see `bot.crm.tokens`)."""

    __tablename__ = "api_tokens"
    __table_args__ = (one_of("role", API_ROLES),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = Column(String(64), nullable=False, unique=True)
    role: Mapped[str] = Column(String(16), nullable=False)
    token_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = Column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = Column(UtcDateTime)


class ExperimentExposure(Base):
    """The variant of an A/B test a conversation was first shown (see `bot.nlg`)."""

    __tablename__ = "experiment_exposures"
    __table_args__ = (UniqueConstraint("experiment", "conversation_id"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    experiment: Mapped[str] = Column(String(255), nullable=False)  # the response's name
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    variant: Mapped[str] = Column(String(64), nullable=False)
    first_seen: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)


class FunnelArchive(Base):
    """What the funnel report needs of a conversation the retention purge removed
    (`bot.crm.retention`): when it began, its channel, campaign and web chat trigger, how
    far it got and where it left the form. No id, text or identifier: nothing about a
    person."""

    __tablename__ = "funnel_archive"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, index=True)
    channel: Mapped[str] = Column(String(64), nullable=False)  # as the report groups it
    campaign: Mapped[str] = Column(Text, nullable=False)
    # The trigger whose greeting opened it, as the report groups it; rows archived before
    # the archive kept it say NOT_RECORDED.
    trigger: Mapped[str] = Column(
        String(64), nullable=False, default=NOT_RECORDED, server_default=NOT_RECORDED
    )
    stages: Mapped[int] = Column(Integer, nullable=False)  # how many of funnel.STAGES
    form_started: Mapped[bool] = Column(Boolean, nullable=False)
    # The question it left the form at, when it started the form and never became a lead.
    last_asked: Mapped[str | None] = Column(String(64))
    # A sales rep wrote in it (`bot.handoff`).
    talked_to_person: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=false()
    )
