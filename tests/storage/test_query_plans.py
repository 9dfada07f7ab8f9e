"""Every query a main command runs is answered from an index, never by reading a big table.

The SQL is the SQL the commands really execute (captured with a cursor listener while
``commands.run`` serves them on a small seeded register); each SELECT and UPDATE is then
explained by the database itself: ``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` with
``enable_seqscan=off`` on PostgreSQL (where a Seq Scan that remains is one no index can
serve). A register of a million actions then costs a command what ten do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from commands import run
from commands.request import Request, UserRef
from storage.db import is_sqlite
from tests.conftest import NOW

# Tables that grow with the register: reading one of them whole is what must not happen.
BIG_TABLES = (
    "action",
    "action_owner",
    "action_note",
    "decision",
    "meeting",
    "meeting_participant",
    "agenda_item",
    "person",
    "person_name",
    "delivery",
    "audit_event",
    "inbox",
    "processed_event",
    "slack_profile",
)

SARA = UserRef(platform_id="U0SEK", name="Sara Sekreterare", locale="sv-SE")
LISA = UserRef(platform_id="U0LISA", name="Lisa Andersson", locale="sv-SE")

# The commands of a meeting day, then the follow-up: what people run most.
SEED = (
    "meeting series new KC-möte varannan vecka tisdag 09:00-10:00",
    "meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
    "action add Ring Anna om budgeten <@U0LISA> senast 2026-12-05",
    "action add Boka lokal",
    "decision add Kommunchefsgruppen beslutar att godkänna rapporten",
)
COMMANDS = (
    "meeting start --ja",
    "meeting lista",
    "action add Skicka protokollet <@U0LISA> senast 2026-12-05",
    "action add Förbered budget @Lisa",
    "action list",
    "action lista alla",
    "action lista mina",
    "action lista försenade",
    "action lista klara",
    "action lista <@U0LISA>",
    "action lista alla sida 2",
    "action klar #1",
    "action öppna #1",
    "action visa #2",
    "action datum #2 2026-12-20",
    "action anteckning #2 Ringt, återkommer",
    "decision add Kommunchefsgruppen beslutar att ses oftare",
    "decision lista",
    "decision sök ses",
    "action sök protokollet",
    "meeting end",
)


@dataclass
class Captured:
    """The statements executed, with their parameters."""

    statements: list[tuple[str, Any]] = field(default_factory=list)


@contextmanager
def capture(engine: Engine) -> Iterator[Captured]:
    """Record every SELECT and UPDATE the engine executes meanwhile."""
    found = Captured()

    def listen(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if head in ("SELECT", "UPDATE", "WITH", "DELETE") and not many:
            found.statements.append((statement, params))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def _request(line: str, n: int) -> Request:
    command, _, rest = line.partition(" ")
    return Request(
        platform="slack",
        workspace="T0PLAN",
        user=SARA,
        channel="CKC",
        command=command,
        text=rest,
        now=NOW,
        mentions={"U0LISA": LISA},
        idempotency_key=f"plan:{n}",
    )


def _plan(engine: Engine, statement: str, params: Any) -> list[str]:
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            if is_sqlite(str(engine.url)):
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}", params)
                return [str(row[-1]) for row in cursor.fetchall()]
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {statement}", params)
            return [str(row[0]) for row in cursor.fetchall()]
        finally:
            cursor.close()
            raw.rollback()


# Columns that narrow a big table by little: a search on them alone reads a whole register.
WIDE_COLUMNS = frozenset({"workspace_id", "status", "history", "platform"})
_SEARCH_RE = re.compile(r"^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \((.*)\)")


def _full_reads(engine: Engine, plan: list[str], statement: str) -> list[str]:
    tables = "|".join(BIG_TABLES)
    if not is_sqlite(str(engine.url)):
        seq = re.compile(rf"Seq Scan on ({tables})\b")
        return [line for line in plan if seq.search(line)]
    # "SCAN action" reads the table; "SCAN action USING (COVERING) INDEX" reads all of
    # an index. Either grows with the register.
    scan = re.compile(rf"^SCAN ({tables})\b")
    bad = [line for line in plan if scan.search(line.strip())]
    # A search over a whole workspace's open actions (or people), then sorted or read to
    # the end: bounded by nothing but the register (a LIMIT applies only after a sort).
    sorts = any("USE TEMP B-TREE FOR ORDER BY" in line for line in plan)
    unlimited = sorts or not re.search(r"\bLIMIT\b", statement, re.IGNORECASE)
    for line in plan:
        found = _SEARCH_RE.match(line.strip())
        if found is None or found.group(1) not in BIG_TABLES:
            continue
        columns = {
            part.split("=")[0].split(">")[0].split("<")[0].strip()
            for part in found.group(2).split(" AND ")
        }
        if unlimited and columns <= WIDE_COLUMNS:
            bad.append(line.strip())
    return bad


def test_the_main_commands_read_only_through_indexes(engine: Engine) -> None:
    for n, line in enumerate(SEED):
        assert run(_request(line, n), engine=engine).ok, line
    with capture(engine) as seen:
        for n, line in enumerate(COMMANDS, start=len(SEED)):
            result = run(_request(line, n), engine=engine)
            assert result.ok, (line, result.reply.as_text())
    assert len(seen.statements) > len(COMMANDS)
    offenders = {}
    for statement, params in seen.statements:
        bad = _full_reads(engine, _plan(engine, statement, params), statement)
        if bad:
            offenders[" ".join(statement.split())[:300]] = bad
    assert offenders == {}
