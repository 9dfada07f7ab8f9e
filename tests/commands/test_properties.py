"""Property-based: no command text makes a handler raise, and errors store nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from bot.console.adapter import PLATFORM, WORKSPACE, run_line, user_ref
from commands import Outcome, Request, Result, run
from storage import backup
from storage.db import make_engine, transaction
from storage.migrate import upgrade
from tests.conftest import NOW

COMMANDS = [
    "action",
    "åtgärd",
    "decision",
    "beslut",
    "meeting",
    "möte",
    "agenda",
    "dagordning",
    "nope",
]
WORDS = [
    "add",
    "ny",
    "list",
    "lista",
    "done",
    "klar",
    "reopen",
    "öppna",
    "note",
    "notera",
    "due",
    "datum",
    "assign",
    "tilldela",
    "edit",
    "ändra",
    "cancel",
    "stryk",
    "show",
    "visa",
    "search",
    "sök",
    "new",
    "start",
    "item",
    "punkt",
    "end",
    "avsluta",
    "next",
    "hjälp",
    "help",
    "#1",
    "#999",
    "B1",
    "@Lisa",
    '@"Anna Berg"',
    "<@U123>",
    "senast",
    "by",
    "31 februari",
    "2026-12-05",
    "fredag",
    "v. 60",
    "3.1",
    "08:30-12:00",
    "till nästa möte",
    # dates as Swedes write them (issue 14)
    "t.o.m.",
    "tom",
    "till och med",
    "om två veckor",
    "inom en vecka",
    "i slutet av januari",
    "i mitten av mars",
    "i oktober",
    "sista mars",
    "innan jul",
    "före midsommar",
    "julafton",
    "den 15:e",
    "15.1",
    "15/1-27",
    "fredag nästa vecka",
    "tisdag v. 3",
    "mån 15 dec",
    "nästa fredag",
    "innan nästa möte",
    "till nästa KC-möte",
    "snarast",
    "ASAP",
    "5 mars",
    "mid-March",
    "before Christmas",
    "alla",
    "försenade",
    "",
    "@",
    '@"',
    "<@",
]

command_text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=30)), max_size=8).map(
    " ".join
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database with a running meeting, an item, actions and a decision."""
    path: Path = tmp_path_factory.mktemp("prop") / "motesbot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    for line in [
        "/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
        "/meeting new KC-möte 2027-01-14",
        "/meeting start --ja",
        "/meeting item 3.1 Ekonomi",
        '/action add Ta fram underlag @"Lisa Andersson Lindberg" senast 2026-12-05',
        '/action add Boka lokal @"Anna Berg"',
        "/decision add Gruppen godkänner rapporten",
    ]:
        reply = run_line(engine, line, user="Sekreterare", channel="kc", now=NOW)
        assert reply is not None and not reply.error, reply
    yield engine
    engine.dispose()


def _state(engine: Engine) -> str:
    with transaction(engine) as session:
        data = backup.export_data(session, exported_at=datetime(2000, 1, 1, tzinfo=UTC))
    return json.dumps(data["workspaces"], sort_keys=True)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command=st.sampled_from(COMMANDS), text=command_text)
def test_any_text_gets_a_reply_and_errors_store_nothing(
    seeded: Engine, command: str, text: str
) -> None:
    before = _state(seeded)
    result = _run(seeded, command, text)
    reply = result.reply
    rendered = reply.as_text()
    assert rendered.strip()
    assert "Traceback" not in rendered and "Error:" not in rendered
    # Whatever is typed, the answer is never a bug's (nor a database outage's).
    assert result.outcome in (Outcome.OK, Outcome.USER_ERROR), (command, text, result)
    if reply.error:
        assert _state(seeded) == before


def _run(engine: Engine, command: str, text: str) -> Result:
    """The console's request for a typed line, through the one pipeline."""
    request = Request(
        platform=PLATFORM,
        workspace=WORKSPACE,
        user=user_ref("Sekreterare"),
        channel="kc",
        command=command,
        text=text,
        now=NOW,
    )
    return run(request, engine=engine)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_english_user_gets_english_errors(seeded: Engine, text: str) -> None:
    reply = run_line(seeded, f"/action klar {text}", user="Guest", channel="kc", now=NOW, lang="en")
    assert reply is not None and reply.as_text().strip()
    if reply.error:
        assert not any(w in reply.as_text() for w in ("Ingenting", "Skriv", "Ange"))
