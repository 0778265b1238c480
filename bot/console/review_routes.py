"""The conversation review: what real visitors said that the bot misread, and turning
those messages into training examples (`bot.review`).

The list filters conversations by channel, period (as the funnel's, in the query string:
no personal data) and what happened in them. A conversation's page shows each visitor
message as NLU read it; a marketer marks one as fine, or files it as an example of an
intent (or of a new one) with its personal data replaced by stand-ins. Filing goes
through the training-data editor's checks and is audited there (`bot.review.filing`);
marking fine is audited here. The navigation shows how many messages wait
(`bot.console.review_badge`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from bot import bootstrap
from bot.api.deps import Caller, SessionDep, audit
from bot.console import review_badge
from bot.console.access import Marketer, NoSuchThing
from bot.console.auth import ConsoleUser
from bot.console.data_routes import NLU_DIR
from bot.console.editing import RETRAIN, Field, editable_files, form_text, project_root
from bot.console.funnel_routes import Period
from bot.console.leads_routes import CHANNELS
from bot.console.pages import HEADERS, add_badge, clean_text, page
from bot.console.review_views import Filing, Kept, conversation_rows, message_views, tag_words
from bot.editor import intents, responses
from bot.review import (
    TAGS,
    ConversationMessages,
    NewIntent,
    ReviewRefused,
    VisitorMessage,
    fallback_threshold,
    file_example,
    list_conversations,
    list_reviews,
    mark_fine,
)
from bot.review.reviews import review_of
from bot.settings import get_settings

router = APIRouter(prefix="/console", include_in_schema=False)
SECTION = "/console/review"
PAGE_SIZE = 25
MAX_REVIEWS = 10_000  # of one conversation: far beyond its messages

add_badge(SECTION, review_badge.unreviewed, "unreviewed messages")


def review_events(session: SessionDep) -> Engine | Connection:
    """The tracker store, as `bot.api.deps.get_conversations` binds it: the request's own
    transaction when it is the CRM's database, else its own engine."""
    settings = get_settings()
    if settings.tracker_store_url == settings.crm_database_url:
        return session.connection()
    return bootstrap.tracker_engine()


EventsDep = Annotated[Engine | Connection, Depends(review_events)]


def conversation_url(conversation_id: str, anchor: str = "") -> str:
    return f"{SECTION}/{quote(conversation_id, safe='')}" + (f"#{anchor}" if anchor else "")


def _page_number(text: str | None) -> int:
    try:
        return max(1, min(int(text or 1), 1_000_000))
    except ValueError:
        return 1


@router.get("/review")
def review_list(
    request: Request,
    session: SessionDep,
    user: Marketer,
    events: EventsDep,
    channel: str | None = None,
    first: str | None = None,
    last: str | None = None,
    tag: Annotated[list[str] | None, Query()] = None,
    page_number: Annotated[str | None, Query(alias="page")] = None,
) -> Response:
    period = Period.of(first, last, None)
    chosen = [clean_text(value) for value in tag or []]
    tags = [name for name in TAGS if name in chosen]
    problems = [*period.problems]
    if set(chosen) - set(TAGS):
        problems.append("Some of what happened was not understood and is ignored.")
    wanted_channel, number = clean_text(channel), _page_number(page_number)
    since, until = period.bounds
    found = list_conversations(
        events,
        session,
        channel=wanted_channel or None,
        since=since,
        until=until,
        tags=tags,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    filters = {"channel": wanted_channel, "first": period.first, "last": period.last}
    params = [(key, str(value)) for key, value in filters.items() if value]
    params += [("tag", name) for name in tags]
    return page(
        request,
        user,
        "review.html",
        section=SECTION,
        rows=conversation_rows(session, events, found, TAGS),
        total=found.total,
        page=number,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        page_url=lambda n: f"{SECTION}?" + urlencode([*params, ("page", n)]),
        period=period,
        channel=wanted_channel,
        channels=[*CHANNELS, *([wanted_channel] if wanted_channel not in {*CHANNELS, ""} else [])],
        tags=tags,
        tag_choices=[(name, tag_words(name, found.threshold)) for name in TAGS],
        threshold=found.threshold,
        problems=problems,
        waiting=review_badge.unreviewed(),
        conversation_url=conversation_url,
    )


def _message(
    events: Engine | Connection, conversation_id: str, message_id: str
) -> tuple[VisitorMessage, str]:
    """The message a form is about, and the id of its place on the conversation's page."""
    messages = ConversationMessages(events).messages(conversation_id)
    for number, message in enumerate(messages, start=1):
        if message_id and message.message_id == message_id:
            return message, f"m{number}"
    raise NoSuchThing("message", "There is no such message in this conversation.")


def _conversation_page(
    request: Request,
    session: Session,
    user: ConsoleUser,
    events: Engine | Connection,
    conversation_id: str,
    kept: Kept | None = None,
) -> Response:
    messages = ConversationMessages(events).messages(conversation_id)
    if not messages:
        raise NoSuchThing("conversation", "There is no conversation with this id (was it erased?).")
    reviews = list_reviews(session, conversation_ids=[conversation_id], limit=MAX_REVIEWS)
    root, threshold = project_root(), fallback_threshold()
    known = sorted({intent.name for intent in intents(root)})
    views = message_views(
        messages,
        {review.message_id: review for review in reviews.reviews},
        threshold,
        set(known),
        kept,
    )
    return page(
        request,
        user,
        "review_conversation.html",
        422 if kept else 200,
        section=SECTION,
        conversation_id=conversation_id,
        action=conversation_url(conversation_id),
        channel=next((m.channel for m in messages if m.channel), None),
        views=views,
        waiting=sum(1 for view in views if view.reasons and view.review is None),
        threshold=threshold,
        intent_names=known,
        nlu_files=sorted(f for f in editable_files(root) if f.startswith(f"{NLU_DIR}/")),
        response_names=[response.name for response in responses(root)],
    )


@router.get("/review/{conversation_id:path}")
def review_conversation(
    conversation_id: str, request: Request, session: SessionDep, user: Marketer, events: EventsDep
) -> Response:
    return _conversation_page(request, session, user, events, conversation_id)


def _counted_off(
    response: Response, message: VisitorMessage, was_reviewed: bool, threshold: float
) -> Response:
    """Take the message off the navigation's count once the response is sent, after the
    request's commit, if it was waiting for a review."""
    if not was_reviewed and message.needs_review(threshold):
        response.background = BackgroundTask(review_badge.one_less)
    return response


@router.post("/review/{conversation_id:path}/fine")
def mark_as_fine(
    conversation_id: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    events: EventsDep,
    message_id: Field = "",
) -> Response:
    message, anchor = _message(events, conversation_id, message_id)
    was_reviewed = review_of(session, conversation_id, message_id) is not None
    try:
        review = mark_fine(
            session,
            events,
            conversation_id=conversation_id,
            message_id=message_id,
            reviewer=user.name,
        )
    except ReviewRefused as refused:
        kept = Kept(message_id, refused.problems)
        return _conversation_page(request, session, user, events, conversation_id, kept)
    audit(session, Caller(user.name, user.role), "review.marked_fine", review=review.id)
    back = RedirectResponse(conversation_url(conversation_id, anchor), 303, headers=HEADERS)
    return _counted_off(back, message, was_reviewed, fallback_threshold())


@router.post("/review/{conversation_id:path}/file")
def file_as_example(
    conversation_id: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    events: EventsDep,
    message_id: Field = "",
    example: Field = "",
    intent: Field = "",
    kind: Field = "existing",
    new_intent: Field = "",
    nlu_file: Field = "",
    answer: Field = "",
) -> Response:
    message, anchor = _message(events, conversation_id, message_id)
    filing = Filing(form_text(example), intent, kind, new_intent.strip(), nlu_file, answer)
    is_new = kind == "new"
    was_reviewed = review_of(session, conversation_id, message_id) is not None
    try:
        filed = file_example(
            session,
            events,
            conversation_id=conversation_id,
            message_id=message_id,
            intent=filing.new_intent if is_new else intent,
            reviewer=user.name,
            text=filing.example,
            new_intent=NewIntent(nlu_file, answer) if is_new else None,
        )
    except ReviewRefused as refused:
        kept = Kept(message_id, refused.problems, filing)
        return _conversation_page(request, session, user, events, conversation_id, kept)
    shown = page(
        request,
        user,
        "review_filed.html",
        section=SECTION,
        intent=filing.new_intent if is_new else intent,
        created=is_new,
        example=filed.example,
        diffs=filed.diffs(),
        retrain=RETRAIN,
        back=conversation_url(conversation_id, anchor),
    )
    return _counted_off(shown, message, was_reviewed, fallback_threshold())
