"""The morning DM: each person's overdue and soon-due open actions, once a working day.

Pure: everything comes from the session and the ``now`` passed in. The rows
are read with a handful of set-based queries whose size depends on the number
of *due* actions only (the ``ix_action_open_due`` index bounds the scan), so
memory does not grow with the register's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import false, or_, select
from sqlmodel import Session, col
from sqlmodel import select as model_select

from commands import format as fmt
from commands.context import zone
from commands.dates import format_date
from commands.i18n import lang_of, t
from commands.reply import Button, Line, Reply
from commands.workdays import add_working_days, is_working_day
from scheduler.outgoing import MORNING_DM, Outgoing, person_recipient
from storage.models import (
    Action,
    ActionNote,
    ActionOwner,
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingSeries,
    Person,
    Workspace,
)
from storage.people import is_away

DAYS_AHEAD = 3
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CONSOLE = "console"


@dataclass(slots=True)
class _Due:
    """One due action of one person, as read from the database."""

    action_id: int
    number: int
    text: str
    due: date
    meeting_id: int | None
    item_id: int | None


@dataclass(frozen=True)
class PeopleOf:
    """Whose morning DM a change concerns: these people and the owners of these actions."""

    people: frozenset[int] = frozenset()
    actions: frozenset[int] = frozenset()

    def resolve(self, session: Session) -> frozenset[int]:
        """The person ids, the actions' owners read in ``session``."""
        found = set(self.people)
        if self.actions:
            owners = select(col(ActionOwner.person_id)).where(
                col(ActionOwner.action_id).in_(sorted(self.actions))
            )
            found.update(pid for (pid,) in session.execute(owners))
        return frozenset(found)


def _todays(
    session: Session,
    now: datetime,
    workspaces: dict[int, Workspace],
    people: frozenset[int] | None = None,
) -> set[date]:
    zones = {ws.timezone for ws in workspaces.values()}
    stmt = select(col(Person.timezone)).distinct()
    if people is not None:
        stmt = stmt.where(col(Person.id).in_(sorted(people)))
    zones.update(z for (z,) in session.execute(stmt) if z is not None)
    return {now.astimezone(zone(z)).date() for z in zones} or {now.date()}


def _tables() -> tuple[Any, Any, Any, Any]:
    return (
        Action.__table__,  # type: ignore[attr-defined]
        ActionOwner.__table__,  # type: ignore[attr-defined]
        Person.__table__,  # type: ignore[attr-defined]
        ActionNote.__table__,  # type: ignore[attr-defined]
    )


def _due_filter(
    horizon: date,
    earliest_today: date,
    workspace_ids: Sequence[int],
    people: frozenset[int] | None = None,
) -> tuple[Any, ...]:
    at, ot, pt, _ = _tables()
    a, o, p = at.c, ot.c, pt.c
    only = (o.person_id.in_(sorted(people)),) if people is not None else ()
    return (
        *only,
        # Naming the workspaces lets ix_action_open_due (workspace, status, history, due) bound the
        # scan on PostgreSQL too, so the cost follows the due actions, not the history.
        a.workspace_id.in_(workspace_ids),
        a.status == ActionStatus.OPEN,
        # "= false", not "IS false": an equality PostgreSQL can take from the index.
        a.history == false(),
        a.due_date.is_not(None),
        a.due_date <= horizon,
        p.reminders_enabled.is_(True),
        _not_surely_away(p, earliest_today),
    )


def _not_surely_away(p: Any, earliest_today: date) -> Any:
    """Not away for sure: no period, one that is over, or one that has not begun."""
    return or_(p.away_until.is_(None), p.away_until < earliest_today, p.away_from > earliest_today)


def due_rows_query(
    *,
    horizon: date,
    earliest_today: date,
    workspace_ids: Sequence[int],
    people: frozenset[int] | None = None,
) -> Any:
    """The set-based query of every (person, due open action) pair that may be reminded.

    Only the action's columns are read per row; the people are read once each
    by :func:`people_query`, so a person's columns are not converted per action.

    Args:
        horizon: the latest due date anyone can be reminded of.
        earliest_today: the earliest "today" in any zone (for away periods).
        workspace_ids: the workspaces to look in.
        people: only these people's (None: everyone's).

    Returns:
        A SQLAlchemy select of (person id, action id, number, text, due date,
        meeting id, item id), ordered by person, due date and number.
    """
    at, ot, pt, _ = _tables()
    a, o, p = at.c, ot.c, pt.c
    return (
        select(o.person_id, a.id, a.number, a.text, a.due_date, a.meeting_id, a.item_id)
        .select_from(ot.join(at, a.id == o.action_id).join(pt, p.id == o.person_id))
        .where(*_due_filter(horizon, earliest_today, workspace_ids, people))
        .order_by(o.person_id, a.due_date, a.number)
    )


def people_query(*, earliest_today: date, people: frozenset[int] | None = None) -> Any:
    """Everyone who may get a reminder (reminders on, not away for sure), or only ``people``."""
    p = _tables()[2].c
    stmt = select(
        p.id, p.workspace_id, p.display_name, p.platform_user_id, p.timezone, p.locale,
        p.reminder_time, p.away_until, p.email, p.away_from,
    ).where(
        p.reminders_enabled.is_(True),
        _not_surely_away(p, earliest_today),
    )  # fmt: skip
    return stmt.where(p.id.in_(sorted(people))) if people is not None else stmt


def _latest_notes(
    session: Session,
    horizon: date,
    earliest_today: date,
    workspace_ids: Sequence[int],
    people: frozenset[int] | None = None,
) -> dict[int, tuple[date, str]]:
    """The latest note of every action the due query can return, in one query."""
    at, ot, pt, nt = _tables()
    a, o, p, n = at.c, ot.c, pt.c, nt.c
    due_ids = (
        select(a.id)
        .select_from(ot.join(at, a.id == o.action_id).join(pt, p.id == o.person_id))
        .where(*_due_filter(horizon, earliest_today, workspace_ids, people))
    )
    stmt = (
        select(n.action_id, n.note_date, n.text)
        .where(n.action_id.in_(due_ids))
        .order_by(n.action_id, n.note_date, n.id)
    )
    return {action_id: (note_date, text) for action_id, note_date, text in session.execute(stmt)}


class _Where:
    """Meeting and item labels ("KC-möte tors 10 dec 2026, punkt 3.1"), read once each."""

    def __init__(self, session: Session, rows: list[_Due]) -> None:
        self.meetings: dict[int, tuple[date, str, ZoneInfo]] = {}
        self.items: dict[int, str] = {}
        meeting_ids = {r.meeting_id for r in rows if r.meeting_id is not None}
        item_ids = {r.item_id for r in rows if r.item_id is not None}
        if meeting_ids:
            stmt = (
                select(Meeting, MeetingSeries)
                .outerjoin(MeetingSeries, MeetingSeries.id == Meeting.series_id)  # type: ignore[arg-type]
                .where(Meeting.id.in_(meeting_ids))  # type: ignore[union-attr]
            )
            for meeting, series in session.execute(stmt):
                tz = zone(series.timezone if series else None)
                name = meeting.title or (series.name if series else "")
                self.meetings[meeting.id] = (meeting.starts_at.astimezone(tz).date(), name, tz)
        if item_ids:
            stmt2 = select(col(AgendaItem.id), col(AgendaItem.number)).where(
                AgendaItem.id.in_(item_ids)  # type: ignore[union-attr]
            )
            self.items = {i: num for i, num in session.execute(stmt2)}
        self._cache: dict[tuple[int | None, int | None, str], str] = {}

    def text(self, meeting_id: int | None, item_id: int | None, lang: str) -> str:
        key = (meeting_id, item_id, lang)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if meeting_id is None or meeting_id not in self.meetings:
            label = t(lang, "no_meeting")
        else:
            day, name, _ = self.meetings[meeting_id]
            label = f"{name} {format_date(day, lang)}".strip()
            if item_id is not None and item_id in self.items:
                label += f", {t(lang, 'item')} {self.items[item_id]}"
        self._cache[key] = label
        return label


@lru_cache(maxsize=4096)
def _due_text(due: date, lang: str) -> str:
    # Babel formatting costs ~60 µs; a day's DMs use a few dozen distinct dates.
    return fmt.due_text(due, lang)


@lru_cache(maxsize=4)
def _button_template(lang: str) -> tuple[Button, ...]:
    stub = Action(
        workspace_id=0,
        number=0,
        text="",
        status=ActionStatus.OPEN,
        created_at=EPOCH,
        updated_at=EPOCH,
    )
    return fmt.action_buttons(stub, lang)


def open_action_buttons(number: int, lang: str) -> tuple[Button, ...]:
    """``fmt.action_buttons`` of an open action, without building an Action per line.

    The labels, kinds and commands come from ``fmt.action_buttons`` (rendered
    once per language for a stub ``#0``), so the DM's buttons are the same as
    everywhere else; building a model per action cost more than the query.
    """
    tag = f"#{number}"
    first, second, third = _button_template(lang)
    return (
        Button(first.label, first.command.replace("#0", tag), first.kind, first.primary),
        Button(second.label, second.command.replace("#0", tag), second.kind, second.primary),
        Button(third.label, third.command.replace("#0", tag), third.kind, third.primary),
    )


def _line(due: _Due, lang: str, today: date, where: str, note: tuple[date, str] | None) -> Line:
    words = _words(lang)
    text = f"#{due.number} {due.text}{fmt.DASH}{_due_text(due.due, lang)}{fmt.DASH}{where}"
    if due.due < today:
        text += words[0]
    if note is not None:
        text += f"\n    {words[1]} {note[0].isoformat()}: {note[1]}"
    return Line(text, open_action_buttons(due.number, lang), action_number=due.number)


@lru_cache(maxsize=4)
def _words(lang: str) -> tuple[str, str]:
    return f"{fmt.DASH}⚠️ {t(lang, 'overdue')}", t(lang, "latest_note")


def render_dm(
    rows: list[_Due],
    *,
    lang: str,
    today: date,
    where: _Where,
    notes: dict[int, tuple[date, str]],
) -> Reply:
    """The DM of one person: Försenade / Idag / Kommande, each action with its buttons."""
    groups: list[tuple[str, list[_Due]]] = [
        ("dm_overdue", [r for r in rows if r.due < today]),
        ("dm_today", [r for r in rows if r.due == today]),
        ("dm_upcoming", [r for r in rows if r.due > today]),
    ]
    lines: list[Line] = []
    for key, group in groups:
        if not group:
            continue
        lines.append(Line(t(lang, key), heading=True))
        for r in group:
            lines.append(
                _line(
                    r,
                    lang,
                    today,
                    where.text(r.meeting_id, r.item_id, lang),
                    notes.get(r.action_id),
                )
            )
    return Reply(t(lang, "dm_headline", count=len(rows)), tuple(lines), lang=lang)


def _person(row: Any) -> Person:
    return Person.model_construct(
        id=row[0],
        workspace_id=row[1],
        display_name=row[2],
        platform_user_id=row[3],
        timezone=row[4],
        locale=row[5],
        reminder_time=row[6],
        away_until=row[7],
        email=row[8],
        away_from=row[9],
        reminders_enabled=True,
        created_at=EPOCH,
    )


def morning_dms(
    session: Session,
    now: datetime,
    *,
    days_ahead: int = DAYS_AHEAD,
    people: frozenset[int] | None = None,
) -> list[Outgoing]:
    """Every morning DM that is due at ``now`` and still useful (the person's day is not over).

    A person gets one when, in their zone (their own, else the workspace's), today
    is a working day, they are not away, their reminder time has come, and they own
    open actions that are overdue or due within ``days_ahead`` working days.

    Args:
        session: a read session.
        now: the injected clock (aware).
        days_ahead: how many working days ahead count as "coming up".
        people: only these people's DMs (after a change that concerns just them);
            None: everyone's.

    Returns:
        The DMs, one per person, not yet checked against what was already sent.
    """
    if people is not None and not people:
        return []
    workspaces = {ws.id: ws for ws in session.exec(model_select(Workspace)) if ws.id}
    todays = _todays(session, now, workspaces, people)
    horizons = {d: add_working_days(d, days_ahead) for d in todays}
    horizon, earliest = max(horizons.values()), min(todays)
    # Who is due now: working day, not away, reminder time reached, reachable.
    eligible: dict[int, tuple[Any, date]] = {}
    local_by_zone: dict[str, datetime] = {}
    for row in session.execute(people_query(earliest_today=earliest, people=people)).all():
        ws = workspaces.get(row[1])
        if ws is None or (row[3] is None and ws.platform != CONSOLE):
            continue
        zone_name = row[4] or ws.timezone
        local = local_by_zone.get(zone_name)
        if local is None:
            local = local_by_zone[zone_name] = now.astimezone(zone(zone_name))
        today = local.date()
        if (
            not is_working_day(today)
            or is_away(row[9], row[7], today)
            or local.time().replace(tzinfo=None) < row[6]
        ):
            continue
        eligible[row[0]] = (row, today)
    per_person: dict[int, tuple[Any, date, list[_Due]]] = {}
    for pid, action_id, number, text, due, meeting_id, item_id in session.execute(
        due_rows_query(
            horizon=horizon, earliest_today=earliest, workspace_ids=list(workspaces), people=people
        )
    ).all():
        entry = per_person.get(pid)
        if entry is None:
            found = eligible.get(pid)
            if found is None:
                continue
            entry = per_person[pid] = (found[0], found[1], [])
        if due <= horizons.get(entry[1], entry[1]):
            entry[2].append(_Due(action_id, number, text, due, meeting_id, item_id))
    all_rows = [r for _, _, rows in per_person.values() for r in rows]
    where = _Where(session, all_rows)
    notes = _latest_notes(session, horizon, earliest, list(workspaces), people) if all_rows else {}
    out: list[Outgoing] = []
    for pid, (person_row, today, rows) in per_person.items():
        if not rows:
            continue
        person = _person(person_row)
        ws = workspaces[person.workspace_id]
        tz = zone(person.timezone or ws.timezone)
        lang = lang_of(person.locale, ws.language)
        out.append(
            Outgoing(
                kind=MORNING_DM,
                recipient=person_recipient(pid),
                occasion=today.isoformat(),
                workspace=ws,
                content=partial(render_dm, rows, lang=lang, today=today, where=where, notes=notes),
                due_at=datetime.combine(today, person.reminder_time, tz),
                expires_at=datetime.combine(today + timedelta(days=1), time(0), tz),
                person=person,
            )
        )
    return out


def next_reminder_instants(session: Session, now: datetime, until: datetime) -> set[datetime]:
    """The distinct moments in (now, until] at which someone's reminder time comes.

    Used to schedule exact-time jobs; one job per distinct (zone, time), not per person.
    """
    workspaces = {ws.id: ws for ws in session.exec(model_select(Workspace)) if ws.id}
    p = Person.__table__.c  # type: ignore[attr-defined]
    stmt = (
        select(p.workspace_id, p.timezone, p.reminder_time)
        .where(p.reminders_enabled.is_(True))
        .distinct()
    )
    instants: set[datetime] = set()
    for ws_id, tz_name, at in session.execute(stmt):
        ws = workspaces.get(ws_id)
        tz = zone(tz_name or (ws.timezone if ws else None))
        day = now.astimezone(tz).date()
        while True:
            moment = datetime.combine(day, at, tz)
            if moment > until:
                break
            if moment > now and is_working_day(day):
                instants.add(moment)
            day += timedelta(days=1)
    return instants


__all__ = ["PeopleOf", "due_rows_query", "morning_dms", "next_reminder_instants", "render_dm"]
