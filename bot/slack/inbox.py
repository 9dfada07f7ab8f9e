"""Slack's side of the durable inbox: nothing acknowledged is lost.

Slack never resends a slash command or a click it got a 200 for. So every unit of
work — slash command, event we act on, button, modal submission, shortcut — is
written to the inbox (storage/inbox.py) by a Bolt middleware *before* Bolt
acknowledges it; when that write fails, the person is told to try again instead
of getting a silent 200. The listener then runs as before; the command pipeline
marks the row done in the transaction of its change, and the row is marked
answered once the answer went out. A slash command whose people are known gets a
:class:`HeadStart`: the thread that wrote its row runs it straight after the commit,
and its answer is posted before the 200 (which waits at most :data:`ACK_WAIT_SECONDS`
for a slow command).

If the process dies in between, :class:`Resumer` (run at start and every minute)
finds the row: one never processed is dispatched through the same Bolt app
again, as a Socket Mode request (the signature was checked when it arrived); one
processed but never answered gets its stored answer. Late answers say so ("Svar
på ditt kommando kl. 09:12: …"); an answer goes through the response_url while
Slack still takes it (30 minutes), else through the Web API.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.engine import Engine

from bot.inbox_sweeps import sweep_until_stopped
from bot.settings import Settings
from bot.slack.slash import team_of
from commands import registry
from commands.i18n import t
from commands.metrics import record_command
from commands.reply import Reply
from commands.result import Outcome
from storage import inbox
from storage.models import InboxItem

log = logging.getLogger("motesbot.slack.inbox")

PLATFORM = "slack"
RESUME_CONTEXT_KEY = "motesbot_inbox_resume"
# Where the recording middleware leaves the future of a head start for the listener.
HEAD_START_KEY = "motesbot_head_start"
# A head start still working after this long lets the acknowledgement go first (Slack
# wants it within 3 s); a quicker one is acknowledged when its answer is ready.
ACK_WAIT_SECONDS = 0.25
ACK_POLL_SECONDS = 0.01
# A response_url takes answers for 30 minutes; keep a margin.
RESPONSE_URL_LIFETIME = timedelta(minutes=29)
MAX_ATTEMPTS = 3
# Events people cause by writing to the bot; the rest (profile changes, home opened)
# are housekeeping that a later event repeats anyway.
RECORDED_EVENTS = frozenset({"app_mention", "message", "app_uninstalled", "tokens_revoked"})


@dataclass(frozen=True)
class Ticket:
    """The inbox row of the request being worked on (in a context variable).

    Attributes:
        item_id: the row.
        received_at: when Slack delivered it.
        resumed: taken up again after a process died; its answer is late.
    """

    item_id: int
    received_at: datetime
    resumed: bool = False


CURRENT: ContextVar[Ticket | None] = ContextVar("motesbot_inbox_ticket", default=None)


@dataclass(frozen=True)
class HeadStart:
    """A listener's first piece of work, done in the worker thread that records its row.

    Recording a slash command and running it take one trip off the event loop instead of
    two. The listener finds the result under :data:`HEAD_START_KEY` in its context and
    posts the answer; Bolt writes the 200 after it.

    Attributes:
        work: blocking; runs once the new row is committed, with :data:`CURRENT` set to it.
        release: on the event loop, once ``work`` ended or was not started.
    """

    work: Callable[[], object]
    release: Callable[[], None]


# Offers a head start for a request about to be recorded (None: the listener does it all).
Planner = Callable[[AsyncBoltRequest], Awaitable[HeadStart | None]]


class Held:
    """The rows this process has recorded or resumed and not yet answered.

    Their claims are renewed while they wait, so a sweep elsewhere takes only what a
    dead process left. Rows answered within 0.1 s of each other are marked in one transaction:
    during a burst that is one write instead of one per command.
    """

    def __init__(self, node: str, engine: Engine, *, gather: float = 0.1) -> None:
        """Hold rows for ``node`` (this process's name in claims) in ``engine``.

        Args:
            node: this process's name in claims.
            engine: the database.
            gather: how long an answered row waits for others to be marked with it.
        """
        self.node = node
        self.engine = engine
        self.gather = gather
        self.ids: set[int] = set()
        self._answered: dict[int, datetime] = {}
        self._flush: asyncio.Future[None] | None = None

    async def answered(self, item_id: int, at: datetime) -> None:
        """Mark a row answered (with the others answered meanwhile); returns once it is."""
        self._answered[item_id] = at
        if self._flush is None:
            self._flush = asyncio.ensure_future(self._mark_soon())
        await asyncio.shield(self._flush)

    async def _mark_soon(self) -> None:
        await asyncio.sleep(self.gather)
        batch, self._answered, self._flush = self._answered, {}, None
        try:
            await asyncio.to_thread(
                inbox.finish_many, self.engine, item_ids=sorted(batch), at=max(batch.values())
            )
        finally:
            self.ids.difference_update(batch)


def unit_of(body: dict[str, Any]) -> tuple[str, str] | None:
    """The kind and redelivery key of a payload we must not lose, or None.

    The keys are the ones the listeners give the command pipeline as its
    idempotency key, so an inbox row and a processed event name the same delivery.
    """
    trigger = body.get("trigger_id")
    if body.get("command"):
        return ("command", f"cmd:{trigger}") if trigger else None
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event") or {}
        if not isinstance(event, dict) or event.get("type") not in RECORDED_EVENTS:
            return None
        if event.get("type") == "message" and (
            event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id")
        ):
            return None
        event_id = body.get("event_id")
        return ("event", str(event_id)) if event_id else None
    if kind == "block_actions":
        return ("block_action", f"act:{trigger}") if trigger else None
    if kind == "view_submission":
        view = body.get("view") or {}
        view_id = view.get("id") if isinstance(view, dict) else None
        return ("view_submission", f"view:{view_id}") if view_id else None
    if kind in ("shortcut", "message_action"):
        return ("shortcut", f"shortcut:{trigger}") if trigger else None
    return None


def command_of(body: dict[str, Any], kind: str) -> str:
    """The canonical command a payload runs, for /metrics ("action" for a button on one)."""
    if body.get("command"):
        return registry.canonical_command(str(body["command"])) or kind
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    callback = str((view or {}).get("callback_id") or "")
    if callback:
        return "decision" if "decision" in callback else "action"
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        word = str(actions[0].get("value") or "").lstrip("/").split(" ", 1)[0]
        return registry.canonical_command(word) or kind
    return kind


def reply_to_of(body: dict[str, Any]) -> dict[str, Any]:
    """Where an answer can go later: response_url, channel, user and thread."""
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    user = body.get("user")
    channel = body.get("channel")
    return {
        "response_url": body.get("response_url"),
        "channel": body.get("channel_id")
        or (channel.get("id") if isinstance(channel, dict) else None)
        or (event or {}).get("channel"),
        "user": body.get("user_id")
        or (user.get("id") if isinstance(user, dict) else None)
        or (event or {}).get("user"),
        "thread_ts": (event or {}).get("thread_ts"),
        "text": body.get("text") or (event or {}).get("text"),
    }


Middleware = Callable[
    [AsyncBoltRequest, BoltResponse, Callable[[], Awaitable[BoltResponse]]],
    Awaitable[BoltResponse],
]


def recording_middleware(
    engine: Engine, settings: Settings, held: Held, head_start: Planner | None = None
) -> Middleware:
    """A Bolt middleware that records each unit of work before Bolt acknowledges it.

    Args:
        engine: the database.
        settings: the configuration (clock, default language, lease).
        held: this process's rows; it claims the rows it records.
        head_start: offers work to start in the thread that records a slash command.
    """
    lease = timedelta(seconds=settings.motesbot_inbox_lease_seconds)

    async def record(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        resumed = req.context.get(RESUME_CONTEXT_KEY)
        if isinstance(resumed, Ticket):
            CURRENT.set(resumed)
            return await next()
        body = req.body if isinstance(req.body, dict) else {}
        unit = unit_of(body)
        if unit is None:
            return await next()
        kind, key = unit
        now = settings.now()
        write = functools.partial(
            inbox.record,
            engine,
            platform=PLATFORM,
            key=key,
            workspace=team_of(body),
            kind=kind,
            payload=body,
            reply_to=reply_to_of(body),
            at=now,
            node=held.node,
            lease=lease,
        )
        plan = await head_start(req) if head_start is not None and kind == "command" else None
        try:
            if plan is None:
                recorded = await asyncio.to_thread(write)
            else:
                recorded, started = await _record_then_start(write, plan, now)
                if recorded.new:
                    req.context[HEAD_START_KEY] = started
        except Exception:
            log.warning("could not record a Slack %s before acknowledging it", kind, exc_info=True)
            if kind == "command":
                return BoltResponse(status=200, body=t(settings.default_language, "inbox_retry"))
            # Anything else: no acknowledgement, so Slack shows an error or retries.
            return BoltResponse(status=503, body="")
        if not recorded.new:
            # A redelivery: the first delivery's row is being (or was) processed.
            record_command(command_of(body, kind), Outcome.DUPLICATE, 0.0)
            return BoltResponse(status=200, body="")
        held.ids.add(recorded.item_id)
        CURRENT.set(Ticket(recorded.item_id, now))
        head = req.context.get(HEAD_START_KEY)
        if head is not None and head.done():
            # Stored and run: the listener acknowledges (first thing, as every listener of
            # ours) and posts the answer before Bolt, which looks for the ack every 10 ms,
            # writes the 200 (as Bolt's process_before_response mode does).
            return await next()
        # Stored, so it may be acknowledged now. Set here, the 200 goes out at once instead
        # of at Bolt's next look during the command's work.
        await req.context.ack()
        return await next()

    return record


async def _record_then_start(
    write: Callable[[], inbox.Recorded], plan: HeadStart, now: datetime
) -> tuple[inbox.Recorded, asyncio.Future[object]]:
    """Record a row and, in the same worker thread, run its head start.

    Returns once the head start ended, or once the row is committed and
    :data:`ACK_WAIT_SECONDS` passed: the row's record, and the future of the head start's
    result (None when the row was there before, so nothing was started). The worker tells
    the loop nothing in between: a wake-up of the loop for the acknowledgement would take
    the interpreter from the command for as long as the loop writes it.

    Raises:
        Exception: whatever recording raised (nothing was started).
    """
    committed: list[inbox.Recorded] = []

    def job() -> object:
        row = write()
        committed.append(row)
        if not row.new:
            return None
        CURRENT.set(Ticket(row.item_id, now))
        try:
            return plan.work()
        except Exception:  # the listener does the work itself instead
            log.exception("the head start of inbox row %s failed", row.item_id)
            return None

    started: asyncio.Future[object] = asyncio.ensure_future(asyncio.to_thread(job))
    started.add_done_callback(_released(plan))
    await asyncio.wait({started}, timeout=ACK_WAIT_SECONDS)
    while not committed and not started.done():
        await asyncio.sleep(ACK_POLL_SECONDS)
    if not committed:
        started.result()  # raises what recording raised
    return committed[0], started


def _released(plan: HeadStart) -> Callable[[asyncio.Future[object]], None]:
    def done(future: asyncio.Future[object]) -> None:
        plan.release()
        if not future.cancelled():
            future.exception()  # seen here; the recording error is handled by the caller

    return done


def late(reply: Reply, ticket: Ticket | None, zone: ZoneInfo) -> Reply:
    """Say when the command was given, for an answer that comes after a restart."""
    if ticket is None or not ticket.resumed:
        return reply
    when = ticket.received_at.astimezone(zone).strftime("%H:%M")
    prefix = t(reply.lang, "inbox_late", time=when)
    return replace(reply, headline=f"{prefix} {reply.headline}")


async def finish(engine: Engine, settings: Settings, held: Held | None = None) -> None:
    """After a listener: the row is answered (and done, if the listener ran no command)."""
    ticket = CURRENT.get()
    if ticket is None:
        return
    try:
        if held is not None:
            await held.answered(ticket.item_id, settings.now())
        else:
            await asyncio.to_thread(inbox.finish, engine, item_id=ticket.item_id, at=settings.now())
    except Exception:
        log.warning("could not mark inbox row %s answered", ticket.item_id, exc_info=True)


Answer = Callable[[InboxItem, str], Awaitable[bool]]


class Resumer:
    """Take up what a dead process acknowledged but never finished."""

    def __init__(
        self,
        *,
        app: AsyncApp,
        engine: Engine,
        settings: Settings,
        held: Held,
        answer: Answer,
        every: float = 60.0,
        retention: timedelta = timedelta(days=7),
    ) -> None:
        """Keep what a sweep needs.

        Args:
            app: the Bolt app whose listeners process a row again.
            engine: the database.
            settings: clock and zone.
            held: this process's rows, whose claims it renews.
            answer: sends a text answer for a row (response_url, else the Web API).
            every: seconds between sweeps.
            retention: how long done rows are kept (the payloads hold personal data).
        """
        self.app = app
        self.engine = engine
        self.settings = settings
        self.held = held
        self.node = held.node
        self.answer = answer
        self.every = every
        self.retention = retention
        self.lease = timedelta(seconds=settings.motesbot_inbox_lease_seconds)
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    def start(self) -> None:
        """Sweep now and then every ``every`` seconds, and renew held claims, in the background."""
        self._tasks = [
            asyncio.ensure_future(self._loop()),
            asyncio.ensure_future(self._renewing()),
        ]

    async def stop(self) -> None:
        """End the loops."""
        self._stopping.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def renew(self) -> int:
        """Extend the claims on every row this process still holds; return how many."""
        until = self.settings.now() + self.lease
        return await asyncio.to_thread(
            inbox.renew, self.engine, item_ids=sorted(self.held.ids), node=self.node, until=until
        )

    async def _renewing(self) -> None:
        # Three times per lease, so one late renewal never lets a claim run out.
        every = max(self.lease.total_seconds() / 3, 0.2)
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), every)
                return
            if not self.held.ids:
                continue
            try:
                await self.renew()
            except Exception:
                log.warning("could not renew inbox claims", exc_info=True)

    async def _loop(self) -> None:
        await sweep_until_stopped(
            self._stopping, self.sweep, lease=self.lease, every=self.every, what="Slack inbox"
        )

    async def sweep(self) -> int:
        """Process stale rows and send lost answers once; return how many rows were taken."""
        now = self.settings.now()
        stale = await asyncio.to_thread(
            inbox.claim_stale,
            self.engine,
            node=self.node,
            now=now,
            lease=self.lease,
            older_than=self.lease,
            platform=PLATFORM,
        )
        for item in stale:
            await self._resume(item)
        unanswered = await asyncio.to_thread(
            inbox.claim_unanswered,
            self.engine,
            node=self.node,
            now=now,
            lease=self.lease,
            older_than=self.lease,
            platform=PLATFORM,
        )
        for item in unanswered:
            await self._send_stored(item)
        await asyncio.to_thread(inbox.purge, self.engine, before=now - self.retention)
        return len(stale) + len(unanswered)

    async def _resume(self, item: InboxItem) -> None:
        assert item.id is not None
        if item.attempts > MAX_ATTEMPTS:
            lang = self.settings.default_language
            text = t(lang, "inbox_failed", time=self._hhmm(item.received_at))
            await self._answer_once(item, text)
            await asyncio.to_thread(
                inbox.mark_failed,
                self.engine,
                item_id=item.id,
                at=self.settings.now(),
                error="gave up",
            )
            return
        ticket = Ticket(item.id, item.received_at, resumed=True)
        self.held.ids.add(item.id)
        payload = dict(item.payload)
        if not self._response_url_alive(item):
            payload.pop("response_url", None)
        request = AsyncBoltRequest(
            body=payload, mode="socket_mode", context={RESUME_CONTEXT_KEY: ticket}
        )
        log.info("resuming inbox row %s (%s)", item.id, item.kind)
        await self.app.async_dispatch(request)

    async def _send_stored(self, item: InboxItem) -> None:
        assert item.id is not None
        late_text = t(
            self.settings.default_language, "inbox_late", time=self._hhmm(item.received_at)
        )
        await self._answer_once(item, f"{late_text} {item.answer or ''}".strip())

    async def _answer_once(self, item: InboxItem, text: str) -> None:
        assert item.id is not None
        try:
            sent = await self.answer(item, text)
        except Exception:
            log.warning("could not answer inbox row %s", item.id, exc_info=True)
            sent = False
        if sent:
            await asyncio.to_thread(
                inbox.mark_answered, self.engine, item_id=item.id, at=self.settings.now()
            )

    def _response_url_alive(self, item: InboxItem) -> bool:
        return self.settings.now() - item.received_at < RESPONSE_URL_LIFETIME

    def _hhmm(self, at: datetime) -> str:
        return at.astimezone(ZoneInfo(self.settings.default_timezone)).strftime("%H:%M")
