"""Take up the Teams activities a dead process recorded but never finished.

At start and then every ``MOTESBOT_INBOX_SWEEP_SECONDS`` the resumer claims the
Teams rows whose process died (storage/inbox.py's compare-and-set claim, so two
replicas never take the same row). A row never processed runs through the same
turn again — the activity as recorded, with the claims it was authenticated with —
and answers through the connector, saying it is late ("Svar på ditt kommando kl.
09:12: …"); a card click is answered by a message, since nobody waits for its invoke
any more. A row processed but never answered gets its stored answer. A row that
failed :data:`MAX_ATTEMPTS` times becomes a clear error message, never silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.app.proactive import Conversation
from sqlalchemy.engine import Engine

from bot.inbox_sweeps import sweep_until_stopped
from bot.settings import Settings
from bot.teams.activities import PLATFORM
from bot.teams.agent import TeamsBot
from bot.teams.inbox import CURRENT, REFERENCE_FIELD, Intake, Ticket, hhmm
from bot.teams.messenger import TeamsMessenger
from commands.i18n import lang_of, t
from commands.reply import Reply
from storage import inbox
from storage.models import InboxItem

log = logging.getLogger("motesbot.teams.inbox")

MAX_ATTEMPTS = 3


class Resumer:
    """Sweeps the inbox for Teams rows nobody is working on."""

    def __init__(
        self,
        *,
        bot: TeamsBot,
        messenger: TeamsMessenger,
        intake: Intake,
        engine: Engine,
        settings: Settings,
        node: str,
    ) -> None:
        """Keep what a sweep needs.

        Args:
            bot: the Teams bot whose turn processes a row again.
            messenger: sends answers to a stored conversation reference.
            intake: marks a row answered after its turn.
            engine: the database.
            settings: clock, zone, sweep interval, lease and retention.
            node: this process's name.
        """
        self.bot = bot
        self.messenger = messenger
        self.intake = intake
        self.engine = engine
        self.settings = settings
        self.node = node
        self.every = settings.motesbot_inbox_sweep_seconds
        self.lease = timedelta(seconds=settings.motesbot_inbox_lease_seconds)
        self.retention = timedelta(days=settings.motesbot_inbox_retention_days)
        self.first_sweep = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        """Sweep now and then every ``every`` seconds, in the background."""
        self._task = asyncio.ensure_future(self._loop())

    async def stop(self) -> None:
        """End the loop (a sweep under way finishes its row first)."""
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        await sweep_until_stopped(
            self._stopping,
            self.sweep,
            lease=self.lease,
            every=self.every,
            what="Teams inbox",
            after_each=self.first_sweep.set,
        )

    async def sweep(self) -> int:
        """Process stale Teams rows and send lost answers once.

        Returns:
            How many rows were taken.
        """
        now = self.settings.now()
        claim: dict[str, Any] = {
            "node": self.node,
            "now": now,
            "lease": self.lease,
            "older_than": self.lease,
            "platform": PLATFORM,
        }
        stale = await asyncio.to_thread(inbox.claim_stale, self.engine, **claim)
        for item in stale:
            await self._resume(item)
        unanswered = await asyncio.to_thread(inbox.claim_unanswered, self.engine, **claim)
        for item in unanswered:
            await self._send_stored(item)
        await asyncio.to_thread(inbox.purge, self.engine, before=now - self.retention)
        return len(stale) + len(unanswered)

    async def _resume(self, item: InboxItem) -> None:
        assert item.id is not None
        lang = lang_of(item.payload.get("locale"))
        if item.attempts > MAX_ATTEMPTS:
            text = t(lang, "inbox_failed", time=hhmm(item.received_at, self.bot.zone))
            await self._answer_once(item, Reply(text, error=True, lang=lang))
            await asyncio.to_thread(
                inbox.mark_failed,
                self.engine,
                item_id=item.id,
                at=self.settings.now(),
                error="gave up",
            )
            return
        stored = (item.reply_to or {}).get(REFERENCE_FIELD) or {}
        identity = Conversation.identity_from_claims(stored.get("claims") or {})
        activity = Activity.model_validate(item.payload)
        ticket = Ticket(item.id, item.received_at, resumed=True)
        token = CURRENT.set(ticket)
        log.info("resuming Teams inbox row %s (%s)", item.id, item.kind)
        try:
            await self.bot.adapter.process_activity(identity, activity, self.bot.app.on_turn)
        except Exception:
            # The claim runs out and a later sweep tries again (up to MAX_ATTEMPTS).
            log.warning("resumed Teams inbox row %s failed", item.id, exc_info=True)
            return
        finally:
            CURRENT.reset(token)
        await self.intake.finish(ticket)

    async def _send_stored(self, item: InboxItem) -> None:
        lang = lang_of(item.payload.get("locale"))
        prefix = t(lang, "inbox_late", time=hhmm(item.received_at, self.bot.zone))
        await self._answer_once(item, Reply(f"{prefix} {item.answer or ''}".strip(), lang=lang))

    async def _answer_once(self, item: InboxItem, reply: Reply) -> None:
        assert item.id is not None
        stored = (item.reply_to or {}).get(REFERENCE_FIELD)
        if stored:
            try:
                await self.messenger.send_to(stored, reply)
            except Exception:
                # Left unanswered: a later sweep tries again.
                log.warning("could not answer Teams inbox row %s", item.id, exc_info=True)
                return
        else:
            # Nowhere to answer; sweeping it again would not change that.
            log.warning("inbox row %s has no conversation to answer in", item.id)
        await asyncio.to_thread(
            inbox.mark_answered, self.engine, item_id=item.id, at=self.settings.now()
        )
