"""Assignments from a verksamhetsplan: its ``UPPDRAG<TAB>ANSVARIG`` tables.

The plan (exported as text from the old tool) gives working groups assignments in
two-column tables whose header row is ``UPPDRAG`` or ``UPPDRAG/PROJEKT``, a tab and
``ANSVARIG``. Each row after it, up to the first line without a tab, is one
assignment; its section is the capitals heading above the table, as written. An
ANSVARIG cell that is a run of known party names ("Kommunchefgruppen Kanslichef")
names each of them; anything else is one party ("Arbetsgrupp för avfallsplanen").
Loading is idempotent: every row has a key made of the file, the section and the text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from storage import assignments as repo

_HEADER_RE = re.compile(r"^\s*UPPDRAG(?:/PROJEKT)?\s*\t\s*ANSVARIG\s*$")
_PERIOD_RE = re.compile(r"\b(20\d\d)\s*[-–]\s*(20\d\d)\b")
_SMALL_WORDS = frozenset({"i", "och", "för", "av", "med", "till", "på", "om", "inom", "samt"})


@dataclass
class PlanRow:
    """One assignment as the plan writes it."""

    text: str
    responsible: str
    parties: list[str] = field(default_factory=list)


@dataclass
class PlanTable:
    """One UPPDRAG/ANSVARIG table and the heading above it."""

    section: str
    rows: list[PlanRow]


@dataclass
class ParsedPlan:
    """Everything an import takes from a plan."""

    title: str | None
    period: str | None
    tables: list[PlanTable]

    @property
    def row_count(self) -> int:
        """How many assignments the plan holds."""
        return sum(len(t.rows) for t in self.tables)


@dataclass
class PlanLoadResult:
    """What an import stored."""

    assignments: int = 0
    parties: int = 0
    existing: int = 0


def title_case(heading: str) -> str:
    """ "UTVECKLA ARBETSMARKNADSREGIONEN" → "Utveckla Arbetsmarknadsregionen" (small words low)."""
    words = heading.title().split(" ")
    return " ".join(
        w.lower() if i > 0 and w.lower() in _SMALL_WORDS else w for i, w in enumerate(words)
    )


def _is_heading(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters) and "\t" not in line


def looks_like_plan(text: str) -> bool:
    """True when a text has at least one UPPDRAG/ANSVARIG table."""
    return any(_HEADER_RE.match(line) for line in text.splitlines())


def parse_plan(text: str) -> ParsedPlan:
    """Read every UPPDRAG/ANSVARIG table of a plan, with each row's parties split.

    Args:
        text: the plan as text.

    Returns:
        The tables in document order.
    """
    lines = [line.rstrip("\r\n") for line in text.splitlines()]
    title = next(
        (ln.strip() for ln in lines if ln.strip().upper().startswith("VERKSAMHETSPLAN")), None
    )
    period_match = _PERIOD_RE.search(title or "")
    tables: list[PlanTable] = []
    heading = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if _HEADER_RE.match(line):
            rows: list[PlanRow] = []
            i += 1
            while i < len(lines) and "\t" in lines[i]:
                cells = [c.strip() for c in lines[i].split("\t")]
                body = " ".join(" ".join(cells[:-1]).split())
                responsible = " ".join(cells[-1].split())
                if body:
                    rows.append(PlanRow(body, responsible))
                i += 1
            tables.append(PlanTable(heading, rows))
            continue
        if line.strip() and _is_heading(line.strip()):
            heading = line.strip()
        i += 1
    whole = {row.responsible for t in tables for row in t.rows if row.responsible}
    for table in tables:
        for row in table.rows:
            row.parties = split_parties(row.responsible, whole)
    return ParsedPlan(
        title=title,
        period=f"{period_match.group(1)}-{period_match.group(2)}" if period_match else None,
        tables=tables,
    )


def split_parties(cell: str, known: set[str]) -> list[str]:
    """Split a cell into known names if it is a run of two or more of them, else keep it whole.

    Args:
        cell: the ANSVARIG cell.
        known: names known as parties (whole cells of the plan, stored parties).

    Returns:
        The party names.
    """
    if not cell:
        return []
    # The cell itself is "known" as a whole; only a split into other names counts.
    folded = {k.casefold(): k for k in known if k.casefold() != cell.casefold()}
    words = cell.split()
    # best[i]: a split of words[i:] into known names, or None.
    best: list[list[str] | None] = [None] * (len(words) + 1)
    best[len(words)] = []
    for start in range(len(words) - 1, -1, -1):
        for end in range(len(words), start, -1):
            name = " ".join(words[start:end])
            rest = best[end]
            if name.casefold() in folded and rest is not None:
                best[start] = [folded[name.casefold()], *rest]
                break
    split = best[0]
    if split is not None and len(split) >= 2:
        return split
    return [cell]


def _key(source: str, section: str, text: str) -> str:
    digest = hashlib.sha256(f"{section}\n{text}".encode()).hexdigest()[:24]
    return f"plan:{source[:120]}:{digest}"


def with_known_parties(parsed: ParsedPlan, names: list[str]) -> ParsedPlan:
    """Split the cells again, also by parties already stored (a cell may name them)."""
    whole = {row.responsible for t in parsed.tables for row in t.rows if row.responsible}
    known = whole | set(names)
    for table in parsed.tables:
        for row in table.rows:
            row.parties = split_parties(row.responsible, known)
    return parsed


def load_plan(
    session: Session,
    parsed: ParsedPlan,
    *,
    workspace_id: int,
    source: str,
    at: datetime,
    actor_id: int | None = None,
) -> PlanLoadResult:
    """Store the plan's assignments and any new parties; rows stored before are left alone.

    Args:
        session: the open transaction.
        parsed: the plan.
        workspace_id: where to store.
        source: the file name (part of each row's key).
        at: the clock.
        actor_id: who imports, if known.

    Returns:
        Counts of what was new.
    """
    names = [p.name for p in repo.parties_in(session, workspace_id=workspace_id)]
    with_known_parties(parsed, names)
    result = PlanLoadResult()
    origin = title_case(parsed.title) if parsed.title else source
    for table in parsed.tables:
        for row in table.rows:
            key = _key(source, table.section, row.text)
            if repo.by_source_ref(session, workspace_id=workspace_id, source_ref=key) is not None:
                result.existing += 1
                continue
            ids = []
            for name in row.parties:
                party, created = repo.get_or_create_party(
                    session, workspace_id=workspace_id, name=name, at=at, actor_id=actor_id
                )
                result.parties += created
                assert party.id is not None
                ids.append(party.id)
            repo.create_assignment(
                session,
                workspace_id=workspace_id,
                text=row.text,
                party_ids=ids,
                at=at,
                created_by_id=actor_id,
                section=table.section or None,
                origin=origin,
                period=parsed.period,
                source_ref=key,
            )
            result.assignments += 1
    return result
