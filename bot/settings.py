"""Parley's configuration: one settings object, read from the environment once.

Every process (Rasa server, action server, API, command line) calls `get_settings()`;
nothing else in the code base reads `os.environ`. The README's configuration table
lists these variables.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AnyHttpUrl, BaseSettings, Field, validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Environment-driven settings with embedded defaults that need nothing installed."""

    database_url: str | None = Field(
        None,
        env="DATABASE_URL",
        description="SQLAlchemy URL of the tracker store (PostgreSQL); SQLite under var/ if unset.",
    )
    redis_url: str | None = Field(
        None,
        env="REDIS_URL",
        description="Redis URL for the lock store; in-process locks if unset.",
    )
    secret_key: str | None = Field(
        None,
        env="PARLEY_SECRET_KEY",
        description="Key for hashing suppressed identifiers; generated under var/ if unset.",
    )
    var_dir: Path = Field(PROJECT_ROOT / "var", env="PARLEY_VAR_DIR")
    models_dir: Path = Field(PROJECT_ROOT / "models", env="PARLEY_MODELS_DIR")
    host: str = Field("127.0.0.1", env="PARLEY_HOST")
    rasa_port: int = Field(5005, env="PARLEY_RASA_PORT")
    actions_port: int = Field(5055, env="PARLEY_ACTIONS_PORT")
    api_port: int = Field(8000, env="PARLEY_API_PORT")
    action_server_url: AnyHttpUrl | None = Field(
        None,
        env="PARLEY_ACTION_SERVER_URL",
        description="Where the Rasa server reaches the action server; derived if unset.",
    )
    rasa_api_token: str | None = Field(
        None,
        env="PARLEY_RASA_API_TOKEN",
        description="Enables Rasa's HTTP API (trackers, model) behind this token; off if unset.",
    )
    brand_name: str = Field("Parley", env="PARLEY_BRAND_NAME")
    privacy_notice_url: AnyHttpUrl | None = Field(
        None,
        env="PARLEY_PRIVACY_NOTICE_URL",
        description="Privacy notice linked by the bot; the API's /privacy page if unset.",
    )
    privacy_notice_version: str = Field("2026-11", env="PARLEY_PRIVACY_NOTICE_VERSION")
    default_phone_region: str = Field("US", env="PARLEY_DEFAULT_PHONE_REGION")
    default_currency: str = Field("USD", env="PARLEY_DEFAULT_CURRENCY")
    log_level: str = Field("INFO", env="PARLEY_LOG_LEVEL")

    class Config:
        env_file = None
        case_sensitive = False

    @validator("default_phone_region", "default_currency")
    def _upper(cls, value: str) -> str:
        return value.strip().upper()

    @validator("database_url")
    def _empty_is_unset(cls, value: str | None) -> str | None:
        return value or None

    def as_environment(self) -> dict[str, str | None]:
        """These settings as environment variables, for child processes (None: unset)."""
        environment: dict[str, str | None] = {}
        for name, field in self.__fields__.items():
            value = getattr(self, name)
            for variable in field.field_info.extra["env_names"]:
                environment[variable.upper()] = None if value is None else str(value)
        return environment

    @property
    def tracker_store_url(self) -> str:
        """The tracker store's database: DATABASE_URL, else an SQLite file under var/."""
        return self.database_url or f"sqlite:///{self.var_dir / 'tracker.db'}"

    @property
    def crm_database_url(self) -> str:
        """The CRM's database: DATABASE_URL (shared with the tracker store), else SQLite."""
        return self.database_url or f"sqlite:///{self.var_dir / 'crm.db'}"

    @property
    def action_endpoint(self) -> str:
        return str(self.action_server_url or f"http://{self.host}:{self.actions_port}/webhook")

    @property
    def privacy_notice(self) -> str:
        return str(self.privacy_notice_url or f"http://{self.host}:{self.api_port}/privacy")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built on first use (never at import time)."""
    return Settings()  # type: ignore[call-arg]  # pydantic fills the fields from the environment
