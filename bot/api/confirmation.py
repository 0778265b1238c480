"""The double opt-in page a confirmation e-mail links to: `/consent/confirm/<token>`.

GET shows what is being confirmed and a button; only the POST that button sends
confirms. Mail scanners and link previews open links on their own, and a GET that
granted consent would let them do it for the person. The token is signed and expires
(`bot.consent.confirmation`); a forged one is a 400, an expired one a 410, a replayed one
changes nothing. The POST reads no body: there is nothing to parse.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from bot import bootstrap
from bot.api.deps import SessionDep
from bot.api.html_page import page
from bot.consent import Purpose
from bot.consent.confirmation import InvalidLink
from bot.crm.database import utcnow
from bot.crm.tables import ConsentConfirmation
from bot.double_opt_in import Outcome, confirm
from bot.settings import get_settings

router = APIRouter(include_in_schema=False)
PATH = "/consent/confirm/{token}"
# What a click on the page says, kept as the reply in the consent proof.
BUTTON = "Yes, confirm"


def _invalid(error: InvalidLink) -> HTMLResponse:
    if error.expired:
        return page(
            "Link expired",
            "<h1>This link has expired</h1><p>Nothing was changed. Chat with us again "
            "if you'd like a new confirmation link.</p>",
            status_code=410,
        )
    return page(
        "Invalid link",
        "<h1>This link isn't valid</h1><p>Nothing was changed. Check that the whole "
        "link from the e-mail was opened.</p>",
        status_code=400,
    )


_GONE = (
    "Nothing to confirm",
    "<h1>There's nothing to confirm</h1><p>This request no longer exists, for example "
    "because the data it belonged to was erased. Nothing was changed.</p>",
)


def _outcome_page(outcome: Outcome, confirmation: ConsentConfirmation) -> HTMLResponse:
    brand = escape(get_settings().brand_name)
    noun = escape(Purpose(confirmation.purpose).plural_noun)
    to = escape(confirmation.identifier)
    if outcome is Outcome.CONFIRMED or outcome is Outcome.ALREADY_CONFIRMED:
        return page(
            "Subscription confirmed",
            f"<h1>Thanks, you're subscribed</h1><p>{brand} may now send marketing {noun} "
            f"to <strong>{to}</strong>. You can unsubscribe at any time.</p>",
        )
    if outcome is Outcome.EXPIRED:
        return _invalid(InvalidLink(expired=True))
    if outcome is Outcome.WITHDRAWN:
        return page(
            "Not subscribed",
            f"<h1>Not subscribed</h1><p>{to} opted out after this link was sent, so we "
            "haven't subscribed it. Chat with us again if you've changed your mind.</p>",
            status_code=409,
        )
    return page(*_GONE, status_code=404)


@router.get(PATH, response_class=HTMLResponse)
def confirmation_page(token: str, session: SessionDep) -> HTMLResponse:
    requests = bootstrap.confirmation_requests()
    try:
        confirmation_id = requests.confirmation_id(token)
    except InvalidLink as error:
        return _invalid(error)
    confirmation = session.get(ConsentConfirmation, confirmation_id)
    if confirmation is None or confirmation.kind != "email":
        return page(*_GONE, status_code=404)
    if confirmation.confirmed_at is not None:
        return _outcome_page(Outcome.ALREADY_CONFIRMED, confirmation)
    purpose = Purpose(confirmation.purpose)
    return page(
        "Confirm your subscription",
        f"<h1>Confirm your subscription</h1>"
        f"<p>{escape(requests.wording(purpose))}</p>"
        f"<p>Address: <strong>{escape(confirmation.identifier)}</strong></p>"
        f'<form method="post"><button type="submit">{BUTTON}</button></form>'
        "<p>If you didn't ask for this, close this page: without your confirmation "
        "nothing is sent.</p>",
    )


@router.post(PATH, response_class=HTMLResponse)
def confirm_by_link(token: str, session: SessionDep) -> HTMLResponse:
    requests = bootstrap.confirmation_requests()
    try:
        confirmation_id = requests.confirmation_id(token)
    except InvalidLink as error:
        return _invalid(error)
    outcome = confirm(
        session,
        confirmation_id,
        reply_text=BUTTON,
        message_id=f"confirmation-link:{confirmation_id}",
        channel="email",
        wording=requests.wording(Purpose.MARKETING_EMAIL),  # what e-mail links confirm
        notice_version=requests.notice_version,
        pepper=bootstrap.suppression_pepper(),
        sinks=bootstrap.sink_names(),
        now=utcnow(),
        kind="email",
    )
    confirmation = session.get(ConsentConfirmation, confirmation_id)
    if confirmation is None:
        return page(*_GONE, status_code=404)
    return _outcome_page(outcome, confirmation)
