"""The CRM API's dependencies: the session, the caller's token and role, paging, identifiers.

SessionDep        one unit of work per request, committed before the response is sent
ConversationsDep  the tracker store's events, in the same transaction if it shares the DB
Viewer / Marketer / Admin   the authenticated caller, with at least that role
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.api.errors import ApiError
from bot.crm.database import session_scope
from bot.crm.identity import identifier_hash, normalise_identifier
from bot.crm.repository import record_audit
from bot.crm.tokens import authenticate, role_allows
from bot.settings import get_settings
from bot.stores.conversation_events import ConversationEvents

# Free text may hold anything but NUL, which PostgreSQL cannot store or compare.
TEXT_PATTERN = r"^[^\x00]*$"
# Far beyond any real page, and within every backend's integer range for OFFSET.
MAX_OFFSET = 1_000_000_000


def get_session() -> Iterator[Session]:
    with session_scope(bootstrap.crm_engine()) as session:
        yield session


# scope="function": the commit (of audit entries, of an erasure) happens before the
# response goes out, so a failed commit is a 500, not a 200 for something undone.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_conversations(session: SessionDep) -> ConversationEvents:
    settings = get_settings()
    if settings.tracker_store_url == settings.crm_database_url:
        # One database: join the request's transaction, so an erasure commits or fails
        # whole, and SQLite's single writer never waits for this very request.
        return ConversationEvents(session.connection())
    return ConversationEvents(bootstrap.tracker_engine())


ConversationsDep = Annotated[ConversationEvents, Depends(get_conversations)]


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token's name (the audit log's actor) and its role."""

    name: str
    role: str


bearer = HTTPBearer(auto_error=False, description="An API token (`parley token create`).")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def authenticated(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The caller, checked before the request's own unit of work begins (routes name their
    caller first): a bogus token is refused without queuing for a write lock."""
    if credentials is None:
        raise ApiError(401, "send an API token: Authorization: Bearer <token>", _CHALLENGE)
    holder = authenticate(bootstrap.crm_engine(), token=credentials.credentials)
    if holder is None:
        raise ApiError(401, "the token is unknown or revoked", _CHALLENGE)
    return Caller(holder.name, holder.role)


def requires(role: str) -> Callable[[Caller], Caller]:
    def check(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
        if not role_allows(caller.role, role):
            raise ApiError(403, f"this needs the {role} role; the token's role is {caller.role}")
        return caller

    return check


Viewer = Annotated[Caller, Depends(requires("viewer"))]
Marketer = Annotated[Caller, Depends(requires("marketer"))]
Admin = Annotated[Caller, Depends(requires("admin"))]


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]


@dataclass(frozen=True)
class Identifier:
    """A person named by e-mail or phone, normalised as the suppression list hashes it."""

    kind: str
    value: str

    def hash(self) -> str:
        return identifier_hash(self.kind, self.value, bootstrap.suppression_pepper())


def identifier(
    email: Annotated[str | None, Query(max_length=320, pattern=TEXT_PATTERN)] = None,
    phone: Annotated[str | None, Query(max_length=32, pattern=TEXT_PATTERN)] = None,
) -> Identifier:
    given = {kind: value for kind, value in (("email", email), ("phone", phone)) if value}
    if len(given) != 1:
        raise ApiError(422, "give exactly one of the query parameters email or phone")
    [(kind, value)] = given.items()
    try:
        return Identifier(kind, normalise_identifier(kind, value))
    except ValueError as error:
        raise ApiError(422, {kind: str(error)}) from error


IdentifierDep = Annotated[Identifier, Depends(identifier)]


def audit(
    session: Session,
    caller: Caller,
    action: str,
    *,
    subject_hash: str | None = None,
    **details: Any,
) -> None:
    """Note in the audit log that `caller` did `action`. Details must hold no personal
    data (ids and counts, never a search term): the log outlives erasures."""
    record_audit(
        session, actor=caller.name, action=action, subject_hash=subject_hash, details=details
    )
