"""The delivery outbox: counts for anyone, rows (whose payloads are personal) for marketers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from bot.api.deps import Marketer, PagingDep, SessionDep, Viewer, audit
from bot.api.errors import ApiError
from bot.api.schemas import OutboxCounts, OutboxItem, OutboxPage
from bot.api.views import outbox_item
from bot.crm.database import utcnow
from bot.crm.queries import outbox_counts, search_outbox
from bot.crm.tables import OutboxRow
from bot.delivery.outbox import retry_failed

router = APIRouter(prefix="/outbox", tags=["outbox"])

Status = Literal["pending", "delivered", "failed"]


@router.get("", response_model=OutboxPage, summary="Outbox rows, newest first")
def list_outbox(
    caller: Marketer,
    session: SessionDep,
    page: PagingDep,
    status: Annotated[Status | None, Query()] = None,
) -> OutboxPage:
    rows, total = search_outbox(session, status=status, limit=page.limit, offset=page.offset)
    audit(session, caller, "outbox.listed", returned=len(rows), total=total)
    items = [outbox_item(row) for row in rows]
    return OutboxPage(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/counts", response_model=OutboxCounts, summary="Outbox rows per status")
def count_outbox(_: Viewer, session: SessionDep) -> OutboxCounts:
    counts = outbox_counts(session)
    return OutboxCounts(counts=counts, total=sum(counts.values()))


@router.post(
    "/{row_id}/retry",
    response_model=OutboxItem,
    summary="Queue a failed row again, due now, with its attempts counted afresh",
)
def retry_outbox_row(row_id: int, caller: Marketer, session: SessionDep) -> OutboxItem:
    row = session.get(OutboxRow, row_id)
    if row is None:
        raise ApiError(404, "no such outbox row")
    if not retry_failed(session, row_id, now=utcnow()):
        raise ApiError(409, f"only a failed row can be retried; this one is {row.status}")
    session.refresh(row)
    audit(session, caller, "outbox.retried", row=row_id, sink=row.sink)
    return outbox_item(row)
