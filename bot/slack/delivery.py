"""Delivering a reply where its visibility says, with the fallbacks Slack needs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.slack import blocks as render
from bot.slack import inbox
from bot.slack.clients import webhook_client
from bot.slack.errors import error_code, explain
from bot.slack.turn import Turn
from bot.slack.uploads import upload_files
from commands.reply import Reply, Visibility

log = logging.getLogger("motesbot.slack")

Blocks = list[dict[str, Any]]


class Delivery:
    """Send replies: response_url first, then the Web API, then the user's DM."""

    def __init__(
        self,
        session: Callable[[], aiohttp.ClientSession | None],
        publish_home: Callable[[Turn], Awaitable[None]],
        zone: ZoneInfo,
    ) -> None:
        """Keep how to find the shared HTTP session and how to republish a home.

        Args:
            session: returns the shared aiohttp session (None: a session per call).
            publish_home: republishes a user's App Home (after a click in it).
            zone: the zone a late answer gives the time of its command in.
        """
        self._session = session
        self._publish_home = publish_home
        self._zone = zone

    async def deliver(self, turn: Turn, reply: Reply, *, dm: bool = False) -> None:
        """Send a reply where its visibility says; never raises.

        Channel-wide replies are posted with chat.postMessage (a bot message whose
        buttons can be updated later). If the bot is not in the channel, the reply
        still reaches the channel through the response_url, and the caller is told
        how to invite the bot. Replies for the caller go ephemeral.
        """
        try:
            reply = inbox.late(reply, inbox.CURRENT.get(), self._zone)
            if reply.files and not reply.error:
                reply = await upload_files(turn, reply)
            await self._deliver(turn, reply, dm=dm)
        except Exception:
            log.exception("could not deliver a reply to %s", turn.user_id)

    async def _deliver(self, turn: Turn, reply: Reply, *, dm: bool) -> None:
        text, blocks = render.fallback_text(reply), render.blocks(reply)
        if dm and turn.channel_id:
            try:
                await turn.client.chat_postMessage(
                    channel=turn.channel_id, text=text, blocks=blocks, thread_ts=turn.thread_ts
                )
            except SlackApiError as err:
                log.warning("DM reply failed: %s", error_code(err))
            return
        to_channel = reply.visibility == Visibility.CHANNEL and not reply.error
        # A response_url reaches the channel even where the bot is not a member.
        if turn.response_url and await self.respond(
            turn.response_url, text, blocks, in_channel=to_channel
        ):
            return
        if turn.channel_id:
            try:
                if to_channel:
                    await turn.client.chat_postMessage(
                        channel=turn.channel_id, text=text, blocks=blocks, thread_ts=turn.thread_ts
                    )
                else:
                    await turn.client.chat_postEphemeral(
                        channel=turn.channel_id,
                        user=turn.user_id,
                        text=text,
                        blocks=blocks,
                        thread_ts=turn.thread_ts,
                    )
                return
            except SlackApiError as err:
                # Say what to do, where the person will see it: their DM with the app.
                note = explain(err, reply.lang)
                text, blocks = f"{note}\n\n{text}", [_section(note), *blocks]
        await self.dm_user(turn, text, blocks)

    async def dm_user(self, turn: Turn, text: str, blocks: Blocks | None) -> None:
        """Write to the user in the app's own conversation with them."""
        try:
            await turn.client.chat_postMessage(channel=turn.user_id, text=text, blocks=blocks)
        except SlackApiError as err:
            log.warning("could not DM %s: %s", turn.user_id, error_code(err))

    async def respond(
        self,
        url: str,
        text: str,
        blocks: Blocks | None,
        *,
        in_channel: bool = False,
        replace_original: bool = False,
        delete_original: bool = False,
    ) -> bool:
        """Answer through a response_url (ephemeral unless ``in_channel``).

        Returns:
            Whether Slack accepted it (a response_url expires after 30 minutes and five uses).
        """
        payload: dict[str, Any] = {"text": text}
        if blocks is not None:
            payload["blocks"] = blocks
        if delete_original:
            payload = {"delete_original": True}
        elif replace_original:
            payload["replace_original"] = True
        else:
            payload["response_type"] = "in_channel" if in_channel else "ephemeral"
            payload["replace_original"] = False
        try:
            response = await webhook_client(url, session=self._session()).send_dict(payload)
        except Exception:  # the retry handlers gave up; the caller falls back to the Web API
            log.warning("response_url unreachable", exc_info=True)
            return False
        if response.status_code != 200:
            log.warning("response_url answered %s: %s", response.status_code, response.body[:200])
            return False
        return True

    async def update_clicked(self, turn: Turn, reply: Reply, body: dict[str, Any]) -> None:
        """After a button or date picker: change the clicked message (or home) in place."""
        reply = inbox.late(reply, inbox.CURRENT.get(), self._zone)
        try:
            container = body.get("container") or {}
            view = body.get("view") or {}
            if container.get("type") == "view" or view:
                if reply.error:
                    await self.dm_user(turn, render.fallback_text(reply), render.blocks(reply))
                if view.get("type") == "home":
                    await self._publish_home(turn)
                return
            if reply.error or not turn.response_url:
                await self._deliver(replace(turn), private(reply), dm=False)
                return
            text = render.fallback_text(reply)
            if reply.visibility == Visibility.CHANNEL and container.get("is_ephemeral"):
                # A question only the clicker saw ("Starta ändå?"); the answer is for everyone,
                # and the question goes so its buttons cannot run the command twice.
                await self.respond(turn.response_url, "", None, delete_original=True)
                await self.respond(turn.response_url, text, render.blocks(reply), in_channel=True)
                return
            original = (body.get("message") or {}).get("blocks") or []
            new_blocks = render.replace_action(original, reply) if original else None
            if new_blocks is None:
                new_blocks = render.blocks(reply)
            else:
                text = (body.get("message") or {}).get("text") or text
            await self.respond(turn.response_url, text, new_blocks, replace_original=True)
        except Exception:
            log.exception("could not update the clicked message")


def private(reply: Reply) -> Reply:
    """The reply for the caller alone (a note's confirmation, even mid-meeting)."""
    return replace(reply, visibility=Visibility.CALLER)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
