"""One tick: find what is due at an instant, claim each message, send it, record it.

The same function runs behind ``motesbot tick --at …`` and inside the running
bot (at exact moments, after a change and at the safety sweep), so what the
command shows is what the bot does. Planning and rendering run off the event
loop; sends go out a few at a time (``concurrency``), paced per target
(``scheduler/pacing.py``), each claimed just before it is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from commands import metrics
from commands.planning import extend_all
from scheduler import delivery
from scheduler.due import due_messages
from scheduler.messenger import DeliveryError, Messenger
from scheduler.morning import PeopleOf
from scheduler.outgoing import Outgoing
from scheduler.pacing import TARGET_INTERVAL, YIELD_AT_MOST, Pacer, Quiet
from storage.db import transaction

log = logging.getLogger("motesbot.scheduler")

SENT = "sent"
DRY_RUN = "dry_run"
NO_MESSENGER = "no_messenger"
UNINSTALLED_ERROR = "the app was removed from this {platform} workspace"
T = TypeVar("T")


@dataclass(frozen=True)
class Report:
    """What became of one due message in a tick."""

    outgoing: Outgoing
    outcome: str  # sent, dry_run, retry, failed, no_messenger
    error: str | None = None


def node_id() -> str:
    """A name for this process in claims: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def send(messenger: Messenger, outgoing: Outgoing) -> None:
    """Hand one message to the platform's messenger.

    Raises:
        DeliveryError: it was not delivered.
    """
    if outgoing.person is not None:
        await messenger.send_dm(
            workspace=outgoing.workspace, person=outgoing.person, reply=outgoing.reply
        )
    elif outgoing.channel_id is not None:
        await messenger.post_channel(
            workspace=outgoing.workspace, channel_id=outgoing.channel_id, reply=outgoing.reply
        )
    else:  # pragma: no cover - every Outgoing has one of the two
        raise DeliveryError("no recipient", permanent=True)


def plan(
    engine: Engine,
    now: datetime,
    *,
    lease: timedelta = delivery.LEASE,
    people: PeopleOf | None = None,
) -> list[Outgoing]:
    """The due messages at ``now`` that are not sent yet (nor being sent by a living process).

    With ``people``, only their morning DMs are looked at (a change concerned just them).
    """
    with transaction(engine) as session:
        only = people.resolve(session) if people is not None else None
        due = due_messages(session, now, people=only)
        settled = delivery.settled_keys(session, {o.occasion for o in due})
    return [
        o for o in due if (row := settled.get(o.key)) is None or delivery.claimable(row, now, lease)
    ]


SEND_CONCURRENCY = 8
# Messages rendered per trip to the worker thread, and how many sends may wait ahead.
# Small, so a batch's rendering (which holds the GIL) fits in a gap between commands.
BATCH = 50


async def offload(
    executor: Executor | None, fn: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    """Run blocking work (queries, rendering) in ``executor`` (None: asyncio's default)."""
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    return await loop.run_in_executor(executor, partial(ctx.run, fn, *args, **kwargs))


async def deliver(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    outgoing: Outgoing,
    *,
    now: datetime,
    node: str,
    lease: timedelta = delivery.LEASE,
    pacer: Pacer | None = None,
    gate: asyncio.Semaphore | None = None,
    executor: Executor | None = None,
    commands_first: Callable[[], Awaitable[None]] | None = None,
) -> Report | None:
    """Claim, send and record one message; None when someone else has it or it is done.

    A message to a workspace the app was removed from is claimed and recorded as
    failed for good without being sent, so it is neither sent nor tried again.

    Args:
        engine: the database.
        messengers: platform name → messenger.
        outgoing: the message.
        now: the tick's moment.
        node: this process's name in claims.
        lease: how old a claim must be before it is taken over.
        pacer: spaces sends per target and holds a workspace after a Retry-After.
        gate: bounds how many sends are in flight at once (shared by a tick).
        executor: where the database work runs.
        commands_first: waits while people's commands are worked on; called between
            the claim and the send, so a send under way steps aside too.
    """
    if outgoing.workspace.uninstalled_at is not None:
        return await _fail_uninstalled(
            engine, outgoing, now=now, node=node, lease=lease, executor=executor
        )
    messenger = messengers.get(outgoing.workspace.platform)
    if messenger is None:
        log.warning("no messenger for %s; %s not sent", outgoing.workspace.platform, outgoing.key)
        return Report(outgoing, NO_MESSENGER)
    pacer = pacer or Pacer()
    workspace = f"{outgoing.workspace.platform}:{outgoing.workspace.id}"
    interval = float(getattr(messenger, "min_send_interval", TARGET_INTERVAL))
    target = outgoing.recipient
    async with pacer.turn(target):
        await pacer.ready(target, workspace, interval)
        # Claim inside the gate: a process killed mid-fan-out leaves at most ``gate``
        # claims to wait out their lease, not every message it had queued.
        async with gate or contextlib.nullcontext():
            claim = await _claim(
                engine, outgoing, now=now, node=node, lease=lease, executor=executor
            )
            if claim is None:
                return None
            try:
                if commands_first is not None:
                    await commands_first()
                # A Retry-After may have come in while we waited for a slot.
                await pacer.ready(target, workspace, interval)
                pacer.started(target)
                await send(messenger, outgoing)
            except Exception as err:  # every failure is recorded; only DeliveryError is permanent
                failure: Exception | None = err
                if isinstance(err, DeliveryError) and err.retry_after is not None:
                    pacer.pause(workspace, err.retry_after)  # before any other send may start
            else:
                failure = None
    if failure is not None:
        return await _record_failure(engine, outgoing, claim, failure, now=now, executor=executor)
    # Recorded at once, without waiting for a command: a crash in between would send it twice.
    await offload(executor, delivery.mark_sent, engine, claim, now=now)
    return Report(outgoing, SENT)


async def _record_failure(
    engine: Engine,
    outgoing: Outgoing,
    claim: delivery.Claim,
    err: Exception,
    *,
    now: datetime,
    executor: Executor | None,
) -> Report:
    permanent = isinstance(err, DeliveryError) and err.permanent
    retry_after = err.retry_after if isinstance(err, DeliveryError) else None
    status = await offload(
        executor,
        delivery.mark_failed,
        engine,
        claim,
        now=now,
        error=str(err),
        permanent=permanent,
        retry_after=retry_after,
    )
    log.warning("send of %s failed (%s): %s", outgoing.key, status, err)
    return Report(outgoing, status, str(err))


async def _claim(
    engine: Engine,
    outgoing: Outgoing,
    *,
    now: datetime,
    node: str,
    lease: timedelta,
    executor: Executor | None,
) -> delivery.Claim | None:
    return await offload(
        executor,
        delivery.claim,
        engine,
        outgoing.key,
        workspace_id=outgoing.workspace.id,
        node=node,
        now=now,
        lease=lease,
    )


async def _fail_uninstalled(
    engine: Engine,
    outgoing: Outgoing,
    *,
    now: datetime,
    node: str,
    lease: timedelta,
    executor: Executor | None,
) -> Report | None:
    claim = await _claim(engine, outgoing, now=now, node=node, lease=lease, executor=executor)
    if claim is None:
        return None
    error = UNINSTALLED_ERROR.format(platform=outgoing.workspace.platform)
    status = await offload(
        executor, delivery.mark_failed, engine, claim, now=now, error=error, permanent=True
    )
    log.info("not sending %s: %s", outgoing.key, error)
    return Report(outgoing, status, error)


def _render(batch: list[Outgoing]) -> None:
    """Render a batch of messages (in a worker thread, so the event loop stays free)."""
    for item in batch:
        if item.workspace.uninstalled_at is not None:
            continue
        # A message that fails to render fails again in its send, which records it.
        with contextlib.suppress(Exception):
            _ = item.reply


def _in_order(messenger: Messenger | None) -> bool:
    """A messenger that prints (the console) gets its messages one by one, in order."""
    return bool(getattr(messenger, "in_order", False))


def _dry_run(messengers: Mapping[str, Messenger], outgoing: list[Outgoing]) -> list[Report]:
    reports: list[Report] = []
    for item in outgoing:
        if item.workspace.uninstalled_at is not None:
            error = UNINSTALLED_ERROR.format(platform=item.workspace.platform)
            reports.append(Report(item, delivery.FAILED, error))
            continue
        ok = item.workspace.platform in messengers
        reports.append(Report(item, DRY_RUN if ok else NO_MESSENGER))
    return reports


async def run_tick(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    now: datetime,
    *,
    dry_run: bool = False,
    node: str | None = None,
    lease: timedelta = delivery.LEASE,
    extend: bool = True,
    concurrency: int = SEND_CONCURRENCY,
    pacer: Pacer | None = None,
    executor: Executor | None = None,
    people: PeopleOf | None = None,
    quiet: Quiet | None = None,
) -> list[Report]:
    """Send everything due at ``now`` exactly once (or, with ``dry_run``, say what would go).

    The messages are rendered in batches off the event loop and sent at most
    ``concurrency`` at a time, at most one a second to one DM or channel, and a
    workspace's sends wait out a Retry-After.

    Args:
        engine: the database.
        messengers: platform name → messenger.
        now: the injected clock (aware).
        dry_run: compute and report only: no claims, no sends, no planning.
        node: this process's name in claims.
        lease: how old a claim must be before it is taken over.
        extend: top up the series' planned meetings first.
        concurrency: how many sends may be in flight at once.
        pacer: the per-target and Retry-After pacing (a fresh one by default).
        executor: where database work and rendering run (None: asyncio's default).
        people: look only at these people's morning DMs (a change concerned just them).
        quiet: waits while people's commands are being worked on; each send and each
            batch rendered waits for it first (at most ``YIELD_AT_MOST``), so commands go
            first and a steady stream of them still lets the DMs through.

    Returns:
        One report per message handled in this tick, in the order they were due.
    """
    node = node or node_id()
    if dry_run:
        return _dry_run(messengers, await offload(executor, plan, engine, now, lease=lease))
    if extend:
        await offload(executor, _extend, engine, now)
    with _frozen_heap():
        outgoing = await offload(executor, plan, engine, now, lease=lease, people=people)
        # Freeze again: the due messages just planned stay alive until the tick ends too.
        gc.freeze()
        return await _send_all(
            engine,
            messengers,
            outgoing,
            now=now,
            node=node,
            lease=lease,
            concurrency=concurrency,
            pacer=pacer or Pacer(),
            executor=executor,
            quiet=quiet,
        )


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the garbage collector's full passes off the objects alive now, for a tick.

    A morning's fan-out allocates a lot (10,000 DMs), which sets off full
    collections; each pass walks every tracked object in the process and
    stops every thread — the event loop included — for 100-300 ms at that
    size. Frozen objects are skipped (they are still freed after ``unfreeze``
    if they became garbage), which brings those pauses to ~10-20 ms.
    Correctness does not depend on it; overlapping ticks in threads just
    unfreeze early.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def _send_all(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    outgoing: list[Outgoing],
    *,
    now: datetime,
    node: str,
    lease: timedelta,
    concurrency: int,
    pacer: Pacer,
    executor: Executor | None,
    quiet: Quiet | None = None,
) -> list[Report]:
    gate = asyncio.Semaphore(max(1, concurrency))

    async def commands_first() -> None:
        if quiet is not None:
            await quiet(YIELD_AT_MOST)

    results: list[Report | None] = [None] * len(outgoing)
    errors: list[BaseException] = []

    async def one(index: int, item: Outgoing) -> None:
        started = time.perf_counter()
        await commands_first()
        report = await deliver(
            engine,
            messengers,
            item,
            now=now,
            node=node,
            lease=lease,
            pacer=pacer,
            gate=gate,
            executor=executor,
            commands_first=commands_first,
        )
        results[index] = report
        item.forget_reply()
        if report is not None:
            metrics.record_scheduled_send(
                item.kind,
                report.outcome,
                seconds=time.perf_counter() - started,
                key=str(item.key),
            )

    def settle(done: set[asyncio.Task[None]]) -> None:
        for task in done:
            if (err := task.exception()) is not None:
                errors.append(err)

    pending: set[asyncio.Task[None]] = set()
    try:
        for first in range(0, len(outgoing), BATCH):
            batch = outgoing[first : first + BATCH]
            await commands_first()
            await offload(executor, _render, batch)
            for offset, item in enumerate(batch):
                if _in_order(messengers.get(item.workspace.platform)):
                    await one(first + offset, item)
                else:
                    pending.add(asyncio.create_task(one(first + offset, item)))
            # Render the next batch while this one goes out, but run no further ahead.
            while len(pending) > BATCH:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                settle(done)
        if pending:
            done, pending = await asyncio.wait(pending)
            settle(done)
    finally:
        for task in pending:
            task.cancel()
    if errors:
        raise errors[0]
    return [r for r in results if r is not None]


def _extend(engine: Engine, now: datetime) -> None:
    with transaction(engine) as session:
        extend_all(session, now=now)
