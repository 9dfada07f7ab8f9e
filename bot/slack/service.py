"""What every Slack listener shares: build the neutral request, run it, deliver the reply.

Listeners acknowledge Slack first (Slack gives three seconds) and then call in here; nothing
in this module runs before the acknowledgement.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack import blocks as render
from bot.slack import inbox
from bot.slack.clients import webhook_client
from bot.slack.errors import error_code, explain
from bot.slack.profiles import PLATFORM, Profiles, mentioned_ids
from commands import forms, home, registry
from commands.dispatch import handle
from commands.i18n import lang_of, t
from commands.reply import Line, Reply, Visibility
from commands.request import Request, UserRef

log = logging.getLogger("motesbot.slack")

# Subcommands after which the owners' and creators' App Home is republished.
CHANGES_ACTIONS = frozenset({"add", "done", "reopen", "note", "due", "assign", "edit", "cancel"})
MAX_HOME_REFRESH = 20
# A burst of changes (a meeting logging ten actions) republishes each home once, this much later.
HOME_DELAY_SECONDS = 2.0
# Work after the ack runs a few requests at a time, so acknowledging new ones stays quick.
PARALLEL_WORK = 2
# Republishing App Homes is background housekeeping; one at a time, never ahead of answers.
PARALLEL_HOMES = 1


@dataclass(frozen=True)
class Turn:
    """One interaction: who, in which team and channel, and how to answer them.

    Attributes:
        team_id: the Slack team (our workspace).
        user_id: who acted.
        client: a Web API client with the team's bot token.
        channel_id: where, if in a conversation.
        user_name: the payload's user name, used until users.info answers.
        response_url: where to answer a command or interaction (valid 30 minutes).
        key: the delivery's idempotency key.
        thread_ts: the thread a mention was written in; answers go to the same thread.
        private: the user's DM with the app (an action logged there without owner is theirs).
    """

    team_id: str
    user_id: str
    client: AsyncWebClient
    channel_id: str | None = None
    user_name: str = ""
    response_url: str | None = None
    key: str | None = None
    thread_ts: str | None = None
    private: bool = False


class Refused(Exception):
    """A request that cannot be run; ``reply`` says why, in the caller's language."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.headline)
        self.reply = reply


class SlackService:
    """Run commands for Slack users and deliver the replies."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        """Keep the configuration, the database and a profile cache."""
        self.settings = settings
        self.engine = engine
        self.profiles = Profiles(engine, settings.now)
        self._background: set[asyncio.Future[None]] = set()
        self._working: set[asyncio.Task[Any]] = set()
        self._homes_due: dict[tuple[str, str], Turn] = {}
        self._gate = asyncio.Semaphore(PARALLEL_WORK)
        self._home_gate = asyncio.Semaphore(PARALLEL_HOMES)
        self.home_delay = HOME_DELAY_SECONDS
        self._hurry = asyncio.Event()
        self.session: aiohttp.ClientSession | None = None
        # Takes up what a dead process acknowledged but never finished (set by build_app).
        self.resumer: inbox.Resumer | None = None

    async def close(self) -> None:
        """Release the shared HTTP session."""
        if self.session is not None:
            await self.session.close()
            self.session = None

    # -- requests ----------------------------------------------------------------------------

    async def caller(self, turn: Turn) -> UserRef:
        """The acting user's profile (cached, else users.info)."""
        return await self.profiles.ref(
            turn.client, turn.team_id, turn.user_id, fallback_name=turn.user_name
        )

    async def lang(self, turn: Turn) -> str:
        """The language to talk to the acting user in."""
        caller = await self.caller(turn)
        return lang_of(caller.locale, self.settings.default_language)

    async def request(self, turn: Turn, command: str, text: str) -> Request:
        """The neutral request, with the caller and every ``<@U…>`` mention resolved."""
        caller = await self.caller(turn)
        others = [uid for uid in mentioned_ids(text) if uid != turn.user_id]
        try:
            mentions = dict(await self.profiles.refs(turn.client, turn.team_id, others))
        except SlackApiError as err:
            lang = lang_of(caller.locale, self.settings.default_language)
            raise Refused(Reply(explain(err, lang), error=True, lang=lang)) from err
        mentions[turn.user_id] = caller
        return Request(
            platform=PLATFORM,
            workspace=turn.team_id,
            user=caller,
            channel=turn.channel_id,
            command=command,
            text=text,
            now=self.settings.now(),
            mentions=mentions,
            idempotency_key=turn.key,
            private=turn.private,
            # Only the delivery's own command settles its inbox row (not home refreshes).
            inbox_id=ticket.item_id
            if turn.key is not None and (ticket := inbox.CURRENT.get()) is not None
            else None,
        )

    async def run(self, turn: Turn, command: str, text: str) -> Reply:
        """Run a command as the turn's user, off the event loop, and refresh affected homes."""
        async with self._gate:
            try:
                request = await self.request(turn, command, text)
            except Refused as refused:
                return refused.reply
            reply = await asyncio.to_thread(handle, request, engine=self.engine)
        if not reply.error and _changes_actions(command, text):
            self.refresh_homes_later(turn, reply)
        return reply

    async def add_action(self, turn: Turn, form: forms.ActionForm) -> Reply:
        """Log an action from the modal."""
        async with self._gate:
            try:
                # The chosen users are resolved like mentions in a typed command.
                who = " ".join(f"<@{uid}>" for uid in form.owner_ids)
                request = await self.request(turn, "action", f"{form.text} {who}".strip())
            except Refused as refused:
                return refused.reply
            reply = await asyncio.to_thread(forms.add_action, request, form, engine=self.engine)
        if not reply.error:
            self.refresh_homes_later(turn, reply)
        return reply

    async def agenda_choices(self, turn: Turn) -> list[tuple[int, str]]:
        """The agenda items the action modal offers."""
        request = await self.request(turn, "action", "")
        return await asyncio.to_thread(forms.agenda_choices, request, engine=self.engine)

    # -- delivery ----------------------------------------------------------------------------

    async def deliver(self, turn: Turn, reply: Reply, *, dm: bool = False) -> None:
        """Send a reply where its visibility says; never raises.

        Channel-wide replies are posted with chat.postMessage (a bot message whose
        buttons can be updated later). If the bot is not in the channel, the reply
        still reaches the channel through the response_url, and the caller is told
        how to invite the bot. Replies for the caller go ephemeral.
        """
        try:
            reply = inbox.late(reply, inbox.CURRENT.get(), ZoneInfo(self.settings.default_timezone))
            if reply.files and not reply.error:
                reply = await self.upload_files(turn, reply)
            await self._deliver(turn, reply, dm=dm)
        except Exception:
            log.exception("could not deliver a reply to %s", turn.user_id)

    async def upload_files(self, turn: Turn, reply: Reply) -> Reply:
        """Upload a reply's documents (minutes) to the conversation the command came from.

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
            {"content": f.as_bytes(), "filename": f.filename, "title": f.filename}
            for f in reply.files
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

    async def dm_user(self, turn: Turn, text: str, blocks: list[dict[str, Any]] | None) -> None:
        """Write to the user in the app's own conversation with them."""
        try:
            await turn.client.chat_postMessage(channel=turn.user_id, text=text, blocks=blocks)
        except SlackApiError as err:
            log.warning("could not DM %s: %s", turn.user_id, error_code(err))

    async def respond(
        self,
        url: str,
        text: str,
        blocks: list[dict[str, Any]] | None,
        *,
        in_channel: bool = False,
        replace_original: bool = False,
    ) -> bool:
        """Answer through a response_url (ephemeral unless ``in_channel``).

        Returns:
            Whether Slack accepted it (a response_url expires after 30 minutes and five uses).
        """
        payload: dict[str, Any] = {"text": text}
        if blocks is not None:
            payload["blocks"] = blocks
        if replace_original:
            payload["replace_original"] = True
        else:
            payload["response_type"] = "in_channel" if in_channel else "ephemeral"
            payload["replace_original"] = False
        try:
            response = await webhook_client(url, session=self.session).send_dict(payload)
        except Exception:  # the retry handlers gave up; the caller falls back to the Web API
            log.warning("response_url unreachable", exc_info=True)
            return False
        if response.status_code != 200:
            log.warning("response_url answered %s: %s", response.status_code, response.body[:200])
            return False
        return True

    async def update_clicked(self, turn: Turn, reply: Reply, body: dict[str, Any]) -> None:
        """After a button or date picker: change the clicked message (or home) in place."""
        reply = inbox.late(reply, inbox.CURRENT.get(), ZoneInfo(self.settings.default_timezone))
        try:
            container = body.get("container") or {}
            view = body.get("view") or {}
            if container.get("type") == "view" or view:
                if reply.error:
                    await self.dm_user(turn, render.fallback_text(reply), render.blocks(reply))
                if view.get("type") == "home":
                    await self.publish_home(turn)
                return
            if reply.error or not turn.response_url:
                await self._deliver(replace(turn), _private(reply), dm=False)
                return
            original = (body.get("message") or {}).get("blocks") or []
            new_blocks = render.replace_action(original, reply) if original else None
            text = render.fallback_text(reply)
            if new_blocks is None:
                new_blocks = render.blocks(reply)
            else:
                text = (body.get("message") or {}).get("text") or text
            await self.respond(turn.response_url, text, new_blocks, replace_original=True)
        except Exception:
            log.exception("could not update the clicked message")

    # -- App Home ----------------------------------------------------------------------------

    async def publish_home(self, turn: Turn) -> None:
        """Publish the user's App Home ("Mina åtgärder"); best effort, never raises."""
        try:
            channels = await self._channels_of(turn)
            request = await self.request(replace(turn, key=None, channel_id=None), "home", "")
            reply = await asyncio.to_thread(
                home.home_reply, request, engine=self.engine, channel_ids=channels
            )
            await turn.client.views_publish(user_id=turn.user_id, view=render.home_view(reply))
        except SlackApiError as err:
            log.warning("views.publish for %s failed: %s", turn.user_id, error_code(err))
        except Exception:
            log.exception("could not publish the home of %s", turn.user_id)

    async def _channels_of(self, turn: Turn) -> list[str] | None:
        try:
            response = await turn.client.users_conversations(
                user=turn.user_id, types="public_channel,private_channel", limit=200
            )
        except SlackApiError:
            return None  # without channels:read we list every series instead
        return [str(c.get("id")) for c in response.get("channels") or []]

    def refresh_homes_later(self, turn: Turn, reply: Reply) -> None:
        """Republish the homes of everyone whose actions the reply is about, in the background."""
        numbers = sorted({ln.action_number for ln in reply.lines if ln.action_number is not None})
        if numbers:
            self.spawn(self._refresh_homes(turn, numbers))

    async def _refresh_homes(self, turn: Turn, numbers: list[int]) -> None:
        try:
            users = await asyncio.to_thread(
                home.stakeholders,
                engine=self.engine,
                platform=PLATFORM,
                workspace=turn.team_id,
                numbers=numbers,
            )
        except Exception:
            log.warning("could not find whose homes to refresh", exc_info=True)
            return
        for user_id in users[:MAX_HOME_REFRESH]:
            if user_id.startswith(("U", "W")):
                self.schedule_home(replace(turn, user_id=user_id, user_name="", key=None))

    def schedule_home(self, turn: Turn) -> None:
        """Republish a user's home soon; repeated requests meanwhile make one publish."""
        key = (turn.team_id, turn.user_id)
        if key in self._homes_due:
            return
        self._homes_due[key] = turn
        self.spawn(self._publish_due(key))

    async def _publish_due(self, key: tuple[str, str]) -> None:
        # Wait for more changes to gather, unless we are shutting down.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._hurry.wait(), self.home_delay)
        turn = self._homes_due.pop(key)
        async with self._home_gate:
            await self.publish_home(turn)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run work after the current answer, keeping a reference until it ends."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def tracked(self, listener: Listener) -> Listener:
        """Wrap a Bolt listener so :meth:`drain` can wait for it to finish its answer."""

        @functools.wraps(listener)
        async def run(*args: Any, **kwargs: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._working.add(task)
            try:
                await listener(*args, **kwargs)
                await inbox.finish(self.engine, self.settings)
            finally:
                if task is not None:
                    self._working.discard(task)

        return run

    async def drain(self) -> None:
        """Wait until acknowledged work has answered and background work ended.

        Used at shutdown (SIGTERM) and by tests, which then look at what Slack received.
        """
        me = asyncio.current_task()
        self._hurry.set()
        while True:
            pending = [t for t in (*self._working, *self._background) if t is not me]
            if not pending:
                return
            await asyncio.gather(*pending, return_exceptions=True)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _private(reply: Reply) -> Reply:
    return replace(reply, visibility=Visibility.CALLER)


def _changes_actions(command: str, text: str) -> bool:
    if registry.canonical_command(command) != "action":
        return False
    sub = registry.find("action", text.strip().split(" ", 1)[0]) if text.strip() else None
    return sub is not None and sub.name in CHANGES_ACTIONS


def is_duplicate(reply: Reply) -> bool:
    """Tell whether a reply only says the delivery was already handled."""
    return reply.headline == t(reply.lang, "duplicate_delivery")


Listener = Callable[..., Coroutine[Any, Any, None]]
