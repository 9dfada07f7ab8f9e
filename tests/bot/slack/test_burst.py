"""A burst of commands: every one answered, and each App Home in view republished once, after."""

from __future__ import annotations

import asyncio

from tests.bot.slack.conftest import SlackHarness

FORM = "application/x-www-form-urlencoded"


async def test_a_burst_is_answered_and_each_home_republished_once_after_the_answers(
    slack: SlackHarness,
) -> None:
    # Lisa and the secretary look at their homes; John never opened his.
    for user in ("U0LISA", "U0SEK"):
        await slack.event(
            {"type": "app_home_opened", "user": user, "tab": "home", "event_ts": "1.2"},
            event_id=f"Ev0HOME{user}",
        )
    slack.stub.calls.clear()
    # Long enough for the burst to arrive; the homes wait for it, then for its answers.
    slack.service.home_delay = 0.3
    bodies = [
        slack.command_body("/action", f"add Uppgift {i} <@U0LISA> <@U0JOHN>", response=f"b{i}")
        for i in range(6)
    ]

    answers = await asyncio.gather(*(slack.post(body, FORM) for body in bodies))
    await slack.stub.wait_for("views.publish", 2, timeout=10)
    await slack.service.drain()

    assert [a.status for a in answers] == [200] * 6
    replies = slack.stub.of("response_url")
    assert sorted(r.args["_name"] for r in replies) == [f"b{i}" for i in range(6)]
    # The caller, Lisa and John are the stakeholders of all six: one home each for the two
    # who look at theirs, not six; John's is published fresh when he opens it.
    homes = slack.stub.of("views.publish")
    assert sorted(h.args["user_id"] for h in homes) == ["U0LISA", "U0SEK"]
    methods = [c.method for c in slack.stub.calls]
    last_answer = max(i for i, m in enumerate(methods) if m == "response_url")
    assert methods.index("views.publish") > last_answer
    # And the home shows what the burst logged.
    [lisa] = [h for h in homes if h.args["user_id"] == "U0LISA"]
    texts = " ".join(
        b["text"]["text"] for b in lisa.args["view"]["blocks"] if b["type"] == "section"
    )
    assert "Uppgift 5" in texts


async def test_a_second_command_asks_slack_for_no_profile(slack: SlackHarness) -> None:
    await slack.command("/action", "add Ett <@U0LISA>")
    asked = len(slack.stub.of("users.info"))
    await slack.command("/action", "lista")
    await slack.command("/action", "add Två <@U0LISA>")

    assert asked == 2  # the caller and Lisa
    assert len(slack.stub.of("users.info")) == asked
