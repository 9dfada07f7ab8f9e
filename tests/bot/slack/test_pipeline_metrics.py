"""A modal submission and a typed command take the same pipeline, and /metrics counts both."""

from __future__ import annotations

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from tests.bot.slack.conftest import SlackHarness
from tests.bot.slack.helpers import slack_actions
from tests.bot.slack.slack_stub import TEAM

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(slack: SlackHarness) -> Samples:
    """GET /metrics of the very server Slack posts to."""
    url = f"http://127.0.0.1:{slack.server.port}/metrics"
    async with ClientSession() as http, http.get(url) as resp:
        assert resp.status == 200
        body = await resp.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def counted(before: Samples, after: Samples, outcome: str) -> float:
    key = ("motesbot_commands_total", (("command", "action"), ("outcome", outcome)))
    return after.get(key, 0.0) - before.get(key, 0.0)


async def test_modal_and_typed_command_are_counted_by_outcome(slack: SlackHarness) -> None:
    before = await scrape(slack)
    await slack.command("/action", "add Ring Anna senast 2026-12-05")
    await slack.command("/action", "flurb")  # a typo: user_error
    await slack.command("/action", "")  # opens the form: no command run yet
    [opened] = slack.stub.of("views.open")
    view = opened.args["view"]
    values = {
        "text": {"text": {"type": "plain_text_input", "value": "Boka lokal"}},
        "due": {"date": {"type": "datepicker", "selected_date": "2026-11-20"}},  # in the past
    }
    bad = {
        "type": "view_submission",
        "user": {"id": "U0SEK", "username": "sara", "team_id": TEAM},
        "view": {**view, "id": "V0BAD", "team_id": TEAM, "state": {"values": values}},
    }
    await slack.interact(bad)
    values["due"] = {"date": {"type": "datepicker", "selected_date": "2026-12-07"}}
    good = {**bad, "view": {**bad["view"], "id": "V0GOOD", "state": {"values": values}}}
    await slack.interact(good)
    await slack.interact(good)  # Slack's double submit: recognised by the view id
    after = await scrape(slack)

    assert counted(before, after, "ok") == 2  # the typed add and the form
    assert counted(before, after, "user_error") == 2  # the typo and the past date
    assert counted(before, after, "duplicate") == 1
    assert counted(before, after, "internal_error") == 0
    assert sorted(a["text"] for a in slack_actions(slack.engine)) == ["Boka lokal", "Ring Anna"]
    answers = [c.args["text"] for c in slack.stub.of("response_url")]
    assert sum("registrerad" in text for text in answers) == 2  # the duplicate is not answered
