"""Multi-workspace installs through slack-sdk's stores, and the scheduler's Slack messenger."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.app import Mode, build_app, mode_of
from bot.slack.messenger import slack_messenger_from_settings
from bot.slack.oauth import installation_store
from bot.slack.routes import slack_routes
from bot.web import create_app
from commands.reply import Reply
from scheduler.messenger import DeliveryError
from storage.models import Person, Workspace
from tests.bot.slack.conftest import SECRET, sign, slack_settings
from tests.bot.slack.slack_stub import TEAM, SlackStub
from tests.conftest import NOW


def oauth_settings(stub: SlackStub, engine: Engine) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        slack_client_id="111.222",
        slack_client_secret="client-secret",
        slack_signing_secret=SECRET,
        slack_api_url=stub.api_url,
        motesbot_now=NOW.isoformat(),
    )


def test_modes_are_chosen_from_the_environment() -> None:
    assert mode_of(Settings(slack_bot_token="x", slack_signing_secret="s")) == Mode.HTTP
    assert mode_of(Settings(slack_bot_token="x", slack_app_token="xapp")) == Mode.SOCKET
    assert (
        mode_of(Settings(slack_client_id="c", slack_client_secret="s", slack_signing_secret="s"))
        == Mode.OAUTH
    )
    assert mode_of(Settings(slack_bot_token=None, slack_client_id=None)) is None


@pytest.fixture
async def oauth_server(sqlite_engine: Engine, stub: SlackStub) -> AsyncIterator[str]:
    bolt_app, service = build_app(oauth_settings(stub, sqlite_engine), sqlite_engine)
    app = create_app(
        oauth_settings(stub, sqlite_engine),
        sqlite_engine,
        [slack_routes(bolt_app, service.work.arriving)],
    )
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    yield f"http://127.0.0.1:{server.port}"
    await service.drain()
    await server.close()
    await service.close()


async def test_install_then_commands_use_the_stored_bot_token(
    oauth_server: str, stub: SlackStub, sqlite_engine: Engine
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{oauth_server}/slack/install") as resp:
            assert resp.status == 200
            page = await resp.text()
            cookie = resp.headers["Set-Cookie"].split(";")[0]
        state = re.search(r"state=([0-9a-f-]+)", page)
        assert state is not None
        redirect = f"{oauth_server}/slack/oauth_redirect?code=abc&state={state.group(1)}"
        async with http.get(redirect, headers={"Cookie": cookie}) as resp:
            assert resp.status == 200
        [exchange] = stub.of("oauth.v2.access")
        assert exchange.args["code"] == "abc"

        body = urlencode(
            {
                "team_id": "T0OTHER",
                "channel_id": "CV",
                "user_id": "U0ADMIN",
                "user_name": "admin",
                "command": "/action",
                "text": "add Boka lokal",
                "response_url": stub.response_url("oauth"),
                "trigger_id": "1.oauth",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        async with http.post(f"{oauth_server}/slack/events", data=body, headers=headers) as resp:
            assert resp.status == 200
    [answer] = await stub.wait_for("response_url")
    assert "#1" in answer.args["text"]
    assert {c.token for c in stub.of("users.info")} == {"xoxb-installed-token"}
    with sqlite_engine.connect() as conn:
        bots = conn.execute(text("SELECT team_id, bot_token FROM slack_bots")).all()
    assert [tuple(b) for b in bots] == [("T0OTHER", "xoxb-installed-token")]


def test_slack_stores_work_on_both_databases(engine: Engine) -> None:
    settings = Settings(
        slack_client_id="111.222", slack_client_secret="s", slack_signing_secret="s"
    )
    store = installation_store(settings, engine)
    store.save(
        Installation(
            app_id="A0MOTE",
            team_id="T0X",
            bot_token="xoxb-x",
            bot_id="B1",
            bot_user_id="U1",
            user_id="U0ADMIN",
            installed_at=datetime(2026, 11, 23, tzinfo=UTC).timestamp(),
        )
    )
    bot = store.find_bot(enterprise_id=None, team_id="T0X")
    assert bot is not None and bot.bot_token == "xoxb-x"


def _ws() -> Workspace:
    return Workspace(platform="slack", external_id=TEAM, created_at=NOW)


async def test_messenger_sends_a_dm_and_a_channel_post(
    sqlite_engine: Engine, stub: SlackStub
) -> None:
    messenger = slack_messenger_from_settings(slack_settings(stub, sqlite_engine), sqlite_engine)
    assert messenger is not None
    lisa = Person(workspace_id=1, display_name="Lisa", platform_user_id="U0LISA", created_at=NOW)
    await messenger.send_dm(workspace=_ws(), person=lisa, reply=Reply("Dina åtgärder"))
    await messenger.post_channel(workspace=_ws(), channel_id="CKC", reply=Reply("Inför KC-möte"))

    [opened] = stub.of("conversations.open")
    assert opened.args["users"] == "U0LISA"
    dm, channel = stub.of("chat.postMessage")
    assert dm.args["channel"] == "DU0LISA" and dm.args["text"] == "Dina åtgärder"
    assert dm.args["blocks"][0]["type"] == "section"
    assert channel.args["channel"] == "CKC"


async def test_messenger_errors_say_whether_to_retry(
    sqlite_engine: Engine, stub: SlackStub
) -> None:
    messenger = slack_messenger_from_settings(slack_settings(stub, sqlite_engine), sqlite_engine)
    assert messenger is not None
    stub.fail("chat.postMessage", error="not_in_channel")
    with pytest.raises(DeliveryError) as permanent:
        await messenger.post_channel(workspace=_ws(), channel_id="CKC", reply=Reply("x"))
    assert permanent.value.permanent

    stub.fail("chat.postMessage", error="internal_error", status=503, times=10)
    with pytest.raises(DeliveryError) as transient:
        await messenger.post_channel(workspace=_ws(), channel_id="CKC", reply=Reply("x"))
    assert not transient.value.permanent
    assert len(stub.of("chat.postMessage")) == 1 + 3  # one try and two retries on 5xx

    nobody = Person(workspace_id=1, display_name="Anna Berg", created_at=NOW)
    with pytest.raises(DeliveryError) as no_account:
        await messenger.send_dm(workspace=_ws(), person=nobody, reply=Reply("x"))
    assert no_account.value.permanent


async def test_messenger_uses_each_teams_installed_token(
    sqlite_engine: Engine, stub: SlackStub
) -> None:
    settings = oauth_settings(stub, sqlite_engine)
    installation_store(settings, sqlite_engine).save(
        Installation(
            app_id="A0MOTE",
            team_id="T0OTHER",
            bot_token="xoxb-other",
            bot_id="B2",
            bot_user_id="U2",
            user_id="U0ADMIN",
        )
    )
    messenger = slack_messenger_from_settings(settings, sqlite_engine)
    assert messenger is not None
    other = Workspace(platform="slack", external_id="T0OTHER", created_at=NOW)
    await messenger.post_channel(workspace=other, channel_id="CV", reply=Reply("Hej"))
    assert [c.token for c in stub.of("chat.postMessage")] == ["xoxb-other"]
    with pytest.raises(DeliveryError) as missing:
        await messenger.post_channel(workspace=_ws(), channel_id="CKC", reply=Reply("Hej"))
    assert missing.value.permanent


async def test_messenger_unreachable_slack_is_transient(
    sqlite_engine: Engine, stub: SlackStub
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    settings = slack_settings(stub, sqlite_engine)
    settings.slack_api_url = f"http://127.0.0.1:{dead_port}/api/"
    messenger = slack_messenger_from_settings(settings, sqlite_engine)
    assert messenger is not None
    with pytest.raises(DeliveryError) as unreachable:
        await messenger.post_channel(workspace=_ws(), channel_id="CKC", reply=Reply("x"))
    assert not unreachable.value.permanent
