"""The suppression list: keyed hashes only, never an address. Marketers only."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import desc, func, select

from bot import bootstrap
from bot.api.deps import IdentifierDep, Marketer, PagingDep, SessionDep
from bot.api.schemas import SuppressionCheck, SuppressionEntry, SuppressionList
from bot.crm.repository import is_suppressed
from bot.crm.tables import Suppression

router = APIRouter(prefix="/suppression", tags=["suppression"])


@router.get("", response_model=SuppressionList, summary="Suppressed identifiers, newest first")
def list_suppressions(_: Marketer, session: SessionDep, page: PagingDep) -> SuppressionList:
    count = session.execute(select(func.count()).select_from(Suppression)).scalar_one()
    rows = session.execute(
        select(Suppression)
        .order_by(desc(Suppression.created_at), Suppression.identifier_hash)
        .limit(page.limit)
        .offset(page.offset)
    ).scalars()
    items = [
        SuppressionEntry(
            identifier_hash=row.identifier_hash,
            kind=row.kind,
            reason=row.reason,
            created_at=row.created_at,
        )
        for row in rows
    ]
    return SuppressionList(count=count, items=items, limit=page.limit, offset=page.offset)


@router.get(
    "/check", response_model=SuppressionCheck, summary="Is this e-mail or phone suppressed?"
)
def check_suppression(person: IdentifierDep, _: Marketer, session: SessionDep) -> SuppressionCheck:
    pepper = bootstrap.suppression_pepper()
    found = is_suppressed(session, kind=person.kind, value=person.value, pepper=pepper)
    return SuppressionCheck(kind=person.kind, suppressed=found)
