"""What one run of the pipeline tells its adapter: the reply, how it ended, what it changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from commands.reply import Reply


class Outcome(StrEnum):
    """How one command ended; adapters and ``/metrics`` decide from this, never from text."""

    OK = "ok"
    USER_ERROR = "user_error"  # bad input: a short message, nothing stored
    DUPLICATE = "duplicate"  # a redelivery, recognised by its processed-event key
    UNAVAILABLE = "unavailable"  # the database is down: "try again"
    INTERNAL_ERROR = "internal_error"  # a bug: rolled back, logged with an error id


@dataclass(frozen=True)
class Changes:
    """The records one command wrote (empty for read-only commands and errors).

    Adapters use it to refresh pages (Slack's App Home) and update cards.

    Attributes:
        action_ids: primary keys of the actions created or changed (notes and owners included).
        action_numbers: their per-workspace numbers (#12).
        meeting_ids: meetings created or changed (items, participants, status).
        decision_ids: decisions recorded or corrected.
        decision_numbers: their numbers (B3).
    """

    action_ids: tuple[int, ...] = ()
    action_numbers: tuple[int, ...] = ()
    meeting_ids: tuple[int, ...] = ()
    decision_ids: tuple[int, ...] = ()
    decision_numbers: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.action_ids or self.meeting_ids or self.decision_ids)


@dataclass(frozen=True)
class Result:
    """One command's result.

    Attributes:
        reply: what to show the user.
        outcome: how it ended.
        command: the canonical command ("action"), or "unknown".
        subcommand: the canonical subcommand ("add"), "help", or None when none matched.
        read_only: the subcommand only shows things (declared in the registry); showing
            its reply again later is harmless.
        changes: what was written.
        error_id: the short id logged with an internal error, for the user to quote.
    """

    reply: Reply
    outcome: Outcome
    command: str = "unknown"
    subcommand: str | None = None
    read_only: bool = False
    changes: Changes = field(default_factory=Changes)
    error_id: str | None = None

    @property
    def ok(self) -> bool:
        """The command did what was asked."""
        return self.outcome == Outcome.OK

    @property
    def duplicate(self) -> bool:
        """A redelivery: the adapter answers nothing (the first delivery was answered)."""
        return self.outcome == Outcome.DUPLICATE
