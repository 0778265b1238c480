"""Content engagement: which catalogue items (data/content) the bot offered in a
conversation, at the wrap-up or for a visitor's question, and which of them the person
clicked (`bot.recommend.offering`).

One row per item offered (`offered`) and one per click (`clicked`, pointing at the offer
it came through by `offer_id`). Each names the conversation, the lead and its contact
(none yet for a visitor who asked before the lead form: `claim_offers` fills them in when
the lead is captured), which ranking placed the item (`strategy`: `content` at a cold
start, else `blend`; `trigger` for an opening offer) and where it was offered
(`placement`: in the chat, or under the web chat's opening greeting, with the trigger's
name). An opening offer to a browser with no conversation names no one: it only counts.
Under an A/B test of ranking strategies (`bot.recommend.strategies`), `experiment` and
`variant` name the test and the variant the conversation was ranked under; both are
empty otherwise.
The clicks are the collaborative ranker's history. The rows are a person's data: part of
their export, gone with them on erasure and with their conversation by retention.

A second click on the same offer within `CLICK_WINDOW` is the same click (a double
click, a link preview fetching it, the back button): it is recorded once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, String, or_, select, update
from sqlalchemy.orm import Session

from bot.crm.database import UtcDateTime, utcnow
from bot.crm.tables import Base, Mapped, one_of

ENGAGEMENT_KINDS = ("offered", "clicked")
# Where an item was offered: in the bot's messages, or under the web chat's opening
# greeting (a trigger's offer, `bot.targeting`).
PLACEMENTS = ("chat", "opening")
CLICK_WINDOW = timedelta(minutes=10)


class ContentEngagement(Base):
    __tablename__ = "content_engagements"
    __table_args__ = (
        one_of("kind", ENGAGEMENT_KINDS),
        one_of("placement", PLACEMENTS),
        Index("ix_content_engagements_kind_item_id", "kind", "item_id"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # Erasing a contact or a lead erases what they were offered and clicked.
    contact_id: Mapped[str | None] = Column(
        String(36), ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[str | None] = Column(
        String(36), ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    # None: an opening offer to a browser that has no conversation (counted, no one's).
    conversation_id: Mapped[str | None] = Column(String(255), index=True)
    item_id: Mapped[str] = Column(String(120), nullable=False)  # a catalogue item's id
    kind: Mapped[str] = Column(String(16), nullable=False)
    strategy: Mapped[str] = Column(String(32), nullable=False)  # the ranking that placed it
    # The A/B test of ranking strategies and its variant; None without a test.
    experiment: Mapped[str | None] = Column(String(64), index=True)
    variant: Mapped[str | None] = Column(String(64))
    placement: Mapped[str] = Column(String(16), nullable=False, server_default="chat")
    trigger: Mapped[str | None] = Column(String(64))  # the trigger of an opening offer
    # A click: the offer it came through. No foreign key: an offer and its clicks always
    # go together (same conversation, contact and lead), and a cascade between rows of one
    # bulk delete would make SQLite and PostgreSQL count them differently.
    offer_id: Mapped[int | None] = Column(Integer, index=True)
    created_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)


COLUMNS = ContentEngagement.__table__.c


def anonymous_before(moment: datetime) -> Any:
    """The condition selecting the offers (and their clicks) made to no conversation
    before `moment` (retention)."""
    return COLUMNS.conversation_id.is_(None) & (COLUMNS.created_at < moment)


def engagements_of(
    conversation_ids: Collection[str],
    contact_ids: Collection[str] = (),
    lead_ids: Collection[str] = (),
) -> Any:
    """The condition selecting these conversations', contacts' and leads' engagements
    (export, erasure, retention)."""
    return or_(
        COLUMNS.conversation_id.in_(list(conversation_ids)),
        COLUMNS.contact_id.in_(list(contact_ids)),
        COLUMNS.lead_id.in_(list(lead_ids)),
    )


def record_offer(
    session: Session,
    *,
    item_id: str,
    strategy: str,
    conversation_id: str | None,
    lead_id: str | None,
    contact_id: str | None,
    now: datetime | None = None,
    experiment: str | None = None,
    variant: str | None = None,
    placement: str = "chat",
    trigger: str | None = None,
) -> ContentEngagement:
    """An `offered` row, flushed so its id can go in the item's signed link."""
    row = ContentEngagement(
        contact_id=contact_id,
        lead_id=lead_id,
        conversation_id=conversation_id,
        item_id=item_id,
        kind="offered",
        strategy=strategy,
        experiment=experiment,
        variant=variant,
        placement=placement,
        trigger=trigger,
        created_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def record_click(session: Session, offer_id: int, *, now: datetime) -> ContentEngagement | None:
    """Records a click on the offer and returns it; None if the offer is gone (erased,
    purged) or was already clicked within `CLICK_WINDOW`."""
    offer = session.get(ContentEngagement, offer_id)
    if offer is None or offer.kind != "offered":
        return None
    recent = session.scalar(
        select(COLUMNS.id)
        .where(
            COLUMNS.offer_id == offer_id,
            COLUMNS.kind == "clicked",
            COLUMNS.created_at >= now - CLICK_WINDOW,
        )
        .limit(1)
    )
    if recent is not None:
        return None
    click = ContentEngagement(
        contact_id=offer.contact_id,
        lead_id=offer.lead_id,
        conversation_id=offer.conversation_id,
        item_id=offer.item_id,
        kind="clicked",
        strategy=offer.strategy,
        experiment=offer.experiment,
        variant=offer.variant,
        placement=offer.placement,
        trigger=offer.trigger,
        offer_id=offer.id,
        created_at=now,
    )
    session.add(click)
    return click


def clicked_by_contact(session: Session, contact_id: str) -> set[str]:
    """The items a contact ever clicked."""
    return set(
        session.scalars(
            select(COLUMNS.item_id).where(
                COLUMNS.contact_id == contact_id, COLUMNS.kind == "clicked"
            )
        )
    )


def clicks_by_lead(session: Session) -> dict[str, set[str]]:
    """Every lead's clicked items, by lead id (the collaborative history)."""
    found: dict[str, set[str]] = {}
    rows = session.execute(
        select(COLUMNS.lead_id, COLUMNS.item_id).where(
            COLUMNS.kind == "clicked", COLUMNS.lead_id.is_not(None)
        )
    )
    for lead_id, item_id in rows:
        found.setdefault(lead_id, set()).add(item_id)
    return found


def items_of_conversation(session: Session, conversation_id: str) -> tuple[set[str], set[str]]:
    """The items offered in a conversation, and those of them clicked."""
    offered: set[str] = set()
    clicked: set[str] = set()
    rows = session.execute(
        select(COLUMNS.kind, COLUMNS.item_id).where(COLUMNS.conversation_id == conversation_id)
    )
    for kind, item_id in rows:
        (offered if kind == "offered" else clicked).add(item_id)
    return offered, clicked


def opened_in_conversation(session: Session, conversation_id: str) -> list[str]:
    """The items clicked in a conversation, each once, in the order first clicked."""
    rows = session.scalars(
        select(COLUMNS.item_id)
        .where(COLUMNS.conversation_id == conversation_id, COLUMNS.kind == "clicked")
        .order_by(COLUMNS.created_at, COLUMNS.id)
    )
    return list(dict.fromkeys(rows))


def claim_offers(
    session: Session, *, conversation_id: str, lead_id: str, contact_id: str | None
) -> int:
    """Gives a conversation's offers and clicks made before it had a lead (a visitor's
    question) to its lead and contact, so they count as the lead's history and go with
    the lead's data; returns how many rows it changed."""
    result = session.execute(
        update(ContentEngagement)
        .where(COLUMNS.conversation_id == conversation_id, COLUMNS.lead_id.is_(None))
        .values(lead_id=lead_id, contact_id=contact_id)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
