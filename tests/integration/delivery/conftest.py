"""Delivery against the real databases: a migrated CRM per backend (SQLite file and a
throwaway PostgreSQL schema, as in tests/integration/crm), emptied after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.crm import make_engine, upgrade_to_head
from bot.crm.tables import Base
from tests.integration.crm.conftest import BACKENDS, empty_database


@pytest.fixture(scope="session", params=BACKENDS)
def delivery_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with empty_database(request.param, tmp_path_factory.mktemp("delivery")) as url:
        upgrade_to_head(url)
        yield url


@pytest.fixture
def engine(delivery_database_url: str) -> Iterator[Engine]:
    engine = make_engine(delivery_database_url)
    yield engine
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=2) as open_client:
        yield open_client
