"""Payload → neutral :class:`~commands.request.Request`: the caller and mentions resolved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.slack import inbox
from bot.slack.errors import explain
from bot.slack.profiles import PLATFORM, Profiles, mentioned_ids
from bot.slack.turn import Refused, Turn
from commands.forms import ActionForm
from commands.i18n import lang_of
from commands.reply import Reply
from commands.request import Request, UserRef


class RequestBuilder:
    """Build requests for Slack turns; reads profiles, writes nothing."""

    def __init__(
        self, profiles: Profiles, clock: Callable[[], datetime], default_language: str
    ) -> None:
        """Keep the profile cache, the clock and the workspace's default language."""
        self.profiles = profiles
        self.clock = clock
        self.default_language = default_language

    async def caller(self, turn: Turn) -> UserRef:
        """The acting user's profile (cached, else users.info)."""
        return await self.profiles.ref(
            turn.client, turn.team_id, turn.user_id, fallback_name=turn.user_name
        )

    async def lang(self, turn: Turn) -> str:
        """The language to talk to the acting user in."""
        caller = await self.caller(turn)
        return lang_of(caller.locale, self.default_language)

    async def build(
        self, turn: Turn, command: str, text: str, *, form: ActionForm | None = None
    ) -> Request:
        """The neutral request, with the caller and every mentioned or chosen user resolved.

        Raises:
            Refused: Slack says a mentioned user does not exist (or we may not ask).
        """
        try:
            caller, mentions = await self.profiles.caller_and_mentions(
                turn.client,
                turn.team_id,
                turn.user_id,
                self._wanted(text, form),
                fallback_name=turn.user_name,
            )
        except SlackApiError as err:
            me = await self.caller(turn)
            lang = lang_of(me.locale, self.default_language)
            raise Refused(Reply(explain(err, lang), error=True, lang=lang)) from err
        return self._request(turn, command, text, form, caller, mentions)

    def build_known(
        self, turn: Turn, command: str, text: str, *, form: ActionForm | None = None
    ) -> Request | None:
        """:meth:`build` from what memory and storage know, or None if Slack must be asked.

        Blocking (it may read the database): the command's worker thread calls it, so a
        command whose people are all known takes one trip off the event loop, not two.
        """
        caller_id = turn.user_id
        wanted = [caller_id, *(u for u in self._wanted(text, form) if u != caller_id)]
        found, ask = self.profiles.known(turn.team_id, wanted)
        if ask:
            return None
        caller = found.pop(caller_id)
        return self._request(turn, command, text, form, caller, found)

    @staticmethod
    def _wanted(text: str, form: ActionForm | None) -> list[str]:
        return list(dict.fromkeys(mentioned_ids(text) + list(form.owner_ids if form else ())))

    def _request(
        self,
        turn: Turn,
        command: str,
        text: str,
        form: ActionForm | None,
        caller: UserRef,
        mentions: dict[str, UserRef],
    ) -> Request:
        mentions[turn.user_id] = caller
        return Request(
            platform=PLATFORM,
            workspace=turn.team_id,
            user=caller,
            channel=turn.channel_id,
            command=command,
            text=text,
            now=self.clock(),
            mentions=mentions,
            idempotency_key=turn.key,
            private=turn.private,
            form=form,
            # Only the delivery's own command settles its inbox row (not home refreshes).
            inbox_id=ticket.item_id
            if turn.key is not None and (ticket := inbox.CURRENT.get()) is not None
            else None,
        )
