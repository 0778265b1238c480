"""The handoff inbox (`/console/inbox`): conversations handed to the team, live.

    GET  /console/inbox                  the queue and the held conversations, the figures
    GET  /console/inbox/lists            the live part of that page (HTML)
    GET  /console/inbox/events           server-sent events: `changed` when the inbox does
    GET  /console/inbox/{id}             one conversation: transcript, lead, actions
    GET  /console/inbox/{id}/transcript  its live part (HTML)
    GET  /console/inbox/{id}/events      `changed` when it changes (a message either side)
    POST /console/inbox/{id}/claim | reply | hand-back | close

Agents (sales reps), marketers and admins may use it. A rep counts as online while one of
these pages or streams is open (`bot.handoff.routing.seen`). Every claim, reply,
hand-back and close is audited; what a rep writes goes to the person through the
conversation's inbox and the channel's outbound gate (`bot.handoff.queue`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from bot import bootstrap
from bot.api.deps import Caller, ConversationsDep, SessionDep, audit
from bot.console.access import Agent, NoSuchThing, answers_data
from bot.console.auth import ConsoleUser, session_csrf
from bot.console.pages import HEADERS, page, render
from bot.crm import read_scope, session_scope
from bot.crm.database import utcnow
from bot.handoff.inbox import Entry, entry, figures, open_entries, stamp
from bot.handoff.queue import MAX_REPLY, HandoffRefused, claim, end, say
from bot.handoff.routing import seen

router = APIRouter(prefix="/console", include_in_schema=False)
SECTION = "/console/inbox"
CHECK_EVERY_S = 1.0
PRESENCE_EVERY_S = 20.0
STREAM_FOR_S = 300.0  # then the browser reconnects (and the session is checked again)
FIGURES_OVER = timedelta(days=7)
Text = Annotated[str, Form(max_length=MAX_REPLY * 2)]
REASONS = {"asked": "asked for a person"}


def reason(text: str) -> str:
    """A handoff's reason in words: "asked for a person" or "rule top_grade"."""
    return REASONS.get(text) or text.replace("rule:", "rule ", 1)


def _queue(session: SessionDep) -> dict[str, Any]:
    """What the lists show: who waits (oldest first) and who is with a rep."""
    entries = open_entries(session)
    return {
        "waiting": [e for e in entries if e.handoff.status == "waiting"],
        "held": [e for e in entries if e.handoff.status == "assigned"],
        "reasons": reason,
    }


def _mark_seen(session: SessionDep, user: ConsoleUser) -> None:
    seen(session, user.name, utcnow())  # committed with the request


@router.get("/inbox")
def inbox(request: Request, session: SessionDep, user: Agent) -> Response:
    _mark_seen(session, user)
    now = utcnow()
    return page(
        request,
        user,
        "inbox.html",
        section=SECTION,
        figures=figures(session, start=now - FIGURES_OVER, end=now),
        **_queue(session),
    )


@router.get("/inbox/lists")
def inbox_lists(request: Request, session: SessionDep, user: Agent) -> HTMLResponse:
    return render("inbox_lists.html", user=user, csrf=session_csrf(request), **_queue(session))


def _stamp(handoff_id: str | None) -> str:
    with read_scope(bootstrap.crm_engine()) as session:
        return stamp(session, handoff_id)


def _still_online(agent: str) -> None:
    with session_scope(bootstrap.crm_engine()) as session:
        seen(session, agent, utcnow())


async def _changes(agent: str, current: Callable[[], str]) -> AsyncIterator[str]:
    """`changed` each time `current()` differs from before; a comment now and then keeps
    proxies from closing a quiet stream."""
    loop = asyncio.get_running_loop()
    started = last_seen = loop.time()
    before = await asyncio.to_thread(current)
    yield "retry: 2000\n\n"
    while loop.time() - started < STREAM_FOR_S:
        await asyncio.sleep(CHECK_EVERY_S)
        now = await asyncio.to_thread(current)
        if now != before:
            before = now
            yield "event: changed\ndata: {}\n\n"
        if loop.time() - last_seen >= PRESENCE_EVERY_S:
            last_seen = loop.time()
            await asyncio.to_thread(_still_online, agent)
            yield ": still here\n\n"


def _stream(agent: str, current: Callable[[], str]) -> StreamingResponse:
    headers = {**HEADERS, "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _changes(agent, current), media_type="text/event-stream", headers=headers
    )


@router.get("/inbox/events")
@answers_data
def inbox_events(user: Agent) -> StreamingResponse:
    return _stream(user.name, lambda: _stamp(None))


def _entry(session: SessionDep, handoff_id: str) -> Entry:
    found = entry(session, handoff_id)
    if found is None:
        raise NoSuchThing("conversation", "There is no such conversation in the inbox.")
    return found


def _conversation_page(
    request: Request,
    session: SessionDep,
    conversations: ConversationsDep,
    user: ConsoleUser,
    handoff_id: str,
    *,
    problem: str | None = None,
) -> Response:
    found = _entry(session, handoff_id)
    return page(
        request,
        user,
        "inbox_conversation.html",
        409 if problem else 200,
        section=SECTION,
        entry=found,
        transcript=conversations.transcript(found.handoff.conversation_id),
        reasons=reason,
        problem=problem,
    )


@router.get("/inbox/{handoff_id}")
def conversation(
    handoff_id: str,
    request: Request,
    session: SessionDep,
    conversations: ConversationsDep,
    user: Agent,
) -> Response:
    _mark_seen(session, user)
    return _conversation_page(request, session, conversations, user, handoff_id)


@router.get("/inbox/{handoff_id}/transcript")
def conversation_transcript(
    handoff_id: str, session: SessionDep, conversations: ConversationsDep, user: Agent
) -> HTMLResponse:
    found = _entry(session, handoff_id)
    transcript = conversations.transcript(found.handoff.conversation_id)
    return render("inbox_transcript.html", entry=found, transcript=transcript, user=user)


@router.get("/inbox/{handoff_id}/events")
@answers_data
def conversation_events(handoff_id: str, session: SessionDep, user: Agent) -> StreamingResponse:
    _entry(session, handoff_id)
    return _stream(user.name, lambda: _stamp(handoff_id))


def _change(
    session: SessionDep, handoff_id: str, action: str, user: ConsoleUser, text: str
) -> None:
    """What a rep's button does; raises HandoffRefused before changing anything."""
    now = utcnow()
    if action == "claim":
        claim(session, handoff_id, agent=user.name, now=now)
    elif action == "reply":
        say(session, handoff_id, agent=user.name, text=text, now=now)
    else:
        reason = "handed_back" if action == "hand-back" else "closed"
        end(session, handoff_id, agent=user.name, reason=reason, now=now)


ACTIONS = {
    "claim": "handoff.claimed",
    "reply": "handoff.replied",
    "hand-back": "handoff.handed_back",
    "close": "handoff.closed",
}


@router.post("/inbox/{handoff_id}/{action}")
def act(
    handoff_id: str,
    action: str,
    request: Request,
    session: SessionDep,
    conversations: ConversationsDep,
    user: Agent,
    text: Text = "",
) -> Response:
    """Claim, reply, hand back or close; a refusal shows the conversation with why."""
    if action not in ACTIONS:
        raise NoSuchThing("action", "Claim, reply, hand back or close: nothing else.")
    _entry(session, handoff_id)
    try:
        _change(session, handoff_id, action, user, text)
    except HandoffRefused as refused:  # raised before anything changed
        return _conversation_page(
            request, session, conversations, user, handoff_id, problem=str(refused)
        )
    audit(session, Caller(user.name, user.role), ACTIONS[action], handoff=handoff_id)
    return RedirectResponse(f"{SECTION}/{handoff_id}", status_code=303)
