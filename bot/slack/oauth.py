"""Multi-workspace installs: slack-sdk's SQLAlchemy installation and OAuth state stores.

The stores are slack-sdk's own, on our (synchronous) engine and in our database; their tables
come from migration ``0002_slack``. Bolt's AsyncApp wants asynchronous stores, so each call is
run in a worker thread, the same way commands reach the database.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.lifecycle import reinstalled

log = logging.getLogger("motesbot.slack.oauth")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRY_SECONDS = 600
# Keep in step with manifest.yml.
BOT_SCOPES = [
    "app_mentions:read",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:read",
    "im:history",
    "im:write",
    "users:read",
    "users:read.email",
]


class ThreadedInstallationStore(AsyncInstallationStore):
    """slack-sdk's SQLAlchemyInstallationStore, called from asyncio through worker threads."""

    def __init__(self, store: SQLAlchemyInstallationStore, engine: Engine | None = None) -> None:
        """Wrap a synchronous store; with ``engine``, a new install resumes a removed workspace."""
        self.store = store
        self.engine = engine

    @property
    def logger(self) -> logging.Logger:
        """The store's logger."""
        return log

    async def async_save(self, installation: Installation) -> None:
        """Save an installation (and its bot)."""
        await asyncio.to_thread(self.store.save, installation)
        if self.engine is not None and installation.team_id:
            at = datetime.fromtimestamp(installation.installed_at, UTC)
            await asyncio.to_thread(reinstalled, self.engine, installation.team_id, at=at)

    async def async_save_bot(self, bot: Bot) -> None:
        """Save a bot installation."""
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """Find a team's bot installation."""
        return await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """Find a team's (or a user's) installation."""
        return await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Delete a team's bot installation (app uninstalled, tokens revoked)."""
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Delete an installation."""
        await asyncio.to_thread(
            self.store.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )


class ThreadedStateStore(AsyncOAuthStateStore):
    """slack-sdk's SQLAlchemyOAuthStateStore, called through worker threads."""

    def __init__(self, store: SQLAlchemyOAuthStateStore) -> None:
        """Wrap a synchronous store."""
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        """The store's logger."""
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """Issue a one-time state for an install link."""
        return str(await asyncio.to_thread(self.store.issue, *args, **kwargs))

    async def async_consume(self, state: str) -> bool:
        """Accept a state once, if it was issued and has not expired."""
        return bool(await asyncio.to_thread(self.store.consume, state))


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """slack-sdk's installation store on our database."""
    assert settings.slack_client_id
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)


def oauth_settings(settings: Settings, engine: Engine) -> AsyncOAuthSettings:
    """Bolt's OAuth settings: our paths, scopes and stores."""
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=BOT_SCOPES,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=ThreadedInstallationStore(installation_store(settings, engine), engine),
        state_store=ThreadedStateStore(
            SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRY_SECONDS, engine=engine)
        ),
    )
