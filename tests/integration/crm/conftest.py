"""CRM databases for the integration tests, on both backends the store supports.

SQLite gets a temporary file; PostgreSQL (127.0.0.1:5432, database `test`) a private
schema `crm_test_<random>` reached through `search_path`, dropped afterwards, so the
public schema (where the tracker store keeps `events`) is never touched.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.crm import make_engine, make_session, upgrade_to_head
from bot.crm.tables import Base
from bot.settings import get_settings

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a fresh, empty schema of the `test` database; dropped on exit."""
    schema = f"crm_test_{secrets.token_hex(6)}"
    admin = sqlalchemy.create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        # libpq's `options` sets search_path per connection: every table lands in the schema.
        yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}', safe='')}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@contextmanager
def empty_database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'crm.db'}"
    else:
        with postgres_schema() as url:
            yield url


@contextmanager
def parley_on_new_database(
    backend: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A new database migrated to head, with the settings (DATABASE_URL, a fixed secret
    key) and the composition root (`bot.bootstrap`) pointed at it while it lasts."""
    with empty_database(backend, folder) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PARLEY_SECRET_KEY", "s" * 40)
        get_settings.cache_clear()
        bootstrap.reset()
        upgrade_to_head(url)
        yield url
        bootstrap.reset()  # closes the connections before the schema goes


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, new for each test (for migration tests)."""
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session", params=BACKENDS)
def crm_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database migrated to head once per test run and backend."""
    with empty_database(request.param, tmp_path_factory.mktemp("crm")) as url:
        upgrade_to_head(url)
        yield url


@pytest.fixture(scope="session")
def crm_engine(crm_database_url: str) -> Iterator[Engine]:
    engine = make_engine(crm_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(crm_engine: Engine) -> Iterator[Session]:
    """A session on the migrated database; every table is emptied after the test."""
    with make_session(crm_engine) as session:
        yield session
        session.rollback()
    with crm_engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def pepper() -> bytes:
    return secrets.token_bytes(32)
