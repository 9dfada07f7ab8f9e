"""The Teams agent: the SDK's AgentApplication wired to our command language and register."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    ContentTypes,
    ConversationUpdateTypes,
    InvokeResponse,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    CardFactory,
    ConnectorClientBase,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.app.proactive import Conversation
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, ClaimsIdentity
from microsoft_agents.hosting.msteams import TeamsAgentExtension
from sqlalchemy.engine import Engine

from bot.file_links import TTL as FILE_LINK_TTL
from bot.file_links import share_files
from bot.teams.activities import (
    PLATFORM,
    Member,
    bot_ids,
    channel_key,
    command_text,
    conversation_type,
    delivery_key,
    mentions_to_look_up,
    seen_members,
    tenant_id,
    user_ref,
)
from bot.teams.cards import VERB_PREFIX, card, command_from_data, fallback_text, view_from_data
from bot.teams.config import TeamsConfig
from bot.teams.inbox import CURRENT, REFUSED, late
from bot.teams.lifecycle import forget, is_removal, team_id
from commands import Result, run
from commands.context import Config
from commands.i18n import lang_of, t
from commands.profiles import ensure_user
from commands.reply import Line, Reply
from commands.request import Request, UserRef
from storage import conversation_refs
from storage.db import transaction
from storage.workspaces import get_or_create_workspace

log = logging.getLogger("motesbot.teams")


def view_of(result: Result, text: str) -> str | None:
    """The command line again when its subcommand only shows things (a list), else None."""
    if not result.ok or not result.read_only or result.subcommand in (None, "help"):
        return None
    return f"{result.command} {text}".strip()


def message_activity(
    reply: Reply, *, view: str | None = None, links: Sequence[tuple[str, str]] = ()
) -> Activity:
    """A reply as a Teams message: the card, with the plain text as the activity text.

    ``links`` are (file name, download URL) of the reply's documents.
    """
    return Activity(
        type=ActivityTypes.message,
        text=fallback_text(reply, links=links),
        text_format="plain",
        attachments=[CardFactory.adaptive_card(card(reply, view=view, links=links))],
    )


def card_response(reply: Reply, *, view: str | None = None) -> AdaptiveCardInvokeResponse:
    """The invoke answer that replaces the clicked card with the reply's card."""
    return AdaptiveCardInvokeResponse(
        status_code=HTTPStatus.OK, type=ContentTypes.adaptive_card, value=card(reply, view=view)
    )


def toast_response(text: str) -> AdaptiveCardInvokeResponse:
    """The invoke answer that leaves the card as it is and shows a short message."""
    return AdaptiveCardInvokeResponse(
        status_code=HTTPStatus.OK, type=ContentTypes.message, value=text
    )


def invoke_answer(response: AdaptiveCardInvokeResponse) -> Activity:
    """The activity that carries an invoke's answer back in the HTTP response."""
    return Activity(
        type=ActivityTypes.invoke_response,
        value=InvokeResponse(
            status=int(HTTPStatus.OK),
            body=response.model_dump(mode="json", by_alias=True, exclude_none=True),
        ),
    )


def idempotency_key(activity: Activity) -> str | None:
    """The activity id, made unique across conversations (Teams ids are per conversation)."""
    if not activity.id:
        return None
    return delivery_key(activity.id, activity.conversation.id if activity.conversation else None)


def stored_reference(activity: Activity, identity: ClaimsIdentity | None) -> dict[str, Any]:
    """What we keep to write to this conversation later (the SDK's Conversation as JSON).

    Channel references point at the channel itself, not the thread, and no
    reference points at an activity: a proactive message starts a new post.
    """
    reference = activity.get_conversation_reference()
    reference.activity_id = None
    if conversation_type(activity) == "channel" and reference.conversation is not None:
        reference.conversation = reference.conversation.model_copy(
            update={"id": channel_key(activity)}
        )
    conversation = Conversation(identity or {}, reference)
    return conversation.store_item_to_json()


def ref_target(activity: Activity) -> tuple[str, str] | None:
    """(kind, key) under which this conversation is stored, or None."""
    if conversation_type(activity) == "personal":
        sender = activity.from_property
        key = (sender.aad_object_id or sender.id) if sender else None
        return (conversation_refs.PERSONAL, key) if key else None
    key = channel_key(activity)
    return (conversation_refs.CHANNEL, key) if key else None


def remember(
    engine: Engine,
    activity: Activity,
    identity: ClaimsIdentity | None,
    at: datetime,
    members: Sequence[Member] = (),
) -> None:
    """Store (or refresh) the conversation reference of an incoming activity.

    Also keeps, for each member seen, their Teams id: from a team the bot is in,
    it may open a 1:1 chat with them even if they never installed the app. People are
    not written here: a message's sender is ensured by the pipeline, someone who installs
    the app personally by :meth:`TeamsBot._installed`.
    """
    target = ref_target(activity)
    if target is None or not activity.service_url:
        return
    kind, key = target
    via = key if kind == conversation_refs.CHANNEL else None
    reference = stored_reference(activity, identity)
    team = team_id(activity) if kind == conversation_refs.CHANNEL else None
    if team:
        reference[conversation_refs.TEAM_FIELD] = team  # to forget the team's channels later
    with transaction(engine) as session:
        ws = get_or_create_workspace(
            session, platform=PLATFORM, external_id=tenant_id(activity), at=at
        )
        assert ws.id is not None
        conversation_refs.save_ref(
            session,
            workspace_id=ws.id,
            kind=kind,
            key=key,
            reference=reference,
            at=at,
        )
        for member in members:
            conversation_refs.save_ref(
                session,
                workspace_id=ws.id,
                kind=conversation_refs.MEMBER,
                key=member.entra_id,
                reference={"teams_id": member.teams_id, "name": member.name, "via": via},
                at=at,
            )


class TeamsBot:
    """One Teams bot: the SDK adapter and application, and our handlers on it."""

    def __init__(
        self,
        *,
        engine: Engine,
        config: TeamsConfig,
        clock: Callable[[], datetime],
        public_url: str = "http://localhost:3000",
        zone: str = "Europe/Stockholm",
    ) -> None:
        """Build the SDK objects from the configuration.

        Args:
            engine: the database engine.
            config: credentials or the anonymous development mode.
            clock: the injected "now".
            public_url: where users reach our web app (download links of documents).
            zone: the time zone a late answer names the command's time in.
        """
        self.engine = engine
        self.zone = ZoneInfo(zone)
        self.config = config
        self.clock = clock
        self.public_url = public_url
        self.command_config = Config(public_url=public_url)
        self.connections = MsalConnectionManager(**config.sdk)
        self.adapter = CloudAdapter(connection_manager=self.connections)
        self.adapter.on_turn_error = self._on_turn_error
        options = ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False)
        self.app: AgentApplication[TurnState] = AgentApplication[TurnState](
            options, connection_manager=self.connections
        )
        self.teams = TeamsAgentExtension[TurnState](self.app)
        self.teams.activity(ActivityTypes.message)(self._on_message)
        self.teams.conversation_update(ConversationUpdateTypes.MEMBERS_ADDED)(
            self._on_members_added
        )
        self.teams.conversation_update(ConversationUpdateTypes.MEMBERS_REMOVED)(
            self._on_members_removed
        )
        self.teams.installation_update()(self._on_installation_update)
        self.app.before_turn(self._normalize_invoke_name)
        self.app.before_turn(self._admitted)
        self.app.adaptive_card.action_execute(re.compile("^" + re.escape(VERB_PREFIX)))(
            self._on_card_action
        )

    @staticmethod
    async def _normalize_invoke_name(context: TurnContext, state: TurnState) -> bool:
        # Teams sends "adaptiveCard/action"; tools and docs sometimes write it
        # "adaptive-card/action". Accept both rather than answer 501.
        activity = context.activity
        if activity.type == ActivityTypes.invoke and activity.name == "adaptive-card/action":
            activity.name = "adaptiveCard/action"
        return True

    @staticmethod
    async def _admitted(context: TurnContext, state: TurnState) -> bool:
        """Run the turn only if its activity was recorded in the inbox as a new one."""
        refusal = REFUSED.get()
        if refusal is None:
            return True
        if context.activity.type == ActivityTypes.invoke:
            # A card click must be answered; the card stays as it was.
            text = refusal.text or t(lang_of(context.activity.locale), "duplicate_delivery")
            await context.send_activity(invoke_answer(toast_response(text)))
        elif refusal.text:
            await context.send_activity(refusal.text)
        return False

    @property
    def auth_configuration(self) -> AgentAuthConfiguration:
        """What the SDK's JWT middleware validates incoming tokens against."""
        configuration: AgentAuthConfiguration = (
            self.connections.get_default_connection_configuration()
        )
        return configuration

    async def _remember(self, context: TurnContext, members: Sequence[Member] = ()) -> None:
        try:
            await asyncio.to_thread(
                remember, self.engine, context.activity, context.identity, self.clock(), members
            )
        except Exception:
            # Answering matters more than the reference; the next message stores it.
            log.exception("could not store the Teams conversation reference")

    def _request(self, activity: Activity, command: str, text: str, **extra: Any) -> Request:
        key = extra.setdefault("idempotency_key", idempotency_key(activity))
        ticket = CURRENT.get()
        # Only the delivery's own command settles its inbox row (not a list shown again).
        extra.setdefault("inbox_id", ticket.item_id if ticket is not None and key else None)
        extra.setdefault("private", conversation_type(activity) == "personal")
        return Request(
            platform=PLATFORM,
            workspace=tenant_id(activity),
            user=user_ref(activity),
            channel=channel_key(activity),
            command=command,
            text=text,
            now=self.clock(),
            **extra,
        )

    async def _on_message(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        bots = bot_ids(activity, self.config.client_id)
        profiles = await self._look_up(context, mentions_to_look_up(activity, bot_ids=bots))
        await self._remember(context, seen_members(activity, bot_ids=bots, profiles=profiles))
        parsed = command_text(activity, bot_ids=bots, profiles=profiles)
        if not parsed.command:
            if not activity.text and activity.value is not None:
                return  # an old-style card submit: nothing of ours
            command, text = "hjälp", ""  # just "@Mötesbot": every command family
        else:
            command, text = parsed.command, parsed.text
        request = self._request(activity, command, text, mentions=parsed.mentions)
        result = await self._run(request)
        # A redelivered activity is answered "already received" (result.duplicate); the
        # first delivery's answer stands.
        reply, view = late(result.reply, CURRENT.get(), self.zone), view_of(result, text)
        links: list[tuple[str, str]] = []
        if reply.files and not reply.error:
            reply, links = await self._share_files(reply)
        await context.send_activity(message_activity(reply, view=view, links=links))

    async def _run(self, request: Request) -> Result:
        return await asyncio.to_thread(run, request, engine=self.engine, config=self.command_config)

    async def _share_files(self, reply: Reply) -> tuple[Reply, list[tuple[str, str]]]:
        """Serve a reply's documents at expiring links (bots cannot attach files in channels)."""
        try:
            shared = await asyncio.to_thread(
                share_files, self.engine, reply.files, base_url=self.public_url, at=self.clock()
            )
        except Exception:
            log.exception("could not store the reply's files for download")
            note = Line(t(reply.lang, "internal_error"))
            return replace(reply, lines=(*reply.lines, note), files=()), []
        hours = int(FILE_LINK_TTL.total_seconds() // 3600)
        note = Line(t(reply.lang, "teams_files_expire", hours=hours))
        links = [(file.filename, url) for file, url in shared]
        return replace(reply, lines=(*reply.lines, note)), links

    async def _look_up(self, context: TurnContext, member_ids: list[str]) -> dict[str, UserRef]:
        """Ask the connector who mentioned people are: Teams mentions often lack the Entra id."""
        connector = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
        if not member_ids or connector is None:
            return {}
        conversation = channel_key(context.activity)
        profiles: dict[str, UserRef] = {}
        for member_id in member_ids:
            try:
                member = await connector.conversations.get_conversation_member(
                    conversation, member_id
                )
            except Exception:
                log.info("no profile for mentioned Teams member %s", member_id, exc_info=True)
                continue
            if member.aad_object_id:
                extra = member.model_extra or {}
                email = extra.get("email") or extra.get("userPrincipalName")
                profiles[member_id] = UserRef(
                    platform_id=member.aad_object_id,
                    name=member.name or member_id,
                    email=email if isinstance(email, str) else None,
                )
        return profiles

    async def _on_members_added(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        me = activity.recipient.id if activity.recipient else None
        if not any(member.id == me for member in activity.members_added or []):
            return  # someone else joined a team we are in
        await self._remember(context)
        await self._installed(context)
        lang = lang_of(activity.locale)
        key = (
            "teams_welcome_personal"
            if conversation_type(activity) == "personal"
            else ("teams_welcome_team")
        )
        welcome = Reply(t(lang, "teams_welcome_title"), (Line(t(lang, key)),), lang=lang)
        await context.send_activity(message_activity(welcome))

    async def _on_installation_update(self, context: TurnContext, state: TurnState) -> None:
        if is_removal(context.activity):
            await asyncio.to_thread(forget, self.engine, context.activity)
        elif (context.activity.action or "add").startswith("add"):
            await self._remember(context)
            await self._installed(context)

    async def _installed(self, context: TurnContext) -> None:
        """Whoever installs the app personally is someone we can remind: make them known."""
        activity = context.activity
        target = ref_target(activity)
        if target is None or target[0] != conversation_refs.PERSONAL:
            return
        user = user_ref(activity)
        try:
            await asyncio.to_thread(
                ensure_user,
                self.engine,
                platform=PLATFORM,
                workspace=tenant_id(activity),
                ref=replace(user, platform_id=target[1]),
                at=self.clock(),
            )
        except Exception:
            log.exception("could not store the Teams user who installed the app")

    async def _on_members_removed(self, context: TurnContext, state: TurnState) -> None:
        if is_removal(context.activity):  # the bot itself, not someone leaving a team
            await asyncio.to_thread(forget, self.engine, context.activity)

    async def _on_card_action(
        self, context: TurnContext, state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        activity = context.activity
        await self._remember(context)
        lang = lang_of(activity.locale)
        found = command_from_data(data)
        if found is None:
            return toast_response(t(lang, "teams_card_unknown"))
        command_line, typed = found
        if typed == "":
            return toast_response(t(lang, "teams_input_missing"))
        if typed:
            command_line = f"{command_line} {typed}"
        command, _, text = command_line.lstrip("/").partition(" ")
        result = await self._run(self._request(activity, command, text.strip()))
        reply = result.reply
        ticket = CURRENT.get()
        if ticket is not None and ticket.resumed:
            # Taken up after a restart: nobody waits for this invoke any more.
            await context.send_activity(message_activity(late(reply, ticket, self.zone)))
            return toast_response(reply.as_text())
        if not result.ok:
            return toast_response(reply.as_text())  # keep the card; say what was wrong
        clicked_view = view_of(result, text.strip())
        if clicked_view is not None:
            # "Visa fler" and the like show something new: that is the card now.
            return card_response(reply, view=clicked_view)
        view = view_from_data(data)
        if view is None:
            return card_response(reply)
        # The card was a list: show the list again, as it is now, under the confirmation.
        view_command, _, view_text = view.partition(" ")
        shown = await self._run(
            self._request(activity, view_command, view_text, idempotency_key=None)
        )
        if not shown.ok or not shown.read_only:
            return card_response(reply)
        return card_response(Reply(reply.headline, shown.reply.lines, lang=reply.lang), view=view)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed", exc_info=error)
        ticket = CURRENT.get()
        if ticket is not None:
            ticket.failed = True
        if context.activity.type != ActivityTypes.message:
            return
        lang = lang_of(context.activity.locale)
        try:
            await context.send_activity(Reply(t(lang, "internal_error"), lang=lang).as_text())
        except Exception:
            log.warning("could not tell the user about the failure", exc_info=True)
