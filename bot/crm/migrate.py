"""Bring a CRM database's schema up to date, from code (no alembic.ini needed).

`upgrade_to_head` is safe to call on every start: on an up-to-date database it does
nothing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the CRM migrations against `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # The option is read through configparser, where "%" starts an interpolation: URL
    # escapes such as "%3D" (a search_path in `options`) must be doubled to survive.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(url: str) -> None:
    """Apply every migration the database at `url` has not had yet."""
    command.upgrade(alembic_config(url), "head")
