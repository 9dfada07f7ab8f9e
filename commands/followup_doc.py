"""The follow-up document of assignments, as Markdown and Word, laid out like the 2009 one.

Per working group, numbered ("1. Näringslivsgruppen"), a table with one row per assignment:
what was asked (Uppdrag), the year's reports (Avrapportering under året) and the KC group's
follow-up (comment and verdict: "Uppdraget utfört", "Fortsatt uppföljning under 2028" …).
Always in Swedish: like the minutes, it is the formal Swedish record.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from sqlmodel import Session

from commands.assignment_followup import FollowUpView
from storage import assignments as repo
from storage.models import AssignmentStatus, ReportKind

MD_MIME = "text/markdown"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOT_ASSESSED = "Ej bedömt"
NO_REPORT = "Ingen rapport har inkommit."
_PROPOSED = {
    AssignmentStatus.ONGOING.value: "pågår",
    AssignmentStatus.DONE.value: "utfört",
    AssignmentStatus.CLOSED.value: "avslutat",
    AssignmentStatus.CHANGED.value: "behöver ändras",
    AssignmentStatus.DORMANT.value: "vilande",
}


def verdict_text(status: str, next_year: int) -> str:
    """The verdict as the KC group writes it."""
    return {
        AssignmentStatus.DONE.value: "Uppdraget utfört",
        AssignmentStatus.ONGOING.value: f"Fortsatt uppföljning under {next_year}",
        AssignmentStatus.CLOSED.value: "Uppdraget avslutat",
        AssignmentStatus.CHANGED.value: "Uppdraget ändrat",
        AssignmentStatus.DORMANT.value: "Vilande",
    }.get(status, status)


@dataclass
class Row:
    """One assignment in a group's table."""

    number: int
    text: str
    with_parties: list[str]
    reports: list[str]
    comment: str
    verdict: str


@dataclass
class Group:
    """One working group and its assignments."""

    name: str
    contact: str | None
    rows: list[Row] = field(default_factory=list)


@dataclass
class FollowUpDoc:
    """Everything the document shows."""

    title: str
    meeting: str
    day: str
    groups: list[Group]


def build(session: Session, view: FollowUpView) -> FollowUpDoc:
    """Collect the year's reports and verdicts per working group."""
    ws_id = view.followup.workspace_id
    every = repo.list_assignments(session, workspace_id=ws_id)
    ids = [a.id for a in every if a.id is not None]
    parties = repo.parties_of(session, assignment_ids=ids)
    history = repo.reports_of(session, assignment_ids=ids)
    names = {p.id: p.name for p in repo.parties_in(session, workspace_id=ws_id)}
    groups: dict[int, Group] = {}
    year = view.meeting_day.year
    for assignment in every:
        assert assignment.id is not None
        entries = [e for e in history.get(assignment.id, []) if view.in_year(e.report_date)]
        if assignment.status not in repo.ACTIVE and not entries:
            continue
        owners = parties.get(assignment.id, [])
        if not owners:
            continue
        first = owners[0]
        assert first.id is not None
        group = groups.get(first.id)
        if group is None:
            contact = repo.contact_of(session, first, year)
            group = groups[first.id] = Group(first.name, contact.display_name if contact else None)
        reports = []
        for e in entries:
            if e.kind != ReportKind.REPORT.value:
                continue
            who = names.get(e.party_id) if e.party_id else None
            bits = [
                b
                for b in (
                    who,
                    f"föreslår {_PROPOSED.get(e.status, e.status)}" if e.status else None,
                )
                if b
            ]
            prefix = e.report_date.isoformat() + (f" ({', '.join(bits)})" if bits else "")
            reports.append(f"{prefix}: {e.text}")
        verdicts = [e for e in entries if e.kind == ReportKind.VERDICT.value]
        last = verdicts[-1] if verdicts else None
        group.rows.append(
            Row(
                number=assignment.number,
                text=assignment.text,
                with_parties=[p.name for p in owners[1:]],
                reports=reports,
                comment=last.text if last is not None else "",
                verdict=verdict_text(last.status or "", year + 1) if last else NOT_ASSESSED,
            )
        )
    ordered = sorted(groups.values(), key=lambda g: g.name.casefold())
    return FollowUpDoc(
        title=f"Uppföljning av uppdrag {year}",
        meeting=view.series.name,
        day=view.meeting_day.isoformat(),
        groups=ordered,
    )


def _intro(doc: FollowUpDoc) -> list[str]:
    return [
        f"Verksamhetsuppföljning {doc.meeting} {doc.day}. Dokumentet är en uppföljning av de "
        "uppdrag som arbetsgrupperna har fått.",
        "I kolumnen ”Uppdrag” återfinns vad arbetsgruppen har i uppdrag.",
        "I kolumnen ”Avrapportering under året” återfinns arbetsgruppens rapporter.",
        f"I kolumnen ”Kommunchefsgruppens uppföljning {doc.day}” återfinns kommentar och bedömning.",
    ]


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _asked(row: Row) -> str:
    text = f"U{row.number} {row.text}"
    if row.with_parties:
        text += f" (tillsammans med {', '.join(row.with_parties)})"
    return text


def to_markdown(doc: FollowUpDoc) -> str:
    """Render the document as Markdown (GitHub tables)."""
    out = [f"# {doc.title}", ""]
    out.extend(f"- {line}" for line in _intro(doc))
    out.append("")
    for n, group in enumerate(doc.groups, start=1):
        out.append(f"## {n}. {group.name}")
        out.append("")
        if group.contact:
            out.extend([f"Kontaktperson: {group.contact}", ""])
        out.append(
            f"| Uppdrag | Avrapportering under året | Kommunchefsgruppens uppföljning {doc.day} |"
        )
        out.append("|---|---|---|")
        for row in group.rows:
            reports = "<br>".join(_cell(r) for r in row.reports) or NO_REPORT
            follow = "<br>".join(_cell(p) for p in (row.comment, row.verdict) if p)
            out.append(f"| {_cell(_asked(row))} | {reports} | {follow} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_docx(doc: FollowUpDoc) -> bytes:
    """Render the document as Word: a numbered heading and a three-column table per group."""
    from docx import Document

    word = Document()
    word.add_heading(doc.title, level=0)
    for line in _intro(doc):
        word.add_paragraph(line, style="List Bullet")
    for n, group in enumerate(doc.groups, start=1):
        word.add_heading(f"{n}. {group.name}", level=1)
        if group.contact:
            para = word.add_paragraph()
            para.add_run("Kontaktperson: ").bold = True
            para.add_run(group.contact)
        table = word.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        labels = (
            "Uppdrag",
            "Avrapportering under året",
            f"Kommunchefsgruppens uppföljning {doc.day}",
        )
        for cell, label in zip(table.rows[0].cells, labels, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(label).bold = True
        for row in group.rows:
            cells = table.add_row().cells
            cells[0].text = _asked(row)
            cells[1].text = "\n".join(row.reports) or NO_REPORT
            cells[2].text = ""
            para = cells[2].paragraphs[0]
            if row.comment:
                para.add_run(row.comment + "\n")
            para.add_run(row.verdict).bold = True
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
