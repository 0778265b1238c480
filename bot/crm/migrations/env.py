"""Alembic's entry point for the CRM migrations, driven by `bot.crm.migrate`.

The URL comes from the configuration built in code; the engine from `make_engine`, so
migrations see the same SQLite pragmas and PostgreSQL settings as the application.
"""

from __future__ import annotations

from typing import Any

from alembic import context

import bot.crm.outcomes  # noqa: F401  (models outside tables.py: their tables join Base.metadata)
from bot.crm.database import make_engine
from bot.crm.tables import Base

target_metadata = Base.metadata


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Only the CRM's own tables: the database is shared (Rasa keeps `events` in it), and
    autogenerate must never propose dropping another component's tables."""
    return type_ != "table" or name in target_metadata.tables


def run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        include_name=include_name,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None, "bot.crm.migrate sets sqlalchemy.url"
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            is_sqlite = connection.dialect.name == "sqlite"
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                include_name=include_name,
                # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
                render_as_batch=is_sqlite,
                # make_engine's SQLite recipe emits BEGIN itself, so DDL is transactional
                # there too and a failed migration leaves nothing half-done.
                transactional_ddl=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
