"""Mötesbot's web app with Bolt on a random port, a Slack stub on another, signed requests."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.routes import slack_routes
from bot.slack.service import SlackService
from bot.web import create_app
from tests.bot.slack.slack_stub import TEAM, SlackStub
from tests.conftest import NOW

SECRET = "5ecre7-signing-secret-for-tests"


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack adds: v0 HMAC-SHA256 of "v0:{ts}:{body}"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Answer:
    """Our app's HTTP answer to one signed post."""

    status: int
    body: str
    seconds: float


class SlackHarness:
    """Post to /slack/events exactly as Slack does, and look at what the stub got."""

    def __init__(
        self, engine: Engine, stub: SlackStub, server: TestServer, service: SlackService
    ) -> None:
        self.engine = engine
        self.stub = stub
        self.server = server
        self.service = service
        self.http = aiohttp.ClientSession()
        self._n = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/slack/events"

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: dict[str, str] | None = None,
    ) -> Answer:
        all_headers = {"Content-Type": content_type, **(signed or sign(body)), **(headers or {})}
        start = time.perf_counter()
        async with self.http.post(self.url, data=body.encode(), headers=all_headers) as resp:
            text = await resp.text()
        return Answer(resp.status, text, time.perf_counter() - start)

    def trigger(self) -> str:
        self._n += 1
        return f"{self._n}.trigger"

    def command_body(
        self,
        command: str,
        text: str,
        *,
        user: str = "U0SEK",
        channel: str = "CKC",
        response: str = "r1",
    ) -> str:
        return urlencode(
            {
                "token": "legacy",
                "team_id": TEAM,
                "team_domain": "umea",
                "channel_id": channel,
                "channel_name": "kc-mote",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A0MOTE",
                "is_enterprise_install": "false",
                "response_url": self.stub.response_url(response),
                "trigger_id": self.trigger(),
            }
        )

    async def command(self, command: str, text: str, **kwargs: Any) -> Answer:
        """A slash command (form-encoded), answered after the work is done."""
        answer = await self.post(
            self.command_body(command, text, **kwargs), "application/x-www-form-urlencoded"
        )
        await self.service.drain()
        return answer

    def event_body(self, event: dict[str, Any], *, event_id: str) -> str:
        return json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A0MOTE",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
            }
        )

    async def event(
        self, event: dict[str, Any], *, event_id: str, retry: int | None = None
    ) -> Answer:
        """An Events API delivery (JSON); ``retry`` adds X-Slack-Retry-Num."""
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else {}
        )
        answer = await self.post(
            self.event_body(event, event_id=event_id), "application/json", headers=headers
        )
        await self.service.drain()
        return answer

    async def interact(self, payload: dict[str, Any]) -> Answer:
        """Interactivity: a form field ``payload`` holding JSON."""
        payload = {
            "team": {"id": TEAM, "domain": "umea"},
            "api_app_id": "A0MOTE",
            "token": "legacy",
            "trigger_id": self.trigger(),
            **payload,
        }
        body = urlencode({"payload": json.dumps(payload)})
        answer = await self.post(body, "application/x-www-form-urlencoded")
        await self.service.drain()
        return answer

    async def close(self) -> None:
        await self.http.close()


def slack_settings(stub: SlackStub, engine: Engine, **extra: Any) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=stub.api_url,
        motesbot_now=NOW.isoformat(),
        **extra,
    )


@pytest.fixture
async def stub() -> AsyncIterator[SlackStub]:
    fake = SlackStub()
    await fake.start()
    yield fake
    await fake.stop()


async def _harness(engine: Engine, stub: SlackStub) -> AsyncIterator[SlackHarness]:
    settings = slack_settings(stub, engine)
    bolt_app, service = build_app(settings, engine)
    service.home_delay = 0  # publish homes at once, so drain() sees them
    app = create_app(settings, engine, [slack_routes(bolt_app, service.work.arriving)])
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    harness = SlackHarness(engine, stub, server, service)
    yield harness
    await service.drain()
    await harness.close()
    await server.close()
    await service.close()


@pytest.fixture
async def slack(sqlite_engine: Engine, stub: SlackStub) -> AsyncIterator[SlackHarness]:
    """Our web app with the Slack routes, on a real port, talking to the stub (SQLite)."""
    async for harness in _harness(sqlite_engine, stub):
        yield harness


@pytest.fixture
async def slack_pg(postgres_engine: Engine, stub: SlackStub) -> AsyncIterator[SlackHarness]:
    """The same on PostgreSQL only (for what needs its row locks)."""
    async for harness in _harness(postgres_engine, stub):
        yield harness


@pytest.fixture
async def slack_any(engine: Engine, stub: SlackStub) -> AsyncIterator[SlackHarness]:
    """The same on SQLite and on PostgreSQL."""
    async for harness in _harness(engine, stub):
        yield harness
