"""``motesbot import PLAN.txt --plan``: the assignments of a verksamhetsplan.

Kept apart from bot/cli.py so that file only gains a few lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from bot.minutes_cli import CliProblem, pick_workspace
from storage.db import transaction
from storage.plan_import import ParsedPlan, PlanTable, load_plan, parse_plan, title_case


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CliProblem(f"Kan inte läsa {path}: {err.strerror or err}") from err
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def section_table(path: Path, table: PlanTable) -> Table:
    """One section of the plan: each assignment with its responsible parties."""
    heading = title_case(table.section) if table.section else "(utan rubrik)"
    out = Table(title=f"{path.name}: {heading}", show_lines=False)
    out.add_column("#", justify="right")
    out.add_column("Uppdrag")
    out.add_column("Ansvarig")
    for n, row in enumerate(table.rows, start=1):
        text = row.text if len(row.text) <= 90 else row.text[:90].rsplit(" ", 1)[0] + " …"
        out.add_row(str(n), text, ", ".join(row.parties))
    return out


def run_plan_import(
    engine: Engine,
    paths: Sequence[Path],
    *,
    dry_run: bool,
    workspace: str | None,
    at: datetime,
    out: Console,
) -> int:
    """Import the assignment tables of each plan; return how many files had none."""
    failures = 0
    for path in paths:
        parsed: ParsedPlan = parse_plan(_read(path))
        if not parsed.tables:
            out.print(f"[red]{path}: hittar ingen tabell UPPDRAG<TAB>ANSVARIG.[/red]")
            failures += 1
            continue
        for table in parsed.tables:
            out.print(section_table(path, table))
        if dry_run:
            out.print(
                f"  {parsed.row_count} uppdrag i {len(parsed.tables)} tabeller "
                "(provkörning – ingenting sparades)"
            )
            continue
        ws_id = pick_workspace(engine, at, workspace)
        with transaction(engine) as session:
            result = load_plan(session, parsed, workspace_id=ws_id, source=path.name, at=at)
        out.print(
            f"  {result.assignments} nya uppdrag, {result.parties} nya ansvariga, "
            f"{result.existing} fanns redan"
        )
    return failures
