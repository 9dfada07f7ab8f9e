"""Configuration from the environment (pydantic-settings)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from dotenv import dotenv_values
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    """Every setting Mötesbot reads; names are the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    port: int = 3000
    host: str = "0.0.0.0"
    log_level: str = "WARNING"
    # "json" (one object per line) or "text"; unset: json for the web app, text for the shell.
    log_format: str | None = None
    default_timezone: str = "Europe/Stockholm"
    default_language: str = "sv"
    # Replicas that should never send scheduled messages (or benchmarks) turn this off.
    scheduler_enabled: bool = True
    # The scheduler's leader re-plans when schedule data changes; this is the interval of its
    # safety sweep (seconds). A follower tries to lead every MOTESBOT_FOLLOWER_RETRY_SECONDS.
    motesbot_reconcile_seconds: float = Field(default=3600.0, gt=0)
    motesbot_follower_retry_seconds: float = Field(default=10.0, gt=0)
    # Changes within this many seconds are gathered into one re-plan.
    motesbot_replan_debounce_seconds: float = Field(default=1.0, ge=0)
    # How many scheduled messages (morning DMs, digests) may be in flight at once.
    motesbot_send_concurrency: int = Field(default=8, ge=1)
    # A fixed "now" (ISO 8601 with offset) for demos and checks; unset in production.
    motesbot_now: str | None = None
    # Where users reach the bot's web server (calendar feed links, document downloads).
    public_url: str = "http://localhost:3000"
    # The durable inbox: seconds between sweeps for rows a dead process left, and how
    # many days done rows (personal data) are kept.
    motesbot_inbox_sweep_seconds: float = 60.0
    # How long a process holds an inbox row it works on before another may take it over.
    motesbot_inbox_lease_seconds: float = 30.0
    motesbot_inbox_retention_days: int = 7
    # A measurement switch (bench/slack_latency.py times the ack with and without the
    # inbox), not for production: off, an acknowledged command lost in a crash stays lost.
    motesbot_inbox_enabled: bool = True

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str | None = None
    # Slack commands run at most this many at a time after their ack (bot/slack/work.py).
    slack_parallel_work: int = Field(default=2, ge=1)

    @property
    def slack_configured(self) -> bool:
        """True when any Slack connection mode has its credentials."""
        single = bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))
        multi = bool(
            self.slack_client_id and self.slack_client_secret and self.slack_signing_secret
        )
        return single or multi

    def now(self) -> datetime:
        """The clock: the fixed override if set, else the real time (aware UTC)."""
        if self.motesbot_now:
            moment = datetime.fromisoformat(self.motesbot_now)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return datetime.now(UTC)


def load() -> Settings:
    """Read the settings from the environment."""
    return Settings()


def environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The raw variables: ``.env`` (like Settings) overlaid by the process environment.

    The one place besides :class:`Settings` where the environment is read; for settings
    kept in another library's shape (the Agents SDK's ``CONNECTIONS__…``) and for finding
    secret values to redact from logs.

    Args:
        env: use these instead (tests).
    """
    if env is not None:
        return dict(env)
    merged = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    merged.update(os.environ)
    return merged
