"""Who may use which console page: declared by each page, checked by FastAPI dependencies,
answered once by the exception handlers `bot.console.routes.install` registers.

A page names the least trusted role it lets in with its user parameter, one of

    Agent       agents (sales reps), marketers and admins: the console's home, logging out
    Marketer    marketers and admins: every page that reads leads or changes the bot

for example `def inbox(request: Request, user: Agent) -> Response`; a page that needs no
user says `dependencies=[Depends(signed_in("agent"))]`, and `signed_in(role)` serves any
other role. The console's access test walks every route and fails for one that names none.

Every route on the areas' routers (all but `login_routes.open_router`: the login form, the
login itself, the static files) also has `checked_csrf`, which needs a signed-in user of
any role that may sign in before it checks a POST's CSRF token. What the dependencies
raise, and what the console answers:

    NotSignedIn   no session, or an expired, forged or revoked one: 303 to the login page;
                  401 JSON {"error": "unauthorized"} to a script that asks for JSON or an
                  event stream, or on a route marked `answers_data`
    NotAllowed    signed in, but the role is below the page's: the 403 "Not allowed" page
    CsrfRefused   a POST without this session's CSRF token: the 403 "Not allowed" page
    NoSuchThing   what the page is about does not exist: the 404 "No such ..." page

(a script asking for JSON or an event stream gets the last three as 403 or 404 JSON).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from bot import bootstrap
from bot.console.auth import ConsoleUser, current_user, session_csrf_ok
from bot.console.pages import AGENT_HOME, HEADERS, HOME, home_of, not_found, refused, to_login
from bot.crm import read_scope
from bot.crm.tables import API_ROLES
from bot.crm.tokens import check_role, role_allows

CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DATA_TYPES = ("application/json", "text/event-stream")

__all__ = ["AGENT_HOME", "HOME", "home_of"]  # where users land, kept beside the templates

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


class NotSignedIn(Exception):
    """No session, or one that expired, was forged or whose token was revoked."""


class NotAllowed(Exception):
    """The signed-in user's role is below the one the page needs."""

    def __init__(self, user: ConsoleUser, needed: str) -> None:
        super().__init__(f"{user.name} ({user.role}) needs {needed}")
        self.user = user
        self.needed = needed


class CsrfRefused(Exception):
    """A POST that does not carry the session's CSRF token: not sent from the console."""


class NoSuchThing(Exception):
    """What a page is about (an intent, a lead, ...) does not exist."""

    def __init__(self, what: str, message: str | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.message = message or f"There is no {what} with this name."


def signed_in_user(request: Request) -> ConsoleUser:
    """The user of the request's live session, whatever their role; raises NotSignedIn.
    FastAPI resolves it once per request, however many dependencies need it.

    It reads in a unit of work of its own: a route that only reads, or that waits on the
    Rasa server (the try-it), holds no write transaction meanwhile. On SQLite the request's
    write transaction would hold the database's one write lock for the whole request, and
    the Rasa server recording the try-it's message in the inbox would wait for it while
    the request waits for the Rasa server."""
    with read_scope(bootstrap.crm_engine()) as session:
        user = current_user(request, session)
    if user is None:
        raise NotSignedIn
    request.state.console_user = user
    return user


SignedIn = Annotated[ConsoleUser, Depends(signed_in_user)]

_checks: dict[str, Callable[[ConsoleUser], ConsoleUser]] = {}
_roles: dict[Callable[..., Any], str] = {}


def signed_in(needed: str) -> Callable[[ConsoleUser], ConsoleUser]:
    """The dependency that lets in a signed-in user whose role is `needed` or more trusted,
    and raises NotAllowed for the others. One callable per role, so that FastAPI checks it
    once per request and `role_needed` can tell which role a route asks for."""
    if needed not in _checks:
        check_role(needed)

        def allowed(user: SignedIn) -> ConsoleUser:
            if not role_allows(user.role, needed):
                raise NotAllowed(user, needed)
            return user

        _checks[needed] = allowed
        _roles[allowed] = needed
    return _checks[needed]


def role_needed(dependency: Callable[..., Any]) -> str | None:
    """The role a dependency made by `signed_in` asks for; None for any other callable."""
    return _roles.get(dependency)


Agent = Annotated[ConsoleUser, Depends(signed_in("agent"))]
Marketer = Annotated[ConsoleUser, Depends(signed_in("marketer"))]


async def checked_csrf(request: Request, user: SignedIn) -> None:
    """Refuse a POST (or any unsafe method) unless it carries the session's CSRF token, in
    the form field `csrf` or the X-CSRF-Token header. Starlette keeps the parsed form on
    the request, so the route's own `Form(...)` parameters read the same one."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        value = (await request.form()).get(CSRF_FIELD)
        submitted = None if isinstance(value, UploadFile) else value
    if not session_csrf_ok(request, submitted):
        raise CsrfRefused


_data_endpoints: set[Callable[..., Any]] = set()


def answers_data(endpoint: Endpoint) -> Endpoint:
    """Mark a route that answers JSON or an event stream, never a page: signed out, it
    answers 401 even when the request does not say what it accepts."""
    _data_endpoints.add(endpoint)
    return endpoint


def marked_data(endpoint: Callable[..., Any]) -> bool:
    """Whether `answers_data` marked the route's endpoint."""
    return endpoint in _data_endpoints


def wants_data(request: Request) -> bool:
    """Whether the request is a script's (JSON or an event stream), not a page's."""
    accept = request.headers.get("accept", "").lower()
    endpoint = request.scope.get("endpoint")
    return any(kind in accept for kind in DATA_TYPES) or (
        endpoint is not None and marked_data(endpoint)
    )


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"error": code}, status_code=status, headers=HEADERS)


def _user_of(request: Request) -> ConsoleUser | None:
    user = getattr(request.state, "console_user", None)
    return user if isinstance(user, ConsoleUser) else None


def who_may(needed: str) -> str:
    """The roles that `needed` lets in, in words: "marketers and admins"."""
    names = [f"{role}s" for role in API_ROLES if role_allows(role, needed)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


async def _not_signed_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotSignedIn)
    return _error(401, "unauthorized") if wants_data(request) else to_login()


async def _not_allowed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotAllowed)
    if wants_data(request):
        return _error(403, "forbidden")
    message = f"This page is for {who_may(exc.needed)}; your role is {exc.user.role}."
    return refused(message, request=request, user=exc.user)


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CsrfRefused)
    if wants_data(request):
        return _error(403, "forbidden")
    return refused(
        "The form was not sent from this site, so nothing was done. Please reload "
        "the page and try again."
    )


async def _no_such_thing(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NoSuchThing)
    user = _user_of(request)
    if wants_data(request) or user is None:
        return _error(404, "not_found")
    return not_found(request, user, f"No such {exc.what}", exc.message)


# Registered on the app by `bot.console.routes.install`.
HANDLERS: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
    NotSignedIn: _not_signed_in,
    NotAllowed: _not_allowed,
    CsrfRefused: _csrf_refused,
    NoSuchThing: _no_such_thing,
}
