"""The first admin token on an embedded install, and `parley token create|list|revoke`."""

from __future__ import annotations

import logging
import stat

import pytest
from fastapi.testclient import TestClient

from bot import bootstrap
from bot.api.app import create_app
from bot.cli import main
from bot.crm import session_scope, upgrade_to_head
from bot.crm.tokens import list_tokens
from bot.settings import get_settings


@pytest.fixture
def embedded() -> None:
    """The embedded default: no DATABASE_URL, the CRM in var/crm.db, migrated."""
    assert get_settings().database_url is None
    upgrade_to_head(get_settings().crm_database_url)


def start_api() -> TestClient:
    with TestClient(create_app()) as client:
        return client


def token_names() -> list[str]:
    with session_scope(bootstrap.crm_engine()) as session:
        return [token.name for token in list_tokens(session)]


def test_the_first_start_creates_an_admin_token_file(
    embedded: None, caplog: pytest.LogCaptureFixture
) -> None:
    path = get_settings().var_dir / "admin_token"
    with caplog.at_level(logging.INFO), TestClient(create_app()) as client:
        token = path.read_text().strip()
        response = client.get("/api/tokens", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [(t["name"], t["role"]) for t in response.json()] == [("admin", "admin")]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path) in caplog.text
    assert token not in caplog.text


def test_a_second_start_creates_nothing(embedded: None) -> None:
    path = get_settings().var_dir / "admin_token"
    start_api()
    first = path.read_text()
    start_api()
    assert path.read_text() == first
    assert token_names() == ["admin"]


def test_no_file_when_a_token_exists(embedded: None) -> None:
    assert main(["token", "create", "--name", "ops", "--role", "admin"]) == 0
    start_api()
    assert not (get_settings().var_dir / "admin_token").exists()
    assert token_names() == ["ops"]


def test_no_bootstrap_with_a_configured_database(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{get_settings().var_dir / 'deployed.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    bootstrap.reset()
    upgrade_to_head(url)
    start_api()
    assert token_names() == []
    assert not (get_settings().var_dir / "admin_token").exists()
    assert "parley token create" in caplog.text


def test_token_commands(capsys: pytest.CaptureFixture[str]) -> None:
    # No `parley migrate` first: the command brings the schema up to date itself.
    assert main(["token", "create", "--name", "reporting", "--role", "viewer"]) == 0
    created = capsys.readouterr()
    token = created.out.strip()
    assert token.startswith("parley_") and "not stored" in created.err

    assert main(["token", "create", "--name", "reporting", "--role", "admin"]) == 1
    assert "already exists" in capsys.readouterr().err

    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "reporting" in listing and "viewer" in listing and token not in listing

    assert main(["token", "revoke", "reporting"]) == 0
    assert main(["token", "revoke", "nobody"]) == 1
    with TestClient(create_app()) as client:
        response = client.get("/api/segments", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
