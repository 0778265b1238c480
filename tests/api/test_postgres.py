"""The same API on the real PostgreSQL (127.0.0.1:5432, database `test`), in a throwaway
schema shared by the CRM and Rasa's tracker store, as with DATABASE_URL in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import bootstrap
from bot.crm import upgrade_to_head
from bot.settings import get_settings
from tests.api.conftest import Api
from tests.api.subject_checks import check_erasure, check_export
from tests.api.test_openapi_fuzz import test_no_server_errors
from tests.integration.crm.conftest import postgres_schema

pytestmark = pytest.mark.integration

__all__ = ["test_no_server_errors"]  # schemathesis over the API, here on PostgreSQL


@pytest.fixture
def database_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Overrides conftest.py's SQLite database for every test in this module."""
    with postgres_schema() as url:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        bootstrap.reset()
        upgrade_to_head(url)
        yield url
        # Connections into the schema must close before it is dropped.
        bootstrap.crm_engine().dispose()
        bootstrap.tracker_engine().dispose()


def test_runs_on_postgres(api: Api, database_url: str) -> None:
    assert bootstrap.crm_engine().dialect.name == "postgresql"
    assert get_settings().tracker_store_url == database_url


def test_filters_detail_and_transcript(api: Api, lead_ids: dict[str, str]) -> None:
    def names(**params: object) -> list[str]:
        return [
            item["name"] for item in api.get("/api/leads", "marketer", **params).json()["items"]
        ]

    assert names(consent="marketing_email:withdrawn") == ["Priya Patel", "Priya Patel"]
    assert names(consent="marketing_email:none") == ["Jo Student"]
    assert names(segment="students", created_to="2026-11-30") == ["Jo Student"]
    assert names(q="INITECH") == ["Sam Jones"]
    lead = api.get(f"/api/leads/{lead_ids['priya']}", "marketer").json()
    assert sum(part["points"] for part in lead["score_breakdown"]) == lead["score"]
    transcript = api.get(lead["transcript_url"], "marketer").json()
    assert [m["sender"] for m in transcript["messages"]] == ["user", "bot", "user", "bot"]
    counts = {s["name"]: s["lead_count"] for s in api.get("/api/segments", "viewer").json()}
    assert counts["hot_enterprise"] == 2


def test_text_postgres_cannot_store_is_refused_not_a_500(
    api: Api, lead_ids: dict[str, str]
) -> None:
    for path, params in (
        ("/api/leads", {"q": "a\x00b"}),
        ("/api/consents", {"email": "a\x00@b.co"}),
    ):
        response = api.get(path, "marketer", **params)
        assert response.status_code == 422, response.text


def test_export_and_erasure(api: Api, lead_ids: dict[str, str]) -> None:
    check_export(api, lead_ids)
    check_erasure(api)
