"""Neutral measurement hooks: commands, scheduled sends and leadership, counted in plain Python.

The command layer and the scheduler must not import the web app or
``prometheus_client``, so they report here; whoever wants the numbers
(``bot.observability`` for ``/metrics``) subscribes with :func:`subscribe`.
Everything works, and is counted, with no subscriber at all.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

from commands.result import Outcome

log = logging.getLogger("motesbot.metrics")
send_log = logging.getLogger("motesbot.scheduler.send")


__all__ = ["Observer", "Outcome", "record_command", "record_scheduled_send", "subscribe"]


class Observer(Protocol):
    """Receives every measurement; implement only what you need (defaults do nothing)."""

    def command(self, command: str, outcome: str, seconds: float) -> None:
        """One command finished."""

    def scheduled_send(self, kind: str, outcome: str, seconds: float | None) -> None:
        """One scheduled message was sent, failed or skipped."""

    def leader(self, is_leader: bool) -> None:
        """This process gained or lost the scheduler's leadership."""


_lock = threading.Lock()
_observers: list[Observer] = []
COMMANDS: Counter[tuple[str, str]] = Counter()
SCHEDULED_SENDS: Counter[tuple[str, str]] = Counter()
_leader = False


def subscribe(observer: Observer) -> None:
    """Add an observer (idempotent: the same object is added once)."""
    with _lock:
        if observer not in _observers:
            _observers.append(observer)


def unsubscribe(observer: Observer) -> None:
    """Remove an observer added with :func:`subscribe`."""
    with _lock:
        if observer in _observers:
            _observers.remove(observer)


def _each(call: Callable[[Observer], None]) -> None:
    with _lock:
        observers = list(_observers)
    for observer in observers:
        try:
            call(observer)
        except Exception:
            # A broken metrics backend must never break a command or a send.
            log.exception("metrics observer failed")


def record_command(command: str, outcome: Outcome | str, seconds: float) -> None:
    """Count one finished command.

    Args:
        command: the canonical command ("action", ...) or what the user typed if unknown.
        outcome: one of :class:`Outcome`.
        seconds: how long :func:`commands.pipeline.run` took.
    """
    outcome = str(outcome)
    with _lock:
        COMMANDS[(command, outcome)] += 1
    _each(lambda o: o.command(command, outcome, seconds))


def record_scheduled_send(
    kind: str, outcome: str, *, seconds: float | None = None, **fields: Any
) -> None:
    """Count one scheduled message and log one structured line about it.

    The scheduler calls this once per delivery attempt.

    Args:
        kind: what was sent ("reminder", "digest", "overdue", ...).
        outcome: "sent", "failed", "retry", "skipped", "duplicate", ...
        seconds: how long the send took, when known.
        **fields: extra context for the log line (recipient id, occasion, ...).
    """
    with _lock:
        SCHEDULED_SENDS[(kind, outcome)] += 1
    latency = None if seconds is None else round(seconds * 1000, 1)
    send_log.info(
        "scheduled send %s %s",
        kind,
        outcome,
        extra={"kind": kind, "outcome": outcome, "latency_ms": latency, **fields},
    )
    _each(lambda o: o.scheduled_send(kind, outcome, seconds))


def set_leader(is_leader: bool) -> None:
    """Report whether this process currently holds the scheduler's leader lock."""
    global _leader
    with _lock:
        changed = _leader != is_leader
        _leader = is_leader
    if changed:
        log.info("leadership %s", "gained" if is_leader else "lost", extra={"leader": is_leader})
    _each(lambda o: o.leader(is_leader))


def is_leader() -> bool:
    """The last leadership status reported with :func:`set_leader`."""
    return _leader
