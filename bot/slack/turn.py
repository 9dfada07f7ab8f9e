"""One Slack interaction as the adapter's parts pass it around."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from commands.reply import Reply


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
        key: the delivery's processed-event key (event id, trigger id, view id).
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
    """A request that cannot be built; ``reply`` says why, in the caller's language."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.headline)
        self.reply = reply
