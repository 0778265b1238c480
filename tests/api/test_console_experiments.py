"""The console's A/B tests page: signed-in only, each experiment's variants with their
texts, a table of conversions per variant, verdicts, and nothing about any person."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.console import experiments_routes
from bot.crm import ConsentEvent, session_scope, upsert_contact
from bot.crm.exposures import record_exposure
from tests.api.conftest import Api
from tests.api.test_console import log_in
from tests.integration.crm.crm_helpers import T0, lead_for

DOMAIN = """version: "3.1"
responses:
  utter_greet:
  - text: Hello.
  - text: Hey there! <b>Welcome</b>
    metadata:
      variant: friendly
  utter_plain:
  - text: Nothing to test here.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "bot" / "domain").mkdir(parents=True)
    (tmp_path / "bot" / "domain" / "responses.yml").write_text(DOMAIN, encoding="utf-8")
    monkeypatch.setattr(experiments_routes, "PROJECT_ROOT", tmp_path)
    return tmp_path


def seed(api: Api) -> None:
    with session_scope(api.engine) as session:
        for number in range(20):
            for arm, prefix in (("control", "web-c"), ("friendly", "sms:+1555000")):
                conversation_id = f"{prefix}{number:02d}"
                record_exposure(
                    session, experiment="utter_greet", conversation_id=conversation_id, variant=arm
                )
                if number < (2 if arm == "control" else 12):
                    contact = upsert_contact(session, email=f"person{arm}{number}@example.com")
                    lead_for(session, contact, conversation_id, status="qualified")
                    session.add(
                        ConsentEvent(
                            contact_id=contact.id,
                            purpose="marketing_email",
                            answer="granted",
                            granted=True,
                            notice_version="2026-11",
                            reply_text="yes",
                            conversation_id=conversation_id,
                            recorded_at=T0 + timedelta(minutes=number),
                        )
                    )
        record_exposure(session, experiment="utter_retired", conversation_id="web-x", variant="b")


def test_the_page_needs_a_signed_in_user(api: Api, project: Path) -> None:
    response = api.client.get("/console/experiments", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"


def test_without_experiments_it_says_how_to_start_one(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bot" / "domain").mkdir(parents=True)
    monkeypatch.setattr(experiments_routes, "PROJECT_ROOT", tmp_path)
    log_in(api)
    response = api.client.get("/console/experiments")
    assert response.status_code == 200
    assert "No A/B tests of messages yet" in response.text
    assert '<a href="/console/experiments" aria-current="page">' in response.text


def test_each_variant_shows_its_texts_numbers_and_verdict(api: Api, project: Path) -> None:
    seed(api)
    log_in(api)
    response = api.client.get("/console/experiments")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    text = response.text
    assert "<code>utter_greet</code>" in text and "utter_plain" not in text
    assert "Hey there! &lt;b&gt;Welcome&lt;/b&gt;" in text and "<b>Welcome" not in text
    assert "40 conversations" in text
    # control: 20 conversations, 2 qualified (10%); friendly: 20, 12 qualified (60%)
    assert '<td class="num">2</td>\n        <td class="num">10%</td>' in text
    assert '<td class="num">12</td>\n        <td class="num">60%</td>' in text
    assert "friendly converts better than control: 60% vs 10%" in text
    assert "significant at 95%" in text
    assert '<svg role="img"' in text and "<table>" in text
    # The retired experiment is still listed, marked as no longer in the domain.
    assert "<code>utter_retired</code>" in text and "no longer has variants" in text


def test_no_personal_data_appears(api: Api, project: Path) -> None:
    seed(api)
    log_in(api)
    text = api.client.get("/console/experiments").text
    assert "sms:+1555" not in text and "web-c0" not in text
    assert "@example.com" not in text
