"""One tick: find what is due at an instant, claim each message, send it, record it.

The same function runs behind ``motesbot tick --at …`` and inside the running
bot (at exact moments and on every reconcile), so what the command shows is
what the bot does.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from commands import metrics
from commands.planning import extend_all
from scheduler import delivery
from scheduler.due import due_messages
from scheduler.messenger import DeliveryError, Messenger
from scheduler.outgoing import Outgoing
from storage.db import transaction

log = logging.getLogger("motesbot.scheduler")

SENT = "sent"
DRY_RUN = "dry_run"
NO_MESSENGER = "no_messenger"
UNINSTALLED_ERROR = "the app was removed from this {platform} workspace"


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


def plan(engine: Engine, now: datetime, *, lease: timedelta = delivery.LEASE) -> list[Outgoing]:
    """The due messages at ``now`` that are not sent yet (nor being sent by a living process)."""
    with transaction(engine) as session:
        due = due_messages(session, now)
        settled = delivery.settled_keys(session, {o.occasion for o in due})
    return [
        o for o in due if (row := settled.get(o.key)) is None or delivery.claimable(row, now, lease)
    ]


async def deliver(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    outgoing: Outgoing,
    *,
    now: datetime,
    node: str,
    lease: timedelta = delivery.LEASE,
) -> Report | None:
    """Claim, send and record one message; None when someone else has it or it is done.

    A message to a workspace the app was removed from is claimed and recorded as
    failed for good without being sent, so it is neither sent nor tried again.
    """
    if outgoing.workspace.uninstalled_at is not None:
        return await _fail_uninstalled(engine, outgoing, now=now, node=node, lease=lease)
    messenger = messengers.get(outgoing.workspace.platform)
    if messenger is None:
        log.warning("no messenger for %s; %s not sent", outgoing.workspace.platform, outgoing.key)
        return Report(outgoing, NO_MESSENGER)
    claim = await asyncio.to_thread(
        delivery.claim,
        engine,
        outgoing.key,
        workspace_id=outgoing.workspace.id,
        node=node,
        now=now,
        lease=lease,
    )
    if claim is None:
        return None
    try:
        await send(messenger, outgoing)
    except Exception as err:  # every failure is recorded; only DeliveryError can be permanent
        permanent = isinstance(err, DeliveryError) and err.permanent
        status = await asyncio.to_thread(
            delivery.mark_failed, engine, claim, now=now, error=str(err), permanent=permanent
        )
        log.warning("send of %s failed (%s): %s", outgoing.key, status, err)
        return Report(outgoing, status, str(err))
    await asyncio.to_thread(delivery.mark_sent, engine, claim, now=now)
    return Report(outgoing, SENT)


async def _fail_uninstalled(
    engine: Engine, outgoing: Outgoing, *, now: datetime, node: str, lease: timedelta
) -> Report | None:
    claim = await asyncio.to_thread(
        delivery.claim,
        engine,
        outgoing.key,
        workspace_id=outgoing.workspace.id,
        node=node,
        now=now,
        lease=lease,
    )
    if claim is None:
        return None
    error = UNINSTALLED_ERROR.format(platform=outgoing.workspace.platform)
    status = await asyncio.to_thread(
        delivery.mark_failed, engine, claim, now=now, error=error, permanent=True
    )
    log.info("not sending %s: %s", outgoing.key, error)
    return Report(outgoing, status, error)


async def run_tick(
    engine: Engine,
    messengers: Mapping[str, Messenger],
    now: datetime,
    *,
    dry_run: bool = False,
    node: str | None = None,
    lease: timedelta = delivery.LEASE,
) -> list[Report]:
    """Send everything due at ``now`` exactly once (or, with ``dry_run``, say what would go).

    Args:
        engine: the database.
        messengers: platform name → messenger.
        now: the injected clock (aware).
        dry_run: compute and report only: no claims, no sends, no planning.
        node: this process's name in claims.
        lease: how old a claim must be before it is taken over.

    Returns:
        One report per message handled in this tick.
    """
    node = node or node_id()
    if not dry_run:
        await asyncio.to_thread(_extend, engine, now)
    outgoing = await asyncio.to_thread(plan, engine, now, lease=lease)
    reports: list[Report] = []
    for item in outgoing:
        if dry_run:
            if item.workspace.uninstalled_at is not None:
                error = UNINSTALLED_ERROR.format(platform=item.workspace.platform)
                reports.append(Report(item, delivery.FAILED, error))
                continue
            ok = item.workspace.platform in messengers
            reports.append(Report(item, DRY_RUN if ok else NO_MESSENGER))
            continue
        started = time.perf_counter()
        report = await deliver(engine, messengers, item, now=now, node=node, lease=lease)
        if report is not None:
            reports.append(report)
            metrics.record_scheduled_send(
                item.kind,
                report.outcome,
                seconds=time.perf_counter() - started,
                key=str(item.key),
            )
    return reports


def _extend(engine: Engine, now: datetime) -> None:
    with transaction(engine) as session:
        extend_all(session, now=now)
