"""The deliveries page: how the outbox stands, and the failed rows with why they failed
and a button to send each again once its cause is fixed (a rotated HubSpot token, a
webhook endpoint back up). Audited as `GET /api/outbox` and `POST /api/outbox/{id}/retry`
are. The page shows sinks, lead links, counts and errors, never a payload."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bot.api.deps import Caller, SessionDep, audit
from bot.console.access import Marketer
from bot.console.pages import page
from bot.crm.database import utcnow
from bot.crm.queries import outbox_counts, search_outbox
from bot.crm.tables import OutboxRow
from bot.delivery.outbox import retry_failed
from bot.delivery.payload import is_erasure, is_followup_notice
from bot.followups.mail import FOLLOWUP_EMAIL_SINK

router = APIRouter(prefix="/console", include_in_schema=False)
SECTION = "/console/deliveries"
SHOWN = 100  # failed rows on the page, newest first


def what(row: OutboxRow) -> str:
    """What the row carries, in words."""
    if row.lead_id is not None:
        return f"lead, version {row.lead_version}"
    if is_erasure(row.payload):
        return "erasure notice"
    if row.sink == FOLLOWUP_EMAIL_SINK:
        return "follow-up e-mail"
    if is_followup_notice(row.payload):
        return "follow-up notice to the team"
    return "consent confirmation request"


@router.get("/deliveries")
def deliveries_page(
    request: Request, session: SessionDep, user: Marketer, retried: int | None = None
) -> Response:
    failed, total_failed = search_outbox(session, status="failed", limit=SHOWN, offset=0)
    audit(session, Caller(user.name, user.role), "outbox.listed", returned=len(failed))
    return page(
        request,
        user,
        "deliveries.html",
        section=SECTION,
        counts=outbox_counts(session),
        failed=failed,
        total_failed=total_failed,
        what=what,
        retried=retried,
    )


@router.post("/deliveries/{row_id}/retry")
def retry_delivery(row_id: int, session: SessionDep, user: Marketer) -> Response:
    row = session.get(OutboxRow, row_id)
    if row is not None and retry_failed(session, row_id, now=utcnow()):
        audit(session, Caller(user.name, user.role), "outbox.retried", row=row_id, sink=row.sink)
    return RedirectResponse(f"{SECTION}?retried={row_id}", status_code=303)
