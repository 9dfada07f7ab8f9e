"""Finding a person by name in a big workspace: the folded-name index against a full read.

"/åtgärd ny … ansvarig: Lisa", "/möte deltagare Anna Berg" and "@Lisa" look a name up.
Until migration 0014 that read every person of the workspace and compared folded names
in Python (SQLite's lower() leaves å, ä and ö alone); now it is one range of the
``person_name`` index. Both run here on the same SQLite register of ``--people`` people
(default 100,000), each look-up in its own transaction as a command's is, and the median
of ``--rounds`` look-ups of one name is printed for each.

Usage: ``python -m bench.name_lookup [--people N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from storage import people, person_names
from storage.db import make_engine, transaction
from storage.migrate import upgrade
from storage.models import Person, Workspace
from storage.names import fold

QUICK_ARGS = ["--people", "10000", "--rounds", "3"]
WANTED = "lisa"  # the first name of exactly one of them, "Lisa Ek"


def _fill(engine: Engine, count: int) -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    named = {1: "Anna Berg", 2: "Lisa Ek", 3: "Åke Ström"}
    with engine.begin() as conn:
        conn.execute(
            insert(Workspace),
            [{"id": 1, "platform": "slack", "external_id": "T0NAMES", "name": "Bench",
              "language": "sv", "timezone": "Europe/Stockholm", "next_action_no": 1,
              "next_decision_no": 1, "created_at": at}],
        )  # fmt: skip
        rows = [
            {"id": i, "workspace_id": 1, "display_name": named.get(i, f"Person {i}"),
             "platform_user_id": f"U{i:07d}", "reminders_enabled": True,
             "reminder_time": dtime(8, 0), "created_at": at}
            for i in range(1, count + 1)
        ]  # fmt: skip
        for start in range(0, count, 20_000):
            conn.execute(insert(Person), rows[start : start + 20_000])
        person_names.rebuild(conn)


def _full_read(engine: Engine) -> list[str]:
    """The look-up as it was: every person of the workspace, folded and compared here."""
    with transaction(engine) as session:
        wanted = fold(WANTED)
        found = []
        for person in people.people_in(session, workspace_id=1):
            name = fold(person.display_name)
            if name.startswith(wanted) or any(w.startswith(wanted) for w in name.split()):
                found.append(person.display_name)
        return found


def _indexed(engine: Engine) -> list[str]:
    with transaction(engine) as session:
        return [p.display_name for p in people.match_name(session, workspace_id=1, query=WANTED)]


def _median_ms(look_up: Any, engine: Engine, rounds: int) -> tuple[float, list[str]]:
    times, found = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        found = look_up(engine)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), found


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Build the register, time both look-ups, print and return the medians."""
    parser = argparse.ArgumentParser(prog="bench.name_lookup", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'names.db'}")
        try:
            upgrade(engine)
            _fill(engine, args.people)
            full_ms, full = _median_ms(_full_read, engine, args.rounds)
            index_ms, indexed = _median_ms(_indexed, engine, args.rounds)
        finally:
            engine.dispose()
    assert full == indexed == ["Lisa Ek"], (full, indexed)
    print(
        f"name_lookup people={args.people} full_read_ms={full_ms:.2f} "
        f"indexed_ms={index_ms:.2f} speedup={full_ms / index_ms:.0f}x"
    )
    return {"people": args.people, "full_read_ms": full_ms, "indexed_ms": index_ms}


if __name__ == "__main__":
    main()
