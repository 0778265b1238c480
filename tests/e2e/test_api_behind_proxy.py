"""Behind a TLS proxy (PARLEY_FORWARDED_ALLOW_IPS) the API knows the visitor came over
https, so the console's cookies are Secure."""

from __future__ import annotations

import httpx

from bot.settings import Settings


def login_cookie(stack: Settings, headers: dict[str, str]) -> str:
    page = httpx.get(f"http://{stack.host}:{stack.api_port}/console/login", headers=headers)
    assert page.status_code == 200
    return page.headers["set-cookie"]


def test_the_console_cookie_is_secure_behind_a_tls_proxy(stack: Settings) -> None:
    # The test client is on 127.0.0.1, the trusted proxy address by default.
    assert "secure" in login_cookie(stack, {"X-Forwarded-Proto": "https"}).lower()
    assert "secure" not in login_cookie(stack, {}).lower()
