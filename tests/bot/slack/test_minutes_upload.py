"""/meeting minutes in Slack: the Markdown and Word minutes are uploaded to the channel."""

from __future__ import annotations

import io

import docx

from tests.bot.slack.conftest import SlackHarness
from tests.bot.slack.helpers import slack_actions

MD = "minnesanteckningar-kc-mote-2026-12-10.md"
DOCX = "minnesanteckningar-kc-mote-2026-12-10.docx"


async def _held_meeting(slack: SlackHarness) -> None:
    for command, text in (
        ("/meeting", "new KC-möte 2026-12-10 08:30-12:00 Stadshuset"),
        ("/meeting", "start --ja"),
        ("/meeting", "punkt 1 Budget 2027"),
        ("/action", "add Skicka budgeten till kommunerna <@U0LISA> senast 2026-12-01"),
        ("/decision", "add Kommunchefsgruppen beslutar att godkänna budgeten"),
        ("/meeting", "punkt 2 Övriga frågor"),
        ("/action", "add Boka lokal"),
        ("/decision", "add Kommunchefsgruppen beslutar att nästa möte hålls i Vännäs"),
        ("/meeting", "avsluta"),
    ):
        await slack.command(command, text, response="setup")
    setup = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "setup"]
    assert not any("Skriv:" in a["text"] or "Hittar" in a["text"] for a in setup), setup


async def test_minutes_are_uploaded_to_the_channel_as_files(slack_any: SlackHarness) -> None:
    slack = slack_any
    await _held_meeting(slack)

    await slack.command("/meeting", "protokoll", response="minutes")

    # The three steps of files_upload_v2: ask for URLs, post the bytes, complete into CKC.
    asked = [c.args["filename"] for c in slack.stub.of("files.getUploadURLExternal")]
    assert asked == [MD, DOCX]
    assert len(slack.stub.of("upload")) == 2
    [complete] = slack.stub.of("files.completeUploadExternal")
    assert complete.args["channel_id"] == "CKC"
    assert complete.token == "xoxb-test-token"
    files = slack.stub.uploaded("CKC")
    assert set(files) == {MD, DOCX}

    markdown = files[MD].decode("utf-8")
    assert "# KC-möte" in markdown or "KC-möte" in markdown.splitlines()[0]
    assert "## 1. Budget 2027" in markdown
    for action in slack_actions(slack.engine):
        assert f"#{action['number']} {action['text']}" in markdown
    assert "Lisa Andersson" in markdown and "2026-12-01" in markdown
    assert "B1 Kommunchefsgruppen beslutar att godkänna budgeten" in markdown
    assert "B2 Kommunchefsgruppen beslutar att nästa möte hålls i Vännäs" in markdown

    word = docx.Document(io.BytesIO(files[DOCX]))
    assert [c.text for c in word.tables[0].rows[0].cells] == ["Åtgärd", "Slutdatum", "Ansvarig"]
    text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    )
    assert "Skicka budgeten till kommunerna" in text and "Boka lokal" in text
    assert "godkänna budgeten" in text and "hålls i Vännäs" in text

    # The caller is told what came, where only they see it.
    [answer] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "minutes"]
    assert "Minnesanteckningar" in answer["text"] and "2 åtgärder, 2 beslut" in answer["text"]


async def test_upload_outside_the_channel_says_to_invite_the_bot(slack: SlackHarness) -> None:
    await _held_meeting(slack)
    slack.stub.fail("files.completeUploadExternal", error="not_in_channel")

    await slack.command("/meeting", "protokoll", response="minutes")

    [answer] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "minutes"]
    assert "/invite @Mötesbot" in answer["text"]
    assert answer["response_type"] == "ephemeral"
    assert "Traceback" not in answer["text"]
    assert slack.stub.uploaded() == {}


async def test_upload_without_files_write_names_the_scope(slack: SlackHarness) -> None:
    await _held_meeting(slack)
    slack.stub.fail("files.getUploadURLExternal", error="missing_scope")

    await slack.command("/meeting", "protokoll", response="minutes")

    [answer] = [c.args for c in slack.stub.of("response_url") if c.args["_name"] == "minutes"]
    assert "files:write" in answer["text"] and "installera om" in answer["text"]
    assert slack.stub.of("files.completeUploadExternal") == []


async def test_an_action_logged_in_a_dm_without_owner_is_the_writers(slack: SlackHarness) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0SEK",
        "text": "action add Boka lokal senast 2026-12-05",
        "ts": "1790000000.000400",
        "channel": "D0SEK",
        "event_ts": "1790000000.000400",
    }
    await slack.event(event, event_id="Ev0DMOWN")

    [action] = slack_actions(slack.engine)
    assert [o["name"] for o in action["owners"]] == ["Sara Sekreterare"]
