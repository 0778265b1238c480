"""An empty CRM database per backend (SQLite and PostgreSQL), with the settings and the
composition root pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.crm.conftest import BACKENDS, parley_on_new_database


@pytest.fixture(params=BACKENDS)
def crm(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    with parley_on_new_database(request.param, tmp_path, monkeypatch) as url:
        yield url
