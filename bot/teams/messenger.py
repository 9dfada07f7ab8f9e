"""The scheduler's Messenger for Teams: proactive messages to stored conversations."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import aiohttp
from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import ChannelServiceAdapter, ConnectorClientBase, TurnContext
from microsoft_agents.hosting.core.app.proactive import Conversation
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.teams.activities import PLATFORM
from bot.teams.agent import message_activity
from bot.teams.config import TeamsConfig, load_teams_config
from commands.i18n import t
from commands.reply import Line, Reply
from scheduler.messenger import DeliveryError
from storage import conversation_refs
from storage.db import transaction
from storage.models import Person, Workspace

log = logging.getLogger("motesbot.teams")

# Teams answers 403 when the bot was removed or blocked and 404 for a conversation
# that no longer exists: retrying cannot help. Anything else may pass on a retry.
PERMANENT_STATUSES = frozenset({400, 403, 404})


def unreachable_people(
    session: Session, /, *, workspace: Workspace, people: Iterable[Person]
) -> list[Person]:
    """The people of a Teams workspace we cannot DM yet (no personal chat, no way to open one)."""
    if workspace.platform != PLATFORM or workspace.id is None:
        return []
    return conversation_refs.without_dm_route(session, workspace_id=workspace.id, people=people)


def unreachable_line(lang: str, people: Iterable[Person]) -> Line | None:
    """A digest line naming who cannot be reached yet and how to fix it, or None."""
    names = sorted({p.display_name for p in people})
    if not names:
        return None
    if len(names) == 1:
        return Line(t(lang, "teams_unreachable_person", name=names[0]))
    return Line(t(lang, "teams_unreachable_many", names=", ".join(names)))


class TeamsMessenger:
    """Sends neutral replies as Adaptive Cards to stored Teams conversations."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        engine: Engine,
        adapter: ChannelServiceAdapter,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Use an adapter (the running bot's, or one built by :meth:`from_config`)."""
        self.engine = engine
        self.adapter = adapter
        self.clock = clock

    @classmethod
    def from_config(
        cls,
        *,
        engine: Engine,
        config: TeamsConfig,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> TeamsMessenger:
        """A messenger for a process without the web app (``motesbot tick``)."""
        adapter = CloudAdapter(connection_manager=MsalConnectionManager(**config.sdk))
        return cls(engine=engine, adapter=adapter, clock=clock)

    async def unreachable_note(
        self, *, workspace: Workspace, people: Iterable[Person], lang: str
    ) -> Line | None:
        """For a digest: a line naming who cannot get a DM yet and how to fix it, or None."""
        candidates = list(people)

        def find() -> list[Person]:
            with transaction(self.engine) as session:
                return unreachable_people(session, workspace=workspace, people=candidates)

        return unreachable_line(lang, await asyncio.to_thread(find))

    async def send_dm(self, *, workspace: Workspace, person: Person, reply: Reply) -> None:
        """Send a direct message to a person's personal chat with the bot.

        Raises:
            DeliveryError: permanent when the person never installed the app or
                talked to the bot; temporary for network trouble.
        """
        stored = None
        if person.platform_user_id:
            stored = await self._load(
                workspace, conversation_refs.PERSONAL, person.platform_user_id
            )
            if stored is None:
                stored = await self._open_personal_chat(workspace, person)
        if stored is None:
            raise DeliveryError(
                t(workspace.language, "teams_unreachable_person", name=person.display_name),
                permanent=True,
            )
        await self.send_to(stored, reply)

    async def post_channel(self, *, workspace: Workspace, channel_id: str, reply: Reply) -> None:
        """Post a new message in a channel or group chat the bot is in.

        Raises:
            DeliveryError: permanent when the bot was never in that channel.
        """
        stored = await self._load(workspace, conversation_refs.CHANNEL, channel_id)
        if stored is None:
            raise DeliveryError(
                t(workspace.language, "teams_unreachable_channel", channel=channel_id),
                permanent=True,
            )
        await self.send_to(stored, reply)

    async def _open_personal_chat(
        self, workspace: Workspace, person: Person
    ) -> dict[str, Any] | None:
        """Start a 1:1 chat through a team the bot and the person share, and keep it.

        Teams allows this when the app is installed in a team the person is a
        member of; we know their Teams id from a message or a mention there.

        Returns:
            The new personal reference, or None when we know no way to them.

        Raises:
            DeliveryError: Teams refused or could not be reached.
        """
        assert person.platform_user_id is not None
        member = await self._load(workspace, conversation_refs.MEMBER, person.platform_user_id)
        if member is None or not member.get("teams_id"):
            return None
        via = member.get("via")
        channel = await self._load(workspace, conversation_refs.CHANNEL, via) if via else None
        if channel is None:
            channel = await asyncio.to_thread(self._latest_channel, workspace)
        if channel is None:
            return None
        team = Conversation.from_json_to_store_item(channel)
        reference = team.conversation_reference
        tenant = reference.conversation.tenant_id if reference.conversation else None
        created: list[str] = []
        failures: list[BaseException] = []

        async def create(context: TurnContext) -> None:
            connector = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
            if connector is None:
                failures.append(RuntimeError("no connector client in the proactive turn"))
                return
            params = ConversationParameters(
                is_group=False,
                agent=reference.agent,
                members=[ChannelAccount(id=member["teams_id"])],
                tenant_id=tenant,
                channel_data={"tenant": {"id": tenant}} if tenant else None,
            )
            try:
                result = await connector.conversations.create_conversation(params)
                if result.id:
                    created.append(result.id)
            except Exception as exc:
                failures.append(exc)

        continuation = reference.get_continuation_activity()
        claims = Conversation.identity_from_claims(team.claims)
        try:
            await self.adapter.continue_conversation_with_claims(claims, continuation, create)
        except Exception as exc:
            failures.append(exc)
        if failures:
            raise _delivery_error(failures[0])
        if not created:
            return None
        personal = reference.model_copy(
            update={
                "activity_id": None,
                "conversation": ConversationAccount(
                    id=created[0], conversation_type="personal", tenant_id=tenant
                ),
                "user": ChannelAccount(
                    id=member["teams_id"],
                    name=person.display_name,
                    aad_object_id=person.platform_user_id,
                ),
            }
        )
        stored = Conversation(team.claims, personal).store_item_to_json()
        await asyncio.to_thread(self._save_personal, workspace, person.platform_user_id, stored)
        return stored

    def _latest_channel(self, workspace: Workspace) -> dict[str, Any] | None:
        assert workspace.id is not None
        with transaction(self.engine) as session:
            return conversation_refs.latest_ref(
                session, workspace_id=workspace.id, kind=conversation_refs.CHANNEL
            )

    def _save_personal(self, workspace: Workspace, key: str, stored: dict[str, Any]) -> None:
        assert workspace.id is not None
        with transaction(self.engine) as session:
            conversation_refs.save_ref(
                session,
                workspace_id=workspace.id,
                kind=conversation_refs.PERSONAL,
                key=key,
                reference=stored,
                at=self.clock(),
            )

    async def _load(self, workspace: Workspace, kind: str, key: str) -> dict[str, Any] | None:
        def load() -> dict[str, Any] | None:
            if workspace.id is None:
                return None
            with transaction(self.engine) as session:
                return conversation_refs.get_ref(
                    session, workspace_id=workspace.id, kind=kind, key=key
                )

        return await asyncio.to_thread(load)

    async def send_to(self, stored: dict[str, Any], reply: Reply) -> None:
        """Send a reply as a new message to a stored conversation reference.

        Raises:
            DeliveryError: Teams refused it (permanent) or could not be reached.
        """
        conversation = Conversation.from_json_to_store_item(stored)
        claims = Conversation.identity_from_claims(conversation.claims)
        continuation = conversation.conversation_reference.get_continuation_activity()
        failures: list[BaseException] = []

        async def as_new_post(
            context: TurnContext, activities: list[Activity], next_send: Any
        ) -> Any:
            # The continuation event has an id of its own; replying to it would
            # thread the message under nothing. A proactive message is a new post.
            for activity in activities:
                activity.reply_to_id = None  # type: ignore[assignment]
            return await next_send()

        async def callback(context: TurnContext) -> None:
            context.on_send_activities(as_new_post)
            try:
                await context.send_activity(message_activity(reply))
            except Exception as exc:
                failures.append(exc)

        try:
            await self.adapter.continue_conversation_with_claims(claims, continuation, callback)
        except Exception as exc:
            failures.append(exc)
        if failures:
            raise _delivery_error(failures[0])


def _delivery_error(exc: BaseException) -> DeliveryError:
    if isinstance(exc, aiohttp.ClientResponseError):
        return DeliveryError(
            f"Teams svarade {exc.status}: {exc.message[:200]}",
            permanent=exc.status in PERMANENT_STATUSES,
            retry_after=_retry_after(exc),
        )
    log.warning("Teams delivery failed", exc_info=exc)
    return DeliveryError(f"Teams kunde inte nås: {type(exc).__name__}", permanent=False)


def _retry_after(exc: aiohttp.ClientResponseError) -> float | None:
    """The Bot Connector's Retry-After (seconds) of a 429, when it sent one."""
    if exc.status != 429 or exc.headers is None:
        return None
    try:
        return max(float(exc.headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return None


def teams_messenger(
    engine: Engine,
    env: Mapping[str, str] | None = None,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> TeamsMessenger | None:
    """The Teams messenger for the scheduler when Teams is configured, else None.

    Raises:
        TeamsConfigError: contradictory or incomplete Teams settings.
    """
    config = load_teams_config(env)
    if config is None:
        return None
    return TeamsMessenger.from_config(engine=engine, config=config, clock=clock)
