"""Importing old minutes is quiet: their actions are history until a person changes them.

The 2016 sample is imported in November 2026; nobody may get a morning DM, a status request
or a digest line about those actions, and the default lists leave them out, while the
minutes and `/action lista historik` show them. A change by a person makes one ordinary.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from scheduler.digest import digest_reply
from scheduler.morning import due_rows_query, morning_dms
from scheduler.status_request import status_requests_due
from storage.db import make_engine
from storage.models import Action, Meeting, MeetingSeries, MeetingStatus
from tests.conftest import Transcript
from tests.scheduler.helpers import Runner, at

SAMPLES = Path("/work/shared/samples/minutes")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "minutes"
runner = CliRunner()


def _sample(name: str) -> Path:
    local = Path(__file__).resolve().parents[3] / "shared" / "samples" / "minutes" / name
    return local if local.exists() else SAMPLES / name


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MOTESBOT_NOW", "2026-11-23T09:00:00+01:00")
    monkeypatch.chdir(tmp_path)
    return url


def _flat(output: str) -> str:
    return " ".join(output.split())


def _imported(db: str) -> Transcript:
    result = runner.invoke(app, ["import", str(_sample("kc-2016-02-18.txt"))])
    assert result.exit_code == 0, result.output
    engine = make_engine(db)
    return Transcript(engine)


def test_dry_run_and_summary_say_how_many_come_in_as_history(db: str) -> None:
    dry = runner.invoke(app, ["import", "--dry-run", str(_sample("kc-2016-02-18.txt"))])
    assert dry.exit_code == 0, dry.output
    assert "som historik" in dry.output
    assert "57 åtgärder blir historik" in _flat(dry.output)
    done = runner.invoke(app, ["import", str(_sample("kc-2016-02-18.txt"))])
    assert done.exit_code == 0, done.output
    assert "57 åtgärder sparades som historik" in _flat(done.output)
    again = runner.invoke(app, ["import", str(_sample("kc-2016-02-18.txt"))])
    assert "historik" in again.output  # the table row, with 0 new
    assert "sparades som historik" not in _flat(again.output)


def test_minutes_of_last_week_are_not_history(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTESBOT_NOW", "2019-11-20T09:00:00+01:00")
    result = runner.invoke(app, ["import", str(FIXTURES / "plain-2019-11-06.txt")])
    assert result.exit_code == 0, result.output
    assert "sparades som historik" not in _flat(result.output)
    with Session(make_engine(db)) as session:
        actions = list(session.exec(select(Action)))
    assert actions and not any(a.history for a in actions)


def test_nobody_gets_a_dm_about_a_2016_action(db: str) -> None:
    console = _imported(db)
    with Session(console.engine) as session:
        assert all(a.history for a in session.exec(select(Action)))
        # A working Tuesday morning, well after everyone's reminder time.
        assert morning_dms(session, at("2026-11-24 10:00")) == []
    tick = runner.invoke(app, ["tick", "--at", "2026-11-24T10:00+01:00"])
    assert tick.exit_code == 0, tick.output
    assert "0 meddelanden skickade" in tick.output
    runner_ = Runner(console.engine)
    runner_.tick("2026-11-25 09:00")
    assert runner_.dms() == {}


def test_no_status_request_or_digest_lines_about_history(db: str) -> None:
    console = _imported(db)
    with Session(console.engine) as session:
        series = session.exec(select(MeetingSeries)).one()
        series.channel_id = "kc"
        session.add(series)
        session.commit()
    console.now = at("2026-11-23 09:00")
    reply = console.send("/meeting ny KC-möte 2026-12-10 08:30-12:00 Stadshuset")
    assert not reply.error, reply.as_text()
    with Session(console.engine) as session:
        meeting = session.exec(
            select(Meeting).where(Meeting.status == MeetingStatus.PLANNED.value)
        ).one()
        digest = digest_reply(session, meeting, now=at("2026-12-08 09:00")).as_text()
        # The 2016 meeting is the previous one; its 57 open actions stay out, and say so.
        assert "Föregående möte" in digest
        assert "#1 " not in digest and "försenad" not in digest
        assert "57 åtgärder från mötet är importerad historik" in digest
        assert "Inga åtgärder registrerades" not in digest
        assert status_requests_due(session, at("2026-12-07 12:00")) == []


def test_lists_leave_history_out_and_historik_shows_it(db: str) -> None:
    console = _imported(db)
    console.now = at("2026-11-23 09:00")
    assert "Inga åtgärder" in console.text("/action lista alla")
    assert "Inga åtgärder" in console.text("/action lista försenade")
    history = console.text("/action lista historik")
    assert history.startswith("Historik")
    assert "#1 " in history and "📜 historik" in history and "försenad" not in history
    assert "Ändra en" in history
    english = console.text("/action list history", lang="en")
    assert english.startswith("History") and "📜 history" in english
    shown = console.text("/action visa #1")
    assert "📜 historik" in shown


@pytest.mark.parametrize(
    "change",
    [
        "/action datum #{n} 2026-11-25",
        "/action notera #{n} Följs upp i december",
        '/action tilldela #{n} @"Lisa Berg"',
        "/action ändra #{n} Ny text för åtgärden",
    ],
)
def test_a_change_by_a_person_makes_it_ordinary(db: str, change: str) -> None:
    console = _imported(db)
    console.now = at("2026-11-23 09:00")
    reply = console.send(change.format(n=5))
    assert not reply.error, reply.as_text()
    assert "#5 " in console.text("/action lista alla")
    assert "#5 " not in console.text("/action lista historik")
    assert "📜" not in console.text("/action visa #5")
    with Session(console.engine) as session:
        action = session.exec(select(Action).where(Action.number == 5)).one()
        assert action.history is False
        others = session.exec(select(Action).where(Action.number != 5)).all()
        assert all(a.history for a in others)


def test_closing_one_is_a_change_and_a_dated_one_is_reminded_again(db: str) -> None:
    console = _imported(db)
    console.now = at("2026-11-23 09:00")
    assert not console.send("/action klar #2").error
    assert "#2 " in console.text("/action lista klara")
    assert not console.send("/action datum #7 2026-11-25").error
    with Session(console.engine) as session:
        dms = morning_dms(session, at("2026-11-24 10:00"))
    texts = [dm.content().as_text() for dm in dms]  # type: ignore[operator]
    assert len(texts) == 1 and "#7 " in texts[0]


def test_the_export_carries_the_flag(db: str) -> None:
    console = _imported(db)
    console.now = at("2026-11-23 09:00")
    console.send("/action klar #3")
    dump = runner.invoke(app, ["export", "--format", "json"])
    assert dump.exit_code == 0
    doc = json.loads(dump.output)
    assert doc["schema_version"] == 1
    flags = {a["number"]: a["history"] for a in doc["workspaces"][0]["actions"]}
    assert flags[3] is False and flags[1] is True
    assert sum(flags.values()) == 56


def test_an_older_export_without_the_field_restores_as_ordinary(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _imported(db)
    doc = json.loads(runner.invoke(app, ["export", "--format", "json"]).output)
    for action in doc["workspaces"][0]["actions"]:
        del action["history"]
    backup = tmp_path / "old.json"
    backup.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/restored.db")
    assert runner.invoke(app, ["import", str(backup)]).exit_code == 0
    with Session(make_engine(f"sqlite:///{tmp_path}/restored.db")) as session:
        assert not any(a.history for a in session.exec(select(Action)))


def test_the_fan_out_query_stays_on_the_index(db: str) -> None:
    console = _imported(db)
    query = due_rows_query(
        horizon=datetime(2026, 12, 1).date(),
        earliest_today=datetime(2026, 11, 24).date(),
        workspace_ids=[1],
    )
    with console.engine.connect() as conn:
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
    assert "ix_action_open_due" in plan and "SCAN action " not in plan + " "
