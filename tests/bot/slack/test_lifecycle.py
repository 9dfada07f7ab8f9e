"""The app leaves a Slack workspace: sends stop and are recorded as failed for good; the
register stays; a send Slack refuses for the token is not retried."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.messengers import build_messengers
from bot.slack.app import build_app
from bot.slack.oauth import ThreadedInstallationStore, installation_store
from bot.slack.routes import slack_routes
from bot.web import create_app
from scheduler.tick import run_tick
from storage.backup import export_data
from storage.db import transaction
from storage.models import Action, AuditEvent, Delivery, Workspace
from tests.bot.slack.conftest import SlackHarness, sign, slack_settings
from tests.bot.slack.slack_stub import SlackStub
from tests.bot.slack.test_oauth_and_messenger import oauth_settings

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TUESDAY = datetime(2026, 11, 24, 8, 0, tzinfo=STOCKHOLM)
WEDNESDAY = datetime(2026, 11, 25, 8, 0, tzinfo=STOCKHOLM)


def _deliveries(engine: Engine) -> list[tuple[str, str, int, str | None]]:
    with transaction(engine) as session:
        rows = session.exec(select(Delivery).order_by(Delivery.id)).all()  # type: ignore[arg-type]
        return [(r.occasion, r.status, r.attempts, r.error) for r in rows]


def _sends(stub: SlackStub) -> int:
    return len(stub.of("chat.postMessage")) + len(stub.of("conversations.open"))


async def _tick(slack: SlackHarness, at: datetime) -> list[str]:
    messengers = build_messengers(
        slack_settings(slack.stub, slack.engine), slack.engine, io.StringIO()
    )
    return [r.outcome for r in await run_tick(slack.engine, messengers, at)]


async def test_app_uninstalled_stops_sends_and_keeps_the_register(slack: SlackHarness) -> None:
    await slack.command("/action", "add Ring Anna <@U0LISA> senast 2026-11-26")
    # Tuesday's DM meets a Slack outage and waits for a retry.
    slack.stub.fail("chat.postMessage", error="internal_error", status=503, times=3)
    assert await _tick(slack, TUESDAY) == ["retry"]
    sends = _sends(slack.stub)

    answer = await slack.event({"type": "app_uninstalled"}, event_id="Ev0UNINSTALL")

    assert answer.status == 200
    # The waiting retry is given up at once, not retried forever.
    assert [(o, s) for o, s, _, _ in _deliveries(slack.engine)] == [("2026-11-24", "failed")]
    # Later ticks send nothing to the workspace and record why.
    assert await _tick(slack, TUESDAY.replace(hour=9)) == []
    assert await _tick(slack, WEDNESDAY) == ["failed"]
    assert _sends(slack.stub) == sends
    wednesday = _deliveries(slack.engine)[-1]
    assert wednesday[:3] == ("2026-11-25", "failed", 1)
    assert "removed" in str(wednesday[3])
    assert await _tick(slack, WEDNESDAY.replace(hour=10)) == []
    # The register is kept, and the removal is in the audit trail.
    with transaction(slack.engine) as session:
        assert [a.text for a in session.exec(select(Action))] == ["Ring Anna"]
        [ws] = session.exec(select(Workspace).where(Workspace.platform == "slack")).all()
        assert ws.uninstalled_at is not None
        ops = [
            e.op for e in session.exec(select(AuditEvent).where(AuditEvent.entity == "workspace"))
        ]
        assert ops == ["uninstalled"]
    # Slack redelivers the event: nothing changes.
    await slack.event({"type": "app_uninstalled"}, event_id="Ev0UNINSTALL", retry=1)
    with transaction(slack.engine) as session:
        assert (
            len(session.exec(select(AuditEvent).where(AuditEvent.entity == "workspace")).all()) == 1
        )


async def test_reinstalled_workspace_gets_its_messages_again(slack: SlackHarness) -> None:
    await slack.command("/action", "add Ring Anna <@U0LISA> senast 2026-11-26")
    await slack.event({"type": "app_uninstalled"}, event_id="Ev0UNINSTALL")
    assert await _tick(slack, TUESDAY) == ["failed"]

    # Someone uses the app again: it is installed.
    answer = await slack.command("/action", "list")
    assert answer.status == 200

    assert await _tick(slack, WEDNESDAY) == ["sent"]
    assert any("Ring Anna" in str(c.args) for c in slack.stub.of("chat.postMessage"))


async def test_revoked_bot_token_stops_sends_but_a_user_token_does_not(
    slack: SlackHarness,
) -> None:
    await slack.command("/action", "add Ring Anna <@U0LISA> senast 2026-11-26")
    await slack.event(
        {"type": "tokens_revoked", "tokens": {"oauth": ["U0SEK"]}}, event_id="Ev0USER"
    )
    assert await _tick(slack, TUESDAY) == ["sent"]

    await slack.event(
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}, event_id="Ev0BOT"
    )

    assert await _tick(slack, WEDNESDAY) == ["failed"]


@pytest.mark.parametrize(
    "code", ["account_inactive", "token_revoked", "invalid_auth", "not_authed"]
)
@pytest.mark.parametrize("method", ["conversations.open", "chat.postMessage"])
async def test_a_send_refused_for_the_token_fails_for_good(
    slack: SlackHarness, code: str, method: str
) -> None:
    await slack.command("/action", "add Ring Anna <@U0LISA> senast 2026-11-26")
    slack.stub.fail(method, error=code)

    assert await _tick(slack, TUESDAY) == ["failed"]
    calls = _sends(slack.stub)
    # Not tried again: neither later that day nor after any backoff.
    assert await _tick(slack, TUESDAY.replace(hour=12)) == []
    assert await _tick(slack, TUESDAY.replace(hour=23, minute=59)) == []
    assert _sends(slack.stub) == calls
    [(occasion, status, attempts, error)] = _deliveries(slack.engine)
    assert (occasion, status, attempts) == ("2026-11-24", "failed", 1)
    assert code in str(error)


# -- OAuth (many workspaces) -----------------------------------------------------------------


@pytest.fixture
async def oauth_events(sqlite_engine: Engine, stub: SlackStub) -> AsyncIterator[str]:
    bolt_app, service = build_app(oauth_settings(stub, sqlite_engine), sqlite_engine)
    app = create_app(
        oauth_settings(stub, sqlite_engine),
        sqlite_engine,
        [slack_routes(bolt_app, service.work.arriving)],
    )
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    yield f"http://127.0.0.1:{server.port}/slack/events"
    await service.drain()
    await server.close()
    await service.close()


def _install(engine: Engine, stub: SlackStub, team: str) -> None:
    installation_store(oauth_settings(stub, engine), engine).save(
        Installation(
            app_id="A0MOTE",
            team_id=team,
            bot_token=f"xoxb-{team.lower()}-secret",
            bot_id="B2",
            bot_user_id="U2",
            user_id="U0ADMIN",
            user_token=f"xoxp-{team.lower()}-secret",
        )
    )


async def _settled(engine: Engine) -> None:
    """Wait until the listener, which runs after the acknowledgement, has marked the team."""
    for _ in range(100):
        with transaction(engine) as session:
            ws = session.exec(select(Workspace).where(Workspace.external_id == "T0OTHER")).one()
            if ws.uninstalled_at is not None:  # the store's deletions come before the mark
                return
        await asyncio.sleep(0.05)


async def _post_event(url: str, team: str, event: dict[str, object], event_id: str) -> int:
    body = json.dumps(
        {
            "team_id": team,
            "api_app_id": "A0MOTE",
            "type": "event_callback",
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
        }
    )
    headers = {"Content-Type": "application/json", **sign(body)}
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as resp:
        return resp.status


async def test_oauth_uninstall_deletes_the_installation_only_of_that_team(
    oauth_events: str, sqlite_engine: Engine, stub: SlackStub
) -> None:
    _install(sqlite_engine, stub, "T0OTHER")
    _install(sqlite_engine, stub, "T0THIRD")
    with transaction(sqlite_engine) as session:
        session.add(Workspace(platform="slack", external_id="T0OTHER", created_at=TUESDAY))
    store = installation_store(oauth_settings(stub, sqlite_engine), sqlite_engine)

    status = await _post_event(oauth_events, "T0OTHER", {"type": "app_uninstalled"}, "Ev1")

    assert status == 200
    await _settled(sqlite_engine)
    assert store.find_bot(enterprise_id=None, team_id="T0OTHER") is None
    assert store.find_installation(enterprise_id=None, team_id="T0OTHER") is None
    assert store.find_bot(enterprise_id=None, team_id="T0THIRD") is not None
    with transaction(sqlite_engine) as session:
        [ws] = session.exec(select(Workspace)).all()
        assert ws.uninstalled_at is not None

    # A new install of that team resumes it.
    await ThreadedInstallationStore(store, sqlite_engine).async_save(
        Installation(app_id="A0MOTE", team_id="T0OTHER", bot_token="xoxb-new", user_id="U0ADMIN")
    )
    with transaction(sqlite_engine) as session:
        [ws] = session.exec(select(Workspace)).all()
        assert ws.uninstalled_at is None


async def test_oauth_tokens_revoked_deletes_the_bot(
    oauth_events: str, sqlite_engine: Engine, stub: SlackStub
) -> None:
    _install(sqlite_engine, stub, "T0OTHER")
    with transaction(sqlite_engine) as session:
        session.add(Workspace(platform="slack", external_id="T0OTHER", created_at=TUESDAY))
    store = installation_store(oauth_settings(stub, sqlite_engine), sqlite_engine)
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["U0ADMIN"], "bot": ["U2"]}}

    assert await _post_event(oauth_events, "T0OTHER", event, "Ev2") == 200

    await _settled(sqlite_engine)
    assert store.find_bot(enterprise_id=None, team_id="T0OTHER") is None
    assert store.find_installation(enterprise_id=None, team_id="T0OTHER", user_id="U0ADMIN") is None


def test_the_export_holds_no_slack_token(sqlite_engine: Engine, stub: SlackStub) -> None:
    _install(sqlite_engine, stub, "T0OTHER")
    with transaction(sqlite_engine) as session:
        session.add(Workspace(platform="slack", external_id="T0OTHER", created_at=TUESDAY))
    with transaction(sqlite_engine) as session:
        text = json.dumps(export_data(session, exported_at=TUESDAY))
    assert "T0OTHER" in text
    assert "xox" not in text and "secret" not in text
