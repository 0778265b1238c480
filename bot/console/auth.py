"""Who is using the marketers' console: the signed session cookie and the CSRF tokens.

A marketer, an admin or an agent (a sales rep answering handed-off conversations) logs in
with an API token (`parley token create`); viewers may not. What each page lets a role do
is declared by the page (`bot.console.access`). The console keeps only the token's name
and role in a cookie signed with itsdangerous, never the token itself, so a stolen cookie
expires within MAX_AGE and dies with the token's revocation (checked on every request by
name: names are unique, revoked ones included).

The signing key is derived from the deployment's secret key with HMAC and a purpose
string, so a cookie signature reveals nothing about the key that hashes identifiers.

CSRF, both compared in constant time:
    login   double submit: a signed, time-limited random value, in a cookie and in the form
    others  an HMAC of the session cookie's value, so it changes with every login; the
            console's routers check it on every POST (`bot.console.access.checked_csrf`)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bot import bootstrap
from bot.crm.tables import ApiToken
from bot.crm.tokens import authenticate, role_allows

SESSION_COOKIE = "parley_console"
LOGIN_CSRF_COOKIE = "parley_console_login"
MAX_AGE = 8 * 60 * 60
LOGIN_CSRF_MAX_AGE = 60 * 60
LEAST_ROLE = "agent"  # the least trusted role that may sign in
_PURPOSE = b"parley console cookies v1"


class LoginRefused(Exception):
    """The token is unknown or revoked (`known=False`), or its role may not enter."""

    def __init__(self, message: str, *, known: bool) -> None:
        super().__init__(message)
        self.known = known


@dataclass(frozen=True)
class ConsoleUser:
    """The logged-in token's name (the audit log's actor) and its current role."""

    name: str
    role: str


def signing_key() -> bytes:
    return hmac.new(bootstrap.suppression_pepper(), _PURPOSE, hashlib.sha256).digest()


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_key(), salt=salt)


def log_in(*, token: str) -> ConsoleUser:
    """The user behind an API token; raises LoginRefused."""
    found = authenticate(bootstrap.crm_engine(), token=token.strip())
    if found is None:
        raise LoginRefused("That token was not accepted.", known=False)
    if not role_allows(found.role, LEAST_ROLE):
        raise LoginRefused(
            f"The console is for agents, marketers and admins; this token's role is {found.role}.",
            known=True,
        )
    return ConsoleUser(found.name, found.role)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def start_session(request: Request, response: Response, user: ConsoleUser) -> None:
    # The nonce makes every login's cookie (and so its CSRF token) different.
    value = _serializer("session").dumps(
        {"name": user.name, "role": user.role, "nonce": secrets.token_urlsafe(8)}
    )
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=MAX_AGE,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    _forget(request, response, LOGIN_CSRF_COOKIE)


def end_session(request: Request, response: Response) -> None:
    _forget(request, response, SESSION_COOKIE)


def _forget(request: Request, response: Response, cookie: str) -> None:
    response.delete_cookie(
        cookie, path="/console", httponly=True, samesite="strict", secure=_secure(request)
    )


def current_user(request: Request, session: Session) -> ConsoleUser | None:
    """The user of a valid, unexpired session whose token is still live, else None."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    try:
        data = _serializer("session").loads(value, max_age=MAX_AGE)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str):
        return None
    token = session.execute(select(ApiToken).where(ApiToken.name == name)).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not role_allows(token.role, LEAST_ROLE):
        return None
    return ConsoleUser(token.name, token.role)


def session_csrf(request: Request) -> str:
    """The CSRF token for forms posted while logged in: bound to this session's cookie."""
    return csrf_of_session(request.cookies.get(SESSION_COOKIE, ""))


def csrf_of_session(cookie: str) -> str:
    """The CSRF token of the session whose cookie's value is `cookie`."""
    return hmac.new(signing_key(), b"csrf|" + cookie.encode(), hashlib.sha256).hexdigest()


def session_csrf_ok(request: Request, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session_csrf(request), submitted or "")


def new_login_csrf() -> str:
    """A fresh login CSRF token for the form; `set_login_csrf` puts it in the cookie."""
    return _serializer("login-csrf").dumps(secrets.token_urlsafe(16))


def set_login_csrf(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        value,
        max_age=LOGIN_CSRF_MAX_AGE,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def login_csrf_ok(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        return False
    try:
        _serializer("login-csrf").loads(submitted, max_age=LOGIN_CSRF_MAX_AGE)
    except BadSignature:
        return False
    return True
