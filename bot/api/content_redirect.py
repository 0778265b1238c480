"""The click on recommended content: `/r/<token>` records it and redirects to the item.

The links are in the bot's messages (the wrap-up, the answer to a visitor's question for
content: `bot.recommend.offering`); the token is the offer's row id and the item's id,
signed with the secret key (`bot.recommend.links`), nothing personal; an offer made
before there was a lead names only the conversation, and its click is recorded alike. A
valid token records one `clicked` engagement (a repeat within `CLICK_WINDOW` of the last
is the same click and is not recorded again) and answers 302 to the item's URL as the
catalogue has it now; a forged or malformed token is a 400, an item no longer in the
catalogue a 404. An offer since erased or purged still redirects, and records nothing.

A recorded click on content offered to a lead scores the lead again
(`bot.lead_scoring.rescore_lead`), after the redirect has gone out and the click is
committed: the visitor never waits for it and the click is kept whatever becomes of it.
A rescore that meets another transaction changing the lead is tried again, up to
`RESCORE_ATTEMPTS` times; any other failure is logged and left for the lead's next
scoring (its next click or capture), which counts every click so far. A click in a
conversation that has no lead yet counts when its lead is captured.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from bot import bootstrap
from bot.api.deps import SessionDep
from bot.api.html_page import page
from bot.crm import session_scope
from bot.crm.database import utcnow
from bot.crm.engagement_tables import record_click
from bot.crm.queries import lead_of_conversation
from bot.lead_scoring import rescore_lead
from bot.recommend.links import PATH_PREFIX, InvalidContentLink

router = APIRouter(include_in_schema=False)
PATH = PATH_PREFIX + "/{token}"
RESCORE_ATTEMPTS = 3
logger = logging.getLogger(__name__)

_INVALID = (
    "Invalid link",
    "<h1>This link isn't valid</h1><p>Check that the whole link from the chat was opened.</p>",
)
_GONE = (
    "Not available",
    "<h1>This content is no longer available</h1><p>Ask in the chat and we'll point you to "
    "something current.</p>",
)


def rescore_after_click(conversation_id: str) -> None:
    """Scores the conversation's lead again, if it has one; never raises."""
    for attempt in range(1, RESCORE_ATTEMPTS + 1):
        try:
            _rescore(conversation_id)
            return
        except (StaleDataError, OperationalError):  # the lead changed meanwhile, or locked
            if attempt == RESCORE_ATTEMPTS:
                logger.exception("rescoring after a click gave up; the next scoring counts it")
        except Exception:
            logger.exception("rescoring after a click failed; the next scoring counts it")
            return


def _rescore(conversation_id: str) -> None:
    catalogue = bootstrap.catalogue()
    if catalogue is None:
        return
    with session_scope(bootstrap.crm_engine()) as session:
        lead = lead_of_conversation(session, conversation_id)
        if lead is None:
            return  # erased, or no lead yet: its capture counts the click
        rescore_lead(
            session,
            lead,
            catalogue=catalogue,
            rules=bootstrap.scoring_rules(),
            segments=bootstrap.segments(),
            sinks=bootstrap.sink_names(),
        )


@router.get(PATH, response_class=HTMLResponse)
def follow_content_link(token: str, session: SessionDep, after: BackgroundTasks) -> Response:
    try:
        offer_id, item_id = bootstrap.content_links().read(token)
    except InvalidContentLink:
        return page(*_INVALID, status_code=400)
    catalogue, _ = bootstrap.content()
    item = catalogue.by_id().get(item_id)
    if item is None:
        return page(*_GONE, status_code=404)
    click = record_click(session, offer_id, now=utcnow())
    if click is not None and click.conversation_id is not None:
        after.add_task(rescore_after_click, click.conversation_id)
    return RedirectResponse(item.url, status_code=302)
