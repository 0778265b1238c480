"""An empty CRM database per backend (SQLite and PostgreSQL), with the settings and the
composition root pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import bootstrap
from bot.crm import upgrade_to_head
from bot.settings import get_settings
from tests.integration.crm.conftest import BACKENDS, empty_database


@pytest.fixture(params=BACKENDS)
def crm(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    with empty_database(request.param, tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PARLEY_SECRET_KEY", "s" * 40)
        get_settings.cache_clear()
        bootstrap.reset()
        upgrade_to_head(url)
        yield url
        bootstrap.reset()  # closes the connections before the schema goes
