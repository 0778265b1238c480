"""Signing in to the console in tests: the login flow and the CSRF token of a page's forms,
shared by the console's test modules."""

from __future__ import annotations

import re

import httpx

from tests.api.conftest import Api

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(response: httpx.Response) -> str:
    found = CSRF.search(response.text)
    assert found, response.text
    return found.group(1)


def log_in(api: Api, role: str = "marketer", token: str | None = None) -> httpx.Response:
    form = api.client.get("/console/login")
    return api.client.post(
        "/console/login",
        data={"token": token or api.tokens[role], "csrf": csrf_of(form)},
        follow_redirects=False,
    )
