"""Bolt listeners: every one acknowledges first, then works and answers.

Slash commands, mentions and DMs run the neutral command handlers; buttons, date pickers and
modals run the command their element carries; the App Home shows "Mina åtgärder".
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import inbox, modals
from bot.slack.blocks import DATE_ACTION_PREFIX, NOTE_ACTION, RUN_ACTION
from bot.slack.delivery import private
from bot.slack.errors import explain
from bot.slack.service import SlackService, Turn
from bot.slack.slash import SLASH_COMMANDS, Body, read_slash, team_of, user_of
from commands.reply import Reply

log = logging.getLogger("motesbot.slack")

MESSAGE_SHORTCUT = "create_action"
GLOBAL_SHORTCUT = "log_decision"
_LINK_RE = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_LEADING_MENTION_RE = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,:]*")


def split_command(text: str) -> tuple[str, str]:
    """Split "action add x" (or "/åtgärd add x") into the command word and the rest."""
    word, _, rest = text.strip().partition(" ")
    return word.lstrip("/"), rest.strip()


def _interaction_turn(body: Body, client: AsyncWebClient, *, key: str | None = None) -> Turn:
    user_id, user_name = user_of(body)
    channel = body.get("channel")
    channel_id = channel.get("id") if isinstance(channel, dict) else None
    return Turn(
        team_id=team_of(body),
        user_id=user_id,
        client=client,
        channel_id=channel_id,
        user_name=user_name,
        response_url=body.get("response_url"),
        key=key,
    )


def register(app: AsyncApp, service: SlackService) -> None:
    """Attach every listener to the Bolt app."""
    track = service.tracked

    # -- slash commands ---------------------------------------------------------------------

    async def on_command(ack: Any, body: Body, client: AsyncWebClient, context: Any) -> None:
        await ack()
        slash = read_slash(body, client)
        if slash.opens_form:
            await open_action_modal(slash.turn, str(slash.trigger_id))
            return
        # The recording middleware may have started the command already (inbox.HeadStart).
        started = context.get(inbox.HEAD_START_KEY)
        result = await service.run(slash.turn, slash.command, slash.text, started=started)
        if not result.duplicate:
            await service.deliver(slash.turn, result.reply)

    for name in SLASH_COMMANDS:
        app.command(name)(track(on_command))

    async def open_action_modal(
        turn: Turn, trigger_id: str, *, text: str = "", link: str | None = None
    ) -> None:
        lang, items = await asyncio.gather(service.lang(turn), service.agenda_choices(turn))
        meta = {"channel": turn.channel_id, "response_url": turn.response_url}
        view = modals.action_modal(lang, meta, items=items, text=text, link=link)
        await open_view(turn, trigger_id, view, lang)

    async def open_view(turn: Turn, trigger_id: str, view: Body, lang: str | None = None) -> None:
        try:
            await turn.client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as err:
            message = explain(err, lang or await service.lang(turn))
            await service.deliver(turn, Reply(message, error=True, lang=lang or "sv"))

    # -- events -----------------------------------------------------------------------------

    async def run_event(
        body: Body, event: Body, client: AsyncWebClient, text: str, *, dm: bool
    ) -> None:
        command, rest = split_command(text)
        if not command:
            command, rest = "hjälp", ""  # just "@Mötesbot": every command family
        turn = Turn(
            team_id=team_of(body),
            user_id=str(event.get("user") or ""),
            client=client,
            channel_id=event.get("channel"),
            key=body.get("event_id"),
            thread_ts=event.get("thread_ts"),
            private=dm,
        )
        result = await service.run(turn, command, rest)
        if not result.duplicate:
            await service.deliver(turn, result.reply, dm=dm)

    async def on_mention(body: Body, event: Body, client: AsyncWebClient) -> None:
        text = _LEADING_MENTION_RE.sub("", str(event.get("text") or ""), count=1)
        await run_event(body, event, client, text, dm=False)

    app.event("app_mention")(track(on_mention))

    async def on_message(body: Body, event: Body, client: AsyncWebClient) -> None:
        # Only what a person types to the bot directly; edits, joins and bots are ignored.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await run_event(body, event, client, str(event.get("text") or ""), dm=True)

    app.event("message")(track(on_message))

    async def on_user_change(body: Body, event: Body) -> None:
        user = event.get("user")
        if isinstance(user, dict) and user.get("id"):
            await service.profiles.changed(team_of(body), user)

    app.event("user_change")(track(on_user_change))

    async def on_home_opened(body: Body, event: Body, client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        turn = Turn(team_id=team_of(body), user_id=str(event.get("user") or ""), client=client)
        await service.home.opened(turn)

    app.event("app_home_opened")(track(on_home_opened))

    # -- buttons and date pickers -----------------------------------------------------------

    async def run_element(body: Body, client: AsyncWebClient, line: str) -> None:
        turn = _interaction_turn(body, client, key=_trigger_key(body))
        command, rest = split_command(line)
        result = await service.run(turn, command, rest)
        if not result.duplicate:
            await service.update_clicked(turn, result.reply, body)

    async def on_run(ack: Any, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        await run_element(body, client, str(action.get("value") or ""))

    async def on_date(ack: Any, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        command = str(action.get("action_id") or "").partition(":")[2]
        picked = action.get("selected_date")
        if command and picked:
            await run_element(body, client, f"{command} {picked}")

    async def on_note_button(ack: Any, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        turn = _interaction_turn(body, client)
        command = str(action.get("value") or "")
        view = body.get("view") or {}
        meta = {
            "channel": turn.channel_id,
            "response_url": turn.response_url,
            "home": view.get("type") == "home",
        }
        lang = await service.lang(turn)
        await open_view(
            turn, str(body.get("trigger_id")), modals.note_modal(command, lang, meta), lang
        )

    app.action(re.compile(f"^{RUN_ACTION}:"))(track(on_run))
    app.action(re.compile(f"^{DATE_ACTION_PREFIX}:"))(track(on_date))
    app.action(re.compile(f"^{NOTE_ACTION}:"))(track(on_note_button))

    # -- modals -----------------------------------------------------------------------------

    def modal_turn(body: Body, view: Body, client: AsyncWebClient, channel: str | None) -> Turn:
        user_id, user_name = user_of(body)
        meta = modals.metadata(view)
        return Turn(
            team_id=team_of(body),
            user_id=user_id,
            client=client,
            channel_id=channel,
            user_name=user_name,
            response_url=meta.get("response_url"),
            key=f"view:{view.get('id')}" if view.get("id") else None,
        )

    async def on_note_submit(ack: Any, body: Body, view: Body, client: AsyncWebClient) -> None:
        await ack()
        meta = modals.metadata(view)
        turn = modal_turn(body, view, client, meta.get("channel"))
        command, rest = split_command(str(meta.get("command") or ""))
        note = modals.text_value(view, "note", "text")
        result = await service.run(turn, command, f"{rest} {note}")
        if result.duplicate:
            return
        if meta.get("home"):
            if not result.ok:
                await service.dm_user(turn, result.reply.as_text(), None)
            await service.publish_home(turn)
            return
        # A note's confirmation is for the one who wrote it, even mid-meeting.
        await service.deliver(turn, private(result.reply))

    async def on_action_submit(ack: Any, body: Body, view: Body, client: AsyncWebClient) -> None:
        await ack()
        meta = modals.metadata(view)
        turn = modal_turn(body, view, client, meta.get("channel"))
        # The form is /action add's structured input: the same pipeline as a typed line.
        result = await service.run(turn, "action", "add", form=modals.read_action(view))
        if not result.duplicate:
            await service.deliver(turn, result.reply)

    async def on_decision_submit(ack: Any, body: Body, view: Body, client: AsyncWebClient) -> None:
        await ack()
        answer = modals.read_decision(view)
        turn = modal_turn(body, view, client, answer.channel)
        result = await service.run(turn, "decision", f"add {answer.text}")
        if not result.duplicate:
            await service.deliver(turn, result.reply)

    app.view(modals.NOTE_CALLBACK)(track(on_note_submit))
    app.view(modals.ACTION_CALLBACK)(track(on_action_submit))
    app.view(modals.DECISION_CALLBACK)(track(on_decision_submit))

    # -- shortcuts --------------------------------------------------------------------------

    async def on_message_shortcut(ack: Any, body: Body, client: AsyncWebClient) -> None:
        await ack()
        turn = _interaction_turn(body, client)
        message = body.get("message") or {}
        link: str | None = None
        if turn.channel_id and message.get("ts"):
            try:
                found = await client.chat_getPermalink(
                    channel=turn.channel_id, message_ts=message["ts"]
                )
                link = found.get("permalink")
            except SlackApiError as err:
                log.warning("chat.getPermalink failed: %s", err.response.get("error"))
        text = _LINK_RE.sub(r"\2", str(message.get("text") or ""))
        await open_action_modal(turn, str(body.get("trigger_id")), text=text, link=link)

    async def on_global_shortcut(ack: Any, body: Body, client: AsyncWebClient) -> None:
        await ack()
        turn = _interaction_turn(body, client)
        lang = await service.lang(turn)
        await open_view(turn, str(body.get("trigger_id")), modals.decision_modal(lang, {}), lang)

    app.shortcut(MESSAGE_SHORTCUT)(track(on_message_shortcut))
    app.shortcut(GLOBAL_SHORTCUT)(track(on_global_shortcut))

    async def on_error(error: Exception, body: Body) -> None:
        # Already acknowledged: Slack has its answer; the user never sees a traceback.
        log.error("Slack listener failed: %r", error, exc_info=error)

    app.error(on_error)


def _trigger_key(body: Body) -> str | None:
    trigger = body.get("trigger_id")
    return f"act:{trigger}" if trigger else None
