"""A Slack workspace's register of actions, built once per size and copied for each run.

``people`` people (Slack users with fresh profiles, morning reminders at 08:00) own
``actions`` actions between them; a third are done, the open ones are due in 2027 or later,
except that each of the first ``due_people`` people owns one open action due on
Tuesday 8 December 2026. So at ``FANOUT_NOW`` (08:00 that day, Stockholm) exactly
``due_people`` morning DMs are due, and at ``QUIET_NOW`` (07:00) none: the scheduler runs its
ticks but sends nothing.

Building is SQLAlchemy core executemany in batches of 20,000 rows. A SQLite register is
kept as a template file under the cache directory (``BENCH_CACHE_DIR``, default
``$TMPDIR/motesbot-bench-cache``), keyed by size and schema, and copied per run; a
PostgreSQL one is a template database on the server, copied with ``CREATE DATABASE …
TEMPLATE``. So only the first run of a size pays for the build.

Not a benchmark itself (``bench/run_all.py`` skips it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from bench.harness import (
    ROOT,
    TEAM_ID,
    Database,
    postgres_database,
    postgres_has_database,
    postgres_rename,
)

QUIET_NOW = "2026-12-08T07:00:00+01:00"  # a Tuesday before anyone's reminder time
FANOUT_NOW = "2026-12-08T08:00:00+01:00"  # the morning DMs of that day are due
DUE_DAY = date(2026, 12, 8)
BUILT_AT = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)
BATCH = 20_000
# Bump when the register's contents change, so cached templates are rebuilt.
LAYOUT = 2


@dataclass(frozen=True)
class Size:
    """How big a register is."""

    people: int
    actions: int
    due_people: int = 0

    @property
    def label(self) -> str:
        """Short name for figures: ``50000a-1000p``."""
        return f"{self.actions}a-{self.people}p"

    def key(self) -> str:
        """What a cached template is named by: the size, the layout and the schema."""
        versions = sorted(p.name for p in (ROOT / "storage/migrations/versions").glob("*.py"))
        schema = hashlib.sha1("|".join(versions).encode()).hexdigest()[:8]
        return f"v{LAYOUT}_{self.people}p_{self.actions}a_{self.due_people}d_{schema}"


def user_id(person: int) -> str:
    """The Slack user id of register person ``person`` (1-based)."""
    return f"U{person:07d}"


def cache_dir() -> Path:
    """Where SQLite templates are kept between runs."""
    configured = os.environ.get("BENCH_CACHE_DIR")
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "motesbot-bench-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def fill(url: str, size: Size) -> None:
    """Migrate an empty database and fill it with the register."""
    from sqlalchemy import insert, text

    from storage import person_names
    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.models import Action, ActionOwner, Person, SlackProfile, Workspace

    engine = make_engine(url)
    upgrade(engine)
    at = BUILT_AT
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(Workspace),
                [{"id": 1, "platform": "slack", "external_id": TEAM_ID, "name": "Bench",
                  "language": "sv", "timezone": "Europe/Stockholm",
                  "next_action_no": size.actions + 1, "next_decision_no": 1,
                  "created_at": at}],
            )  # fmt: skip
            for start in range(1, size.people + 1, BATCH):
                ids = range(start, min(start + BATCH, size.people + 1))
                conn.execute(
                    insert(Person),
                    [{"id": i, "workspace_id": 1, "display_name": f"Person {i}",
                      "platform_user_id": user_id(i), "reminders_enabled": True,
                      "reminder_time": dtime(8, 0), "created_at": at} for i in ids],
                )  # fmt: skip
                # Fresh profiles: the steady state of a team that uses the bot daily.
                conn.execute(
                    insert(SlackProfile),
                    [{"team_id": TEAM_ID, "user_id": user_id(i), "fetched_at": at} for i in ids],
                )
            # Written past the ORM, so the names that look-ups search are derived here.
            person_names.rebuild(conn)
            for start in range(1, size.actions + 1, BATCH):
                ids = range(start, min(start + BATCH, size.actions + 1))
                conn.execute(insert(Action), [_action(n, size) for n in ids])
                conn.execute(
                    insert(ActionOwner),
                    [{"action_id": n, "person_id": _owner(n, size), "position": 0} for n in ids],
                )
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                # The ids were given explicitly; the sequences must start after them.
                for table in ("workspace", "person", "action"):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
            conn.execute(text("ANALYZE"))
            conn.commit()
            if engine.dialect.name == "sqlite":
                # The template must be whole in its main file before it is copied.
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def _owner(n: int, size: Size) -> int:
    return n if n <= size.due_people else 1 + n % size.people


def _action(n: int, size: Size) -> dict[str, Any]:
    if n <= size.due_people:
        status, due = "open", DUE_DAY
    elif n % 3 == 0:
        status, due = "done", DUE_DAY - timedelta(days=1 + n % 700)
    else:
        status, due = "open", date(2027, 2, 1) + timedelta(days=n % 700)
    return {
        "id": n, "workspace_id": 1, "number": n,
        "text": f"Åtgärd {n}: ta fram underlag och återkoppla till gruppen",
        "due_date": due, "status": status, "created_by_id": _owner(n, size),
        "created_at": BUILT_AT, "updated_at": BUILT_AT, "history": False,
    }  # fmt: skip


def sqlite_template(size: Size) -> tuple[Path, float]:
    """The cached SQLite template of ``size`` (built now if missing), and the build seconds."""
    path = cache_dir() / f"register_{size.key()}.db"
    if path.exists():
        return path, 0.0
    started = time.perf_counter()
    building = path.with_name(f"{path.stem}.{uuid.uuid4().hex[:6]}.building")
    try:
        fill(f"sqlite:///{building}", size)
        building.replace(path)  # only a complete template gets the final name
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    return path, time.perf_counter() - started


def sqlite_copy(size: Size, workdir: Path, name: str) -> tuple[Database, float]:
    """A fresh copy of the register as a SQLite file; the template build seconds (0 if cached)."""
    template, built = sqlite_template(size)
    target = workdir / f"{name}.db"
    shutil.copyfile(template, target)

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)

    return Database("sqlite", f"sqlite:///{target}", [remove]), built


def postgres_copy(size: Size, server_url: str) -> tuple[Database, float]:
    """A fresh database copied from the server's template of ``size`` (built if missing)."""
    name = f"bench_tmpl_{size.key()}"
    built = 0.0
    if not postgres_has_database(server_url, name):
        started = time.perf_counter()
        scratch = postgres_database(server_url)
        try:
            fill(scratch.url, size)
            scratch_name = scratch.url.rsplit("/", 1)[1]
            postgres_rename(server_url, scratch_name, name)
            scratch.cleanup.clear()  # it is the template now
        finally:
            scratch.close()
        built = time.perf_counter() - started
    return postgres_database(server_url, template=name), built
