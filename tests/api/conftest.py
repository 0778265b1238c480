"""The CRM API under test: a migrated SQLite database shared with Rasa's tracker store
(like DATABASE_URL pointing both at one database), tokens for each role, seeded data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.api.app import create_app
from bot.crm import session_scope, upgrade_to_head
from bot.crm.tokens import create_token
from bot.settings import get_settings
from tests.api.seed import seed_conversations, seed_crm

ROLES = ("viewer", "agent", "marketer", "admin")


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'parley.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    bootstrap.reset()
    upgrade_to_head(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Engine:
    return bootstrap.crm_engine()


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    engine: Engine

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, path: str, role: str = "admin", **params: object) -> httpx.Response:
        return self.client.get(path, headers=self.headers(role), params=params or None)


def make_tokens(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        return {role: create_token(session, name=f"{role}-token", role=role)[1] for role in ROLES}


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    tokens = make_tokens(engine)
    with TestClient(create_app()) as client:
        yield Api(client, tokens, engine)


@pytest.fixture
def lead_ids(api: Api, database_url: str) -> dict[str, str]:
    ids = seed_crm(api.engine)
    seed_conversations(database_url)
    return ids


@pytest.fixture
def api_schema(api: Api, lead_ids: dict[str, str]) -> Iterator[Any]:
    """The OpenAPI document of an app on the seeded database, for schemathesis."""
    app = create_app()
    with TestClient(app):  # runs the start-up, as a server would
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture
def admin_headers(api: Api) -> dict[str, str]:
    return api.headers("admin")
