"""Socket Mode: Mötesbot connects out to Slack's WebSocket (here the stub's) and answers there."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
from sqlalchemy.engine import Engine

from bot.server import serve_all
from bot.settings import Settings
from tests.bot.slack.helpers import slack_actions
from tests.bot.slack.slack_stub import TEAM, SlackStub
from tests.conftest import NOW


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_socket_mode_runs_slash_commands(sqlite_engine: Engine, stub: SlackStub) -> None:
    port = _free_port()
    settings = Settings(
        database_url=sqlite_engine.url.render_as_string(hide_password=False),
        slack_bot_token="xoxb-socket",
        slack_app_token="xapp-socket",
        slack_api_url=stub.api_url,
        host="127.0.0.1",
        port=port,
        motesbot_now=NOW.isoformat(),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(serve_all(settings, sqlite_engine, stop))
    try:
        payload = {
            "team_id": TEAM,
            "channel_id": "CKC",
            "user_id": "U0SEK",
            "user_name": "sara",
            "command": "/action",
            "text": "add Boka lokal <@U0LISA>",
            "response_url": stub.response_url("socket"),
            "trigger_id": "1.socket",
        }
        await stub.send_envelope(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "payload": payload,
                "accepts_response_payload": True,
            }
        )
        [ack] = await stub.wait_for("socket_ack", timeout=10)
        assert ack.args["envelope_id"] == "env-1"
        [answer] = await stub.wait_for("response_url", timeout=10)
        assert "#1" in answer.args["text"]
        [opened] = stub.of("apps.connections.open")
        assert opened.token == "xapp-socket"
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as r,
        ):
            assert r.status == 200
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
    assert [a["text"] for a in slack_actions(sqlite_engine)] == ["Boka lokal"]
