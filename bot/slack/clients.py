"""Slack Web API clients with slack-sdk's retry handlers and the configurable base URL."""

from __future__ import annotations

from aiohttp import ClientSession
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"
# A Slack call that takes longer than this is treated as a connection error and retried.
TIMEOUT_SECONDS = 15


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry on 429 (honouring Retry-After), 5xx and dropped connections, a few times each."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
    ]


def api_url(settings: Settings) -> str:
    """The Web API base URL, always ending in a slash as slack-sdk expects."""
    url = settings.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def web_client(
    settings: Settings, token: str | None = None, *, session: ClientSession | None = None
) -> AsyncWebClient:
    """An AsyncWebClient for the configured API URL, with the retry handlers attached.

    Args:
        settings: the configuration (SLACK_API_URL).
        token: the bot token, if one is fixed.
        session: an aiohttp session to reuse connections across calls (else one per call).
    """
    return AsyncWebClient(
        token=token,
        base_url=api_url(settings),
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(),
        session=session,
    )


class ClientCache:
    """One AsyncWebClient per bot token, reused for every call of that team.

    A client is cheap, but one without a shared session opens a new HTTP connection
    pool for each call; keyed by the token, a reinstall (a new token) gets a new client.
    """

    def __init__(self, settings: Settings, *, session: ClientSession | None = None) -> None:
        """Build clients for the configured API URL, on the shared session if given."""
        self._settings = settings
        self._session = session
        self._clients: dict[str, AsyncWebClient] = {}

    def get(self, token: str) -> AsyncWebClient:
        """The client for a bot token."""
        client = self._clients.get(token)
        if client is None:
            if len(self._clients) >= MAX_CACHED_CLIENTS:
                self._clients.clear()  # tokens of teams long gone; rebuilt on demand
            client = web_client(self._settings, token, session=self._session)
            self._clients[token] = client
        return client


MAX_CACHED_CLIENTS = 1000


# A user is waiting on a response_url answer: it gets a short timeout and no retries on a
# dead connection, because the caller then answers through the Web API (fully retried).
WEBHOOK_TIMEOUT_SECONDS = 5


def webhook_retry_handlers() -> list[AsyncRetryHandler]:
    """Honour one 429 and retry one 5xx; a connection error falls back to the Web API at once."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=1),
        AsyncServerErrorRetryHandler(max_retry_count=1),
    ]


def webhook_client(url: str, *, session: ClientSession | None = None) -> AsyncWebhookClient:
    """A client for a ``response_url``: quick to give up, so the Web API fallback is prompt."""
    return AsyncWebhookClient(
        url,
        timeout=WEBHOOK_TIMEOUT_SECONDS,
        retry_handlers=webhook_retry_handlers(),
        session=session,
    )
