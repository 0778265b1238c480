"""The leads: a table with filters, search and paging, and one lead's page.

Filters are not personal data and go in the query string, so a filtered list can be
bookmarked. The free-text search `q` may be a name or an address: it is only ever sent in
a POST body (the search form, and the paging buttons of a search), and the results are
rendered in that response, so it never lands in a URL, a proxy's access log, the browser
history or a Referer header. Every list and every lead read is audited.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.api.deps import Caller, ConversationsDep, SessionDep, audit
from bot.api.routes.leads import CONSENT_VALUES
from bot.api.views import lead_detail
from bot.console.access import Marketer, NoSuchThing
from bot.console.auth import ConsoleUser
from bot.console.pages import MAX_TEXT, clean_text, page
from bot.crm.queries import LeadFilters, search_leads
from bot.crm.tables import Contact, Lead

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 25
CHANNELS = ("webchat", "sms", "telegram", "rest")  # the channels Parley opens
Field = Annotated[str, Form(max_length=MAX_TEXT)]


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
        return cls(page=number, **{key: clean_text(value) for key, value in values.items()})

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
    return page(
        request,
        user,
        "leads.html",
        section="/console/leads",
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


@router.get("/leads")
def leads(
    request: Request,
    session: SessionDep,
    user: Marketer,
    segment: str | None = None,
    grade: str | None = None,
    channel: str | None = None,
    consent: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
    page: str | None = None,
) -> Response:
    filters = dict(
        segment=segment,
        grade=grade,
        channel=channel,
        consent=consent,
        created_from=created_from,
        created_to=created_to,
    )
    return _leads_page(request, session, user, LeadQuery.of(page, **filters))


@router.post("/leads/search")
def search(
    request: Request,
    session: SessionDep,
    user: Marketer,
    q: Field = "",
    segment: Field = "",
    grade: Field = "",
    channel: Field = "",
    consent: Field = "",
    created_from: Field = "",
    created_to: Field = "",
    page: Annotated[str, Form(max_length=20)] = "1",
) -> Response:
    fields = dict(
        q=q,
        segment=segment,
        grade=grade,
        channel=channel,
        consent=consent,
        created_from=created_from,
        created_to=created_to,
    )
    return _leads_page(request, session, user, LeadQuery.of(page, **fields))


@router.get("/leads/{lead_id}")
def lead_page(
    lead_id: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    conversations: ConversationsDep,
) -> Response:
    lead = session.get(Lead, lead_id[:64])
    contact = None if lead is None else session.get(Contact, lead.contact_id)
    if lead is None or contact is None:
        raise NoSuchThing("lead", "There is no lead with this id.")
    audit(session, Caller(user.name, user.role), "lead.read", lead_id=lead.id)
    return page(
        request,
        user,
        "lead.html",
        section="/console/leads",
        lead=lead_detail(session, lead, contact),
        transcript=conversations.transcript(lead.conversation_id),
    )
