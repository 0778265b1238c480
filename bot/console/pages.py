"""What every console page shares: the templates, the security headers and rendering.
Who may see a page is `bot.console.access`'s business.

Pages are server-rendered (Jinja2, autoescaped); the few that update live load a script of
ours from `/console/static/` (`script-src 'self'`), never anything from elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader

from bot.console.auth import ConsoleUser, session_csrf
from bot.console.charts import percent
from bot.crm.tokens import role_allows

HERE = Path(__file__).parent
STATIC = HERE / "static"
MAX_TEXT = 200
# Pages hold personal data: never cached, never framed, no third-party anything.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

HOME = "/console/leads"  # where marketers and admins land
AGENT_HOME = "/console/inbox"  # where agents land: the handed-off conversations
# The main navigation: each page with the least role that may open it.
NAVIGATION = (
    ("/console/inbox", "Inbox", "agent"),
    ("/console/leads", "Leads", "marketer"),
    ("/console/funnel", "Funnel", "marketer"),
    ("/console/followups", "Follow-ups", "marketer"),
    ("/console/review", "Review", "marketer"),
    ("/console/data", "Training data", "marketer"),
    ("/console/training", "Retrain", "marketer"),
    ("/console/try", "Try it", "marketer"),
    ("/console/experiments", "A/B tests", "marketer"),
    ("/console/recommendations", "Recommendations", "marketer"),
    ("/console/audit", "Fairness audit", "marketer"),
    ("/console/deliveries", "Deliveries", "marketer"),
)

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)


def home_of(user: ConsoleUser) -> str:
    """Where a user lands after login and on /console: the first page their role may see."""
    return HOME if role_allows(user.role, "marketer") else AGENT_HOME


class NavItem(NamedTuple):
    href: str
    label: str
    badge: int | None  # the number beside it; None (or 0): none
    counted: str  # what the number counts, in words ("unreviewed messages")


# Badges beside navigation entries, by path: how to count what waits there (a callable
# answering a number, or None for no badge, quickly: it runs on every page) and what it
# counts. An area adds its own with `add_badge`.
BADGES: dict[str, tuple[Callable[[], int | None], str]] = {}


def add_badge(href: str, count: Callable[[], int | None], counted: str) -> None:
    BADGES[href] = (count, counted)


def _item(href: str, label: str) -> NavItem:
    if href not in BADGES:
        return NavItem(href, label, None, "")
    count, counted = BADGES[href]
    return NavItem(href, label, count(), counted)


def navigation(user: ConsoleUser) -> list[NavItem]:
    """The pages the user's role may open, each with its badge, if it has one."""
    return [
        _item(href, label) for href, label, needed in NAVIGATION if role_allows(user.role, needed)
    ]


def plain(value: Any) -> str:
    """A stored answer or source value as text (ranges, nested dicts, lists)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        if {"low", "high", "unit"} <= value.keys():
            low, high = value["low"], value["high"]
            return f"{low} {value['unit']}" if low == high else f"{low}–{high} {value['unit']}"
        return ", ".join(f"{key}: {plain(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(plain(item) for item in value) or "—"
    return str(value)


def when(value: datetime | str | None) -> str:
    if isinstance(value, str):
        return value
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


templates.filters["plain"] = plain
templates.filters["when"] = when
templates.filters["percent"] = percent
templates.globals["navigation"] = navigation
templates.globals["home_of"] = home_of


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


def refused(
    message: str,
    status: int = 403,
    *,
    request: Request | None = None,
    user: ConsoleUser | None = None,
) -> HTMLResponse:
    """The "Not allowed" page; with the signed-in user (and the request, for the log-out
    form's CSRF token) when the refusal is of what they asked, not of who they are."""
    if request is None or user is None:
        return render("message.html", status, title="Not allowed", message=message, user=None)
    return page(request, user, "message.html", status, title="Not allowed", message=message)


def not_found(request: Request, user: ConsoleUser, title: str, message: str) -> HTMLResponse:
    return render(
        "message.html", 404, title=title, message=message, user=user, csrf=session_csrf(request)
    )


def page(
    request: Request, user: ConsoleUser, name: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a signed-in page: the user and the CSRF token for its forms are filled in."""
    return render(name, status, user=user, csrf=session_csrf(request), **context)


def clean_text(value: str | None) -> str:
    # PostgreSQL cannot store or compare NUL; anything longer is no real filter.
    return (value or "").replace("\x00", "").strip()[:MAX_TEXT]
