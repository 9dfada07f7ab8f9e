"""``motesbot import`` for minutes text and ``motesbot export --format md|docx``.

Kept apart from bot/cli.py so that file only gains a few lines.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlmodel import select

from commands import minutes_doc
from commands.i18n import t, tn
from storage import backup
from storage.db import transaction
from storage.minutes_import.load import (
    DEFAULT_SERIES,
    HISTORY_AFTER_DAYS,
    ImportProblem,
    LoadResult,
    is_history,
    load_minutes,
)
from storage.minutes_import.parse import (
    ParsedMeeting,
    looks_like_minutes,
    parse_day,
    parse_minutes,
)
from storage.models import Workspace
from storage.workspaces import get_or_create_workspace

CONSOLE_WORKSPACE = ("console", "console")


class CliProblem(Exception):
    """A short message for the terminal; the command exits with status 2."""


@dataclass
class SourceFile:
    """One file named on the command line, read and classified."""

    path: Path
    kind: str  # "json" or "minutes"
    text: str
    data: Any = None


def read_file(path: Path) -> SourceFile:
    """Read a file and tell our JSON backup from minutes text."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CliProblem(f"Kan inte läsa {path}: {err.strerror or err}") from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            return SourceFile(path, "json", text, json.loads(text))
        except json.JSONDecodeError as err:
            raise CliProblem(f"{path}: ser ut som JSON men går inte att läsa: {err}") from err
    if looks_like_minutes(text):
        return SourceFile(path, "minutes", text)
    raise CliProblem(f"{path}: känner inte igen formatet (varken JSON-export eller protokoll).")


def pick_workspace(engine: Engine, at: datetime, spec: str | None) -> int:
    """The workspace minutes go into: named, the only one there is, or the console's."""
    with transaction(engine) as session:
        if spec:
            platform, _, external = spec.partition(":")
            if not external:
                raise CliProblem("--workspace ska skrivas PLATTFORM:ID, t.ex. slack:T123.")
            ws = get_or_create_workspace(session, platform=platform, external_id=external, at=at)
        else:
            every = list(session.exec(select(Workspace)))
            if len(every) > 1:
                names = ", ".join(f"{w.platform}:{w.external_id}" for w in every)
                raise CliProblem(f"Flera arbetsytor finns ({names}); välj med --workspace.")
            ws = (
                every[0]
                if every
                else get_or_create_workspace(
                    session, platform=CONSOLE_WORKSPACE[0], external_id=CONSOLE_WORKSPACE[1], at=at
                )
            )
        assert ws.id is not None
        return ws.id


def summary_table(
    path: Path, parsed: ParsedMeeting, result: LoadResult | None, *, at: datetime
) -> Table:
    """A per-file table: what the file holds (and what was new).

    "som historik" counts the actions stored (or, in a dry run, to be stored) quietly:
    the meeting was held more than ``HISTORY_AFTER_DAYS`` days before ``at``.
    """
    title = f"{path.name}: möte {parsed.day.isoformat() if parsed.day else '?'}"
    table = Table(title=title, show_lines=False)
    table.add_column("Vad")
    table.add_column("I filen", justify="right")
    if result is not None:
        table.add_column("Nytt", justify="right")
    no_due = sum(1 for i in parsed.items for a in i.actions if a.due is None)
    no_owner = sum(1 for i in parsed.items for a in i.actions if a.owner is None)
    old = parsed.day is not None and is_history(parsed.day, at)
    rows: list[tuple[str, int, int | None]] = [
        ("Deltagare (roller)", len(parsed.participants), result.participants if result else None),
        ("Punkter", len(parsed.items), result.items if result else None),
        ("Åtgärder", parsed.action_count, result.actions if result else None),
        ("  utan slutdatum", no_due, None),
        ("  utan ansvarig", no_owner, None),
        (
            t("sv", "import_row_history"),
            parsed.action_count if old else 0,
            result.history if result else None,
        ),
        ("Uppföljningar", parsed.note_count, result.notes if result else None),
        ("Beslut", parsed.decision_count, result.decisions if result else None),
        ("Varningar", len(parsed.warnings), None),
    ]
    for label, count, new in rows:
        cells = [label, str(count)]
        if result is not None:
            cells.append("" if new is None else str(new))
        table.add_row(*cells)
    return table


def run_import(
    engine: Engine,
    paths: Sequence[Path],
    *,
    series: str | None,
    dry_run: bool,
    workspace: str | None,
    at: datetime,
    out: Console,
) -> int:
    """Import every file; return how many failed.

    JSON backups are restored (into an empty database only); minutes text is parsed and
    merged idempotently. With ``dry_run`` nothing is stored.
    """
    sources = [read_file(p) for p in paths]
    failures = 0
    ws_id: int | None = None
    with Progress(console=out, transient=True, disable=len(sources) < 3 or dry_run) as progress:
        task = progress.add_task("Importerar", total=len(sources))
        for src in sources:
            progress.advance(task)
            if src.kind == "json":
                if dry_run:
                    out.print(f"{src.path}: JSON-export (återställs bara i en tom databas).")
                    continue
                try:
                    with transaction(engine) as session:
                        counts = backup.restore_data(session, src.data)
                except backup.RestoreError as err:
                    out.print(f"[red]{src.path}: {err}. Ingenting importerades.[/red]")
                    failures += 1
                    continue
                out.print(f"{src.path}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
                continue
            parsed = parse_minutes(src.text)
            if parsed.day is None and (from_name := parse_day(src.path.name)) is not None:
                # The export had no date line; its file name ("kc-2019-11-06.txt") has one.
                parsed.day = from_name
                parsed.warnings = [w for w in parsed.warnings if "mötesdatum" not in w]
                parsed.warnings.append(f"Mötesdatum {from_name.isoformat()} taget från filnamnet.")
            result: LoadResult | None = None
            if not dry_run:
                if ws_id is None:
                    ws_id = pick_workspace(engine, at, workspace)
                try:
                    with transaction(engine) as session:
                        result = load_minutes(
                            session,
                            parsed,
                            workspace_id=ws_id,
                            series_name=series or DEFAULT_SERIES,
                            at=at,
                            source=src.path.name,
                        )
                except ImportProblem as err:
                    out.print(f"[red]{src.path}: {err}. Ingenting importerades.[/red]")
                    failures += 1
                    continue
            out.print(summary_table(src.path, parsed, result, at=at))
            for warning in parsed.warnings:
                out.print(f"  [yellow]varning:[/yellow] {warning}")
            quiet = (
                result.history
                if result is not None
                else (parsed.action_count if parsed.day and is_history(parsed.day, at) else 0)
            )
            if quiet:
                # Said in words too: the secretary must know why nobody gets reminded.
                key = "import_history_dry" if dry_run else "import_history_done"
                out.print("  " + tn("sv", key, quiet, days=HISTORY_AFTER_DAYS), highlight=False)
            if dry_run:
                out.print("  (provkörning – ingenting sparades)")
            elif result is not None:
                state = "nytt möte" if result.meeting_created else "fanns redan"
                out.print(f"  möte id {result.meeting_id} ({state})")
    return failures


def export_minutes(engine: Engine, *, meeting_id: int, fmt: str) -> tuple[bytes, str]:
    """Render one meeting's minutes; return the bytes and a file name."""
    with transaction(engine) as session:
        doc = minutes_doc.build(session, meeting_id=meeting_id)
    if doc is None:
        raise CliProblem(f"Hittar inget möte med id {meeting_id}.")
    if fmt == "md":
        return minutes_doc.to_markdown(doc).encode("utf-8"), doc.filename("md")
    return minutes_doc.to_docx(doc), doc.filename("docx")
