"""A handoff's life, each change one call within the caller's transaction (none commits).

    request ──▶ waiting ──claim──▶ assigned ──hand_back / close──▶ ended
                   │                  │
                   └── close ─────────┴── the person opts out or is erased ──▶ ended

What a rep says, and the bot's return, reach the conversation as rows of its inbox: the
Rasa server runs them in order with the person's own messages (`channels.agent_turn`), so
the rep's words go out through the channel's outbound gate like the bot's and are written
to the tracker marked with the rep's name. The row's key makes each go out once, and the
caller's commit wakes the Rasa servers to run it (`channels.wakeup`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.crm.handoff_tables import COLUMNS, Handoff, open_handoff
from bot.crm.inbox import record_inbound
from bot.handoff.config import HandoffConfig
from bot.handoff.hours import is_open, next_opening
from bot.handoff.routing import Audience, choose_rep, online_reps

MAX_REPLY = 1_600  # ten SMS segments; a rep writing more should send a link
AGENT_KEY = "agent"  # the inbox payload's key, and the BotUttered metadata naming the rep
# What the bot says itself around a handoff (`channels.agent_turn`), by row kind.
HANDOFF_RESPONSES = {"notice": "utter_handoff_nobody_free", "resume": "utter_handoff_back"}


class HandoffRefused(ValueError):
    """The change does not fit the handoff's state (claimed by someone else, ended)."""


@dataclass(frozen=True)
class Requested:
    """The handoff and what the person can be told: a rep is joining (`soon`), or when
    someone will reply (`opening`: now during hours with nobody free, else the next
    opening; None when the team has no hours at all)."""

    handoff: Handoff
    soon: bool
    opening: datetime | None
    joined: bool  # the conversation had asked already


def address_of(conversation_id: str) -> str | None:
    """Where the channel sends: the number of `sms:+1…`, the chat of `telegram:<id>`."""
    channel, _, rest = conversation_id.partition(":")
    return rest if channel in ("sms", "telegram") and rest else None


def request(
    session: Session,
    config: HandoffConfig,
    *,
    conversation_id: str,
    channel: str,
    reason: str,
    now: datetime,
    audience: Audience | None = None,
    lead_id: str | None = None,
) -> Requested:
    found = open_handoff(session, conversation_id)
    joined = found is not None
    if found is None:
        found = Handoff(
            conversation_id=conversation_id,
            channel=channel,
            lead_id=lead_id,
            reason=reason,
            routed_to=choose_rep(session, config, audience or Audience(), now),
            requested_at=now,
            changed_at=now,
        )
        try:
            with session.begin_nested():
                session.add(found)
        except IntegrityError:  # a second request at the same moment: join it
            joined, found = True, open_handoff(session, conversation_id)
            if found is None:
                raise
    soon = found.status == "assigned" or (is_open(config, now) and bool(online_reps(session, now)))
    opening = None if soon else next_opening(config, now)
    if not soon and found.waiting_told_at is None:
        found.waiting_told_at = now  # told now: the watcher need not tell again
    return Requested(found, soon, opening, joined)


def _get(session: Session, handoff_id: str) -> Handoff:
    handoff = session.get(Handoff, handoff_id, with_for_update=True)
    if handoff is None:
        raise HandoffRefused("There is no such conversation in the inbox.")
    return handoff


def _held_by(session: Session, handoff_id: str, agent: str) -> Handoff:
    handoff = _get(session, handoff_id)
    if handoff.status != "assigned" or handoff.agent != agent:
        raise HandoffRefused("You are not holding this conversation; claim it first.")
    return handoff


def to_conversation(
    session: Session, handoff: Handoff, *, kind: str, agent: str, key: str, **more: Any
) -> None:
    """A row in the conversation's inbox, run by the Rasa server in order with the
    person's messages (`channels.agent_turn`) once the transaction commits; its key makes
    it run once."""
    recorded = record_inbound(
        session,
        channel=handoff.channel,
        external_id=key,
        conversation_id=handoff.conversation_id,
        payload={
            "text": "",
            "address": address_of(handoff.conversation_id),
            "metadata": {},
            AGENT_KEY: {"kind": kind, "name": agent, "key": key, **more},
        },
    )
    if recorded is not None:
        bootstrap.inbox_wakeup().on_commit(session, handoff.channel)


def claim(session: Session, handoff_id: str, *, agent: str, now: datetime) -> Handoff:
    """The rep takes the conversation: from now on the bot is silent in it."""
    handoff = _get(session, handoff_id)
    if handoff.status == "assigned" and handoff.agent == agent:
        return handoff
    if handoff.status != "waiting":
        holder = f" by {handoff.agent}" if handoff.agent else ""
        raise HandoffRefused(f"This conversation was taken{holder} or has ended.")
    handoff.status, handoff.agent, handoff.claimed_at, handoff.changed_at = (
        "assigned",
        agent,
        now,
        now,
    )
    return handoff


def say(session: Session, handoff_id: str, *, agent: str, text: str, now: datetime) -> Handoff:
    """The rep's message, on its way to the person through their channel."""
    text = text.replace("\x00", "").strip()
    if not text:
        raise HandoffRefused("The message is empty.")
    if len(text) > MAX_REPLY:
        raise HandoffRefused(f"The message is longer than {MAX_REPLY} characters.")
    handoff = _held_by(session, handoff_id, agent)
    handoff.replies += 1
    key = f"agent:{handoff.id}:{handoff.replies}"
    to_conversation(session, handoff, kind="reply", agent=agent, key=key, text=text)
    handoff.first_reply_at = handoff.first_reply_at or now
    handoff.changed_at = now
    return handoff


def end(session: Session, handoff_id: str, *, agent: str, reason: str, now: datetime) -> Handoff:
    """Hand back (`handed_back`: the bot picks up where the conversation stands, asking
    an unfinished form's next question) or close (`closed`: the bot answers the person's
    next message). Either way the bot speaks again in the conversation."""
    handoff = _get(session, handoff_id)
    if handoff.status == "ended":
        raise HandoffRefused("This conversation has ended already.")
    if handoff.status == "assigned" and handoff.agent != agent:
        raise HandoffRefused(f"{handoff.agent} holds this conversation.")
    if handoff.status == "assigned":
        to_conversation(
            session,
            handoff,
            kind="resume" if reason == "handed_back" else "close",
            agent=agent,
            key=f"agent:{handoff.id}:end",
        )
    handoff.status, handoff.end_reason, handoff.ended_at, handoff.changed_at = (
        "ended",
        reason,
        now,
        now,
    )
    return handoff


def end_for(session: Session, conversation_id: str, *, reason: str, now: datetime) -> bool:
    """Ends the conversation's open handoff without a rep (the person opted out)."""
    ended = session.execute(
        update(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status != "ended")
        .values(status="ended", end_reason=reason, ended_at=now, changed_at=now)
    )
    return bool(ended.rowcount)


def person_wrote(session: Session, conversation_id: str, now: datetime) -> str | None:
    """The person wrote: an open handoff is marked changed (the inbox shows the message);
    the rep holding the conversation, if one does, is returned: the bot must not speak."""
    found = open_handoff(session, conversation_id)
    if found is None:
        return None
    found.changed_at = now
    return found.agent if found.status == "assigned" else None


LIVE_AFTER_END = timedelta(seconds=30)


def is_live(session: Session, conversation_id: str, now: datetime) -> bool:
    """Whether the person's web chat should watch for messages nobody asked for: while a
    handoff is open, and briefly after it ends (the bot's return is on its way)."""
    return (
        session.execute(
            select(Handoff.id)
            .where(
                Handoff.conversation_id == conversation_id,
                (COLUMNS.status != "ended") | (COLUMNS.ended_at >= now - LIVE_AFTER_END),
            )
            .limit(1)
        ).first()
        is not None
    )
