"""slack-bolt's AsyncApp, built from the settings for one of three ways to connect."""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum

import aiohttp
from slack_bolt.async_app import AsyncApp
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.clients import web_client
from bot.slack.guard import single_team_guard
from bot.slack.lifecycle import register_lifecycle
from bot.slack.listeners import register
from bot.slack.oauth import oauth_settings
from bot.slack.service import SlackService

log = logging.getLogger("motesbot.slack")


class _QuietTokenNotice(logging.Filter):
    """Drop Bolt's notice that SLACK_BOT_TOKEN is unused because we pass our own client.

    Our client carries that very token (plus the API URL and retry handlers), so the
    warning would only alarm whoever reads the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_QuietTokenNotice())


class Mode(StrEnum):
    """How Mötesbot is connected to Slack."""

    HTTP = "http"  # one workspace, Slack POSTs to /slack/events
    SOCKET = "socket"  # one workspace, we open a WebSocket to Slack (no public URL)
    OAUTH = "oauth"  # many workspaces install the app through /slack/install


def mode_of(settings: Settings) -> Mode | None:
    """Pick the connection mode from the environment.

    A bot token means one workspace (Socket Mode when an app token is set too);
    otherwise client id, secret and signing secret mean multi-workspace OAuth.
    """
    if settings.slack_bot_token and settings.slack_app_token:
        return Mode.SOCKET
    if settings.slack_bot_token and settings.slack_signing_secret:
        return Mode.HTTP
    if settings.slack_client_id and settings.slack_client_secret and settings.slack_signing_secret:
        return Mode.OAUTH
    return None


def build_app(settings: Settings, engine: Engine) -> tuple[AsyncApp, SlackService]:
    """Build the Bolt app with every listener registered.

    Args:
        settings: the configuration (SLACK_* variables).
        engine: the database engine.

    Returns:
        The app and the service its listeners use (for shutdown and tests).

    Raises:
        ValueError: Slack is not configured.
    """
    mode = mode_of(settings)
    if mode is None:
        raise ValueError("Slack is not configured")
    # One connection pool for every Web API call and response_url answer, when built
    # inside the event loop that will serve (bot/server.py, tests); else a session per call.
    session: aiohttp.ClientSession | None
    try:
        asyncio.get_running_loop()
        session = aiohttp.ClientSession()
    except RuntimeError:
        session = None
    service = SlackService(settings, engine, session=session)
    if mode == Mode.OAUTH:
        app = AsyncApp(
            signing_secret=settings.slack_signing_secret or "",
            client=web_client(settings, session=service.session),
            oauth_settings=oauth_settings(settings, engine),
            process_before_response=False,
        )
    else:
        app = AsyncApp(
            # Socket Mode frames are authenticated by the app token, not signed.
            signing_secret=settings.slack_signing_secret or "",
            request_verification_enabled=bool(settings.slack_signing_secret),
            client=web_client(settings, settings.slack_bot_token, session=service.session),
            process_before_response=False,
        )
        app.use(single_team_guard(settings.default_language))
    register(app, service)
    register_lifecycle(
        app,
        engine=engine,
        clock=settings.now,
        store=app.installation_store if mode == Mode.OAUTH else None,
        track=service.tracked,
    )
    return app, service
