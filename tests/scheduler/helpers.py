"""Shared set-up for the scheduler tests: a KC series built through the console, a tick runner."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.console.messenger import ConsoleMessenger
from scheduler.tick import Report, run_tick
from tests.conftest import Transcript

STHLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> datetime:
    """A Stockholm wall-clock time: at("2026-12-08 08:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=STHLM)


def send(console: Transcript, when: str, *lines: str, user: str | None = None) -> None:
    """Type lines into the console at a moment; every line must succeed."""
    console.now = at(when)
    for line in lines:
        reply = console.send(line, user=user)
        assert not reply.error, (line, reply.as_text())


def build_kc(console: Transcript) -> None:
    """A monthly KC series; a meeting on Tue 24 Nov 2026 with items, actions, a decision.

    Actions: #1 Lisa due Wed 25 Nov, #2 Per due Tue 1 Dec, #3 Per due 1 Mar 2027,
    #4 Lisa due Fri 4 Dec (done on 27 Nov). The next meeting is Thu 10 Dec 2026.
    """
    send(
        console,
        "2026-11-23 09:00",
        "/meeting series new KC-möte varje månad andra torsdagen 08:30-12:00 Stadshuset",
        "/meeting new KC-möte 2026-11-24 08:30-12:00",
    )
    send(
        console,
        "2026-11-24 08:40",
        "/meeting start --ja",
        '/meeting item 3.1 Ekonomi - rapport @"Anna Ek"',
        '/action add Ta fram budgetunderlag @"Lisa Berg" senast 2026-11-25',
        '/action add Ring regionen @"Per Holm" senast 2026-12-01',
        '/action add Långsiktig plan @"Per Holm" senast 2027-03-01',
        '/action add Boka lokal @"Lisa Berg" senast 2026-12-04',
        "/decision add Kommunchefsgruppen godkänner rapporten",
        "/meeting end",
    )
    send(console, "2026-11-27 10:00", "/action klar #4")


class Runner:
    """Runs ticks through the real code path with a recording console messenger."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.out = io.StringIO()
        self.messenger = ConsoleMessenger(self.out)

    def tick(self, when: datetime | str, **kwargs: object) -> list[Report]:
        moment = at(when) if isinstance(when, str) else when
        return asyncio.run(
            run_tick(self.engine, {"console": self.messenger}, moment, **kwargs)  # type: ignore[arg-type]
        )

    def sent_to(self) -> list[str]:
        return [s.to for s in self.messenger.sent]

    def dms(self) -> dict[str, str]:
        return {s.to: s.reply.as_text() for s in self.messenger.sent if s.kind == "dm"}


def later(moment: datetime, **delta: float) -> datetime:
    """A moment plus a timedelta."""
    return moment + timedelta(**delta)
