"""Buttons, date pickers, modals, shortcuts and the App Home, over real HTTP."""

from __future__ import annotations

import json
from typing import Any

from tests.bot.slack.conftest import SlackHarness
from tests.bot.slack.helpers import exported, slack_actions, slack_people
from tests.bot.slack.slack_stub import TEAM


async def _listed(slack: SlackHarness) -> dict[str, Any]:
    """Add two actions and list them; return the list message as Slack would show it."""
    await slack.command("/action", "add Ring Anna <@U0SEK> senast 2026-12-05")
    await slack.command("/action", "add Boka lokal <@U0SEK>")
    await slack.command("/action", "list", response="list")
    listing = [c for c in slack.stub.of("response_url") if c.args["_name"] == "list"][-1]
    return {
        "type": "message",
        "ts": "1790000000.000900",
        "text": listing.args["text"],
        "blocks": listing.args["blocks"],
    }


def _element(message: dict[str, Any], action_id: str) -> tuple[str, dict[str, Any]]:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element["action_id"] == action_id:
                return block["block_id"], element
    raise AssertionError(f"no element {action_id}")


def _click(
    message: dict[str, Any],
    action_id: str,
    *,
    extra: dict[str, Any] | None = None,
    response: str = "click",
) -> dict[str, Any]:
    block_id, element = _element(message, action_id)
    action = {
        "action_id": action_id,
        "block_id": block_id,
        "type": element["type"],
        "action_ts": "1790000001.000001",
        **({"value": element["value"]} if "value" in element else {}),
        **(extra or {}),
    }
    return {
        "type": "block_actions",
        "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": "CKC",
            "is_ephemeral": False,
        },
        "channel": {"id": "CKC", "name": "kc-mote"},
        "message": message,
        "response_url": f"{{base}}/response/{response}",
        "actions": [action],
    }


def _with_base(slack: SlackHarness, payload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(payload).replace("{base}", slack.stub.base))


async def test_done_button_closes_the_action_and_updates_the_message(slack: SlackHarness) -> None:
    await slack.event(  # the owner has their App Home open
        {"type": "app_home_opened", "user": "U0SEK", "tab": "home", "event_ts": "1.2"},
        event_id="Ev0HOMESEK",
    )
    message = await _listed(slack)
    answer = await slack.interact(_with_base(slack, _click(message, "run_command:action done #1")))

    assert answer.status == 200
    [action1, action2] = sorted(slack_actions(slack.engine), key=lambda a: a["number"])
    assert action1["status"] == "done" and action2["status"] == "open"
    [update] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "click"]
    assert update["replace_original"] is True
    texts = [b["text"]["text"] for b in update["blocks"] if b["type"] == "section"]
    # Only #1 changed in place; #2 is still there with its buttons.
    assert any("#1 Ring Anna" in t and "klar" in t for t in texts)
    assert any("#2 Boka lokal" in t for t in texts)
    ids = {
        e["action_id"] for b in update["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert "run_command:action reopen #1" in ids and "run_command:action done #2" in ids
    # The owner's App Home, which they look at, is republished after the change.
    homes = await slack.stub.wait_for("views.publish")
    assert homes[-1].args["user_id"] == "U0SEK"


async def test_date_picker_sets_the_due_date(slack: SlackHarness) -> None:
    message = await _listed(slack)
    payload = _click(message, "pick_date:action due #2", extra={"selected_date": "2026-12-18"})
    await slack.interact(_with_base(slack, payload))

    by_number = {a["number"]: a for a in slack_actions(slack.engine)}
    assert by_number[2]["due_date"] == "2026-12-18"
    [update] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "click"]
    assert update["replace_original"] is True


async def test_note_button_opens_a_modal_and_its_submission_saves_the_note(
    slack: SlackHarness,
) -> None:
    message = await _listed(slack)
    await slack.interact(_with_base(slack, _click(message, "open_note:action note #1")))

    [opened] = slack.stub.of("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "note_modal"
    submission = {
        "type": "view_submission",
        "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
        "view": {
            **view,
            "id": "V0NOTE",
            "team_id": TEAM,
            "state": {
                "values": {
                    "note": {"text": {"type": "plain_text_input", "value": "Remissen är ute"}}
                }
            },
        },
    }
    answer = await slack.interact(submission)

    assert answer.status == 200
    by_number = {a["number"]: a for a in slack_actions(slack.engine)}
    assert [n["text"] for n in by_number[1]["notes"]] == ["Remissen är ute"]
    confirmations = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "click"]
    assert "Anteckning sparad på #1" in confirmations[-1]["text"]


async def test_action_without_text_opens_the_form_which_creates_the_action(
    slack: SlackHarness,
) -> None:
    await slack.command("/meeting", "new KC-möte 2026-12-10 08:30-12:00 Stadshuset")
    await slack.command("/meeting", "item 3.1 Ekonomi - rapport")
    await slack.command("/action", "")

    [opened] = slack.stub.of("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "action_modal"
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["owners"]["element"]["type"] == "multi_users_select"
    options = blocks["item"]["element"]["options"]
    assert "3.1 Ekonomi" in options[0]["text"]["text"]
    values = {
        "text": {"text": {"type": "plain_text_input", "value": "Ta fram budgetunderlag"}},
        "owners": {"users": {"type": "multi_users_select", "selected_users": ["U0LISA"]}},
        "names": {"names": {"type": "plain_text_input", "value": "Anna Berg, Kansliet"}},
        "due": {"date": {"type": "datepicker", "selected_date": "2026-12-05"}},
        "item": {"item": {"type": "static_select", "selected_option": options[0]}},
    }
    submission = {
        "type": "view_submission",
        "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
        "view": {**view, "id": "V0FORM", "team_id": TEAM, "state": {"values": values}},
    }
    await slack.interact(submission)
    await slack.interact(submission)  # a double submit changes nothing
    [confirmation] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "r1"][-1:]
    assert "#1" in confirmation["text"] and "Lisa Andersson" in confirmation["text"]

    [action] = slack_actions(slack.engine)
    assert action["text"] == "Ta fram budgetunderlag"
    assert [o["name"] for o in action["owners"]] == ["Lisa Andersson", "Anna Berg", "Kansliet"]
    assert action["due_date"] == "2026-12-05"
    assert action["item_number"] == "3.1"


async def test_message_shortcut_prefills_text_and_permalink(slack: SlackHarness) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "create_action",
        "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
        "channel": {"id": "CKC", "name": "kc-mote"},
        "message": {
            "type": "message",
            "user": "U0LISA",
            "ts": "1790000000.000500",
            "text": "Kan någon kolla lokalen till mars?",
        },
        "message_ts": "1790000000.000500",
        "response_url": slack.stub.response_url("shortcut"),
    }
    await slack.interact(payload)

    [permalink] = slack.stub.of("chat.getPermalink")
    assert (
        permalink.args["channel"] == "CKC" and permalink.args["message_ts"] == "1790000000.000500"
    )
    [opened] = slack.stub.of("views.open")
    blocks = {b["block_id"]: b for b in opened.args["view"]["blocks"]}
    assert blocks["text"]["element"]["initial_value"] == "Kan någon kolla lokalen till mars?"
    link = blocks["link"]["element"]["initial_value"]
    assert link.startswith("https://umea.example/archives/CKC/")

    values = {
        "text": {"text": {"type": "plain_text_input", "value": "Kolla lokalen till mars"}},
        "link": {"link": {"type": "plain_text_input", "value": link}},
    }
    await slack.interact(
        {
            "type": "view_submission",
            "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
            "view": {
                **opened.args["view"],
                "id": "V0SHORT",
                "team_id": TEAM,
                "state": {"values": values},
            },
        }
    )
    [action] = slack_actions(slack.engine)
    assert action["text"] == "Kolla lokalen till mars"
    assert [n["text"] for n in action["notes"]] == [link]
    replies = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "shortcut"]
    assert "#1" in replies[-1]["text"]


async def test_global_shortcut_logs_a_decision(slack: SlackHarness) -> None:
    await slack.interact(
        {
            "type": "shortcut",
            "callback_id": "log_decision",
            "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
        }
    )
    [opened] = slack.stub.of("views.open")
    assert opened.args["view"]["callback_id"] == "decision_modal"
    values = {
        "text": {
            "text": {
                "type": "plain_text_input",
                "value": "Kommunchefsgruppen beslutar att godkänna rapporten",
            }
        },
        "channel": {"channel": {"type": "conversations_select", "selected_conversation": "CKC"}},
    }
    await slack.interact(
        {
            "type": "view_submission",
            "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
            "view": {
                **opened.args["view"],
                "id": "V0DEC",
                "team_id": TEAM,
                "state": {"values": values},
            },
        }
    )

    [ws] = [w for w in exported(slack.engine)["workspaces"] if w["platform"] == "slack"]
    assert [d["text"] for d in ws["decisions"]] == [
        "Kommunchefsgruppen beslutar att godkänna rapporten"
    ]
    [told] = slack.stub.of("chat.postEphemeral")
    assert "B1" in told.args["text"] and told.args["channel"] == "CKC"


async def test_app_home_shows_my_actions_grouped(slack: SlackHarness) -> None:
    await slack.command("/meeting", "new KC-möte 2026-12-10 08:30-12:00 Stadshuset")
    await slack.command("/action", "add Nästa veckas sak <@U0SEK> senast 2026-11-30")
    await slack.command("/action", "add Veckans sak <@U0SEK> senast 2026-11-27")
    await slack.command("/action", "add Senare sak <@U0SEK> senast 2026-12-20")
    await slack.command("/action", "add Sak utan datum <@U0SEK>")
    slack.stub.calls.clear()
    await slack.event(
        {
            "type": "app_home_opened",
            "user": "U0SEK",
            "channel": "D0SEK",
            "tab": "home",
            "event_ts": "1790000000.000700",
        },
        event_id="Ev0HOME",
    )

    [published] = slack.stub.of("views.publish")
    assert published.args["user_id"] == "U0SEK"
    view = published.args["view"]
    assert view["type"] == "home"
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    order = [t for t in texts if t.startswith("*")]
    assert order == [
        "*Mina åtgärder*",
        "*Denna vecka*",
        "*Senare*",
        "*Utan datum*",
        "*Kommande möten*",
    ]
    assert any("KC-möte" in t for t in texts)
    buttons = {
        e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert "run_command:action done #4" in buttons


async def test_user_change_refreshes_the_cached_profile(slack: SlackHarness) -> None:
    await slack.command("/action", "add Ett <@U0LISA>")
    changed = {
        **slack.stub.users["U0LISA"],
        "real_name": "Lisa Lindberg",
        "profile": {"real_name": "Lisa Lindberg"},
        "locale": "en-US",
    }
    slack.stub.users["U0LISA"] = changed
    await slack.event(
        {"type": "user_change", "user": changed, "event_ts": "1790000000.000800"},
        event_id="Ev0CHANGE",
    )
    before = len(slack.stub.of("users.info"))
    await slack.command("/action", "add Två <@U0LISA>")

    assert len(slack.stub.of("users.info")) == before + 1  # stale after the change: asked again
    owners = {o["name"] for a in slack_actions(slack.engine) for o in a["owners"]}
    assert owners == {"Lisa Lindberg"}


async def test_user_change_of_a_stranger_adds_nobody(slack: SlackHarness) -> None:
    stranger = {"id": "U0NEW", "real_name": "Ny Person", "profile": {"real_name": "Ny Person"}}
    await slack.event(
        {"type": "user_change", "user": stranger, "event_ts": "1790000000.000810"},
        event_id="Ev0STRANGER",
    )

    assert "U0NEW" not in slack_people(slack.engine)


async def test_show_more_button_pages_through_a_long_list(slack: SlackHarness) -> None:
    for n in range(1, 23):
        await slack.command("/action", f"add Uppgift {n} <@U0SEK>")
    await slack.command("/action", "lista", response="list")
    listing = [c for c in slack.stub.of("response_url") if c.args["_name"] == "list"][-1]
    message = {
        "type": "message",
        "ts": "1790000000.000900",
        "text": listing.args["text"],
        "blocks": listing.args["blocks"],
    }
    assert len(message["blocks"]) <= 50  # Slack's limit: every action of the page is shown
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert sum(t.startswith("#") for t in texts) == 20
    assert any("… och 2 till. Visa fler: /action lista sida 2" in t for t in texts)
    _, more = _element(message, "run_command:action lista sida 2")
    assert more["text"]["text"] == "Visa fler" and more["value"] == "action lista sida 2"

    await slack.interact(
        _with_base(slack, _click(message, "run_command:action lista sida 2", response="more"))
    )
    [page2] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "more"]
    assert page2["replace_original"] is True
    texts = [b["text"]["text"] for b in page2["blocks"] if b["type"] == "section"]
    assert "(sida 2)" in texts[0]
    assert [t.split(" ", 1)[0] for t in texts[1:]] == ["#21", "#22"]


async def test_a_confirmation_button_answers_the_whole_channel(slack: SlackHarness) -> None:
    await slack.command("/meeting", "new KC-möte 2026-12-10 08:30-12:00 Stadshuset")
    await slack.command("/meeting", "start", response="question")
    [asked] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "question"]
    assert asked["response_type"] == "ephemeral"
    texts = [b["text"]["text"] for b in asked["blocks"] if b["type"] == "section"]
    assert "Starta det ändå?" in texts[0]
    assert "Starta nu: /meeting start --ja" in texts[1]
    message = {"type": "message", "ts": "1790000000.000901", "text": asked["text"]}
    message["blocks"] = asked["blocks"]
    payload = _click(message, "run_command:meeting start --ja", response="yes")
    payload["container"]["is_ephemeral"] = True
    await slack.interact(_with_base(slack, payload))

    answers = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "yes"]
    assert answers[0].get("delete_original") is True  # the question and its buttons go
    assert answers[1]["response_type"] == "in_channel"
    assert answers[1]["text"].startswith("Mötet har börjat")
    meetings = [m for ws in exported(slack.engine)["workspaces"] for m in ws["meetings"]]
    assert [m["status"] for m in meetings] == ["running"]
