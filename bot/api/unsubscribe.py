"""The one-click unsubscribe of follow-up e-mails: `/unsubscribe/<token>`.

The link is in every follow-up e-mail's text and `List-Unsubscribe` header. A POST
unsubscribes at once: the mail client's own button sends
`List-Unsubscribe=One-Click` there (RFC 8058), and the page's button does the same. A GET
only shows the page with that button, so a mail scanner opening links unsubscribes no one.
The token is the contact's id signed with the secret key (`bot.followups.mail`): a forged
one is a 400; a replay, or a link of someone since erased, changes nothing.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from bot import bootstrap
from bot.api.deps import SessionDep
from bot.api.html_page import page
from bot.consent import ConsentAnswer, Purpose, consent_record
from bot.crm.tables import Contact
from bot.followups.mail import InvalidUnsubscribeLink
from bot.lead_capture import capture_unsubscribe
from bot.settings import get_settings

router = APIRouter(include_in_schema=False)
PATH = "/unsubscribe/{token}"
BUTTON = "Unsubscribe"

_INVALID = (
    "Invalid link",
    "<h1>This link isn't valid</h1><p>Nothing was changed. Check that the whole link "
    "from the e-mail was opened.</p>",
)


def _done(brand: str) -> HTMLResponse:
    return page(
        "Unsubscribed",
        f"<h1>You're unsubscribed</h1><p>{escape(brand)} won't send you marketing e-mails "
        "any more. This took effect immediately.</p>",
    )


@router.get(PATH, response_class=HTMLResponse)
def unsubscribe_page(token: str, session: SessionDep) -> HTMLResponse:
    try:
        bootstrap.followup_mail().contact_id(token)
    except InvalidUnsubscribeLink:
        return page(*_INVALID, status_code=400)
    brand = escape(get_settings().brand_name)
    return page(
        "Unsubscribe",
        f"<h1>Unsubscribe from {brand} e-mails</h1>"
        f'<form method="post"><button type="submit">{BUTTON}</button></form>',
    )


@router.post(PATH, response_class=HTMLResponse)
def unsubscribe(token: str, session: SessionDep) -> HTMLResponse:
    try:
        contact_id = bootstrap.followup_mail().contact_id(token)
    except InvalidUnsubscribeLink:
        return page(*_INVALID, status_code=400)
    settings = get_settings()
    contact = session.get(Contact, contact_id)
    if contact is not None and contact.email:
        record = consent_record(
            purpose=Purpose.MARKETING_EMAIL,
            answer=ConsentAnswer.WITHDRAWN,
            wording=None,
            notice_version=settings.privacy_notice_version,
            reply_text="List-Unsubscribe=One-Click",
            message_id=f"unsubscribe:{contact_id}",
            channel="email",
            conversation_id=f"email:{contact_id}",
        )
        capture_unsubscribe(
            session,
            contact,
            record=record,
            pepper=bootstrap.suppression_pepper(),
            sinks=bootstrap.sink_names(),
        )
    return _done(settings.brand_name)
