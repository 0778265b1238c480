"""The whole CRM side of Parley (actions' capture, the API, the confirmation page) on a
fresh database of each backend, as an outsider would meet it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot import bootstrap
from tests.integration.crm.conftest import BACKENDS, parley_on_new_database


@pytest.fixture(params=BACKENDS)
def crm(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """The CRM engine every part of Parley uses in this test (DATABASE_URL)."""
    with parley_on_new_database(request.param, tmp_path, monkeypatch):
        yield bootstrap.crm_engine()
