"""Files that go with a reply (minutes), uploaded to the conversation the command came from."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.slack.errors import error_code, explain
from bot.slack.turn import Turn
from commands.i18n import t
from commands.reply import Line, Reply

log = logging.getLogger("motesbot.slack")


async def upload_files(turn: Turn, reply: Reply) -> Reply:
    """Upload a reply's documents to the conversation the command came from.

    Uses files.getUploadURLExternal, the upload URL and files.completeUploadExternal
    (slack-sdk's ``files_upload_v2``), which needs the ``files:write`` scope and the
    bot in the channel.

    Returns:
        The reply to show next: unchanged after an upload, else a message for the
        caller saying what to do (invite the bot, reinstall for the scope).
    """
    if not turn.channel_id:
        return reply
    uploads = [
        {"content": f.as_bytes(), "filename": f.filename, "title": f.filename} for f in reply.files
    ]
    try:
        await turn.client.files_upload_v2(
            channel=turn.channel_id,
            file_uploads=uploads,
            initial_comment=reply.headline,
            thread_ts=turn.thread_ts,
        )
    except SlackApiError as err:
        log.warning("file upload failed: %s", error_code(err))
        note = explain(err, reply.lang)
        return Reply(note, (Line(reply.headline),), error=True, lang=reply.lang)
    except Exception as exc:  # the upload URL failed or Slack was unreachable
        log.warning("file upload failed", exc_info=True)
        note = t(reply.lang, "slack_other", error=type(exc).__name__)
        return Reply(note, (Line(reply.headline),), error=True, lang=reply.lang)
    return reply
