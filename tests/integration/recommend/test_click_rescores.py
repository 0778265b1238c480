"""A click on recommended content scores the lead again, on SQLite and PostgreSQL: the
score rises by the item's points, the breakdown says which item, and the new lead version
is queued for the sinks; the same click again changes nothing; a rescore that fails
leaves the click recorded and the redirect answered; an erased lead's old link changes
nothing."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation import ActionCompleteLead
from bot import bootstrap
from bot.api import content_redirect
from bot.api.app import create_app
from bot.crm import Lead, OutboxRow, session_scope
from bot.settings import get_settings
from tests.api.conftest import make_tokens
from tests.api.seed import priya_slots
from tests.integration.recommend.test_offer_and_click import CONVERSATION, rows, tracker

pytestmark = pytest.mark.integration
EMAIL = {"email": "priya.patel@globex.com"}


@pytest.fixture
def webhook(crm: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_SINKS", "webhook")
    monkeypatch.setenv("PARLEY_WEBHOOK_URL", "https://crm.example/hooks")
    monkeypatch.setenv("PARLEY_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    get_settings.cache_clear()
    bootstrap.reset()


async def completed_lead() -> list[str]:
    """Priya's lead, captured with content offered: the offers' link tokens."""
    dispatcher = CollectingDispatcher()
    await ActionCompleteLead().run(
        dispatcher, tracker({**priya_slots(), "consent_records": []}), {}
    )
    return re.findall(r"/r/(\S+)$", dispatcher.messages[-1]["items"], flags=re.MULTILINE)


def lead_now() -> Lead:
    with session_scope(bootstrap.crm_engine()) as session:
        lead = session.scalar(select(Lead).where(Lead.conversation_id == CONVERSATION))
        assert lead is not None
        session.expunge(lead)
        return lead


def deliveries() -> list[tuple[int | None, int]]:
    """The lead versions queued for the sinks, with their scores."""
    with session_scope(bootstrap.crm_engine()) as session:
        found = session.scalars(
            select(OutboxRow).where(OutboxRow.lead_id.is_not(None)).order_by(OutboxRow.id)
        )
        return [(row.lead_version, row.payload["score"]) for row in found]


async def test_a_click_raises_the_score_and_the_breakdown_says_why(webhook: None) -> None:
    [token, *_] = await completed_lead()
    before = lead_now()
    assert deliveries() == [(before.version, before.score)]
    item_id = rows()[0][1]
    item = bootstrap.content()[0].by_id()[item_id]
    points = bootstrap.scoring_rules().opened_content.per_stage[item.stage]  # type: ignore[union-attr]

    with TestClient(create_app()) as client:
        assert client.get(f"/r/{token}", follow_redirects=False).status_code == 302
        after = lead_now()
        assert after.score == before.score + points
        assert after.version == before.version + 1
        reason = f"Opened '{item.title}' ({item.stage} stage): +{points}"
        assert {"rule": "engagement.opened_content", "points": points, "reason": reason} in (
            after.score_breakdown
        )
        assert sum(part["points"] for part in after.score_breakdown) == after.score
        assert deliveries() == [(before.version, before.score), (after.version, after.score)]

        # The same click again (within the window) is not a new click, nor a new version.
        assert client.get(f"/r/{token}", follow_redirects=False).status_code == 302
        assert lead_now().version == after.version

        headers = {"Authorization": f"Bearer {make_tokens(bootstrap.crm_engine())['marketer']}"}
        shown = client.get(f"/api/leads/{after.id}", headers=headers)
        assert shown.status_code == 200, shown.text
        assert reason in [part["reason"] for part in shown.json()["score_breakdown"]]


async def test_a_failed_rescore_keeps_the_click_and_the_redirect(
    crm: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    [token, *_] = await completed_lead()
    before = lead_now()

    def broken(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("scoring rules unreadable")

    monkeypatch.setattr(content_redirect, "rescore_lead", broken)
    with TestClient(create_app()) as client, caplog.at_level(logging.ERROR):
        assert client.get(f"/r/{token}", follow_redirects=False).status_code == 302
    assert [kind for kind, _, _ in rows()].count("clicked") == 1
    assert lead_now().score == before.score  # left for the next scoring
    assert "rescoring after a click failed" in caplog.text


async def test_an_erased_leads_link_changes_nothing(crm: str) -> None:
    [token, *_] = await completed_lead()
    with TestClient(create_app()) as client:
        admin = {"Authorization": f"Bearer {make_tokens(bootstrap.crm_engine())['admin']}"}
        assert client.delete("/api/subjects", params=EMAIL, headers=admin).status_code == 200
        assert client.get(f"/r/{token}", follow_redirects=False).status_code == 302
    assert rows() == []
    with session_scope(bootstrap.crm_engine()) as session:
        assert session.scalars(select(Lead)).all() == []
