"""Morning-DM fan-out: every DM of one day for 10,000 people and 1,000,000 actions.

Measures the scheduler's real computation (``scheduler.morning.morning_dms``:
which people are due, their actions grouped, meeting and item labels, latest
notes, rendered replies with buttons) against the floor of ONE SQL query that
returns the same (person, action) rows with the same columns, in the same run
and on the same database. Peak Python memory is measured with tracemalloc on a
separate run (tracemalloc slows Python down, so it is not used while timing).

The number of *due* actions is held constant (``--due-per-person``), so
running two sizes (``--actions`` and ``--second-actions``) shows whether
memory grows with the actions that are not due.

Usage:
    python bench/fanout.py                       # 10,000 people, 1,000,000 actions
    python bench/fanout.py --actions 100000      # quick
    python bench/fanout.py --db postgresql+psycopg://…/bench

The last line is ``ratio=<ours/floor>``; ``main(argv)`` returns the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Date, Time, bindparam, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.morning import morning_dms
from storage import person_names
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import (
    Action,
    ActionNote,
    ActionOwner,
    AgendaItem,
    Meeting,
    MeetingSeries,
    Person,
    Workspace,
)

STHLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 12, 8, 8, 0, tzinfo=STHLM)  # a Tuesday, 08:00
TODAY = NOW.date()
HORIZON = date(2026, 12, 11)  # three working days after Tuesday 8 December
CHUNK = 20_000

FLOOR_SQL = """
SELECT o.person_id, a.number, a.text, a.due_date, a.meeting_id, s.name, m.starts_at,
       i.number AS item_number,
       (SELECT n.note_date || ': ' || n.text FROM action_note n WHERE n.action_id = a.id
         ORDER BY n.note_date DESC, n.id DESC LIMIT 1) AS latest_note
FROM action_owner o
JOIN action a ON a.id = o.action_id
JOIN person p ON p.id = o.person_id
LEFT JOIN meeting m ON m.id = a.meeting_id
LEFT JOIN meeting_series s ON s.id = m.series_id
LEFT JOIN agenda_item i ON i.id = a.item_id
WHERE a.workspace_id IN (1) AND a.status = 'open' AND a.history = false
  AND a.due_date IS NOT NULL AND a.due_date <= :horizon
  AND p.reminders_enabled AND (p.away_until IS NULL OR p.away_until < :today)
  AND p.reminder_time <= :local_time
ORDER BY o.person_id, a.due_date, a.number
"""


def _chunks(rows: list[dict[str, Any]]) -> Any:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def populate(engine: Engine, *, people: int, actions: int, due_per_person: float, seed: int,
             history_share: float = 0.0) -> int:  # fmt: skip
    """Fill an empty database; return how many open actions are due (overdue or within 3 days).

    ``history_share`` of the actions that are not due become imported history: open and
    long overdue (2016-style minutes), which the fan-out must skip without reading them.
    """
    rng = random.Random(seed)
    # A second generator, so the history does not change the rest of the data for a seed.
    history_rng = random.Random(seed + 1)
    created = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Workspace),
            [{"id": 1, "platform": "console", "external_id": "bench", "name": "bench",
              "language": "sv", "timezone": "Europe/Stockholm", "next_action_no": actions + 1,
              "next_decision_no": 1, "created_at": created}],
        )  # fmt: skip
        people_rows = []
        for pid in range(1, people + 1):
            roll = rng.random()
            people_rows.append(
                {"id": pid, "workspace_id": 1, "display_name": f"Person {pid}",
                 "platform_user_id": f"U{pid:06d}", "timezone": None, "locale": None,
                 "email": None, "reminders_enabled": roll > 0.05,
                 "reminder_time": dtime(7, 30) if roll > 0.9 else dtime(8, 0),
                 "away_until": date(2026, 12, 20) if 0.05 < roll < 0.08 else None,
                 "created_at": created}
            )  # fmt: skip
        for chunk in _chunks(people_rows):
            conn.execute(insert(Person), chunk)
        person_names.rebuild(conn)
        conn.execute(
            insert(MeetingSeries),
            [{"id": 1, "workspace_id": 1, "name": "KC-möte", "channel_id": "kc",
              "timezone": "Europe/Stockholm", "digest_days_before": 2,
              "digest_time": dtime(9, 0), "digest_on_morning": False, "created_at": created}],
        )  # fmt: skip
        meetings, items = [], []
        for mid in range(1, 25):
            start = datetime(2025, 1, 9, 8, 30, tzinfo=STHLM) + timedelta(days=28 * (mid - 1))
            meetings.append(
                {"id": mid, "workspace_id": 1, "series_id": 1, "starts_at": start,
                 "status": "ended", "created_at": created}
            )  # fmt: skip
            for k in range(1, 11):
                items.append(
                    {"id": (mid - 1) * 10 + k, "workspace_id": 1, "meeting_id": mid,
                     "series_id": 1, "number": f"{k}", "sort_key": f"{k:04d}",
                     "title": f"Punkt {k}", "attachments": [], "created_at": created}
                )  # fmt: skip
        conn.execute(insert(Meeting), meetings)
        conn.execute(insert(AgendaItem), items)
        due_target = int(people * due_per_person)
        due_ids = set(rng.sample(range(1, actions + 1), min(due_target, actions)))
        batch: list[dict[str, Any]] = []
        owners: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        for aid in range(1, actions + 1):
            mid = rng.randint(1, 24)
            if aid in due_ids:
                status, due = "open", TODAY + timedelta(days=rng.randint(-40, 3))
            else:
                roll = rng.random()
                if roll < 0.85:
                    status, due = "done", TODAY - timedelta(days=rng.randint(0, 700))
                elif roll < 0.95:
                    status, due = "open", TODAY + timedelta(days=rng.randint(4, 400))
                else:
                    status, due = "open", None
            history = aid not in due_ids and history_rng.random() < history_share
            if history:
                status, due = "open", TODAY - timedelta(days=history_rng.randint(400, 3650))
            batch.append(
                {"id": aid, "workspace_id": 1, "number": aid,
                 "text": f"Åtgärd {aid}: ta fram underlag och återkoppla till gruppen",
                 "due_date": due, "status": status, "meeting_id": mid,
                 "item_id": (mid - 1) * 10 + rng.randint(1, 10), "created_at": created,
                 "updated_at": created, "history": history}
            )  # fmt: skip
            owner = rng.randint(1, people)
            owners.append({"action_id": aid, "person_id": owner, "position": 0})
            if rng.random() < 0.1:
                second = rng.randint(1, people)
                if second != owner:
                    owners.append({"action_id": aid, "person_id": second, "position": 1})
            if rng.random() < 0.1:
                notes.append(
                    {"action_id": aid, "note_date": TODAY - timedelta(days=rng.randint(1, 60)),
                     "text": f"Uppföljning av {aid}", "created_at": created}
                )  # fmt: skip
            if len(batch) >= CHUNK:
                conn.execute(insert(Action), batch)
                conn.execute(insert(ActionOwner), owners)
                if notes:
                    conn.execute(insert(ActionNote), notes)
                batch, owners, notes = [], [], []
        if batch:
            conn.execute(insert(Action), batch)
            conn.execute(insert(ActionOwner), owners)
        if notes:
            conn.execute(insert(ActionNote), notes)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    else:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    return len(due_ids)


def ours(engine: Engine) -> list[Any]:
    """Compute every morning DM at NOW (who, which actions, labels, notes; text on demand)."""
    with Session(engine) as session:
        return morning_dms(session, NOW)


def ours_rendered(engine: Engine) -> tuple[int, int]:
    """Compute every morning DM and render every reply; return (DMs, action lines)."""
    dms = ours(engine)
    lines = sum(1 for dm in dms for line in dm.reply.lines if line.action_number is not None)
    return len(dms), lines


def floor(engine: Engine) -> int:
    """The single SQL query returning the same rows; return the row count."""
    sql = FLOOR_SQL
    if engine.dialect.name == "postgresql":
        sql = sql.replace("n.note_date || ': ' || n.text", "n.note_date::text || ': ' || n.text")
        sql = sql.replace("AND p.reminders_enabled AND", "AND p.reminders_enabled = true AND")
    params = {"horizon": HORIZON, "today": TODAY, "local_time": dtime(8, 0)}
    stmt = text(sql).bindparams(
        bindparam("horizon", type_=Date()),
        bindparam("today", type_=Date()),
        bindparam("local_time", type_=Time()),
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt, params).fetchall()
    return len(rows)


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of several runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_mib(fn: Callable[[], Any]) -> float:
    """Peak Python allocation of one call, in MiB."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def measure(url: str | None, *, people: int, actions: int, due_per_person: float, seed: int,
            repeat: int, history_share: float = 0.0) -> dict[str, Any]:  # fmt: skip
    """Build one database and time ours against the floor on it."""
    tmp = None
    if url is None:
        tmp = tempfile.mkdtemp(prefix="fanout-")
        url = f"sqlite:///{tmp}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    due = populate(engine, people=people, actions=actions, due_per_person=due_per_person, seed=seed,
                   history_share=history_share)  # fmt: skip
    build_s = time.perf_counter() - start
    # Interleaved, best of each: a busy machine slows all three alike.
    floor_s = ours_s = full_s = float("inf")
    for _ in range(repeat):
        took, floor_rows = best_of(lambda: floor(engine), 1)
        floor_s = min(floor_s, took)
        took, _ = best_of(lambda: ours(engine), 1)
        ours_s = min(ours_s, took)
        took, (dms, lines) = best_of(lambda: ours_rendered(engine), 1)
        full_s = min(full_s, took)
    result = {
        "people": people,
        "actions": actions,
        "due_actions": due,
        "history_share": history_share,
        "dms": dms,
        "dm_lines": lines,
        "floor_rows": floor_rows,
        "ours_s": round(ours_s, 4),
        "floor_s": round(floor_s, 4),
        "rendered_s": round(full_s, 4),
        "ratio_rendered": round(full_s / floor_s, 2),
        "ratio": round(ours_s / floor_s, 2),
        "peak_mib_ours": round(peak_mib(lambda: ours_rendered(engine)), 1),
        "peak_mib_floor": round(peak_mib(lambda: floor(engine)), 1),
        "build_s": round(build_s, 1),
        "backend": engine.dialect.name,
    }
    engine.dispose()
    if tmp is not None:
        for name in os.listdir(tmp):
            os.remove(os.path.join(tmp, name))
        os.rmdir(tmp)
    return result


@contextlib.contextmanager
def _server(wanted: bool) -> Iterator[str | None]:
    """A throwaway PostgreSQL server (the test suite's), or None."""
    if not wanted:
        yield None
        return
    from tests.postgres import SYSTEM_USER, ThrowawayCluster, find_server_bin_dir

    bin_dir = find_server_bin_dir()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL server binaries found")
    cluster = ThrowawayCluster(
        bin_dir=bin_dir,
        base_dir=Path(tempfile.mkdtemp(prefix="fanout-pg-")),
        run_as=SYSTEM_USER if os.geteuid() == 0 else None,
    )
    cluster.start()
    try:
        yield cluster.url
    finally:
        cluster.stop()
        cluster.remove()


def _fresh_database(server: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    name = f"fanout_{uuid.uuid4().hex[:8]}"
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; print one line per size and ``ratio=…`` last; return the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--second-actions", type=int, default=None,
                        help="also run this many actions (same due set) to compare memory")  # fmt: skip
    parser.add_argument("--due-per-person", type=float, default=3.0)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL of an EMPTY database")
    parser.add_argument("--postgres", action="store_true",
                        help="run on a throwaway PostgreSQL server (needs the server binaries)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--history-share", type=float, default=0.05,
                        help="share of the not-due actions imported as long-overdue history")  # fmt: skip
    args = parser.parse_args(list(argv) if argv is not None else None)
    sizes = [args.actions] + ([args.second_actions] if args.second_actions else [])
    runs = []
    with _server(args.postgres) as server:
        for actions in sizes:
            url = _fresh_database(server) if server else args.db
            run = measure(url, people=args.people, actions=actions,
                          due_per_person=args.due_per_person, seed=args.seed,
                          repeat=args.repeat, history_share=args.history_share)  # fmt: skip
            runs.append(run)
            print(" ".join(f"{k}={v}" for k, v in run.items()), flush=True)
            if args.db is not None and len(sizes) > 1:
                print("note: --second-actions with --db needs a fresh database per size")
                break
    result = dict(runs[0])
    result["runs"] = runs
    print(f"ratio={result['ratio']}")
    return result


if __name__ == "__main__":
    main()
