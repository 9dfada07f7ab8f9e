"""A contact person answers the yearly report request in Slack: button, form, report."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.blocks import blocks
from commands.assignment_followup import report_buttons
from commands.reply import Line, Reply
from storage.db import transaction
from storage.models import Assignment
from tests.bot.slack.conftest import SlackHarness
from tests.bot.slack.helpers import exported
from tests.bot.slack.slack_stub import TEAM


async def _dm(slack: SlackHarness, text: str, n: int) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0SEK",
        "text": text,
        "ts": f"1790000000.00{n:04d}",
        "channel": "D0SEK",
        "event_ts": f"1790000000.00{n:04d}",
    }
    await slack.event(event, event_id=f"Ev0UPD{n}")


async def test_report_button_opens_the_form_and_files_a_report_with_its_status(
    slack: SlackHarness,
) -> None:
    await _dm(slack, "arbetsgrupp ny Näringslivsgruppen <@U0SEK>", 1)
    await _dm(slack, "uppdrag ny Rally VM @Näringslivsgruppen", 2)
    with transaction(slack.engine) as session:
        assignment = session.get(Assignment, 1)
        assert assignment is not None
        request = Reply(
            "Årlig avrapportering", (Line("U1 Rally VM", report_buttons(assignment, "sv")),)
        )
    message: dict[str, Any] = {
        "type": "message",
        "ts": "1790000000.000900",
        "text": request.headline,
        "blocks": blocks(request),
    }
    block = next(b for b in message["blocks"] if b.get("type") == "actions")
    element = next(e for e in block["elements"] if e["action_id"].endswith("report U1 done"))
    click = {
        "type": "block_actions",
        "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": "D0SEK"},
        "channel": {"id": "D0SEK", "name": "directmessage"},
        "message": message,
        "response_url": f"{slack.stub.base}/response/click",
        "actions": [
            {
                "action_id": element["action_id"],
                "block_id": block["block_id"],
                "type": "button",
                "value": element.get("value", ""),
                "action_ts": "1790000001.000001",
            }
        ],
    }
    await slack.interact(json.loads(json.dumps(click)))
    [opened] = slack.stub.of("views.open")
    view = opened.args["view"]
    submission = {
        "type": "view_submission",
        "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
        "view": {
            **view,
            "id": "V0UPD",
            "team_id": TEAM,
            "state": {
                "values": {
                    "note": {"text": {"type": "plain_text_input", "value": "Rallyt genomfört"}}
                }
            },
        },
    }
    answer = await slack.interact(submission)
    assert answer.status == 200
    [stored] = exported(slack.engine)["workspaces"][0]["assignments"]
    assert [(r["kind"], r["status"], r["text"]) for r in stored["reports"]] == [
        ("report", "utfört", "Rallyt genomfört")
    ]
    assert stored["status"] == "pågår"  # only the KC group's verdict changes it


async def test_slash_commands_uppdrag_and_arbetsgrupp(slack: SlackHarness) -> None:
    await slack.command("/arbetsgrupp", "ny Näringslivsgruppen <@U0SEK>", response="grp")
    await slack.command("/uppdrag", "ny Business Arena @Näringslivsgruppen", response="upd")
    replies = {c.args["_name"]: c.args["text"] for c in slack.stub.of("response_url")}
    assert "Näringslivsgruppen registrerad" in replies["grp"]
    assert "Uppdrag U1 registrerat" in replies["upd"]
    assert "ansvarig: Näringslivsgruppen" in replies["upd"]
