"""A JSON export restored into a new database keeps sending Slack DMs (single workspace).

See tests/bot/teams/test_restore.py for the walk; with one bot token nothing but the register
is needed, and no Slack token is ever in the export.
"""

from __future__ import annotations

from pathlib import Path

from tests.bot.slack.conftest import SECRET, SlackHarness
from tests.bot.teams.test_restore import _cli, _export_and_restore


async def test_restored_slack_register_sends_the_morning_dm(
    slack: SlackHarness, tmp_path: Path
) -> None:
    await slack.command("/action", "add Ring Anna <@U0LISA> senast 2026-11-24")
    settings = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.stub.api_url,
    }
    env = await _export_and_restore(slack.engine, tmp_path, **settings)
    assert "xoxb" not in (tmp_path / "backup.json").read_text(encoding="utf-8")
    before = len(slack.stub.calls)

    ticked = await _cli(env, tmp_path, "tick", "--at", "2026-11-24T08:00+01:00")

    calls = slack.stub.calls[before:]
    assert [c.args.get("users") for c in calls if c.method == "conversations.open"] == ["U0LISA"]
    [posted] = [c for c in calls if c.method == "chat.postMessage"]
    assert posted.args["channel"] == "DU0LISA" and "#1 Ring Anna" in str(posted.args)
    assert posted.token == "xoxb-test-token"
    assert "1 meddelande skickat" in ticked.stdout
