"""Fixtures: our real web app with the Teams endpoint, and a connector stub, on random ports."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.teams.config import load_teams_config
from bot.teams.routes import TEAMS_RESUMER_KEY, teams_installer
from bot.web import create_app
from tests.bot.teams.connector_stub import ConnectorStub

# Warnings raised inside the SDK about its own internals: not ours to fix.
SDK_WARNINGS = [
    pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:It is recommended to use web.RequestKey"),
]
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT_APP_ID = "00000000-0000-0000-0000-00000000b07a"
BOT = {"id": f"28:{BOT_APP_ID}", "name": "Mötesbot"}
# Monday 23 November 2026, 09:00 in Stockholm.
NOW = "2026-11-23T09:00:00+01:00"


@dataclass(frozen=True)
class TeamsUser:
    """A Teams user as activities describe them."""

    aad: str
    name: str

    @property
    def account(self) -> dict[str, str]:
        """The ``from`` / ``mentioned`` account, as Teams sends it."""
        return {"id": f"29:1{self.aad[:8]}-teams-id", "name": self.name, "aadObjectId": self.aad}


SVEN = TeamsUser("6f0e2a7c-1111-4b8e-9a3e-0c5b1e2f0001", "Sven Svensson")
LISA = TeamsUser("6f0e2a7c-2222-4b8e-9a3e-0c5b1e2f0002", "Lisa Andersson Lindberg")
EMMA = TeamsUser("6f0e2a7c-3333-4b8e-9a3e-0c5b1e2f0003", "Emma English")


async def _start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None and server.sockets  # type: ignore[union-attr]
    port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@dataclass
class Teams:
    """Posts activities to our /api/messages the way Teams does."""

    url: str
    service_url: str
    stub: ConnectorStub
    http: aiohttp.ClientSession
    engine: Engine
    _ids: Iterator[int]

    def personal(self, user: TeamsUser) -> dict[str, Any]:
        """The 1:1 conversation of a user with the bot."""
        return {
            "conversationType": "personal",
            "tenantId": TENANT,
            "id": f"a:1personal-chat-{user.aad}",
        }

    def channel(self, thread: str | None = None) -> dict[str, Any]:
        """The KC channel (a thread in it when ``thread`` is given)."""
        cid = "19:kc-channel@thread.tacv2"
        return {
            "conversationType": "channel",
            "tenantId": TENANT,
            "isGroup": True,
            "id": f"{cid};messageid={thread}" if thread else cid,
        }

    def activity(
        self,
        type_: str,
        user: TeamsUser,
        conversation: dict[str, Any],
        *,
        locale: str = "sv-SE",
        **fields: Any,
    ) -> dict[str, Any]:
        """An activity with everything Teams always sends."""
        is_channel = conversation.get("conversationType") == "channel"
        channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
        if is_channel:
            channel_data["channel"] = {"id": "19:kc-channel@thread.tacv2", "name": "KC"}
            channel_data["team"] = {"id": "19:kc-team@thread.tacv2", "name": "Kommunchefer"}
        return {
            "type": type_,
            "id": f"1700000000{next(self._ids):03d}",
            "timestamp": "2026-11-23T08:00:00.000Z",
            "localTimestamp": "2026-11-23T09:00:00.000+01:00",
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": user.account,
            "conversation": conversation,
            "recipient": BOT,
            "locale": locale,
            "channelData": channel_data,
            **fields,
        }

    def message(
        self,
        user: TeamsUser,
        text: str,
        *,
        conversation: dict[str, Any] | None = None,
        mentions: list[TeamsUser | dict[str, str]] = (),  # type: ignore[assignment]
        locale: str = "sv-SE",
    ) -> dict[str, Any]:
        """A message; ``text`` already holds the ``<at>…</at>`` of each mention."""
        entities: list[dict[str, Any]] = [
            {"type": "clientInfo", "locale": locale, "country": "SE", "platform": "Web"}
        ]
        for m in mentions:
            account = m.account if isinstance(m, TeamsUser) else m
            entities.append(
                {"type": "mention", "text": f"<at>{account['name']}</at>", "mentioned": account}
            )
        return self.activity(
            "message",
            user,
            conversation or self.personal(user),
            locale=locale,
            text=text,
            textFormat="plain",
            entities=entities,
        )

    def install_personal(self, user: TeamsUser) -> dict[str, Any]:
        """The conversationUpdate Teams sends when a user adds the app for themselves."""
        return self.activity("conversationUpdate", user, self.personal(user), membersAdded=[BOT])

    def install_team(self, user: TeamsUser) -> dict[str, Any]:
        """The conversationUpdate Teams sends when the app is added to a team."""
        return self.activity(
            "conversationUpdate",
            user,
            {
                "conversationType": "channel",
                "tenantId": TENANT,
                "isGroup": True,
                "id": "19:kc-channel@thread.tacv2",
            },
            membersAdded=[BOT],
        )

    def card_action(
        self,
        user: TeamsUser,
        action: dict[str, Any],
        *,
        conversation: dict[str, Any] | None = None,
        inputs: dict[str, str] | None = None,
        locale: str = "sv-SE",
    ) -> dict[str, Any]:
        """The invoke Teams sends when an Action.Execute button of a card is pressed."""
        data = dict(action["data"])
        data.update(inputs or {})
        return self.activity(
            "invoke",
            user,
            conversation or self.personal(user),
            locale=locale,
            name="adaptiveCard/action",
            replyToId="stub-1",
            value={
                "action": {
                    "type": "Action.Execute",
                    "id": "",
                    "verb": action["verb"],
                    "data": data,
                },
                "trigger": "manual",
            },
        )

    async def post(
        self, activity: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """POST an activity to /api/messages; returns (status, JSON body or None)."""
        async with self.http.post(
            f"{self.url}/api/messages", json=activity, headers=headers or {}
        ) as response:
            body = await response.json() if response.content_type == "application/json" else None
            return response.status, body


@pytest.fixture
async def stub() -> AsyncIterator[tuple[ConnectorStub, str]]:
    """The connector stub, running."""
    connector = ConnectorStub()
    runner, url = await _start(connector.app())
    yield connector, url
    await runner.cleanup()


def make_settings(engine: Engine) -> Settings:
    """Settings for a test: the test database and a fixed clock."""
    return Settings(database_url=str(engine.url), motesbot_now=NOW)


@pytest.fixture
async def teams(sqlite_engine: Engine, stub: tuple[ConnectorStub, str]) -> AsyncIterator[Teams]:
    """Our web app with Teams in anonymous mode, talking to the connector stub."""
    connector, service_url = stub
    config = load_teams_config({"TEAMS_ANONYMOUS": "true"})
    assert config is not None
    app = create_app(make_settings(sqlite_engine), sqlite_engine, [teams_installer(config)])
    runner, url = await _start(app)
    # The inbox's sweep at start is over (the next is a lease away): tests see no race.
    await asyncio.wait_for(app[TEAMS_RESUMER_KEY].first_sweep.wait(), timeout=10)
    async with aiohttp.ClientSession() as http:
        yield Teams(url, service_url + "/", connector, http, sqlite_engine, itertools.count(1))
    await runner.cleanup()
