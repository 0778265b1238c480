"""The marketers' console: log in with an API token, list the leads, open one lead.

Server-rendered HTML (Jinja2, autoescaped), no JavaScript. Filters are not personal data
and go in the query string, so a filtered list can be bookmarked. The free-text search
`q` may be a name or an address: it is only ever sent in a POST body (the search form,
and the paging buttons of a search), and the results are rendered in that response, so
it never lands in a URL, a proxy's access log, the browser history or a Referer header.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.api.deps import Caller, ConversationsDep, SessionDep, audit
from bot.api.routes.leads import CONSENT_VALUES
from bot.api.views import lead_detail
from bot.console.auth import (
    ConsoleUser,
    LoginRefused,
    current_user,
    end_session,
    log_in,
    login_csrf_ok,
    new_login_csrf,
    session_csrf,
    session_csrf_ok,
    set_login_csrf,
    start_session,
)
from bot.crm.queries import LeadFilters, search_leads
from bot.crm.tables import Contact, Lead

HERE = Path(__file__).parent
PAGE_SIZE = 25
MAX_TEXT = 200
CHANNELS = ("webchat", "sms", "telegram", "rest")  # the channels Parley opens
# Pages hold personal data: never cached, never framed, no third-party anything.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
router = APIRouter(prefix="/console", include_in_schema=False)


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


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


def refused(message: str, status: int = 403) -> HTMLResponse:
    return render("message.html", status, title="Not allowed", message=message, user=None)


def _text(value: str | None) -> str:
    # PostgreSQL cannot store or compare NUL; anything longer is no real filter.
    return (value or "").replace("\x00", "").strip()[:MAX_TEXT]


@dataclass(frozen=True)
class LeadQuery:
    """The list's filters, search and page as the forms send them (all strings)."""

    segment: str = ""
    grade: str = ""
    channel: str = ""
    consent: str = ""
    created_from: str = ""
    created_to: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def of(cls, page: str | None = None, **values: str | None) -> LeadQuery:
        try:
            number = max(1, min(int(page or 1), 1_000_000))
        except ValueError:
            number = 1
        return cls(page=number, **{key: _text(value) for key, value in values.items()})

    def filters(self) -> tuple[LeadFilters, list[str]]:
        """The CRM filters, and a message for each value that was ignored as invalid."""
        problems: list[str] = []
        consent = None
        if self.consent:
            if self.consent in CONSENT_VALUES:
                purpose, _, answer = self.consent.partition(":")
                consent = (purpose, answer)
            else:
                problems.append("The consent filter was not understood and is ignored.")
        dates: list[date | None] = []
        for label, text in (("from", self.created_from), ("to", self.created_to)):
            try:
                dates.append(date.fromisoformat(text) if text else None)
            except ValueError:
                problems.append(f"The date '{label}' is not a date (YYYY-MM-DD) and is ignored.")
                dates.append(None)
        filters = LeadFilters(
            segment=self.segment or None,
            grade=self.grade or None,
            channel=self.channel or None,
            consent=consent,
            created_from=dates[0],
            created_to=dates[1],
            q=self.q or None,
        )
        return filters, problems

    def url_for_page(self, page: int) -> str:
        """A GET link to another page of an unsearched list (the filters only)."""
        params = {key: value for key, value in asdict(self).items() if value and key != "q"}
        params["page"] = page
        return "/console/leads?" + urlencode(params)


def _leads_page(
    request: Request, session: Session, user: ConsoleUser, query: LeadQuery
) -> Response:
    filters, problems = query.filters()
    rows, total = search_leads(
        session, filters=filters, limit=PAGE_SIZE, offset=(query.page - 1) * PAGE_SIZE
    )
    # As the API does: counts only, never the search term (the log outlives erasures).
    audit(session, Caller(user.name, user.role), "leads.listed", returned=len(rows), total=total)
    return render(
        "leads.html",
        user=user,
        csrf=session_csrf(request),
        rows=rows,
        total=total,
        query=query,
        pages=max(1, -(-total // PAGE_SIZE)),
        problems=problems,
        grades=[grade.name for grade in bootstrap.scoring_rules().grades],
        segments=[segment.name for segment in bootstrap.segments()],
        channels=CHANNELS,
        consents=CONSENT_VALUES,
    )


@router.get("")
def home() -> RedirectResponse:
    return RedirectResponse("/console/leads", status_code=303)


@router.get("/console.css")
def stylesheet() -> Response:
    css = (HERE / "static" / "console.css").read_text()
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


def _login_form(request: Request, status: int = 200, error: str | None = None) -> HTMLResponse:
    csrf = new_login_csrf()
    response = render("login.html", status, user=None, csrf=csrf, error=error)
    set_login_csrf(request, response, csrf)
    return response


@router.get("/login")
def login_form(request: Request, session: SessionDep) -> Response:
    if current_user(request, session) is not None:
        return RedirectResponse("/console/leads", status_code=303)
    return _login_form(request)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if not login_csrf_ok(request, csrf):
        return refused("The login form expired or was not sent from this site. Please reload it.")
    try:
        user = log_in(session, token=token)
    except LoginRefused as refusal:
        return _login_form(request, 401 if not refusal.known else 403, str(refusal))
    audit(session, Caller(user.name, user.role), "console.login")
    response = RedirectResponse("/console/leads", status_code=303)
    start_session(request, response, user)
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=500)] = "") -> Response:
    if not session_csrf_ok(request, csrf):
        return refused("The log-out form was not sent from this site.")
    response = to_login()
    end_session(request, response)
    return response


@router.get("/leads")
def leads(
    request: Request,
    session: SessionDep,
    segment: str | None = None,
    grade: str | None = None,
    channel: str | None = None,
    consent: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
    page: str | None = None,
) -> Response:
    user = current_user(request, session)
    if user is None:
        return to_login()
    query = LeadQuery.of(
        page,
        segment=segment,
        grade=grade,
        channel=channel,
        consent=consent,
        created_from=created_from,
        created_to=created_to,
    )
    return _leads_page(request, session, user, query)


@router.post("/leads/search")
def search(
    request: Request,
    session: SessionDep,
    csrf: Annotated[str, Form(max_length=500)] = "",
    q: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    segment: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    grade: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    channel: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    consent: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    created_from: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    created_to: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    page: Annotated[str, Form(max_length=20)] = "1",
) -> Response:
    user = current_user(request, session)
    if user is None:
        return to_login()
    if not session_csrf_ok(request, csrf):
        return refused("The search form was not sent from this site.")
    query = LeadQuery.of(
        page,
        q=q,
        segment=segment,
        grade=grade,
        channel=channel,
        consent=consent,
        created_from=created_from,
        created_to=created_to,
    )
    return _leads_page(request, session, user, query)


@router.get("/leads/{lead_id}")
def lead_page(
    lead_id: str, request: Request, session: SessionDep, conversations: ConversationsDep
) -> Response:
    user = current_user(request, session)
    if user is None:
        return to_login()
    lead = session.get(Lead, lead_id[:64])
    contact = None if lead is None else session.get(Contact, lead.contact_id)
    if lead is None or contact is None:
        return render(
            "message.html",
            404,
            title="No such lead",
            message="There is no lead with this id.",
            user=user,
            csrf=session_csrf(request),
        )
    audit(session, Caller(user.name, user.role), "lead.read", lead_id=lead.id)
    return render(
        "lead.html",
        user=user,
        csrf=session_csrf(request),
        lead=lead_detail(session, lead, contact),
        transcript=conversations.transcript(lead.conversation_id),
    )
