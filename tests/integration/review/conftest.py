"""The review's two databases, as Parley deploys them: on SQLite the tracker store and the
CRM are separate files (nothing can be joined across them); on PostgreSQL they share one
database (here a private schema). The CRM is migrated to head; Rasa creates `events`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.crm import make_engine, upgrade_to_head
from bot.settings import get_settings
from tests.api.seed import capture, priya_slots
from tests.integration.crm.conftest import BACKENDS, empty_database
from tests.integration.review.conversations import T0, everyone, save

pytestmark = pytest.mark.integration


@dataclass
class Stores:
    crm: Engine
    events: Engine  # the tracker store's database
    tracker_url: str


@pytest.fixture(params=BACKENDS)
def stores(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Stores]:
    """A migrated CRM and an empty tracker store (no `events` table yet)."""
    with empty_database(request.param, tmp_path) as url:
        tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}" if request.param == "sqlite" else url
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PARLEY_SECRET_KEY", "s" * 40)
        get_settings.cache_clear()
        bootstrap.reset()
        upgrade_to_head(url)
        crm, events = make_engine(url), make_engine(tracker_url)
        yield Stores(crm, events, tracker_url)
        crm.dispose()
        events.dispose()
        bootstrap.reset()


@pytest.fixture
def seeded(stores: Stores) -> Stores:
    """Everyone's conversations saved by Rasa; Priya's became a lead."""
    save(stores.tracker_url, *everyone())
    capture(stores.crm, priya_slots(), "conv-priya", "webchat", T0)
    return stores
