"""How actions, decisions and meetings read in a reply."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.dates import format_date
from commands.i18n import t
from commands.reply import Button, ButtonKind, Line
from storage import actions as action_repo
from storage import meetings as meeting_repo
from storage.models import (
    Action,
    ActionNote,
    ActionStatus,
    AgendaItem,
    Decision,
    Meeting,
    MeetingSeries,
    Person,
)

DASH = " — "


def owners_text(owners: list[Person], lang: str) -> str:
    """Return "ansvarig: Lisa" / "ansvariga: Lisa, Per" / "ansvarig: ej angivet"."""
    if not owners:
        return t(lang, "no_owner")
    key = "owner" if len(owners) == 1 else "owners"
    return f"{t(lang, key)}: " + ", ".join(p.display_name for p in owners)


def due_text(due: date | None, lang: str) -> str:
    """Return "senast fre 28 nov 2026" or "inget slutdatum"."""
    if due is None:
        return t(lang, "no_due")
    return f"{t(lang, 'due')} {format_date(due, lang)}"


def action_text(
    action: Action,
    owners: list[Person],
    lang: str,
    today: date,
    *,
    latest_note: ActionNote | None = None,
    where: str | None = None,
) -> str:
    """One action on one line: ``#12 Ring Anna — ansvarig: Lisa — senast fre 28 nov 2026``."""
    parts = [
        f"#{action.number} {action.text}",
        owners_text(owners, lang),
        due_text(action.due_date, lang),
    ]
    if action.status == ActionStatus.DONE:
        parts.append(f"✅ {t(lang, 'status_done')}")
    elif action.status == ActionStatus.CANCELLED:
        parts.append(t(lang, "status_cancelled"))
    elif action.history:
        # Imported from old minutes: "försenad" since 2016 would only alarm.
        parts.append(f"📜 {t(lang, 'status_history')}")
    elif action.due_date is not None and action.due_date < today:
        parts.append(f"⚠️ {t(lang, 'overdue')}")
    if where:
        parts.append(where)
    text = DASH.join(parts)
    if latest_note is not None:
        text += f"\n    {t(lang, 'latest_note')} {latest_note.note_date.isoformat()}: {latest_note.text}"
    return text


def action_buttons(action: Action, lang: str) -> tuple[Button, ...]:
    """The buttons an action carries: Klar, Nytt datum, Anteckning, or Öppna igen."""
    n = action.number
    if action.status == ActionStatus.OPEN:
        return (
            Button(t(lang, "btn_done"), f"action done #{n}", ButtonKind.RUN, primary=True),
            Button(t(lang, "btn_new_date"), f"action due #{n}", ButtonKind.PICK_DATE),
            Button(t(lang, "btn_note"), f"action note #{n}", ButtonKind.NOTE),
        )
    return (Button(t(lang, "btn_reopen"), f"action reopen #{n}", ButtonKind.RUN),)


def action_lines(
    session: Session,
    actions: list[Action],
    lang: str,
    today: date,
    *,
    with_buttons: bool = True,
    with_notes: bool = False,
    known_owners: dict[int, list[Person]] | None = None,
) -> list[Line]:
    """Render many actions with one query for owners (and one for notes).

    ``known_owners`` spares the owners' query when the caller has them at hand (an
    action just logged, with no notes yet either).
    """
    ids = [a.id for a in actions if a.id is not None]
    if known_owners is not None:
        owners = known_owners
    else:
        owners = action_repo.owners_of(session, action_ids=ids)
    notes = action_repo.notes_of(session, action_ids=ids) if with_notes else {}
    lines = []
    for action in actions:
        assert action.id is not None
        latest = notes[action.id][-1] if notes.get(action.id) else None
        lines.append(
            Line(
                action_text(action, owners.get(action.id, []), lang, today, latest_note=latest),
                action_buttons(action, lang) if with_buttons else (),
                action_number=action.number,
            )
        )
    return lines


def meeting_title(meeting: Meeting, series: MeetingSeries | None, lang: str, tz: ZoneInfo) -> str:
    """ "KC-möte tors 10 dec 2026 08:30–12:00, Stadshuset"."""
    start = meeting.starts_at.astimezone(tz)
    span = start.strftime("%H:%M")
    if meeting.ends_at is not None:
        span += "–" + meeting.ends_at.astimezone(tz).strftime("%H:%M")
    name = meeting.title or (series.name if series else "")
    text = f"{name} {format_date(start.date(), lang)} {span}".strip()
    if meeting.place:
        text += f", {meeting.place}"
    return text


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """Return the calendar date of a moment in a zone."""
    return moment.astimezone(tz).date()


def item_text(item: AgendaItem, lang: str) -> str:
    """ "3.1 Ekonomi – rapport (föredragande: Anna)"."""
    text = f"{item.number} {item.title}"
    if item.presenter_name:
        text += f" ({t(lang, 'presenter')}: {item.presenter_name})"
    return text


def decision_text(decision: Decision, lang: str, where: str | None = None) -> str:
    """ "B3 Kommunchefsgruppen beslutar att … — KC-möte 10 dec 2026, punkt 3.1"."""
    text = f"B{decision.number} {decision.text}"
    return f"{text}{DASH}{where}" if where else text


def where_text(
    session: Session, meeting_id: int | None, item_id: int | None, lang: str, tz: ZoneInfo
) -> str:
    """Say where something was logged: meeting date and item number."""
    if meeting_id is None:
        return t(lang, "no_meeting")
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return t(lang, "no_meeting")
    series = session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
    text = f"{series.name + ' ' if series else ''}{format_date(local_date(meeting.starts_at, tz), lang)}"
    if item_id is not None:
        item = session.get(AgendaItem, item_id)
        if item is not None:
            text += f", {t(lang, 'item')} {item.number}"
    return text


def agenda_lines(
    session: Session, meeting_id: int, lang: str, *, current: int | None = None
) -> list[Line]:
    """The agenda of a meeting, one item a line, descriptions indented.

    Args:
        session: the open transaction.
        meeting_id: the meeting.
        lang: the reader's language.
        current: the running meeting's current item, marked "← nu".
    """
    lines = []
    for item in meeting_repo.items_of(session, meeting_id=meeting_id):
        text = item_text(item, lang)
        if current is not None and item.id == current:
            text += " " + t(lang, "item_now_marker")
        if item.description:
            # One indented line a paragraph, so a long description stays under its item.
            paragraphs = [p.strip() for p in item.description.split("\n") if p.strip()]
            text += "".join(f"\n    {p}" for p in paragraphs)
        lines.append(Line(text))
    return lines
