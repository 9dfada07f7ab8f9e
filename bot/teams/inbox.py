"""Teams's side of the durable inbox: nothing acknowledged is lost.

With the Agents SDK the HTTP answer goes back after the turn ran, so "record
before acknowledging" means: once the request's token was validated and before the
turn does any work, each message and card click is written to the inbox
(storage/inbox.py) — its activity id as redelivery key, the tenant, the activity
JSON without secrets and the conversation reference to answer through later. When
that write fails the person is told to try again and the turn does nothing else.

The turn then runs as before; the command pipeline marks the row done in the
transaction of its change (the row travels as :data:`CURRENT`, like Slack's), and
the row is marked answered when the turn is over. A redelivery of an activity whose
row exists runs nothing: a message is left unanswered, as Slack does, and a card
click is told "already received" (an invoke must be answered). If the process dies
in between, :mod:`bot.teams.resume` takes the row up again.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.app.proactive import Conversation
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from sqlalchemy.engine import Engine

from bot.teams.activities import PLATFORM, delivery_key, tenant_id
from bot.teams.cards import command_from_data
from commands import registry
from commands.i18n import lang_of, t
from commands.metrics import record_command
from commands.reply import Reply
from commands.result import Outcome
from storage import inbox

log = logging.getLogger("motesbot.teams.inbox")

# Teams sends "adaptiveCard/action"; some tools write it "adaptive-card/action".
CARD_INVOKES = frozenset({"adaptiveCard/action", "adaptive-card/action"})
REFERENCE_FIELD = "reference"
_TAG_RE = re.compile(r"<at>.*?</at>|<[^>]+>")


@dataclass
class Ticket:
    """The inbox row of the activity being worked on (in a context variable).

    Attributes:
        item_id: the row.
        received_at: when Teams delivered it.
        resumed: taken up again after a process died; its answer is late and, for a
            card click, goes out as a message (nobody waits for the invoke any more).
        failed: set when the turn ended in an error, so the row is not marked answered.
    """

    item_id: int
    received_at: datetime
    resumed: bool = False
    failed: bool = False


@dataclass(frozen=True)
class Refusal:
    """Why the turn must not run: the text to answer with, or None to stay silent."""

    text: str | None


CURRENT: ContextVar[Ticket | None] = ContextVar("motesbot_teams_inbox_ticket", default=None)
REFUSED: ContextVar[Refusal | None] = ContextVar("motesbot_teams_inbox_refusal", default=None)


def unit_of(body: dict[str, Any]) -> tuple[str, str] | None:
    """The kind and redelivery key of an activity we must not lose, or None.

    Messages and card clicks are recorded; installs, member changes and the like are
    housekeeping the next activity repeats. The key is the pipeline's idempotency key.
    """
    kind = body.get("type")
    if kind == "invoke" and body.get("name") not in CARD_INVOKES:
        return None
    if kind not in ("message", "invoke"):
        return None
    activity_id = body.get("id")
    if not activity_id:
        return None
    conversation = body.get("conversation")
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
    return str(kind), delivery_key(str(activity_id), conversation_id)


def reply_to_of(activity: Activity, identity: ClaimsIdentity | None) -> dict[str, Any]:
    """How to answer the activity later: the SDK's conversation reference as JSON.

    It keeps the thread (a late answer lands where the command was typed) but points
    at no activity, so the answer is a message of its own.
    """
    reference = activity.get_conversation_reference()
    reference.activity_id = None
    return {REFERENCE_FIELD: Conversation(identity or {}, reference).store_item_to_json()}


def command_of(body: dict[str, Any], kind: str) -> str:
    """The canonical command an activity runs, for /metrics."""
    if kind == "invoke":
        value = body.get("value") if isinstance(body.get("value"), dict) else {}
        action = (value or {}).get("action")
        found = command_from_data(action.get("data") if isinstance(action, dict) else None)
        line = found[0] if found else ""
    else:
        line = _TAG_RE.sub(" ", str(body.get("text") or ""))
    word = line.strip().lstrip("/").split(" ", 1)[0]
    return registry.canonical_command(word) or kind


class Intake:
    """Records each authenticated activity before its turn runs."""

    def __init__(
        self,
        *,
        engine: Engine,
        clock: Callable[[], datetime],
        node: str,
        lease: timedelta,
        lock_wait: float = inbox.RECORD_LOCK_WAIT_SECONDS,
    ) -> None:
        """Keep what recording needs.

        Args:
            engine: the database.
            clock: the injected "now".
            node: this process's name; it claims the rows it records.
            lease: how long that claim holds before a sweep may take the row over.
            lock_wait: the longest wait for a database lock on this path, in seconds.
        """
        self.engine = engine
        self.clock = clock
        self.node = node
        self.lease = lease
        self.lock_wait = lock_wait

    def entry(self, body: dict[str, Any], identity: ClaimsIdentity | None) -> dict[str, Any] | None:
        """The arguments of :func:`storage.inbox.record` for an activity, or None.

        Raises:
            pydantic.ValidationError: the body is no activity.
        """
        unit = unit_of(body)
        if unit is None:
            return None
        kind, key = unit
        activity = Activity.model_validate(body)
        return {
            "platform": PLATFORM,
            "key": key,
            "workspace": tenant_id(activity),
            "kind": kind,
            "payload": body,
            "reply_to": reply_to_of(activity, identity),
        }

    async def admit(self, body: Any, identity: ClaimsIdentity | None) -> Ticket | None:
        """Record the activity and say, through :data:`CURRENT` and :data:`REFUSED`,
        whether its turn may run.

        Returns:
            The ticket of a newly recorded row, else None (not ours to record, a
            redelivery, or the row could not be written).
        """
        # Each request runs in a task of its own; still, nothing may carry over from another.
        CURRENT.set(None)
        REFUSED.set(None)
        if not isinstance(body, dict):
            return None
        try:
            entry = self.entry(body, identity)
        except ValueError:
            return None  # the SDK answers a body that is no activity
        if entry is None:
            return None
        now = self.clock()
        try:
            recorded = await asyncio.to_thread(
                inbox.record,
                self.engine,
                **entry,
                at=now,
                node=self.node,
                lease=self.lease,
                lock_wait=self.lock_wait,
            )
        except Exception:
            log.warning(
                "could not record a Teams %s before processing it", entry["kind"], exc_info=True
            )
            REFUSED.set(Refusal(t(lang_of(body.get("locale")), "inbox_retry")))
            return None
        if not recorded.new:
            # A redelivery: the first delivery's row is being (or was) processed.
            record_command(command_of(body, entry["kind"]), Outcome.DUPLICATE, 0.0)
            silent = entry["kind"] == "message"
            lang = lang_of(body.get("locale"))
            REFUSED.set(Refusal(None if silent else t(lang, "duplicate_delivery")))
            return None
        ticket = Ticket(recorded.item_id, now)
        CURRENT.set(ticket)
        return ticket

    async def finish(self, ticket: Ticket) -> None:
        """After the turn: the row is answered (and done, if no command marked it).

        A turn that ended in an error leaves the row alone: a sweep runs it again, or
        sends its stored answer, once its lease ran out.
        """
        if ticket.failed:
            return
        try:
            await asyncio.to_thread(
                inbox.finish, self.engine, item_id=ticket.item_id, at=self.clock()
            )
        except Exception:
            log.warning("could not mark inbox row %s answered", ticket.item_id, exc_info=True)


def late(reply: Reply, ticket: Ticket | None, zone: ZoneInfo) -> Reply:
    """Say when the command was given, for an answer that comes after a restart."""
    if ticket is None or not ticket.resumed:
        return reply
    prefix = t(reply.lang, "inbox_late", time=hhmm(ticket.received_at, zone))
    return replace(reply, headline=f"{prefix} {reply.headline}")


def hhmm(at: datetime, zone: ZoneInfo) -> str:
    """A moment as the clock on the wall showed it."""
    return at.astimezone(zone).strftime("%H:%M")
