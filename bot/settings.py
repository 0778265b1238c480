"""Parley's configuration: one settings object, read from the environment once.

Every process (Rasa server, action server, API, command line) calls `get_settings()`;
nothing else in the code base reads `os.environ`. The README's configuration table
lists these variables.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, BaseSettings, Field, root_validator, validator

from bot.followups.send_window import SendWindows

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Each delivery sink PARLEY_SINKS may name, with the settings it cannot work without.
SINK_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "none": (),
    "webhook": ("webhook_url", "webhook_secret"),
    "hubspot": ("hubspot_token",),
}
WEBHOOK_SECRET_PREFIX = "whsec_"
SMTP_SECURITY = ("starttls", "tls", "none")


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
    training_root: Path = Field(
        PROJECT_ROOT,
        env="PARLEY_TRAINING_ROOT",
        description="Project directory whose bot/config.yml, bot/domain, data/ and "
        "tests/stories a retraining run trains and tests from; this checkout if unset. The "
        "console edits this checkout's files either way (a benchmark points it at a copy).",
    )
    host: str = Field("127.0.0.1", env="PARLEY_HOST")
    rasa_port: int = Field(5005, env="PARLEY_RASA_PORT")
    actions_port: int = Field(5055, env="PARLEY_ACTIONS_PORT")
    api_port: int = Field(8000, env="PARLEY_API_PORT")
    ingress_port: int = Field(
        5007,
        env="PARLEY_INGRESS_PORT",
        description="The ingress process: the SMS and Telegram webhooks, and /health.",
    )
    actions: Literal["in-process", "server"] = Field(
        "in-process",
        env="PARLEY_ACTIONS",
        description="Where custom actions run: in the Rasa server's own process, or "
        "(`server`) in rasa_sdk's action server, which `parley run` then starts too.",
    )
    action_server_url: AnyHttpUrl | None = Field(
        None,
        env="PARLEY_ACTION_SERVER_URL",
        description="Where the Rasa server reaches the action server (PARLEY_ACTIONS=server); "
        "derived if unset.",
    )
    rasa_api_token: str | None = Field(
        None,
        env="PARLEY_RASA_API_TOKEN",
        description="Token of Rasa's HTTP API (trackers, model); derived from the secret key "
        "if unset.",
    )
    rasa_api_urls: str = Field(
        "",
        env="PARLEY_RASA_API_URLS",
        description="Comma-separated base URLs of every Rasa server a retrained model is loaded "
        "into; the local one if unset.",
    )
    turn_slots: int = Field(
        4,
        env="PARLEY_TURN_SLOTS",
        ge=1,
        description="Turns a Rasa server runs at once; the others wait, the first to ask first.",
    )
    brand_name: str = Field("Parley", env="PARLEY_BRAND_NAME")
    privacy_notice_url: AnyHttpUrl | None = Field(
        None,
        env="PARLEY_PRIVACY_NOTICE_URL",
        description="Privacy notice linked by the bot; the API's /privacy page if unset.",
    )
    privacy_notice_version: str = Field("2026-12", env="PARLEY_PRIVACY_NOTICE_VERSION")
    default_phone_region: str = Field("US", env="PARLEY_DEFAULT_PHONE_REGION")
    default_currency: str = Field("USD", env="PARLEY_DEFAULT_CURRENCY")
    log_level: str = Field("INFO", env="PARLEY_LOG_LEVEL")
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        env="PARLEY_FORWARDED_ALLOW_IPS",
        description="Proxies whose X-Forwarded-Proto/-For the API trusts (comma-separated, "
        "or *): behind a TLS proxy the console's cookies are then Secure.",
    )
    sinks: str = Field(
        "none",
        env="PARLEY_SINKS",
        description="Comma-separated CRMs each lead is delivered to: none, webhook, hubspot.",
    )
    webhook_url: AnyHttpUrl | None = Field(
        None, env="PARLEY_WEBHOOK_URL", description="Where the webhook sink POSTs leads."
    )
    webhook_secret: str | None = Field(
        None,
        env="PARLEY_WEBHOOK_SECRET",
        description="Standard Webhooks signing secret: whsec_ followed by base64.",
    )
    hubspot_token: str | None = Field(
        None, env="PARLEY_HUBSPOT_TOKEN", description="HubSpot private app token (bearer)."
    )
    hubspot_base_url: AnyHttpUrl = Field(
        "https://api.hubapi.com",
        env="PARLEY_HUBSPOT_BASE_URL",
        description="HubSpot API base URL (a fake one in tests).",
    )
    worker_port: int = Field(
        5056, env="PARLEY_WORKER_PORT", description="The delivery worker's health endpoint."
    )
    delivery_max_attempts: int = Field(
        12, env="PARLEY_DELIVERY_MAX_ATTEMPTS", description="Attempts before a row is failed."
    )
    delivery_backoff_base_s: float = Field(
        1.0,
        env="PARLEY_DELIVERY_BACKOFF_BASE_S",
        description="Retry n waits about base * 2**n seconds (with jitter).",
    )
    delivery_backoff_cap_s: float = Field(
        3600.0, env="PARLEY_DELIVERY_BACKOFF_CAP_S", description="Longest wait between retries."
    )
    delivery_timeout_s: float = Field(
        10.0, env="PARLEY_DELIVERY_TIMEOUT_S", description="Time limit of one delivery attempt."
    )
    delivery_lease_s: float = Field(
        120.0,
        env="PARLEY_DELIVERY_LEASE_S",
        description="A claimed row unfinished after this long (a crashed worker) is due again.",
    )
    delivery_poll_s: float = Field(
        1.0, env="PARLEY_DELIVERY_POLL_S", description="Pause between polls when nothing is due."
    )
    delivery_batch_size: int = Field(
        10, env="PARLEY_DELIVERY_BATCH_SIZE", description="Rows one worker claims at a time."
    )

    public_url: AnyHttpUrl | None = Field(
        None,
        env="PARLEY_PUBLIC_URL",
        description="Public base URL of the ingress: the web chat and the SMS and Telegram "
        "webhooks (behind a proxy); the URL a request arrived at if unset.",
    )
    api_public_url: AnyHttpUrl | None = Field(
        None,
        env="PARLEY_API_PUBLIC_URL",
        description="Public base URL of the API's pages (double opt-in links point there); "
        "the local API if unset.",
    )
    webchat_origins: str = Field(
        "",
        env="PARLEY_WEBCHAT_ORIGINS",
        description="Comma-separated origins of sites that embed the web chat; the API's own "
        "origin is always allowed.",
    )
    webchat_greeting_delay_s: float = Field(
        8.0,
        env="PARLEY_WEBCHAT_GREETING_DELAY_S",
        description="Seconds before the web chat greets a visitor unprompted; 0 turns it off.",
    )
    webchat_rate_per_minute: float = Field(
        30.0,
        env="PARLEY_WEBCHAT_RATE_PER_MINUTE",
        description="Conversations one address may start, and messages one conversation may "
        "send, per minute in the web chat; 0 turns the limit off.",
    )
    twilio_account_sid: str | None = Field(None, env="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str | None = Field(None, env="TWILIO_AUTH_TOKEN")
    twilio_from_number: str | None = Field(
        None, env="TWILIO_FROM_NUMBER", description="The number SMS replies are sent from."
    )
    twilio_api_url: AnyHttpUrl | None = Field(
        None,
        env="PARLEY_TWILIO_API_URL",
        description="Twilio REST API base URL; Twilio's own if unset (a fake one in tests).",
    )
    smtp_host: str | None = Field(
        None,
        env="PARLEY_SMTP_HOST",
        description="Mail server confirmation e-mails go through; none are sent if unset.",
    )
    smtp_port: int = Field(587, env="PARLEY_SMTP_PORT")
    smtp_security: str = Field(
        "starttls",
        env="PARLEY_SMTP_SECURITY",
        description="starttls, tls (implicit, usually port 465) or none (a local relay).",
    )
    smtp_username: str | None = Field(None, env="PARLEY_SMTP_USERNAME")
    smtp_password: str | None = Field(None, env="PARLEY_SMTP_PASSWORD")
    mail_from: str | None = Field(
        None,
        env="PARLEY_MAIL_FROM",
        description="Sender of confirmation e-mails, e.g. 'Acme <hello@acme.io>'; "
        "no-reply@ the SMTP host if unset.",
    )
    retention_days: int = Field(
        730,
        env="PARLEY_RETENTION_DAYS",
        ge=0,
        description="Conversations, leads and contacts untouched for this many days are "
        "purged by the delivery worker (keeping suppression hashes and funnel counts); "
        "0 keeps everything.",
    )
    confirmation_ttl_hours: float = Field(
        48.0,
        env="PARLEY_CONFIRMATION_TTL_HOURS",
        description="How long a double opt-in link or 'Reply YES' stays valid.",
    )
    followup_cap_per_week: int = Field(
        3,
        env="PARLEY_FOLLOWUP_CAP_PER_WEEK",
        ge=1,
        description="Most follow-ups one person gets per channel in any 7 days; more wait.",
    )
    send_window: str = Field(
        "08:00-21:00",
        env="PARLEY_SEND_WINDOW",
        description="Local hours of the recipient in which follow-up texts may be sent "
        "(TCPA: 8:00-21:00); outside them a send waits for the next allowed minute.",
    )
    send_window_states: str = Field(
        "FL=08:00-20:00",
        env="PARLEY_SEND_WINDOW_STATES",
        description="Stricter windows for US states, e.g. 'FL=08:00-20:00,OK=08:00-21:00'.",
    )
    time_zone: str = Field(
        "UTC",
        env="PARLEY_TIME_ZONE",
        description="The team's time zone (IANA name): a recipient's when their number "
        "does not tell.",
    )
    postal_address: str | None = Field(
        None,
        env="PARLEY_POSTAL_ADDRESS",
        description="The sender's postal address, printed in every follow-up e-mail "
        "(CAN-SPAM); without it no follow-up e-mail is sent.",
    )
    telegram_bot_token: str | None = Field(None, env="TELEGRAM_BOT_TOKEN")
    telegram_webhook_secret: str | None = Field(
        None,
        env="TELEGRAM_WEBHOOK_SECRET",
        description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token.",
    )
    telegram_api_url: AnyHttpUrl | None = Field(
        None,
        env="PARLEY_TELEGRAM_API_URL",
        description="Bot API base URL; Telegram's own if unset (a local Bot API server or "
        "a fake one in tests).",
    )

    class Config:
        env_file = None
        case_sensitive = False

    @validator("default_phone_region", "default_currency")
    def _upper(cls, value: str) -> str:
        return value.strip().upper()

    @validator("send_window_states")
    def _send_windows(cls, value: str, values: dict[str, Any]) -> str:
        SendWindows.parse(values.get("send_window", "08:00-21:00"), value)
        return value

    @validator("time_zone")
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError) as error:
            raise ValueError(
                f"{value!r} is not an IANA time zone, e.g. America/New_York"
            ) from error
        return value

    @validator("database_url")
    def _empty_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @validator(
        "webhook_url",
        "webhook_secret",
        "hubspot_token",
        "public_url",
        "api_public_url",
        "smtp_host",
        "smtp_username",
        "smtp_password",
        "mail_from",
        "postal_address",
        "twilio_account_sid",
        "twilio_auth_token",
        "twilio_from_number",
        "twilio_api_url",
        "telegram_bot_token",
        "telegram_webhook_secret",
        "telegram_api_url",
        pre=True,
    )
    def _blank_is_unset(cls, value: Any) -> Any:
        # docker compose passes `${VAR:-}` through as an empty string.
        return value or None

    @validator("sinks")
    def _known_sinks(cls, value: str) -> str:
        names = [name.strip().lower() for name in value.split(",") if name.strip()]
        unknown = sorted(set(names) - set(SINK_REQUIREMENTS))
        if unknown:
            known = ", ".join(sorted(SINK_REQUIREMENTS))
            raise ValueError(f"PARLEY_SINKS names unknown sink(s) {unknown}; known: {known}")
        return ",".join(dict.fromkeys(names)) or "none"

    @validator("smtp_security")
    def _smtp_security(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SMTP_SECURITY:
            raise ValueError(f"PARLEY_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}")
        return value

    @validator("webhook_secret")
    def _whsec(cls, value: str | None) -> str | None:
        if not value:
            return None
        encoded = value.removeprefix(WEBHOOK_SECRET_PREFIX)
        try:
            # Padding added as Standard Webhooks libraries do: secrets are often unpadded.
            decoded = base64.b64decode(encoded + "==", validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        if not value.startswith(WEBHOOK_SECRET_PREFIX) or not decoded:
            raise ValueError("PARLEY_WEBHOOK_SECRET must be 'whsec_' followed by base64")
        return value

    @root_validator(skip_on_failure=True)
    def _sinks_have_their_settings(cls, values: dict[str, Any]) -> dict[str, Any]:
        for sink in values["sinks"].split(","):
            for field in SINK_REQUIREMENTS[sink]:
                if not values.get(field):
                    variable = cls.__fields__[field].field_info.extra["env"]
                    raise ValueError(f"PARLEY_SINKS includes {sink!r}, which needs {variable}")
        if values["delivery_lease_s"] <= values["delivery_timeout_s"]:
            # Otherwise a slow attempt's row is claimed again while still in flight.
            raise ValueError("PARLEY_DELIVERY_LEASE_S must exceed PARLEY_DELIVERY_TIMEOUT_S")
        return values

    def as_environment(self) -> dict[str, str | None]:
        """These settings as environment variables, for child processes (None: unset)."""
        environment: dict[str, str | None] = {}
        for name, field in self.__fields__.items():
            value = getattr(self, name)
            for variable in field.field_info.extra["env_names"]:
                environment[variable.upper()] = None if value is None else str(value)
        return environment

    @property
    def sink_names(self) -> tuple[str, ...]:
        """The sinks leads are queued for ("none" queues nothing)."""
        return tuple(name for name in self.sinks.split(",") if name != "none")

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
    def api_origins(self) -> tuple[str, ...]:
        """The API's own origin, as a browser on this machine names it."""
        return tuple(
            f"http://{host}:{self.api_port}"
            for host in dict.fromkeys([self.host, "localhost", "127.0.0.1"])
        )

    @property
    def webchat_allowed_origins(self) -> tuple[str, ...]:
        """Origins whose pages may talk to the web chat channel (CORS)."""
        configured = [o.strip().rstrip("/") for o in self.webchat_origins.split(",") if o.strip()]
        return tuple(dict.fromkeys([*self.api_origins, *configured]))

    @property
    def ingress_url(self) -> str:
        """Where browsers, Twilio and Telegram reach the web chat and the SMS and Telegram
        webhooks (the ingress)."""
        return str(self.public_url or f"http://{self.host}:{self.ingress_port}").rstrip("/")

    @property
    def rasa_api_url_list(self) -> tuple[str, ...]:
        """Every Rasa server's HTTP API, as the API process reaches it."""
        configured = [u.strip().rstrip("/") for u in self.rasa_api_urls.split(",") if u.strip()]
        return tuple(configured) or (f"http://{self.host}:{self.rasa_port}",)

    @property
    def api_url(self) -> str:
        """Where people reach the API's public pages (a confirmation link's target)."""
        return str(self.api_public_url or f"http://{self.host}:{self.api_port}").rstrip("/")

    @property
    def privacy_notice(self) -> str:
        return str(self.privacy_notice_url or f"http://{self.host}:{self.api_port}/privacy")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built on first use (never at import time)."""
    return Settings()  # type: ignore[call-arg]  # pydantic fills the fields from the environment
