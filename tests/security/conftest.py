"""The whole CRM side of Parley (actions' capture, the API, the confirmation page) on a
fresh database of each backend, as an outsider would meet it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.crm import upgrade_to_head
from bot.settings import get_settings
from tests.integration.crm.conftest import BACKENDS, empty_database


@pytest.fixture(params=BACKENDS)
def crm(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """The CRM engine every part of Parley uses in this test (DATABASE_URL)."""
    with empty_database(request.param, tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PARLEY_SECRET_KEY", "s" * 40)
        get_settings.cache_clear()
        bootstrap.reset()
        upgrade_to_head(url)
        yield bootstrap.crm_engine()
        bootstrap.reset()
