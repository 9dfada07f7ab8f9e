"""Hostile and careless requests through the real HTTP endpoint, ``POST /slack/events``.

Our web app with the Slack routes listens on a real port of 127.0.0.1 (the
harness of ``tests/bot/slack``); requests are signed as Slack signs them; what
the user would see arrives at the Slack stub (response_url, Web API calls).
The register is compared through the JSON export before and after.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.listeners import SLASH_COMMANDS
from bot.slack.oauth import installation_store
from bot.slack.routes import slack_routes
from bot.web import create_app
from commands import metrics
from commands.i18n import t
from storage.backup import export_data
from storage.db import transaction
from tests.bot.slack.conftest import SECRET, SlackHarness, sign, slack, stub
from tests.bot.slack.slack_stub import TEAM, SlackStub
from tests.conftest import NOW
from tests.proof.test_bad_input import EXCEPTION_NAMES, TRACEBACK, argument_text, junk

__all__ = ["slack", "stub"]  # the harness fixtures, imported for this module's tests

FORM = "application/x-www-form-urlencoded"
SUBS = ["add", "ny", "done", "klar", "note", "show", "visa", "list", "lista", "edit", "due"]
SEED = [
    ("/action", "add Ring Anna om budgeten <@U0LISA> senast 2026-12-04"),
    ("/action", "add Boka lokal"),
    ("/decision", "add Protokollet justeras av Karin"),
    ("/meeting", "new KC-möte 2026-12-10 08:30-12:00"),
]


def snapshot(engine: Engine) -> str:
    """The whole register as exported."""
    with transaction(engine) as session:
        data = export_data(session, exported_at=datetime(2026, 1, 1, tzinfo=UTC))
    return json.dumps(data, sort_keys=True, default=str)


class Outcomes:
    """Counts how each command ended, through the neutral metrics hooks."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def command(self, command: str, outcome: str, seconds: float) -> None:
        self.seen.append(outcome)

    def scheduled_send(self, kind: str, outcome: str, seconds: float | None) -> None:
        """Not needed here."""

    def leader(self, is_leader: bool) -> None:
        """Not needed here."""


@pytest.fixture
def outcomes() -> Iterator[Outcomes]:
    observer = Outcomes()
    metrics.subscribe(observer)
    yield observer
    metrics.unsubscribe(observer)


def seen_by_user(stub: SlackStub, since: int) -> str:
    """Everything the stub received after call ``since``, as the user could see it."""
    return json.dumps([c.args for c in stub.calls[since:]], ensure_ascii=False)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=st.sampled_from(SLASH_COMMANDS),
    sub=st.one_of(st.sampled_from(SUBS), junk),
    args=argument_text,
)
async def test_fuzzed_slash_commands_over_http(
    slack: SlackHarness, outcomes: Outcomes, command: str, sub: str, args: str
) -> None:
    if not outcomes.seen:  # the first example seeds the shared register
        for seed_command, seed_text in SEED:
            assert (await slack.command(seed_command, seed_text)).status == 200
    before, calls, done = snapshot(slack.engine), len(slack.stub.calls), len(outcomes.seen)
    text = f"{sub} {args}"
    answer = await slack.command(command, text)
    assert answer.status < 500, answer.body
    assert answer.seconds < 3
    answered = {c.method for c in slack.stub.calls[calls:]} & {"response_url", "views.open"}
    assert answered, f"no answer to /{command} {text}"  # a reply, or the modal for a bare /action
    shown = seen_by_user(slack.stub, calls) + answer.body
    assert not TRACEBACK.search(shown), shown[:500]
    for name in EXCEPTION_NAMES:
        assert name not in shown or name in text, (name, shown[:500])
    new = outcomes.seen[done:]
    assert not {"internal_error", "unavailable"} & set(new), (text, new)
    if new and new != ["ok"]:
        assert snapshot(slack.engine) == before, (command, text, new)


async def test_oversized_body_is_refused_and_nothing_stored(slack: SlackHarness) -> None:
    before, calls = snapshot(slack.engine), len(slack.stub.calls)
    answer = await slack.command("/action", "add " + "Å" * 1_000_000)  # 2 MB once encoded
    assert answer.status == 413
    assert snapshot(slack.engine) == before
    assert slack.stub.calls[calls:] == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot+json", FORM),
        ("payload=", FORM),
        (urlencode({"payload": "[1, 2]"}), FORM),
        (urlencode({"payload": '"just a string"'}), FORM),
        (urlencode({"payload": json.dumps({"type": "block_actions"})}), FORM),
        (urlencode({"payload": json.dumps({"type": "block_actions", "actions": "x"})}), FORM),
        ("{not json", "application/json"),
        ("[]", "application/json"),
    ],
)
async def test_malformed_payloads_get_a_4xx_or_a_clean_ack(
    slack: SlackHarness, outcomes: Outcomes, body: str, content_type: str
) -> None:
    assert (await slack.command("/action", "add Ring Anna")).status == 200
    before, calls = snapshot(slack.engine), len(slack.stub.calls)
    answer = await slack.post(body, content_type)
    await slack.service.drain()
    assert answer.status < 500, answer.body
    assert answer.status >= 400 or answer.body in ("", "{}"), answer.body
    assert not TRACEBACK.search(answer.body + seen_by_user(slack.stub, calls))
    assert snapshot(slack.engine) == before


async def test_forged_or_stale_signature_is_refused(slack: SlackHarness) -> None:
    before = snapshot(slack.engine)
    body = slack.command_body("/action", "add Förfalskad")
    forged = await slack.post(body, FORM, signed=sign(body, secret="not-our-secret"))
    stale = await slack.post(body, FORM, signed=sign(body, timestamp=int(time.time()) - 600))
    assert forged.status == 401 and stale.status == 401
    await slack.service.drain()
    assert snapshot(slack.engine) == before
    assert slack.stub.of("response_url") == []


async def test_an_unknown_team_is_answered_but_stores_nothing(slack: SlackHarness) -> None:
    """Single workspace: a signed request from another team creates no workspace of its own."""
    assert (await slack.command("/action", "add Ring Anna")).status == 200
    before, calls = snapshot(slack.engine), len(slack.stub.calls)
    body = slack.command_body("/action", "add Främmande uppgift").replace(TEAM, "T0EVIL")
    answer = await slack.post(body, FORM)
    await slack.service.drain()
    assert answer.status == 200
    assert answer.body == t("sv", "slack_foreign_team")
    click = {
        "type": "block_actions",
        "team": {"id": "T0EVIL", "domain": "evil"},
        "user": {"id": "U0SEK", "team_id": "T0EVIL"},
        "channel": {"id": "CKC"},
        "actions": [
            {"action_id": "run_command:action done #1", "value": "action done #1", "type": "button"}
        ],
        "trigger_id": "9.evil",
    }
    clicked = await slack.post(urlencode({"payload": json.dumps(click)}), FORM)
    await slack.service.drain()
    assert clicked.status == 200
    assert snapshot(slack.engine) == before
    # Nothing was done for the foreign team: no profile lookups, no replies, no homes.
    assert [c.method for c in slack.stub.calls[calls:]] == []


# --- Two workspaces on one distributed (OAuth) app: a button of one never reaches the other --


@pytest.fixture
async def two_teams(sqlite_engine: Engine, stub: SlackStub) -> AsyncIterator[SlackHarness]:
    settings = Settings(
        database_url=sqlite_engine.url.render_as_string(hide_password=False),
        slack_client_id="111.222",
        slack_client_secret="client-secret",
        slack_signing_secret=SECRET,
        slack_api_url=stub.api_url,
        motesbot_now=NOW.isoformat(),
    )
    store = installation_store(settings, sqlite_engine)
    for team, token in ((TEAM, "xoxb-kommun"), ("T0OTHER", "xoxb-other")):
        store.save(
            Installation(
                app_id="A0MOTE",
                team_id=team,
                bot_token=token,
                bot_id=f"B{team}",
                bot_user_id="UBOT",
                user_id="U0ADMIN",
            )
        )
    bolt_app, service = build_app(settings, sqlite_engine)
    service.home_delay = 0
    app = create_app(settings, sqlite_engine, [slack_routes(bolt_app, service.work.arriving)])
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    harness = SlackHarness(sqlite_engine, stub, server, service)
    yield harness
    await service.drain()
    await harness.close()
    await server.close()
    await service.close()


def click_of(team: str, command: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": team, "domain": "x"},
        "user": {"id": "U0SEK", "username": "sara", "team_id": team},
        "channel": {"id": "CKC", "name": "kc-mote"},
        "container": {"type": "message", "message_ts": "1790000000.000900", "channel_id": "CKC"},
        "message": {"type": "message", "ts": "1790000000.000900", "text": "", "blocks": []},
        "response_url": "",
        "actions": [
            {
                "action_id": f"run_command:{command}",
                "block_id": "b1",
                "type": "button",
                "value": command,
                "action_ts": "1790000001.000001",
            }
        ],
    }


async def test_a_button_of_another_workspace_finds_nothing_and_changes_nothing(
    two_teams: SlackHarness,
) -> None:
    slack = two_teams
    for n in range(3):
        assert (await slack.command("/action", f"add Kommunens uppgift {n}")).status == 200
    body = slack.command_body("/action", "add Den andras uppgift").replace(TEAM, "T0OTHER")
    assert (await slack.post(body, FORM)).status == 200
    await slack.service.drain()
    before, calls = snapshot(slack.engine), len(slack.stub.calls)

    for command in ("action done #3", "action cancel #2", "action show #3"):
        payload = click_of("T0OTHER", command)
        payload["response_url"] = slack.stub.response_url(f"click-{command}")
        answer = await slack.interact(payload | {"team": {"id": "T0OTHER", "domain": "x"}})
        assert answer.status == 200
        number = int(command.rsplit("#", 1)[1])
        shown = seen_by_user(slack.stub, calls)
        assert t("sv", "action_not_found", number=number) in shown, shown[:800]
        assert "Kommunens uppgift" not in shown
    assert snapshot(slack.engine) == before
    # Every Web API call for the other team used that team's own token.
    tokens = {c.token for c in slack.stub.calls[calls:] if c.method != "response_url"}
    assert tokens <= {"xoxb-other"}, tokens
