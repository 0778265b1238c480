"""Who may reach each console route, walked over every /console route of the app itself, so
a new route is covered as soon as it exists (only the login form, logging in and the
static files are left out: they are for signed-out visitors).

Signed out, and as a viewer (who cannot sign in), every route sends to the login page;
an agent is refused the routes that need a marketer; marketers and admins are let in
everywhere; no POST does anything without the session's CSRF token. Each route's least
role is read from the route's own dependencies (`bot.console.access.role_needed`), never
from a list kept here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response

from bot.console import editing, inbox_routes, training_routes
from bot.console.access import AGENT_HOME, HOME, marked_data, role_needed
from bot.console.auth import SESSION_COOKIE, ConsoleUser, csrf_of_session, start_session
from bot.crm import session_scope
from bot.crm.tables import API_ROLES, AuditEntry
from bot.crm.tokens import role_allows
from bot.training.launch import RunRefused
from tests.api.conftest import Api
from tests.api.console_session import log_in
from tests.unit.editor.conftest import copy_project

OPEN = {("GET", "/console/login"), ("POST", "/console/login")}
STATIC = "/console/static/"
PARAMETER = re.compile(r"\{[^}]+\}")
PLACEHOLDER = "0"  # a valid number, and no lead, intent, response, file or run is called so
LOGIN = "/console/login"
CSRF_REFUSED = "The form was not sent from this site"


@dataclass(frozen=True)
class Walk:
    """One method of one console route, with its path filled in and its least role."""

    method: str
    path: str
    url: str
    role: str | None
    data: bool  # answers JSON, never a page

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def least_role(dependant: Dependant) -> str | None:
    """The most trusted of the roles the route's dependencies ask for (None: none asked)."""
    roles: set[str] = set()
    waiting = list(dependant.dependencies)
    while waiting:
        dependency = waiting.pop()
        if dependency.call is not None and (role := role_needed(dependency.call)) is not None:
            roles.add(role)
        waiting.extend(dependency.dependencies)
    return max(roles, key=API_ROLES.index, default=None)


def console_walks(app: FastAPI) -> list[Walk]:
    walks = []
    for route in app.routes:
        if not isinstance(route, APIRoute) or route.path.startswith(STATIC):
            continue
        if route.path != "/console" and not route.path.startswith("/console/"):
            continue
        for method in sorted(route.methods - {"HEAD"}):
            if (method, route.path) in OPEN:
                continue
            url = PARAMETER.sub(PLACEHOLDER, route.path)
            role = least_role(route.dependant)
            walks.append(Walk(method, route.path, url, role, marked_data(route.endpoint)))
    return walks


@pytest.fixture
def walks(api: Api) -> list[Walk]:
    app = api.client.app
    assert isinstance(app, FastAPI)
    found = console_walks(app)
    some = {"GET /console", "POST /console/logout", "GET /console/leads", "POST /console/try"}
    assert some <= {str(walk) for walk in found}
    return found


@dataclass
class Contained:
    project: Path
    runs_started: list[str]


@pytest.fixture
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Contained:
    """What a walk sets off stays in the test: the editors edit a copy of the project, a
    retraining is refused rather than started, no Rasa server is asked for its model, and
    the inbox's live streams end at once instead of after minutes."""
    started: list[str] = []

    def refuse_run(settings: Any, *, user: str) -> None:
        started.append(user)
        raise RunRefused("No retraining while walking the console.")

    project = copy_project(tmp_path / "project")
    monkeypatch.setattr(editing, "PROJECT_ROOT", project)
    monkeypatch.setattr(training_routes, "start_run", refuse_run)
    monkeypatch.setattr(training_routes, "live_model", lambda: (None, "Not asked in tests."))
    monkeypatch.setattr(inbox_routes, "STREAM_FOR_S", 0.0)
    return Contained(project, started)


def request(api: Api, walk: Walk, csrf: str | None = None, **headers: str) -> httpx.Response:
    data = None if csrf is None or walk.method != "POST" else {"csrf": csrf}
    return api.client.request(
        walk.method, walk.url, data=data, headers=headers, follow_redirects=False
    )


def session_csrf(api: Api) -> str:
    return csrf_of_session(api.client.cookies[SESSION_COOKIE])


def sent_to_login(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"] == LOGIN


def ends_the_session(response: httpx.Response) -> bool:
    return any(
        cookie.startswith(f"{SESSION_COOKIE}=") and "Max-Age=0" in cookie
        for cookie in response.headers.get_list("set-cookie")
    )


def refused_sign_in(walk: Walk, response: httpx.Response) -> bool:
    """A signed-out answer: the login page for a page, 401 JSON for a script."""
    if walk.data:
        return response.status_code == 401 and response.json() == {"error": "unauthorized"}
    return sent_to_login(response)


def problems(found: list[str]) -> None:
    assert found == [], "\n".join(found)


def test_every_console_route_declares_its_least_role(walks: list[Walk]) -> None:
    problems(
        [f"{walk} asks for no role (user: Agent or Marketer)" for walk in walks if not walk.role]
    )


def test_signed_out_every_route_sends_to_the_login_page(api: Api, walks: list[Walk]) -> None:
    found = []
    for walk in walks:
        response = request(api, walk)
        if not refused_sign_in(walk, response):
            found.append(f"{walk}: {response.status_code} {response.headers.get('location')}")
        for accept in ("application/json", "text/event-stream"):
            asked = request(api, walk, Accept=accept)
            if asked.status_code != 401 or asked.json() != {"error": "unauthorized"}:
                found.append(f"{walk} (Accept: {accept}): {asked.status_code}")
    problems(found)


def session_cookie_of(user: ConsoleUser) -> str:
    """The session cookie logging in would set for `user` (were it let in)."""
    scope = {"type": "http", "scheme": "http", "server": ("testserver", 80), "path": LOGIN}
    response = Response()
    start_session(Request(scope | {"query_string": b"", "headers": []}), response, user)
    [cookie] = [
        header
        for header in response.headers.getlist("set-cookie")
        if header.startswith(f"{SESSION_COOKIE}=")
    ]
    return cookie.split(";", 1)[0].split("=", 1)[1]


def test_a_viewer_can_neither_sign_in_nor_use_a_session(api: Api, walks: list[Walk]) -> None:
    refused = log_in(api, "viewer")
    assert refused.status_code == 403 and SESSION_COOKIE not in refused.cookies
    # A session cookie for a viewer's token, as if one had been signed: still signed out.
    api.client.cookies.set(
        SESSION_COOKIE, session_cookie_of(ConsoleUser("viewer-token", "viewer")), path="/console"
    )
    found = []
    for walk in walks:
        response = request(api, walk, session_csrf(api))
        if not refused_sign_in(walk, response):
            found.append(f"{walk}: {response.status_code} {response.headers.get('location')}")
    problems(found)


def walk_as(api: Api, role: str, walks: list[Walk]) -> list[str]:
    """Every route with the session's CSRF token: what went other than the role allows."""
    assert log_in(api, role).status_code == 303
    found = []
    for walk in walks:
        assert walk.role is not None
        response = request(api, walk, session_csrf(api))
        status, location = response.status_code, response.headers.get("location")
        if role_allows(role, walk.role):
            if status in (401, 403) or (sent_to_login(response) and not ends_the_session(response)):
                found.append(f"{walk}: {status} {location}, but {role}s may use it")
        elif status != 403:
            found.append(f"{walk}: {status} {location}, but it needs {walk.role}")
        elif walk.data:
            assert response.json() == {"error": "forbidden"}
        elif f"your role is {role}" not in response.text:
            found.append(f"{walk}: 403 without naming the role: {response.text[:200]}")
        if ends_the_session(response):
            assert log_in(api, role).status_code == 303
    return found


def test_an_agent_is_refused_the_marketers_pages(
    api: Api, walks: list[Walk], contained: Contained
) -> None:
    problems(walk_as(api, "agent", walks))


@pytest.mark.parametrize("role", ["marketer", "admin"])
def test_marketers_and_admins_may_use_every_page(
    api: Api, walks: list[Walk], contained: Contained, role: str
) -> None:
    problems(walk_as(api, role, walks))
    assert contained.runs_started == [f"{role}-token"]  # refused by the fake, not started


def snapshot(project: Path) -> dict[str, str]:
    return {
        str(path.relative_to(project)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


def audit_entries(api: Api) -> int:
    with session_scope(api.engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@pytest.mark.parametrize("csrf", [None, "forged"])
def test_no_post_does_anything_without_the_sessions_csrf_token(
    api: Api, walks: list[Walk], contained: Contained, csrf: str | None
) -> None:
    assert log_in(api, "admin").status_code == 303
    files, entries = snapshot(contained.project), audit_entries(api)
    posts = [walk for walk in walks if walk.method == "POST"]
    found = []
    for walk in posts:
        response = api.client.post(
            walk.url, data={} if csrf is None else {"csrf": csrf}, follow_redirects=False
        )
        if response.status_code != 403 or CSRF_REFUSED not in response.text:
            found.append(f"{walk}: {response.status_code} {response.text[:200]}")
    problems(found)
    assert snapshot(contained.project) == files and audit_entries(api) == entries
    assert contained.runs_started == []
    # Still signed in: the log-out form was refused too.
    assert api.client.get("/console", follow_redirects=False).headers["location"] == HOME


def test_the_route_reads_the_form_the_csrf_check_read(api: Api) -> None:
    assert log_in(api).status_code == 303
    response = api.client.post(
        "/console/leads/search", data={"csrf": session_csrf(api), "q": "Nobody-Such"}
    )
    assert response.status_code == 200
    assert 'value="Nobody-Such"' in response.text and "0 leads matching the search" in response.text


def test_a_script_may_send_the_csrf_token_in_a_header(api: Api) -> None:
    assert log_in(api).status_code == 303
    response = api.client.post(
        "/console/leads/search",
        data={"q": "Nobody-Such"},
        headers={"X-CSRF-Token": session_csrf(api)},
    )
    assert response.status_code == 200 and "0 leads matching the search" in response.text
    forged = api.client.post(
        "/console/leads/search", data={"q": "x"}, headers={"X-CSRF-Token": "forged"}
    )
    assert forged.status_code == 403


@pytest.mark.parametrize(
    ("role", "home"), [("agent", AGENT_HOME), ("marketer", HOME), ("admin", HOME)]
)
def test_each_role_lands_on_a_page_it_may_see(api: Api, role: str, home: str) -> None:
    signed_in = log_in(api, role)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == home
    for path in ("/console", LOGIN):
        response = api.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == home


def test_an_agent_refused_a_page_may_still_log_out(api: Api) -> None:
    assert log_in(api, "agent").status_code == 303
    refused = api.client.get("/console/leads")
    assert refused.status_code == 403
    assert "This page is for marketers and admins; your role is agent." in refused.text
    assert 'action="/console/logout"' in refused.text
    assert api.client.post("/console/logout", data={"csrf": session_csrf(api)}).url.path == LOGIN


def test_the_api_keeps_its_own_errors(api: Api) -> None:
    unauthorised = api.client.get("/api/leads")
    assert unauthorised.status_code == 401 and unauthorised.json()["error"] == "unauthorized"
    missing = api.client.get("/console/no-such-page", follow_redirects=False)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
