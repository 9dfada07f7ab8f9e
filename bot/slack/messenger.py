"""The scheduler's Messenger for Slack: DMs and channel posts through the Web API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack import blocks as render
from bot.slack.app import Mode, mode_of
from bot.slack.clients import ClientCache, web_client
from bot.slack.errors import error_code, is_permanent
from bot.slack.oauth import installation_store
from commands.reply import Reply
from scheduler.messenger import DeliveryError
from storage.models import Person, Workspace

ClientFor = Callable[[str], Awaitable[AsyncWebClient | None]]


class SlackMessenger:
    """Send neutral replies to Slack users and channels (implements scheduler.messenger.Messenger).

    Args:
        client_for: returns a client with the bot token of a Slack team, or None when the
            team has no installation.
    """

    platform = "slack"

    def __init__(self, client_for: ClientFor) -> None:
        """Keep the way to find a team's client."""
        self._client_for = client_for

    async def send_dm(self, *, workspace: Workspace, person: Person, reply: Reply) -> None:
        """Open (or find) the DM with a person and post the reply there.

        Raises:
            DeliveryError: permanent when the person has no Slack account or cannot be
                reached; transient when Slack or the network still failed after retries.
        """
        if not person.platform_user_id:
            raise DeliveryError(f"{person.display_name} has no Slack account", permanent=True)
        client = await self._client(workspace)
        try:
            opened = await client.conversations_open(users=person.platform_user_id)
        except SlackApiError as err:
            raise _delivery_error(err) from err
        except (TimeoutError, aiohttp.ClientError, OSError) as err:
            raise DeliveryError(f"Slack unreachable: {err}", permanent=False) from err
        channel = (opened.get("channel") or {}).get("id")
        if not channel:
            raise DeliveryError("conversations.open returned no channel", permanent=False)
        await self._post_checked(client, str(channel), reply)

    async def post_channel(self, *, workspace: Workspace, channel_id: str, reply: Reply) -> None:
        """Post the reply to a channel.

        Raises:
            DeliveryError: permanent for channel_not_found, not_in_channel and the like.
        """
        await self._post_checked(await self._client(workspace), channel_id, reply)

    async def _client(self, workspace: Workspace) -> AsyncWebClient:
        client = await self._client_for(workspace.external_id)
        if client is None:
            raise DeliveryError(
                f"no Slack installation for team {workspace.external_id}", permanent=True
            )
        return client

    async def _post_checked(self, client: AsyncWebClient, channel: str, reply: Reply) -> None:
        # The retry handlers already tried again on 429, 5xx and dropped connections.
        try:
            await client.chat_postMessage(
                channel=channel, text=render.fallback_text(reply), blocks=render.blocks(reply)
            )
        except SlackApiError as err:
            raise _delivery_error(err) from err
        except (TimeoutError, aiohttp.ClientError, OSError) as err:
            raise DeliveryError(f"Slack unreachable: {err}", permanent=False) from err


def _delivery_error(err: SlackApiError) -> DeliveryError:
    code = error_code(err)
    return DeliveryError(
        f"Slack: {code}", permanent=is_permanent(err), retry_after=_retry_after(err)
    )


def _retry_after(err: SlackApiError) -> float | None:
    """Slack's Retry-After of a 429 still failing after the client's own retries."""
    response = err.response
    if getattr(response, "status_code", None) != 429:
        return None
    headers = getattr(response, "headers", None) or {}
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            return _seconds(value)
    return None


def _seconds(value: object) -> float | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    try:
        return max(float(str(value)), 0.0)
    except (TypeError, ValueError):
        return None


def slack_messenger_from_settings(settings: Settings, engine: Engine) -> SlackMessenger | None:
    """The Slack messenger for the configured mode, or None when Slack is not configured.

    One workspace uses the bot token; a distributed app looks up each team's bot token in
    slack-sdk's installation store.
    """
    mode = mode_of(settings)
    if mode is None:
        return None
    if mode in (Mode.HTTP, Mode.SOCKET):
        single = web_client(settings, settings.slack_bot_token)

        async def bot_client(team_id: str) -> AsyncWebClient | None:
            return single

        return SlackMessenger(bot_client)
    store = installation_store(settings, engine)
    clients = ClientCache(settings)

    async def installed_client(team_id: str) -> AsyncWebClient | None:
        bot = await asyncio.to_thread(store.find_bot, enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        return clients.get(bot.bot_token)

    return SlackMessenger(installed_client)
