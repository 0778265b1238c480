"""Logging in and out of the console, and its static files.

`open_router` holds what a signed-out visitor may reach (the login form, logging in, the
static files); `router` what needs a session (the home redirect, logging out), and gets the
console's CSRF check on its POSTs like every other area's. The login form has its own
double-submit CSRF token (`bot.console.auth`), since there is no session yet to bind one to.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import Caller, SessionDep, audit
from bot.console.access import Agent, home_of, signed_in
from bot.console.auth import (
    LoginRefused,
    current_user,
    end_session,
    log_in,
    login_csrf_ok,
    new_login_csrf,
    set_login_csrf,
    start_session,
)
from bot.console.pages import STATIC, refused, render, to_login

open_router = APIRouter(prefix="/console", include_in_schema=False)
router = APIRouter(prefix="/console", include_in_schema=False)
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


@router.get("")
def home(user: Agent) -> RedirectResponse:
    return RedirectResponse(home_of(user), status_code=303)


@open_router.get("/static/{name}")
def static_file(name: str) -> Response:
    """One of the console's own stylesheets, scripts or icons (no directories, no other types)."""
    path = STATIC / name
    media_type = MEDIA_TYPES.get(path.suffix)
    if media_type is None or path.parent != STATIC or not path.is_file():
        raise HTTPException(404, "No such file")
    return Response(
        path.read_bytes(), media_type=media_type, headers={"Cache-Control": "max-age=3600"}
    )


def _login_form(request: Request, status: int = 200, error: str | None = None) -> HTMLResponse:
    csrf = new_login_csrf()
    response = render("login.html", status, user=None, csrf=csrf, error=error)
    set_login_csrf(request, response, csrf)
    return response


@open_router.get("/login")
def login_form(request: Request, session: SessionDep) -> Response:
    user = current_user(request, session)
    if user is not None:
        return RedirectResponse(home_of(user), status_code=303)
    return _login_form(request)


@open_router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if not login_csrf_ok(request, csrf):
        return refused("The login form expired or was not sent from this site. Please reload it.")
    try:
        user = log_in(token=token)
    except LoginRefused as refusal:
        return _login_form(request, 401 if not refusal.known else 403, str(refusal))
    audit(session, Caller(user.name, user.role), "console.login")
    response = RedirectResponse(home_of(user), status_code=303)
    start_session(request, response, user)
    return response


@router.post("/logout", dependencies=[Depends(signed_in("agent"))])
def logout(request: Request) -> Response:
    response = to_login()
    end_session(request, response)
    return response
