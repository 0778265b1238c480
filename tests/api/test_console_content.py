"""The content and targeting editor in the console: the web chat's triggers, the
recommender's settings and the catalogue files, each checked before it is saved as
submitted (422 with file:line problems, nothing written). On a copy of the project."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import desc, select

from bot.crm import session_scope
from bot.crm.tables import AuditEntry
from tests.api.conftest import Api
from tests.api.test_console_data import console, post_form, project, text_of  # noqa: F401

TRIGGERS = "data/targeting/triggers.yml"
PAGE = "/console/data/content/web-chat-triggers"


def test_the_data_overview_links_to_content_and_targeting(console: Api) -> None:  # noqa: F811
    overview = console.client.get("/console/data")
    assert 'href="/console/data/content"' in overview.text
    assert "3 web chat triggers" in overview.text
    listing = console.client.get("/console/data/content")
    assert listing.status_code == 200
    for name in ("web-chat-triggers", "recommending", "case_studies", "guides_and_webinars"):
        assert f'href="/console/data/content/{name}"' in listing.text
    assert TRIGGERS in listing.text and "data/content/case_studies.yml" in listing.text


def test_a_trigger_naming_an_unknown_segment_or_item_is_refused_at_its_line(
    console: Api,  # noqa: F811
    project: Path,  # noqa: F811
) -> None:
    before = text_of(project, TRIGGERS)
    typo = before.replace("offer: plan-growth", "offer: plan-grwoth").replace(
        "returning: true", "returning: true\n      segment: nurtur"
    )

    refused = post_form(console, PAGE, PAGE, yaml=typo)

    assert refused.status_code == 422
    assert "unknown content item &#39;plan-grwoth&#39;" in refused.text
    assert "did you mean &#39;plan-growth&#39;?" in refused.text
    assert "unknown segment &#39;nurtur&#39;" in refused.text
    assert "data/targeting/triggers.yml:" in refused.text
    assert text_of(project, TRIGGERS) == before


def test_a_new_trigger_is_saved_as_submitted_and_audited(
    console: Api,  # noqa: F811
    project: Path,  # noqa: F811
) -> None:
    before = text_of(project, TRIGGERS)
    edited = before.replace(
        "triggers:\n",
        "triggers:\n  - name: spring-sale\n    when:\n      utm_campaign: spring\n"
        "    greeting: Spring sale! Ask me which plan fits.\n",
        1,
    )

    saved = post_form(console, PAGE, PAGE, yaml=edited)

    assert saved.status_code == 200, saved.text
    assert "no retraining needed" in saved.text
    assert text_of(project, TRIGGERS) == edited
    with session_scope(console.engine) as session:
        entry = session.scalars(select(AuditEntry).order_by(desc(AuditEntry.id))).first()
        assert entry is not None and entry.action == "training_data.edited"
        assert entry.details == {"file": TRIGGERS, "kind": "content.edited"}


def test_a_catalogue_item_the_triggers_offer_cannot_be_renamed_away(
    console: Api,  # noqa: F811
    project: Path,  # noqa: F811
) -> None:
    file = "data/content/plans_and_integrations.yml"
    before = text_of(project, file)
    page = "/console/data/content/plans_and_integrations"

    refused = post_form(
        console, page, page, yaml=before.replace("id: plan-growth", "id: plan-grow")
    )

    assert refused.status_code == 422
    assert "data/targeting/triggers.yml:" in refused.text
    assert text_of(project, file) == before


def test_an_unknown_file_is_not_found(console: Api) -> None:  # noqa: F811
    assert console.client.get("/console/data/content/passwords").status_code == 404
    assert console.client.get("/console/data/content/..%2Fscoring%2Frules").status_code == 404


def test_an_experiment_over_strategies_is_checked_in_the_editor(
    console: Api,  # noqa: F811
    project: Path,  # noqa: F811
) -> None:
    file, page = "data/content/recommending.yml", "/console/data/content/recommending"
    before = text_of(project, file)
    experiment = (
        "  experiment:\n    name: ranking-test\n    variants:\n      - name: blend\n"
        "      - name: blend\n        weights: {content: 1, collaborative: 0}\n"
    )

    refused = post_form(console, page, page, yaml=before + experiment)

    assert refused.status_code == 422
    line = len(before.splitlines()) + 5
    assert (
        f"data/content/recommending.yml:{line}</code> variant &#39;blend&#39; is named twice"
        in refused.text
    )
    assert text_of(project, file) == before
    fixed = before + experiment.replace(
        "- name: blend\n        weights", "- name: content_only\n        weights"
    )
    saved = post_form(console, page, page, yaml=fixed)
    assert saved.status_code == 200, saved.text
    assert text_of(project, file) == fixed
