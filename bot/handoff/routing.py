"""Which rep a new request is proposed to.

Only reps who are online (their inbox open in the last `ONLINE_FOR`) and hold fewer than
the cap are considered; of those, the ones whose territories, languages and segments
(`data/scoring/handoff.yml`) fit the conversation, and then round robin: the rep holding
the fewest conversations, and among equals the one whose last claim is oldest. Nobody
fits: the request waits in the queue, where any rep may claim it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.crm.handoff_tables import COLUMNS, AgentPresence
from bot.handoff.config import HandoffConfig, Rep

ONLINE_FOR = timedelta(seconds=60)


@dataclass(frozen=True)
class Audience:
    """What routing knows of the person: the country of their number, the language their
    browser asked for, and the lead's segments."""

    territory: str | None = None
    language: str | None = None
    segments: Collection[str] = ()


def online_reps(session: Session, now: datetime) -> list[str]:
    since = now - ONLINE_FOR
    rows = session.execute(
        select(AgentPresence.agent).where(AgentPresence.last_seen >= since)
    ).scalars()
    return sorted(rows)


def _fits(rep: Rep, audience: Audience) -> bool:
    if rep.territories and audience.territory not in rep.territories:
        return False
    if rep.languages and (audience.language or "en") not in rep.languages:
        return False
    return not rep.segments or bool(rep.segments & set(audience.segments))


def choose_rep(
    session: Session, config: HandoffConfig, audience: Audience, now: datetime
) -> str | None:
    online = [
        name for name in online_reps(session, now) if _fits(config.reps.get(name, Rep()), audience)
    ]
    if not online:
        return None
    held = dict(
        session.execute(
            select(COLUMNS.agent, func.count())
            .where(COLUMNS.status == "assigned", COLUMNS.agent.in_(online))
            .group_by(COLUMNS.agent)
        ).all()
    )
    last_claim = dict(
        session.execute(
            select(COLUMNS.agent, func.max(COLUMNS.claimed_at))
            .where(COLUMNS.agent.in_(online))
            .group_by(COLUMNS.agent)
        ).all()
    )
    free = [name for name in online if held.get(name, 0) < config.max_open_per_rep]
    if not free:
        return None
    oldest = datetime.min.replace(tzinfo=now.tzinfo)
    return min(free, key=lambda name: (held.get(name, 0), last_claim.get(name) or oldest, name))


def seen(session: Session, agent: str, now: datetime) -> None:
    """The rep's inbox is open: they count as online for the next `ONLINE_FOR`."""
    presence = session.get(AgentPresence, agent)
    if presence is None:
        session.add(AgentPresence(agent=agent, last_seen=now))
    else:
        presence.last_seen = now
