"""Slash commands, mentions and DMs over real HTTP, signed as Slack signs them."""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from bot.settings import Settings
from bot.web import create_app
from storage.db import make_engine
from tests.bot.slack.conftest import SECRET, SlackHarness, _harness, sign
from tests.bot.slack.helpers import slack_actions, slack_people


async def test_action_add_is_acked_fast_and_answers_with_the_new_id(
    slack_any: SlackHarness,
) -> None:
    slack = slack_any
    answer = await slack.command("/action", "add Ring Anna <@U0LISA> senast 2026-12-05")

    assert answer.status == 200
    assert answer.seconds < 3
    [response] = await slack.stub.wait_for("response_url")
    assert "#1" in response.args["text"]
    assert "Lisa Andersson" in response.args["text"]
    assert response.args["response_type"] == "ephemeral"
    assert response.args["blocks"][0]["type"] == "section"
    asked = {c.args["user"] for c in slack.stub.of("users.info")}
    assert asked == {"U0SEK", "U0LISA"}
    assert all(
        c.args["include_locale"] in ("1", "true", "True") for c in slack.stub.of("users.info")
    )
    [action] = slack_actions(slack.engine)
    assert action["text"] == "Ring Anna"
    assert action["due_date"] == "2026-12-05"
    assert [o["name"] for o in action["owners"]] == ["Lisa Andersson"]
    people = slack_people(slack.engine)
    assert people["U0LISA"]["locale"] == "sv-SE"
    assert people["U0LISA"]["timezone"] == "Europe/Stockholm"


async def test_action_list_lists_what_was_added(slack: SlackHarness) -> None:
    await slack.command("/action", "add Ring Anna <@U0SEK> senast 2026-12-05")
    await slack.command("/action", "list", response="list")

    listing = [c for c in slack.stub.of("response_url") if c.args["_name"] == "list"]
    assert "#1 Ring Anna" in listing[0].args["text"]
    # Buttons come with the list: Klar runs "action done #1".
    elements = [
        e for b in listing[0].args["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert {
        "run_command:action done #1",
        "pick_date:action due #1",
        "open_note:action note #1",
    } <= {e["action_id"] for e in elements}


async def test_profiles_are_cached_not_asked_again(slack: SlackHarness) -> None:
    await slack.command("/action", "add Ett <@U0LISA>")
    await slack.command("/action", "add Två <@U0LISA>")

    assert len(slack.stub.of("users.info")) == 2  # the caller and Lisa, once each


async def test_after_a_restart_known_people_are_read_from_storage_not_asked_again(
    slack: SlackHarness,
) -> None:
    await slack.command("/action", "add Ett <@U0LISA>")
    asked = len(slack.stub.of("users.info"))

    async for restarted in _harness(slack.engine, slack.stub):  # a new process, same database
        restarted._n = slack._n  # Slack's trigger ids go on; a repeated one is a redelivery
        await restarted.command("/action", "add Två <@U0LISA>", response="two")
        [answer] = [c for c in restarted.stub.of("response_url") if c.args["_name"] == "two"]
        assert "#2" in answer.args["text"] and "Lisa Andersson" in answer.args["text"]
    assert len(slack.stub.of("users.info")) == asked == 2


async def test_english_locale_gets_english(slack: SlackHarness) -> None:
    await slack.command("/action", "add Call Anna by 2026-12-05", user="U0JOHN")

    [response] = await slack.stub.wait_for("response_url")
    assert "Action #1 logged" in response.args["text"]


async def test_app_mention_adds_once_even_when_slack_retries(slack_any: SlackHarness) -> None:
    slack = slack_any
    event = {
        "type": "app_mention",
        "user": "U0SEK",
        "text": "<@UBOT> action add Boka lokal",
        "ts": "1790000000.000100",
        "channel": "CKC",
        "event_ts": "1790000000.000100",
    }
    first = await slack.event(event, event_id="Ev0MENTION1")
    retried = await slack.event(event, event_id="Ev0MENTION1", retry=1)

    assert first.status == 200 and retried.status == 200
    assert [a["text"] for a in slack_actions(slack.engine)] == ["Boka lokal"]
    # Answered once, to the caller (no meeting runs in the channel).
    [answer] = slack.stub.of("chat.postEphemeral")
    assert answer.args["channel"] == "CKC" and answer.args["user"] == "U0SEK"
    assert "#1" in answer.args["text"]


async def test_mention_in_a_thread_is_answered_in_the_thread(slack: SlackHarness) -> None:
    event = {
        "type": "app_mention",
        "user": "U0SEK",
        "text": "<@UBOT> åtgärd lista",
        "ts": "1790000000.000150",
        "thread_ts": "1790000000.000100",
        "channel": "CKC",
        "event_ts": "1790000000.000150",
    }
    await slack.event(event, event_id="Ev0THREAD")

    [answer] = slack.stub.of("chat.postEphemeral")
    assert answer.args["thread_ts"] == "1790000000.000100"


async def test_url_verification_answers_the_challenge(slack: SlackHarness) -> None:
    body = '{"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}'
    answer = await slack.post(body, "application/json")

    assert answer.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in answer.body


async def test_direct_message_runs_the_command(slack: SlackHarness) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0SEK",
        "text": "åtgärd ny Skriv protokoll",
        "ts": "1790000000.000200",
        "channel": "D0SEK",
        "event_ts": "1790000000.000200",
    }
    await slack.event(event, event_id="Ev0DM1")
    # The bot's own messages come back as events too; they must be ignored.
    await slack.event({**event, "bot_id": "BBOT", "user": "UBOT"}, event_id="Ev0DM2")

    [posted] = slack.stub.of("chat.postMessage")
    assert posted.args["channel"] == "D0SEK"
    assert "#1" in posted.args["text"]
    assert [a["text"] for a in slack_actions(slack.engine)] == ["Skriv protokoll"]


async def test_forged_signature_is_refused_and_nothing_stored(slack: SlackHarness) -> None:
    body = slack.command_body("/action", "add Förfalskad")
    answer = await slack.post(
        body, "application/x-www-form-urlencoded", signed=sign(body, secret="wrong-secret")
    )

    assert answer.status == 401
    assert slack_actions(slack.engine) == []
    assert slack.stub.calls == []


async def test_stale_timestamp_is_refused_and_nothing_stored(slack: SlackHarness) -> None:
    body = slack.command_body("/action", "add Gammal")
    old = int(time.time()) - 6 * 60
    answer = await slack.post(
        body, "application/x-www-form-urlencoded", signed=sign(body, secret=SECRET, timestamp=old)
    )

    assert answer.status == 401
    assert slack_actions(slack.engine) == []


async def test_bad_input_is_a_short_message_not_a_traceback(slack: SlackHarness) -> None:
    await slack.command("/action", "add Ring Anna senast 2020-01-01")

    [response] = await slack.stub.wait_for("response_url")
    assert "redan passerat" in response.args["text"]
    assert "Traceback" not in response.args["text"]
    assert slack_actions(slack.engine) == []


async def test_unknown_slack_user_is_explained_and_nothing_stored(slack: SlackHarness) -> None:
    await slack.command("/action", "add Ring Anna <@U0GONE>")

    [response] = await slack.stub.wait_for("response_url")
    assert "Slack hittar inte användaren" in response.args["text"]
    assert slack_actions(slack.engine) == []


async def test_missing_scope_says_which_permission(slack: SlackHarness) -> None:
    await slack.command("/action", "list")  # the caller is known from here on
    slack.stub.fail("users.info", error="missing_scope")
    await slack.command("/action", "add Ring Anna <@U0LISA>", response="scope")

    [response] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "scope"]
    assert "users:read" in response["text"] and "installera om" in response["text"]
    assert slack_actions(slack.engine) == []


async def test_rate_limited_call_is_retried_and_arrives_once(slack: SlackHarness) -> None:
    slack.stub.fail("chat.postMessage", status=429, headers={"Retry-After": "0"})
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0SEK",
        "text": "action add Ring",
        "ts": "1790000000.000300",
        "channel": "D0SEK",
        "event_ts": "1790000000.000300",
    }
    await slack.event(event, event_id="Ev0RATE")

    posts = slack.stub.of("chat.postMessage")
    assert len(posts) == 2  # the 429, then the retry that got through
    assert len(slack_actions(slack.engine)) == 1


async def test_channel_replies_go_in_channel_while_a_meeting_runs(slack: SlackHarness) -> None:
    await slack.command("/meeting", "new KC-möte 2026-11-23 08:30-12:00 Stadshuset")
    await slack.command("/meeting", "start --ja")
    await slack.command("/action", "add Boka lokal", response="add")

    [added] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "add"]
    assert added["response_type"] == "in_channel" and "#1" in added["text"]
    [action] = slack_actions(slack.engine)
    assert action["meeting_id"] is not None


async def test_not_in_channel_tells_the_caller_how_to_invite_the_bot(slack: SlackHarness) -> None:
    # A decision logged from the global shortcut, for a channel the bot was never invited to.
    await slack.interact(
        {
            "type": "shortcut",
            "callback_id": "log_decision",
            "user": {"id": "U0SEK", "username": "sara", "team_id": "T0KOMMUN"},
        }
    )
    [opened] = slack.stub.of("views.open")
    slack.stub.fail("chat.postEphemeral", error="not_in_channel")
    values = {
        "text": {"text": {"type": "plain_text_input", "value": "Gruppen beslutar att anta planen"}},
        "channel": {"channel": {"type": "conversations_select", "selected_conversation": "CPRIV"}},
    }
    await slack.interact(
        {
            "type": "view_submission",
            "user": {"id": "U0SEK", "username": "sara", "team_id": "T0KOMMUN"},
            "view": {
                **opened.args["view"],
                "id": "V0NIC",
                "team_id": "T0KOMMUN",
                "state": {"values": values},
            },
        }
    )

    [dm] = slack.stub.of("chat.postMessage")
    assert dm.args["channel"] == "U0SEK"
    assert "Bjud in Mötesbot till kanalen: /invite @Mötesbot" in dm.args["text"]
    assert "B1" in dm.args["text"]  # the decision itself was stored and is reported


async def test_expired_response_url_falls_back_to_the_web_api(slack: SlackHarness) -> None:
    slack.stub.fail("response_url", status=404)
    await slack.command("/action", "add Ring Anna")

    [ephemeral] = slack.stub.of("chat.postEphemeral")
    assert ephemeral.args["user"] == "U0SEK" and "#1" in ephemeral.args["text"]


async def test_healthz_is_200_with_the_database(slack: SlackHarness) -> None:
    async with slack.http.get(f"http://127.0.0.1:{slack.server.port}/healthz") as resp:
        assert resp.status == 200


async def test_healthz_is_503_without_the_database(tmp_path: Path) -> None:
    dead = make_engine(f"sqlite:///{tmp_path}/missing-dir/motesbot.db")
    app = create_app(Settings(), dead, [])
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{server.port}/healthz") as resp,
        ):
            assert resp.status == 503
    finally:
        await server.close()
        dead.dispose()


async def test_unreachable_response_url_is_answered_within_three_seconds(
    slack: SlackHarness,
) -> None:
    # Slack's real hooks host cannot be reached from here, as from a closed network.
    body = slack.command_body("/action", "add Ring Anna <@U0LISA> senast 2026-12-05").replace(
        "response_url=http",
        "response_url=https%3A%2F%2Fhooks.slack.invalid%2Fcommands%2FT1%2F2%2F3&x=http",
    )
    started = time.perf_counter()
    answer = await slack.post(body, "application/x-www-form-urlencoded")
    assert answer.status == 200
    [ephemeral] = await slack.stub.wait_for("chat.postEphemeral", timeout=3.0)
    assert time.perf_counter() - started < 3.0
    assert "#1 Ring Anna" in ephemeral.args["text"]
    assert slack.stub.of("response_url") == [], [c.args for c in slack.stub.of("response_url")]
