"""The conversation tracker store: SQL, on SQLite by default or PostgreSQL via DATABASE_URL.

Rasa builds it from `bot/endpoints.yml` (`type: bot.stores.tracker.ParleyTrackerStore`);
the database comes from the settings, so one variable switches every process.
"""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url

from bot.settings import get_settings


def sql_store_arguments(url: str) -> dict[str, Any]:
    """SQLTrackerStore's keyword arguments for an SQLAlchemy database URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return {"dialect": "sqlite", "db": parsed.database or ":memory:"}
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }


class ParleyTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, configured from Parley's settings."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        settings = get_settings()
        if settings.database_url is None:
            settings.var_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain,
            event_broker=event_broker,
            **sql_store_arguments(settings.tracker_store_url),
        )
