"""slack-bolt's AsyncApp, built from the settings for one of three ways to connect."""

from __future__ import annotations

import asyncio
import functools
import logging
from datetime import timedelta
from enum import StrEnum

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack import inbox
from bot.slack.clients import ClientCache, web_client
from bot.slack.guard import single_team_guard
from bot.slack.lifecycle import register_lifecycle
from bot.slack.listeners import register
from bot.slack.oauth import oauth_settings
from bot.slack.service import SlackService
from scheduler.tick import node_id
from storage.models import InboxItem

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
    # After the signature check, authorisation and the team guard; before any listener.
    # MOTESBOT_INBOX_ENABLED=false exists only to measure what the inbox costs the ack.
    held = inbox.Held(node_id(), engine)
    if settings.motesbot_inbox_enabled:
        service.held = held
        app.use(inbox.recording_middleware(engine, settings, held, service.head_start))
    register(app, service)
    register_lifecycle(
        app,
        engine=engine,
        clock=settings.now,
        store=app.installation_store if mode == Mode.OAUTH else None,
        track=service.tracked,
    )
    if settings.motesbot_inbox_enabled:
        service.resumer = inbox.Resumer(
            app=app,
            engine=engine,
            settings=settings,
            held=held,
            answer=functools.partial(
                answer_row, app, service, ClientCache(settings, session=service.session)
            ),
            every=settings.motesbot_inbox_sweep_seconds,
            retention=timedelta(days=settings.motesbot_inbox_retention_days),
        )
    return app, service


async def answer_row(
    app: AsyncApp, service: SlackService, clients: ClientCache, item: InboxItem, text: str
) -> bool:
    """Send a text answer for an inbox row: its response_url while Slack takes it, else
    the Web API (the channel it came from, else a DM to the person)."""
    to = item.reply_to or {}
    url = to.get("response_url")
    age = service.settings.now() - item.received_at
    if (
        url
        and age < inbox.RESPONSE_URL_LIFETIME
        and await service.delivery.respond(str(url), text, None)
    ):
        return True
    client = await _client_for(app, clients, item.workspace)
    if client is None:
        return False
    user = to.get("user")
    channel = to.get("channel")
    try:
        if channel and user:
            await client.chat_postEphemeral(channel=str(channel), user=str(user), text=text)
            return True
    except SlackApiError:
        log.info("ephemeral answer for inbox row %s failed; sending a DM", item.id)
    if not user:
        return False
    try:
        await client.chat_postMessage(channel=str(user), text=text)
    except SlackApiError:
        log.warning("could not answer inbox row %s", item.id, exc_info=True)
        return False
    return True


async def _client_for(app: AsyncApp, clients: ClientCache, team_id: str) -> AsyncWebClient | None:
    store = app.installation_store
    if store is None:
        return app.client
    installation = await store.async_find_installation(enterprise_id=None, team_id=team_id)
    if installation is None or not installation.bot_token:
        return None
    return clients.get(installation.bot_token)
