"""The minutes (minnesanteckningar) of one meeting, as Markdown and as a Word document.

Laid out like the old tool's exports: header with date, time, place and participants,
then each item in order with presenter, attachments, description, notes, an Åtgärder
table (Åtgärd / Slutdatum / Ansvarig, "Ej angivet" where missing) and Beslut.
Always in Swedish: minutes are the formal Swedish record.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from commands.context import zone
from storage import actions as action_repo
from storage import decisions as decision_repo
from storage import meetings as meeting_repo
from storage import participants
from storage.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Decision,
    Meeting,
    MeetingParticipant,
    MeetingSeries,
    MeetingStatus,
    ParticipantRole,
    Person,
    Workspace,
)

NOT_GIVEN = "Ej angivet"
MD_MIME = "text/markdown"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_ROLE_HEADINGS = (
    (ParticipantRole.VOTING, "Beslutande"),
    (ParticipantRole.SUBSTITUTE, "Ersättare"),
    (ParticipantRole.OTHER, "Övriga närvarande"),
    (ParticipantRole.ABSENT, "Anmäld frånvaro"),
)
_FUNCTION_HEADINGS = (
    (participants.CHAIR, "Ordförande"),
    (participants.VICE_CHAIR, "Vice ordförande"),
    (participants.SECRETARY, "Sekreterare"),
    (participants.ADJUSTER, "Justerare"),
)
LANGUAGE = "sv-SE"
DEFAULT_AUTHOR = "Mötesbot"


@dataclass
class ActionRow:
    """One row of an Åtgärder table."""

    number: int
    text: str
    due: str
    owner: str
    status: str
    notes: list[str] = field(default_factory=list)


@dataclass
class DecisionRow:
    """One beslut with its links to corrections."""

    number: int
    text: str
    supersedes: int | None = None
    superseded_by: int | None = None

    def label(self) -> str:
        """ "B7 … (ersätter B3)"."""
        text = f"B{self.number} {self.text}"
        links = []
        if self.supersedes is not None:
            links.append(f"ersätter B{self.supersedes}")
        if self.superseded_by is not None:
            links.append(f"ersatt av B{self.superseded_by}")
        return f"{text} ({'; '.join(links)})" if links else text


@dataclass
class ItemSection:
    """An item with everything under it."""

    number: str
    title: str
    presenter: str | None
    attachments: list[str]
    description: str | None
    notes: str | None
    actions: list[ActionRow]
    decisions: list[DecisionRow]


@dataclass
class MinutesDoc:
    """Everything the minutes show, independent of the output format."""

    meeting_id: int
    title: str
    series: str | None
    day: str
    span: str
    place: str | None
    status: str
    roles: list[tuple[str, list[str]]]
    participants: list[str]
    items: list[ItemSection]
    functions: list[tuple[str, list[str]]] = field(default_factory=list)
    approved_by: str | None = None
    approved_at: str | None = None
    author: str = DEFAULT_AUTHOR
    created: datetime | None = None
    modified: datetime | None = None

    def filename(self, ext: str) -> str:
        """ "minnesanteckningar-kc-mote-2017-05-10.md"."""
        folded = unicodedata.normalize("NFKD", (self.series or "mote").casefold())
        ascii_name = "".join(ch for ch in folded if not unicodedata.combining(ch))
        base = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
        return f"minnesanteckningar-{base or 'mote'}-{self.day}.{ext}"


def _person_line(person: Person, part: MeetingParticipant) -> str:
    bits = [person.display_name]
    if part.municipality:
        bits.append(part.municipality)
    if part.title:
        bits.append(part.title)
    return ", ".join(bits)


def _rank(title: str | None) -> int:
    low = (title or "").casefold()
    if "vice ordförande" in low:
        return 1
    return 0 if "ordförande" in low else 2


def _participants(
    session: Session, meeting_id: int
) -> tuple[list[tuple[str, list[str]]], list[str]]:
    stmt = (
        select(MeetingParticipant, Person)
        .join(Person, col(Person.id) == col(MeetingParticipant.person_id))
        .where(MeetingParticipant.meeting_id == meeting_id)
        .order_by(col(Person.display_name))
    )
    rows = list(session.exec(stmt))
    organizers = {p.id for part, p in rows if part.role == ParticipantRole.ORGANIZER}
    roles = []
    # The chair first, then the vice chair, then by name, as the old tool printed them.
    rows.sort(key=lambda r: (_rank(r[0].title), r[1].display_name))
    for role, heading in _ROLE_HEADINGS:
        names = [_person_line(p, part) for part, p in rows if part.role == role]
        if names:
            roles.append((heading, names))
    others: list[str] = []
    seen: set[int | None] = set()
    for part, p in rows:
        if part.role in (ParticipantRole.PARTICIPANT, ParticipantRole.ORGANIZER):
            if p.id in seen:
                continue
            seen.add(p.id)
            others.append(
                f"{p.display_name} (Organisatör)" if p.id in organizers else p.display_name
            )
    others.sort(key=lambda n: (not n.endswith("(Organisatör)"), n))
    return roles, others


def _action_rows(session: Session, actions: list[Action]) -> list[ActionRow]:
    ids = [a.id for a in actions if a.id is not None]
    owners = action_repo.owners_of(session, action_ids=ids)
    notes = action_repo.notes_of(session, action_ids=ids)
    rows = []
    for a in actions:
        assert a.id is not None
        names = ", ".join(p.display_name for p in owners.get(a.id, []))
        status = {ActionStatus.DONE: "klar", ActionStatus.CANCELLED: "struken"}.get(a.status, "")
        rows.append(
            ActionRow(
                number=a.number,
                text=a.text,
                due=a.due_date.isoformat() if a.due_date else NOT_GIVEN,
                owner=names or NOT_GIVEN,
                status=status,
                notes=[f"{n.note_date.isoformat()}: {n.text}" for n in notes.get(a.id, [])],
            )
        )
    return rows


def _decision_rows(session: Session, decisions: list[Decision]) -> list[DecisionRow]:
    by_id = {d.id: d for d in decisions}
    numbers = decision_repo.numbers_by_id(
        session, ids=[d.supersedes_id for d in decisions if d.supersedes_id is not None]
    )
    later = decision_repo.superseded_by(session, decision_ids=[d.id for d in decisions if d.id])
    rows = []
    for d in decisions:
        assert d.id is not None
        sup = None
        if d.supersedes_id is not None:
            old = by_id.get(d.supersedes_id)
            sup = old.number if old is not None else numbers.get(d.supersedes_id)
        newer = later.get(d.id)
        rows.append(DecisionRow(d.number, d.text, sup, newer.number if newer is not None else None))
    return rows


def build(
    session: Session, *, meeting_id: int, workspace_id: int | None = None
) -> MinutesDoc | None:
    """Collect a meeting's minutes, or None if there is no such meeting (in the workspace)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or (workspace_id is not None and meeting.workspace_id != workspace_id):
        return None
    series = session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
    tz: ZoneInfo = zone(series.timezone if series else None)
    start = meeting.starts_at.astimezone(tz)
    span = start.strftime("%H:%M")
    if meeting.ends_at is not None:
        span += "–" + meeting.ends_at.astimezone(tz).strftime("%H:%M")
    items = meeting_repo.items_of(session, meeting_id=meeting_id)
    actions = action_repo.list_actions(
        session,
        workspace_id=meeting.workspace_id,
        meeting_id=meeting_id,
        statuses=tuple(s.value for s in ActionStatus),
        history=None,  # the record of the meeting: imported history too
        limit=100_000,
    )
    actions.sort(key=lambda a: a.number)
    decisions = decision_repo.list_decisions(
        session, workspace_id=meeting.workspace_id, meeting_id=meeting_id, limit=100_000
    )
    sections = []
    groups: list[tuple[int | None, str, str, AgendaItem | None]] = [
        (i.id, i.number, i.title, i) for i in items
    ]
    if any(a.item_id is None for a in actions) or any(d.item_id is None for d in decisions):
        groups.append((None, "", "Utan punkt", None))
    for item_id, number, title, item in groups:
        sections.append(
            ItemSection(
                number=number,
                title=title,
                presenter=item.presenter_name if item else None,
                attachments=list(item.attachments) if item else [],
                description=item.description if item else None,
                notes=item.notes if item else None,
                actions=_action_rows(session, [a for a in actions if a.item_id == item_id]),
                decisions=_decision_rows(session, [d for d in decisions if d.item_id == item_id]),
            )
        )
    roles, others = _participants(session, meeting_id)
    functions = []
    for function, heading in _FUNCTION_HEADINGS:
        who = participants.holders(session, meeting_id=meeting_id, function=function)
        if who:
            functions.append((heading, [p.display_name for p in who]))
    approver = session.get(Person, meeting.approved_by_id) if meeting.approved_by_id else None
    workspace = session.get(Workspace, meeting.workspace_id)
    secretaries = participants.holders(
        session, meeting_id=meeting_id, function=participants.SECRETARY
    )
    # The record's author is the secretary who keeps it, else the organisation.
    author = (
        secretaries[0].display_name
        if secretaries
        else (workspace.name if workspace and workspace.name else DEFAULT_AUTHOR)
    )
    status = {
        MeetingStatus.APPROVED: "justerat",
        MeetingStatus.CANCELLED: "inställt",
    }.get(meeting.status, "ej justerat")
    return MinutesDoc(
        meeting_id=meeting_id,
        title=meeting.title or (series.name if series else "Möte"),
        series=series.name if series else None,
        day=start.date().isoformat(),
        span=span,
        place=meeting.place,
        status=status,
        roles=roles,
        participants=others,
        items=sections,
        functions=functions,
        approved_by=approver.display_name if approver else None,
        approved_at=(
            meeting.approved_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            if meeting.approved_at is not None and meeting.status == MeetingStatus.APPROVED.value
            else None
        ),
        author=author,
        created=meeting.starts_at,
        modified=meeting.approved_at or meeting.ends_at or meeting.starts_at,
    )


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def to_markdown(doc: MinutesDoc) -> str:
    """Render the minutes as Markdown (GitHub tables)."""
    out = [f"# {doc.title} – minnesanteckningar", ""]
    out.append(f"**Datum:** {doc.day}  ")
    out.append(f"**Tid:** {doc.span}  ")
    if doc.place:
        out.append(f"**Plats:** {doc.place}  ")
    out.append(f"**Status:** {doc.status}")
    if doc.approved_by:
        out[-1] += "  "
        out.append(f"**Justerat av:** {doc.approved_by}, {doc.approved_at}")
    out.append("")
    for heading, names in doc.functions:
        out.append(f"**{heading}:** {', '.join(names)}  ")
    if doc.functions:
        out[-1] = out[-1].rstrip()
        out.append("")
    for heading, names in doc.roles:
        out.append(f"**{heading}:**")
        out.append("")
        out.extend(f"- {n}" for n in names)
        out.append("")
    if doc.participants:
        out.append(f"**Deltagare:** {', '.join(doc.participants)}")
        out.append("")
    for item in doc.items:
        heading = f"{item.number}. {item.title}" if item.number else item.title
        out.append(f"## {heading}")
        out.append("")
        if item.presenter:
            out.append(f"**Föredragande:** {item.presenter}")
            out.append("")
        if item.attachments:
            out.append(f"**Bilagor:** {', '.join(item.attachments)}")
            out.append("")
        if item.description:
            out.extend(["### Ärendebeskrivning", "", item.description, ""])
        if item.notes:
            out.extend(["### Anteckningar", "", item.notes, ""])
        if item.actions:
            out.extend(["### Åtgärder", "", "| Åtgärd | Slutdatum | Ansvarig |", "|---|---|---|"])
            for a in item.actions:
                text = f"#{a.number} {_cell(a.text)}"
                if a.status:
                    text += f" ({a.status})"
                for note in a.notes:
                    text += f"<br>{_cell(note)}"
                out.append(f"| {text} | {a.due} | {_cell(a.owner)} |")
            out.append("")
        if item.decisions:
            out.extend(["### Beslut", ""])
            out.extend(f"- {_cell(d.label())}" for d in item.decisions)
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in text.split("\n\n") if b.strip()]


def to_docx(doc: MinutesDoc) -> bytes:
    """Render the minutes as a Word document with real headings and tables."""
    from docx import Document

    word = Document()
    _page_and_language(word, doc)
    word.add_heading(f"{doc.title} – minnesanteckningar", level=0)
    facts = word.add_paragraph()
    for label, value in (
        ("Datum", doc.day),
        ("Tid", doc.span),
        ("Plats", doc.place),
        ("Status", doc.status),
        ("Justerat av", f"{doc.approved_by}, {doc.approved_at}" if doc.approved_by else None),
        *((heading, ", ".join(names)) for heading, names in doc.functions),
    ):
        if value:
            facts.add_run(f"{label}: ").bold = True
            facts.add_run(f"{value}\n")
    for heading, names in doc.roles:
        para = word.add_paragraph()
        para.add_run(f"{heading}:").bold = True
        for name in names:
            word.add_paragraph(name, style="List Bullet")
    if doc.participants:
        para = word.add_paragraph()
        para.add_run("Deltagare: ").bold = True
        para.add_run(", ".join(doc.participants))
    for item in doc.items:
        word.add_heading(f"{item.number}. {item.title}" if item.number else item.title, level=1)
        if item.presenter:
            para = word.add_paragraph()
            para.add_run("Föredragande: ").bold = True
            para.add_run(item.presenter)
        if item.attachments:
            para = word.add_paragraph()
            para.add_run("Bilagor: ").bold = True
            para.add_run(", ".join(item.attachments))
        if item.description:
            word.add_heading("Ärendebeskrivning", level=2)
            for block in _blocks(item.description):
                word.add_paragraph().add_run(block).italic = True
        if item.notes:
            word.add_heading("Anteckningar", level=2)
            for block in _blocks(item.notes):
                word.add_paragraph(block)
        if item.actions:
            word.add_heading("Åtgärder", level=2)
            table = word.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, label in zip(
                table.rows[0].cells, ("Åtgärd", "Slutdatum", "Ansvarig"), strict=True
            ):
                cell.text = ""
                cell.paragraphs[0].add_run(label).bold = True
            for a in item.actions:
                cells = table.add_row().cells
                text = f"#{a.number} {a.text}" + (f" ({a.status})" if a.status else "")
                cells[0].text = "\n".join([text, *a.notes])
                cells[1].text = a.due
                cells[2].text = a.owner
        if item.decisions:
            word.add_heading("Beslut", level=2)
            for d in item.decisions:
                word.add_paragraph(d.label(), style="List Bullet")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page_and_language(word: Any, doc: MinutesDoc) -> None:
    """A4 portrait with 2.5 cm margins, Swedish proofing language, our author, not the library's."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Twips

    for section in word.sections:
        # A4 exactly as Word stores it (11906 × 16838 twips = 210 × 297 mm).
        section.page_width, section.page_height = Twips(11906), Twips(16838)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.5))
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    _set_lang(rpr)
    # Every paragraph and character style says Swedish too, so a style copied into another
    # document keeps its proofing language.
    for style in word.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            _set_lang(style.element.get_or_add_rPr())
    theme_lang = word.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
    props = word.core_properties
    props.author = doc.author
    props.last_modified_by = doc.author
    props.title = f"{doc.title} – minnesanteckningar {doc.day}"
    props.subject = "Minnesanteckningar"
    props.language = LANGUAGE
    props.keywords = doc.series or ""
    props.comments = ""
    props.revision = 1
    if doc.created is not None:
        props.created = doc.created.astimezone(UTC).replace(tzinfo=None)
    if doc.modified is not None:
        props.modified = doc.modified.astimezone(UTC).replace(tzinfo=None)


def _set_lang(rpr: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
