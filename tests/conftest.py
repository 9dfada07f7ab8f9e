"""Shared fixtures: databases (SQLite and a real PostgreSQL), a fixed clock, a console driver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bot.console.adapter import run_line
from commands.context import Config
from commands.reply import Reply
from storage.db import make_engine
from storage.migrate import upgrade

pytest_plugins = ["tests.postgres"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Monday morning before the KC-möte of 10 December 2026.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An upgraded database, on SQLite and on PostgreSQL."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """An upgraded database on PostgreSQL only (row locks, sessions the server ends)."""
    eng = make_engine(postgres_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: object) -> Iterator[Engine]:
    """An upgraded SQLite database only (fast tests that are not about storage)."""
    eng = make_engine(f"sqlite:///{tmp_path}/motesbot.db")
    upgrade(eng)
    yield eng
    eng.dispose()


class Transcript:
    """Drive the console adapter like a user: send a line, read the reply."""

    def __init__(self, engine: Engine, *, user: str = "Sekreterare", channel: str = "kc") -> None:
        self.engine = engine
        self.user = user
        self.channel = channel
        self.now = NOW
        # What the adapter read from the settings (PUBLIC_URL); commands never read the env.
        self.config = Config()

    def send(self, line: str, *, user: str | None = None, lang: str | None = None) -> Reply:
        """Run one line and return the reply."""
        reply = run_line(
            self.engine,
            line,
            user=user or self.user,
            channel=self.channel,
            now=self.now,
            lang=lang,
            config=self.config,
        )
        assert reply is not None
        return reply

    def text(self, line: str, **kwargs: str) -> str:
        """Run one line and return the reply as the console prints it."""
        return self.send(line, **kwargs).as_text()


@pytest.fixture
def console(sqlite_engine: Engine) -> Transcript:
    """A console session on a fresh SQLite database."""
    return Transcript(sqlite_engine)


@pytest.fixture
def console_any(engine: Engine) -> Transcript:
    """A console session on SQLite and on PostgreSQL."""
    return Transcript(engine)
