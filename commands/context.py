"""What a handler works with: the transaction, the caller, the language and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from commands.request import Request
from storage.models import MeetingSeries, Person, Workspace


@dataclass
class Ctx:
    """Everything one command needs; built once per request."""

    session: Session
    request: Request
    workspace: Workspace
    caller: Person
    lang: str
    tz: ZoneInfo
    # The command ended with the confirmation marker (commands/confirm.py).
    confirmed: bool = False

    @property
    def ws_id(self) -> int:
        """The workspace's primary key."""
        assert self.workspace.id is not None
        return self.workspace.id

    @property
    def caller_id(self) -> int:
        """The caller's primary key."""
        assert self.caller.id is not None
        return self.caller.id

    @property
    def now(self) -> datetime:
        """The injected clock, in UTC."""
        return self.request.now.astimezone(UTC)

    @property
    def today(self) -> date:
        """Today's date where the caller is."""
        return self.request.now.astimezone(self.tz).date()

    def series_tz(self, series: MeetingSeries | None) -> ZoneInfo:
        """Return a series' time zone, else the caller's."""
        return zone(series.timezone) if series is not None else self.tz


def zone(name: str | None, default: str = "Europe/Stockholm") -> ZoneInfo:
    """Return a ZoneInfo, falling back to the default for unknown names."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)
