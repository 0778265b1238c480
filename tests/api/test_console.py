"""The marketers' console: logging in (CSRF, roles, revocation), the leads table with its
filters, search and paging, one lead's page with its audit entry, and escaping."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.api.app import create_app
from bot.console.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from bot.crm import session_scope
from bot.crm.tables import AuditEntry, OutboxRow
from bot.crm.tokens import revoke_token
from tests.api.conftest import Api
from tests.api.console_session import csrf_of, log_in  # others import them from here too
from tests.api.seed import T0, capture, jo_slots

ROW_LINK = re.compile(r'<th scope="row"><a href="/console/leads/([0-9a-f-]+)">([^<]*)</a>')


def rows(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [name for _, name in ROW_LINK.findall(response.text)]


def search(api: Api, **fields: str) -> httpx.Response:
    page = api.client.get("/console/leads")
    return api.client.post("/console/leads/search", data={"csrf": csrf_of(page), **fields})


def test_login_sets_a_signed_session_cookie_without_the_token(api: Api) -> None:
    response = log_in(api)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/leads"
    cookie = next(
        header
        for header in response.headers.get_list("set-cookie")
        if header.startswith(f"{SESSION_COOKIE}=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain http here; https requests get Secure
    assert api.tokens["marketer"] not in cookie
    page = api.client.get("/console/leads")
    assert page.status_code == 200 and "marketer-token" in page.text


def test_login_form_is_labelled_and_sets_the_csrf_cookie(api: Api) -> None:
    response = api.client.get("/console/login")
    assert '<label for="token">' in response.text and 'autocomplete="off"' in response.text
    assert api.client.cookies.get(LOGIN_CSRF_COOKIE) == csrf_of(response)
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_a_wrong_token_shows_the_form_again_with_401(api: Api) -> None:
    response = log_in(api, token="parley_not-a-token")
    assert response.status_code == 401
    assert "That token was not accepted" in response.text
    assert SESSION_COOKIE not in response.cookies


def test_a_viewer_is_refused(api: Api) -> None:
    response = log_in(api, "viewer")
    assert response.status_code == 403
    assert "this token&#39;s role is viewer" in response.text
    assert api.client.get("/console/leads", follow_redirects=False).status_code == 303


def test_an_admin_may_enter(api: Api) -> None:
    assert log_in(api, "admin").status_code == 303


@pytest.mark.parametrize("csrf", [None, "forged"])
def test_login_without_the_csrf_token_is_forbidden(api: Api, csrf: str | None) -> None:
    api.client.get("/console/login")  # sets the cookie half
    data = {"token": api.tokens["marketer"]} | ({"csrf": csrf} if csrf else {})
    response = api.client.post("/console/login", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.cookies


def test_login_csrf_needs_the_cookie_too(api: Api) -> None:
    token = csrf_of(api.client.get("/console/login"))
    api.client.cookies.clear()
    response = api.client.post(
        "/console/login", data={"token": api.tokens["marketer"], "csrf": token}
    )
    assert response.status_code == 403


def test_a_forged_session_cookie_is_ignored(api: Api) -> None:
    api.client.cookies.set(SESSION_COOKIE, "eyJuYW1lIjoiYWRtaW4tdG9rZW4ifQ.x.y", path="/console")
    response = api.client.get("/console/leads", follow_redirects=False)
    assert response.status_code == 303


def test_the_table_lists_the_leads_newest_first(api: Api, lead_ids: dict[str, str]) -> None:
    log_in(api)
    response = api.client.get("/console/leads")
    assert rows(response) == ["Priya Patel", "Jo Student", "Sam Jones", "Priya Patel"]
    assert f'href="/console/leads/{lead_ids["sam"]}"' in response.text
    assert '<th scope="col">Segments</th>' in response.text
    assert "Initech" in response.text and "telegram" in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"grade": "C"}, ["Sam Jones"]),
        ({"channel": "telegram"}, ["Sam Jones"]),
        ({"grade": "A", "channel": "rest"}, ["Priya Patel"]),
        ({"segment": "students"}, ["Jo Student"]),
        ({"consent": "marketing_email:denied"}, ["Sam Jones"]),
        ({"created_from": "2026-11-21", "created_to": "2026-11-22"}, ["Jo Student", "Sam Jones"]),
    ],
)
def test_filters(
    api: Api, lead_ids: dict[str, str], params: dict[str, str], expected: list[str]
) -> None:
    log_in(api)
    assert rows(api.client.get("/console/leads", params=params)) == expected


def test_a_bad_filter_is_ignored_with_a_message(api: Api, lead_ids: dict[str, str]) -> None:
    log_in(api)
    response = api.client.get("/console/leads", params={"created_from": "soon"})
    assert len(rows(response)) == 4 and "is not a date" in response.text


def test_search_by_company_is_posted_and_stays_out_of_the_url(
    api: Api, lead_ids: dict[str, str]
) -> None:
    log_in(api)
    response = search(api, q="initech")
    assert rows(response) == ["Sam Jones"]
    assert str(response.url) == "http://testserver/console/leads/search"
    assert 'value="initech"' in response.text
    # Filters ride along with the search.
    assert rows(search(api, q="patel", channel="telegram")) == []


def test_search_without_the_csrf_token_is_forbidden(api: Api, lead_ids: dict[str, str]) -> None:
    log_in(api)
    response = api.client.post("/console/leads/search", data={"q": "initech"})
    assert response.status_code == 403


def test_paging(api: Api, lead_ids: dict[str, str]) -> None:
    for number in range(25):  # 29 leads: 25 on page one, 4 on page two
        slots = jo_slots() | {"name": f"Student {number}", "email": f"s{number}@uni.edu"}
        capture(api.engine, slots, f"conv-s{number}", "rest", T0 + timedelta(hours=number))
    log_in(api)
    first = api.client.get("/console/leads")
    assert len(rows(first)) == 25 and "page 1 of 2" in first.text
    assert 'href="/console/leads?page=2"' in first.text
    second = api.client.get("/console/leads", params={"page": "2"})
    assert len(rows(second)) == 4 and 'rel="prev"' in second.text
    ids = ROW_LINK.findall(first.text) + ROW_LINK.findall(second.text)
    assert len({lead_id for lead_id, _ in ids}) == 29
    # A search's pages are buttons posting the term, never links carrying it (Jo and 25).
    searched = search(api, q="student")
    assert len(rows(searched)) == 25 and "?q=" not in searched.text
    assert '<input type="hidden" name="page" value="2">' in searched.text
    assert len(rows(search(api, q="student", page="2"))) == 1


def test_the_lead_page(api: Api, lead_ids: dict[str, str]) -> None:
    log_in(api)
    response = api.client.get(f"/console/leads/{lead_ids['priya']}")
    assert response.status_code == 200, response.text
    html = response.text
    assert "Priya Patel" in html and "Globex" in html and "VP marketing" in html
    # The breakdown's points add up to the score shown in its footer.
    breakdown = html.split('id="breakdown"')[1].split("</table>")[0]
    points = [int(p) for p in re.findall(r'<td class="num">(-?\d+)</td>', breakdown)]
    total = int(re.search(r"<strong>(\d+)</strong>", breakdown).group(1))  # type: ignore[union-attr]
    assert points and sum(points) == total
    # Consent proof: the wording, the notice, the verbatim reply; e-mail withdrawn later.
    assert "May we contact you about Parley (marketing_email)?" in html
    assert "2026-11" in html and "<q>granted, thanks</q>" in html
    assert "marketing email: withdrawn" in html
    # The transcript from Rasa's tracker store.
    assert "Nice to meet you, Priya!" in html and "my number is +14155550132" in html
    assert "Visitor" in html and "Bot" in html
    with session_scope(api.engine) as session:
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.action == "lead.read")
        ).scalars()
        assert [(e.actor, e.details) for e in entries] == [
            ("marketer-token", {"lead_id": lead_ids["priya"]})
        ]


def test_an_unknown_lead_is_a_404_page(api: Api, lead_ids: dict[str, str]) -> None:
    log_in(api)
    response = api.client.get("/console/leads/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404 and "There is no lead with this id" in response.text


def test_user_text_is_escaped(api: Api, lead_ids: dict[str, str]) -> None:
    attack = "<img src=x onerror=alert(1)>"
    slots = jo_slots() | {"name": attack, "company": "<b>Evil</b>"}
    lead_id = capture(api.engine, slots, "conv-evil", "rest", T0 + timedelta(days=9))
    log_in(api)
    for page in (api.client.get("/console/leads"), api.client.get(f"/console/leads/{lead_id}")):
        assert attack not in page.text and "<b>Evil</b>" not in page.text
        assert "&lt;img src=x onerror=alert(1)&gt;" in page.text


def test_logout(api: Api, lead_ids: dict[str, str]) -> None:
    log_in(api)
    page = api.client.get("/console/leads")
    assert api.client.post("/console/logout", data={}).status_code == 403
    response = api.client.post(
        "/console/logout", data={"csrf": csrf_of(page)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    assert api.client.get("/console/leads", follow_redirects=False).status_code == 303


def test_a_revoked_tokens_session_stops_working(api: Api, lead_ids: dict[str, str]) -> None:
    log_in(api)
    assert api.client.get("/console/leads").status_code == 200
    with session_scope(api.engine) as session:
        revoke_token(session, name="marketer-token")
    response = api.client.get(f"/console/leads/{lead_ids['sam']}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"


def test_the_stylesheet_is_served(api: Api) -> None:
    response = api.client.get("/console/static/console.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")


def test_the_lead_page_shows_the_source(api: Api, lead_ids: dict[str, str]) -> None:
    source = {
        "channel": "rest",
        "page_url": "https://example.com/pricing",
        "utm": {"source": "mail"},
    }
    lead_id = capture(api.engine, jo_slots() | {"lead_source": source}, "conv-src", "rest", T0)
    log_in(api)
    html = api.client.get(f"/console/leads/{lead_id}").text.split('id="source"')[1]
    assert "<dt>page url</dt><dd>https://example.com/pricing</dd>" in html
    assert "<dt>utm</dt><dd>source: mail</dd>" in html


def test_the_session_cookie_is_secure_over_https(api: Api) -> None:
    with TestClient(create_app(), base_url="https://testserver") as client:
        form = client.get("/console/login")
        response = client.post(
            "/console/login",
            data={"token": api.tokens["marketer"], "csrf": csrf_of(form)},
            follow_redirects=False,
        )
    assert response.status_code == 303
    assert all("Secure" in cookie for cookie in response.headers.get_list("set-cookie"))


def test_deliveries_show_why_a_row_failed_and_send_it_again(
    api: Api, lead_ids: dict[str, str]
) -> None:
    with session_scope(api.engine) as session:
        row = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).first()
        assert row is not None
        row.status, row.attempts, row.last_error = "failed", 1, "HTTP 401: token expired"
        row_id = row.id
    log_in(api)
    listed = api.client.get("/console/deliveries")
    assert listed.status_code == 200
    assert "HTTP 401: token expired" in listed.text and f"/deliveries/{row_id}/retry" in listed.text
    assert "Priya.Patel" not in listed.text  # never a payload
    refused = api.client.post(f"/console/deliveries/{row_id}/retry", data={"csrf": "forged"})
    assert refused.status_code == 403
    sent = api.client.post(
        f"/console/deliveries/{row_id}/retry",
        data={"csrf": csrf_of(listed)},
        follow_redirects=True,
    )
    assert sent.status_code == 200 and f"Row {row_id} is queued again" in sent.text
    assert "Nothing failed." in sent.text
    with session_scope(api.engine) as session:
        again = session.get(OutboxRow, row_id)
        assert again is not None and (again.status, again.attempts) == ("pending", 0)
        actions = session.scalars(select(AuditEntry.action)).all()
        assert "outbox.retried" in actions
