"""A/B test exposures in the CRM and the results counted over them, on SQLite and
PostgreSQL: one row per conversation and experiment, the first variant kept, conversions
from the funnel's lead outcomes, erasure."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.console.experiments_routes import results
from bot.crm import ConsentEvent, session_scope, upsert_contact
from bot.crm.exposures import exposed_conversations, record_exposure
from bot.crm.funnel import conversions
from bot.crm.tables import ExperimentExposure
from bot.experiments.results import Experiment, Variant
from bot.nlg.experiments import CrmExposureLog
from bot.settings import get_settings
from tests.integration.crm.crm_helpers import T0, lead_for

pytestmark = pytest.mark.integration

GREET = "utter_greet"


def lead(session: Session, conversation_id: str, status: str, consent: bool) -> None:
    contact = upsert_contact(session, email=f"{conversation_id}@example.com")
    lead_for(session, contact, conversation_id, status=status)
    if consent:
        session.add(
            ConsentEvent(
                contact_id=contact.id,
                purpose="marketing_email",
                answer="granted",
                granted=True,
                notice_version="2026-11",
                reply_text="yes",
                conversation_id=conversation_id,
                recorded_at=T0 + timedelta(minutes=5),
            )
        )
    session.flush()


def test_an_exposure_is_recorded_once_and_keeps_the_first_variant(session: Session) -> None:
    assert record_exposure(session, experiment=GREET, conversation_id="c1", variant="friendly")
    assert not record_exposure(session, experiment=GREET, conversation_id="c1", variant="control")
    assert record_exposure(session, experiment="utter_offer", conversation_id="c1", variant="bold")
    rows = session.execute(select(ExperimentExposure.variant, ExperimentExposure.first_seen))
    variants = sorted(variant for variant, _ in rows)
    assert variants == ["bold", "friendly"]
    assert exposed_conversations(session) == {
        GREET: {"friendly": ["c1"]},
        "utter_offer": {"bold": ["c1"]},
    }


def test_concurrent_recordings_leave_one_row(
    crm_database_url: str, monkeypatch: pytest.MonkeyPatch, session: Session
) -> None:
    monkeypatch.setenv("DATABASE_URL", crm_database_url)
    get_settings.cache_clear()
    bootstrap.reset()
    log = CrmExposureLog()
    with ThreadPoolExecutor(4) as pool:
        for variant in ("control", "friendly") * 4:
            pool.submit(log.record, experiment=GREET, conversation_id="c9", variant=variant)
    with session_scope(bootstrap.crm_engine()) as fresh:
        found = exposed_conversations(fresh)
    assert [ids for arms in found.values() for ids in arms.values()] == [["c9"]]


def test_conversions_count_qualified_and_consent_on_their_own(session: Session) -> None:
    lead(session, "q", "qualified", consent=False)
    lead(session, "h", "handed_off", consent=True)
    lead(session, "n", "new", consent=True)
    lead(session, "d", "disqualified", consent=False)
    assert conversions(session, ["q", "h", "n", "d", "no-lead"]) == {
        "q": {"qualified"},
        "h": {"qualified", "consent_given"},
        "n": {"consent_given"},
        "d": set(),
    }


def test_results_compare_each_variant_with_control(session: Session) -> None:
    for number in range(10):
        record_exposure(session, experiment=GREET, conversation_id=f"c{number}", variant="control")
        record_exposure(session, experiment=GREET, conversation_id=f"f{number}", variant="friendly")
    for number in range(8):
        lead(session, f"f{number}", "qualified", consent=number < 3)
    lead(session, "c0", "qualified", consent=False)
    record_exposure(session, experiment="utter_gone", conversation_id="g1", variant="short")
    experiment = Experiment(
        GREET, (Variant("control", ("Hello.",)), Variant("friendly", ("Hey!",)))
    )

    [greet, gone] = results(session, [experiment])

    assert (greet.name, greet.baseline, greet.exposures) == (GREET, "control", 20)
    control, friendly = greet.variants
    assert control.metric("qualified").arm.conversions == 1
    assert friendly.metric("qualified").arm.conversions == 8
    assert friendly.metric("consent_given").arm.conversions == 3
    comparison = friendly.metric("qualified").comparison
    assert comparison is not None and comparison.p_value is not None
    assert friendly.metric("qualified").verdict.startswith(
        "friendly converts better than control: 80% vs 10%, p = 0.0055, significant at 95%"
    )
    assert friendly.metric("consent_given").verdict.startswith(
        "friendly vs control: not yet significant (30% vs 0%"
    )
    assert gone.name == "utter_gone" and [v.name for v in gone.variants] == ["short"]
