"""The click on recommended content: `/r/<token>` records it and redirects to the item.

The links are in the bot's messages (the wrap-up, the answer to a visitor's question for
content: `bot.recommend.offering`); the token is the offer's row id and the item's id,
signed with the secret key (`bot.recommend.links`), nothing personal; an offer made
before there was a lead names only the conversation, and its click is recorded alike. A
valid token records one `clicked` engagement (a repeat within `CLICK_WINDOW` of the last
is the same click and is not recorded again) and answers 302 to the item's URL as the
catalogue has it now; a forged or malformed token is a 400, an item no longer in the
catalogue a 404. An offer since erased or purged still redirects, and records nothing.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot import bootstrap
from bot.api.deps import SessionDep
from bot.api.html_page import page
from bot.crm.database import utcnow
from bot.crm.engagement_tables import record_click
from bot.recommend.links import PATH_PREFIX, InvalidContentLink

router = APIRouter(include_in_schema=False)
PATH = PATH_PREFIX + "/{token}"

_INVALID = (
    "Invalid link",
    "<h1>This link isn't valid</h1><p>Check that the whole link from the chat was opened.</p>",
)
_GONE = (
    "Not available",
    "<h1>This content is no longer available</h1><p>Ask in the chat and we'll point you to "
    "something current.</p>",
)


@router.get(PATH, response_class=HTMLResponse)
def follow_content_link(token: str, session: SessionDep) -> Response:
    try:
        offer_id, item_id = bootstrap.content_links().read(token)
    except InvalidContentLink:
        return page(*_INVALID, status_code=400)
    catalogue, _ = bootstrap.content()
    item = catalogue.by_id().get(item_id)
    if item is None:
        return page(*_GONE, status_code=404)
    record_click(session, offer_id, now=utcnow())
    return RedirectResponse(item.url, status_code=302)
