"""Exposures of A/B tests of messages: which variant each conversation was first shown.

The response generator (`bot.nlg`) records a conversation's variant the first time it
shows one, in a single `INSERT … ON CONFLICT DO NOTHING`: it runs during a bot reply, and
two instances answering the same conversation still leave exactly one row, the first.
The console reads the rows back grouped by experiment and variant (`bot.experiments`).

A conversation id can name a person (`sms:+15551234567`), so a data subject's export and
erasure include their rows (`bot.crm.subjects`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.crm.database import utcnow
from bot.crm.tables import ExperimentExposure

COLUMNS = ExperimentExposure.__table__.c
# experiment → variant → the conversations first shown that variant
Exposed = dict[str, dict[str, list[str]]]


def record_exposure(
    session: Session,
    *,
    experiment: str,
    conversation_id: str,
    variant: str,
    seen_at: datetime | None = None,
) -> bool:
    """Records that `conversation_id` was shown `variant`; False if it already had a row."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ExperimentExposure.__table__)
        .values(
            experiment=experiment,
            conversation_id=conversation_id,
            variant=variant,
            first_seen=seen_at or utcnow(),
        )
        .on_conflict_do_nothing()
    )
    return bool(session.execute(statement).rowcount)


def exposed_conversations(session: Session) -> Exposed:
    """Every recorded exposure, grouped by experiment and variant (ids in a stable order)."""
    query = select(COLUMNS.experiment, COLUMNS.variant, COLUMNS.conversation_id).order_by(
        COLUMNS.experiment, COLUMNS.variant, COLUMNS.conversation_id
    )
    exposed: defaultdict[str, dict[str, list[str]]] = defaultdict(dict)
    for experiment, variant, conversation_id in session.execute(query):
        exposed[experiment].setdefault(variant, []).append(conversation_id)
    return dict(exposed)
