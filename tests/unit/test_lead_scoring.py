"""A lead scored again with the content its conversation opened: the item's points and
sentence, a new version only when the score changed, and what the score does not decide
(a follow-up's points, a status set otherwise) kept."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.crm import Lead
from bot.crm.engagement_tables import record_click, record_offer
from bot.lead_scoring import rescore_lead
from bot.recommend import Catalogue
from tests.unit.test_lead_capture import QUALIFIED, capture, session

__all__ = ["session"]  # the fixture

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)


@pytest.fixture
def catalogue() -> Catalogue:
    return bootstrap.content()[0]


def opened(session: Session, lead: Lead, item_id: str) -> None:
    offer = record_offer(
        session,
        item_id=item_id,
        strategy="content",
        conversation_id=lead.conversation_id,
        lead_id=lead.id,
        contact_id=lead.contact_id,
        now=NOW,
    )
    assert record_click(session, offer.id, now=NOW)
    session.flush()


def rescore(session: Session, lead: Lead, catalogue: Catalogue) -> bool:
    return rescore_lead(
        session,
        lead,
        catalogue=catalogue,
        rules=bootstrap.scoring_rules(),
        segments=bootstrap.segments(),
        sinks=(),
    )


def test_an_opened_item_scores_and_is_a_new_version(session: Session, catalogue: Catalogue) -> None:
    lead = capture(session, QUALIFIED)
    assert lead is not None
    score, version = lead.score, lead.version
    assert not rescore(session, lead, catalogue)  # nothing opened: nothing changes
    item = catalogue.items[0]
    opened(session, lead, item.id)
    assert rescore(session, lead, catalogue)
    points = bootstrap.scoring_rules().opened_content.per_stage[item.stage]  # type: ignore[union-attr]
    assert (lead.score, lead.version) == (score + points, version + 1)
    assert lead.facts is not None
    assert lead.facts["opened"] == [{"item_id": item.id, "title": item.title, "stage": item.stage}]
    assert not rescore(session, lead, catalogue)  # the same items: the same score


def test_a_followups_points_and_status_stay(session: Session, catalogue: Catalogue) -> None:
    lead = capture(session, QUALIFIED)
    assert lead is not None
    nudge = {"rule": "followup.nurture", "points": 5, "reason": "Follow-up sequence nurture"}
    lead.score_breakdown = [*lead.score_breakdown, nudge]
    lead.score, lead.status = lead.score + 5, "disqualified"
    session.flush()
    before = lead.score
    item = catalogue.items[0]
    opened(session, lead, item.id)
    assert rescore(session, lead, catalogue)
    assert nudge in lead.score_breakdown
    assert lead.score > before
    assert lead.status == "disqualified"


def test_a_lead_without_stored_facts_waits_for_its_capture(
    session: Session, catalogue: Catalogue
) -> None:
    lead = capture(session, QUALIFIED)
    assert lead is not None
    lead.facts = None
    opened(session, lead, catalogue.items[0].id)
    assert not rescore(session, lead, catalogue)
