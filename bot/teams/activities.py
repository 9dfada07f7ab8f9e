"""Teams activity → the pieces of a neutral Request (pure functions, no I/O)."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity

from commands.request import UserRef

PLATFORM = "teams"
UNKNOWN_TENANT = "teams"  # local tools (playground) may send no tenant at all

_TAG_RE = re.compile(r"<[^>]+>")
_SPACES_RE = re.compile(r"[ \t\u00a0]+")
_REPEATED_MENTION_RE = re.compile(r"(<@[^>]+>)(?:\s*\1)+")


@dataclass(frozen=True)
class CommandText:
    """A Teams message as our command language sees it."""

    command: str
    text: str
    mentions: dict[str, UserRef]


def _field(obj: Any, name: str) -> Any:
    """Read a field from a pydantic model or a plain dict (channelData comes either way)."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def delivery_key(activity_id: str, conversation_id: str | None) -> str:
    """The redelivery key of an activity: its id, made unique across conversations.

    Teams activity ids are unique only within a conversation. The same key names the
    delivery in the inbox and as the pipeline's processed-event key.
    """
    digest = hashlib.sha256((conversation_id or "").encode()).hexdigest()[:16]
    return f"{activity_id[:150]}@{digest}"


def tenant_id(activity: Activity) -> str:
    """The Entra tenant: our workspace for everything Teams."""
    tenant = activity.conversation.tenant_id if activity.conversation else None
    if not tenant:
        tenant = _field(_field(activity.channel_data, "tenant"), "id")
    return str(tenant or UNKNOWN_TENANT)


def conversation_type(activity: Activity) -> str:
    """ "personal", "channel" or "groupChat" (personal when Teams does not say)."""
    kind = activity.conversation.conversation_type if activity.conversation else None
    return str(kind or "personal")


def channel_key(activity: Activity) -> str:
    """The channel or chat a message belongs to, without a thread's ``;messageid=``."""
    channel = _field(_field(activity.channel_data, "channel"), "id")
    if channel and conversation_type(activity) == "channel":
        return str(channel)
    conversation_id = activity.conversation.id if activity.conversation else ""
    return str(conversation_id or "").split(";", 1)[0]


def user_ref(activity: Activity) -> UserRef:
    """The sender, identified by their Entra (AAD) object id when Teams gives it."""
    sender = activity.from_property
    platform_id = (sender.aad_object_id or sender.id) if sender else None
    name = (sender.name if sender else None) or "Teams-användare"
    return UserRef(platform_id=platform_id, name=name, locale=activity.locale)


def _mentioned_id(mentioned: Any) -> str | None:
    return _field(mentioned, "aad_object_id") or _field(mentioned, "aadObjectId") or None


def mentions_to_look_up(activity: Activity, *, bot_ids: set[str]) -> list[str]:
    """Teams ids ("29:…") of mentioned people whose Entra object id the mention lacks."""
    found: list[str] = []
    for mention in activity.get_mentions():
        mentioned = mention.mentioned
        if mentioned is None or not mentioned.id or mentioned.id in bot_ids:
            continue
        if not _mentioned_id(mentioned) and mentioned.id not in found:
            found.append(mentioned.id)
    return found


def command_text(
    activity: Activity, *, bot_ids: set[str], profiles: Mapping[str, UserRef] | None = None
) -> CommandText:
    """Turn a message into (command, rest, mentions).

    The bot's own mention is dropped; every other ``<at>Name</at>`` becomes a
    ``<@id>`` token the command language resolves, with the person's name in
    ``mentions``. A leading ``/`` is optional, as in the console. ``profiles``
    holds what the connector told us about mentions keyed by their Teams id.
    """
    profiles = profiles or {}
    text = activity.text or ""
    mentions: dict[str, UserRef] = {}
    for mention in activity.get_mentions():
        mentioned = mention.mentioned
        markup = mention.text or (f"<at>{mentioned.name}</at>" if mentioned else "")
        if not markup:
            continue
        if mentioned is None or mentioned.id in bot_ids:
            text = text.replace(markup, " ")
            continue
        profile = profiles.get(mentioned.id or "")
        person_id = _mentioned_id(mentioned) or (profile.platform_id if profile else None)
        person_id = person_id or mentioned.id
        if not person_id:
            continue
        name = (profile.name if profile else None) or mentioned.name or _TAG_RE.sub("", markup)
        earlier = mentions.get(person_id)
        if earlier is not None and name not in earlier.name:
            # Split mentions ("<at>Lisa</at> <at>Berg</at>") may each carry part of the name.
            name = f"{earlier.name} {name}"
        elif earlier is not None:
            name = earlier.name
        email = profile.email if profile else None
        mentions[person_id] = UserRef(platform_id=person_id, name=name, email=email)
        text = text.replace(markup, f" <@{person_id}> ")
    # Teams may send HTML-ish text (entities, <p>, <br>); commands are plain words.
    text = re.sub(r"<(?!@)[^>]*>", " ", text)
    text = html.unescape(text)
    # A person mentioned by first and last name arrives as two adjacent mentions.
    text = _REPEATED_MENTION_RE.sub(r"\1", _SPACES_RE.sub(" ", text)).strip()
    command, _, rest = text.lstrip("/").partition(" ")
    return CommandText(command=command.strip(), text=rest.strip(), mentions=mentions)


def bot_ids(activity: Activity, client_id: str | None) -> set[str]:
    """Ids the bot may be mentioned by: the recipient ("28:…") and its app id."""
    ids = {f"28:{client_id}", client_id} if client_id else set()
    if activity.recipient and activity.recipient.id:
        ids.add(activity.recipient.id)
    return {i for i in ids if i}


@dataclass(frozen=True)
class Member:
    """A Teams user we saw, with the ids needed to open a 1:1 chat with them later."""

    entra_id: str
    teams_id: str
    name: str


def seen_members(
    activity: Activity, *, bot_ids: set[str], profiles: Mapping[str, UserRef] | None = None
) -> list[Member]:
    """The sender and the mentioned people whose Entra and Teams ids we both know."""
    profiles = profiles or {}
    found: dict[str, Member] = {}
    sender = activity.from_property
    if sender and sender.aad_object_id and sender.id and sender.id not in bot_ids:
        found[sender.aad_object_id] = Member(sender.aad_object_id, sender.id, sender.name or "")
    for mention in activity.get_mentions():
        mentioned = mention.mentioned
        if mentioned is None or not mentioned.id or mentioned.id in bot_ids:
            continue
        profile = profiles.get(mentioned.id)
        entra = _mentioned_id(mentioned) or (profile.platform_id if profile else None)
        if entra and entra not in found:
            found[entra] = Member(entra, mentioned.id, mentioned.name or "")
    return list(found.values())
