"""The yearly follow-up of assignments at one meeting of a series (e.g. KC's December meeting).

Who has to report, who has not yet, when they are asked and reminded: computed here from
the data, and used by ``/uppdrag uppföljning``, the scheduler (scheduler/followup.py) and the
digest. The request goes four weeks before the meeting, the reminder one week before, both at
09:00 on a working day (the working day before when that day is not one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from commands import format as fmt
from commands.assignment_text import short, status_label
from commands.channel import channel_series
from commands.context import Ctx, zone
from commands.dates import DateError, format_date, parse_date
from commands.errors import CommandError
from commands.i18n import t, tn
from commands.planning import HORIZON_DAYS, extend_series
from commands.reply import Button, ButtonKind, Line, Reply, ReplyFile, Visibility
from commands.workdays import is_working_day
from storage import assignments as repo
from storage import audit
from storage import meetings as meeting_repo
from storage.models import (
    Action,
    Assignment,
    AssignmentFollowUp,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Person,
    ReportKind,
    ResponsibleParty,
    Workspace,
)

REQUEST_DAYS = 28
REMINDER_DAYS = 7
ASK_TIME = time(9, 0)
CONSOLE = "console"
SHOW_WORDS = frozenset({"visa", "show", "status", "läge", "lage"})
DOC_WORDS = frozenset({"dokument", "document", "doc", "docx", "word", "rapport"})
AGENDA_TITLE = "Uppföljning av uppdrag"


def working_day_on_or_before(day: date) -> date:
    """The day itself if it is a working day, else the working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@dataclass
class FollowUpView:
    """A follow-up with its meeting and the dates that matter."""

    followup: AssignmentFollowUp
    meeting: Meeting
    series: MeetingSeries
    workspace: Workspace
    tz: ZoneInfo
    meeting_day: date
    window_start: date  # reports dated after this count for the year
    window_end: date | None  # a later follow-up's year begins after this

    @property
    def request_day(self) -> date:
        """Four weeks before the meeting, on a working day."""
        return working_day_on_or_before(self.meeting_day - timedelta(days=REQUEST_DAYS))

    @property
    def reminder_day(self) -> date:
        """One week before the meeting, on a working day."""
        return working_day_on_or_before(self.meeting_day - timedelta(days=REMINDER_DAYS))

    def in_year(self, day: date) -> bool:
        """Whether a dated entry belongs to this follow-up's year."""
        return day > self.window_start and (self.window_end is None or day <= self.window_end)


@dataclass
class PartyDue:
    """One party's assignments for a follow-up, and which of them lack this year's report."""

    party: ResponsibleParty
    contact: Person | None
    assignments: list[Assignment] = field(default_factory=list)
    missing: list[Assignment] = field(default_factory=list)


def _local_day(meeting: Meeting, tz: ZoneInfo) -> date:
    return meeting.starts_at.astimezone(tz).date()


def view_of(session: Session, followup: AssignmentFollowUp) -> FollowUpView | None:
    """The follow-up's meeting and dates, or None when the meeting is gone or cancelled."""
    meeting = session.get(Meeting, followup.meeting_id)
    series = session.get(MeetingSeries, followup.series_id)
    ws = session.get(Workspace, followup.workspace_id)
    if meeting is None or series is None or ws is None:
        return None
    if meeting.status == MeetingStatus.CANCELLED.value:
        return None
    tz = zone(series.timezone)
    day = _local_day(meeting, tz)
    earlier: list[date] = []
    later: list[date] = []
    for other in repo.followups_in(session, workspace_id=followup.workspace_id):
        if other.id == followup.id:
            continue
        m = session.get(Meeting, other.meeting_id)
        if m is None or m.status == MeetingStatus.CANCELLED.value:
            continue
        (earlier if m.starts_at < meeting.starts_at else later).append(_local_day(m, tz))
    start = max(earlier) if earlier else day - timedelta(days=365)
    return FollowUpView(followup, meeting, series, ws, tz, day, start, day if later else None)


def due_by_party(session: Session, view: FollowUpView) -> list[PartyDue]:
    """Every party with active assignments, and which of them have no report this year.

    A report by any of an assignment's parties counts for all of them.
    """
    active = repo.list_assignments(
        session, workspace_id=view.followup.workspace_id, statuses=repo.ACTIVE
    )
    ids = [a.id for a in active if a.id is not None]
    parties = repo.parties_of(session, assignment_ids=ids)
    history = repo.reports_of(session, assignment_ids=ids)
    reported = {
        aid
        for aid, entries in history.items()
        if any(e.kind == ReportKind.REPORT.value and view.in_year(e.report_date) for e in entries)
    }
    result: dict[int, PartyDue] = {}
    year = view.meeting_day.year
    for assignment in active:
        assert assignment.id is not None
        for party in parties.get(assignment.id, []):
            assert party.id is not None
            due = result.get(party.id)
            if due is None:
                due = result[party.id] = PartyDue(party, repo.contact_of(session, party, year))
            due.assignments.append(assignment)
            if assignment.id not in reported:
                due.missing.append(assignment)
    return sorted(result.values(), key=lambda d: d.party.name.casefold())


def reachable(person: Person | None, workspace: Workspace) -> bool:
    """Whether a DM can reach someone (the console reaches everyone by name)."""
    if person is None:
        return False
    return workspace.platform == CONSOLE or person.platform_user_id is not None


def upcoming(
    session: Session, *, workspace_id: int, series_id: int | None, now: datetime
) -> FollowUpView | None:
    """The next follow-up that has not started (of one series, or any), else the latest."""
    views = []
    for followup in repo.followups_in(session, workspace_id=workspace_id):
        if series_id is not None and followup.series_id != series_id:
            continue
        view = view_of(session, followup)
        if view is not None:
            views.append(view)
    views.sort(key=lambda v: v.meeting.starts_at)
    future = [v for v in views if v.meeting.starts_at > now]
    if future:
        return future[0]
    return views[-1] if views else None


# -- the DMs -------------------------------------------------------------------------------------


def report_buttons(assignment: Assignment, lang: str) -> tuple[Button, ...]:
    """Utfört / Pågår / Behöver ändras: each asks for the report's text, then files it."""
    n = assignment.number
    return (
        Button(t(lang, "upd_btn_done"), f"assignment report U{n} done", ButtonKind.NOTE, True),
        Button(t(lang, "upd_btn_ongoing"), f"assignment report U{n} ongoing", ButtonKind.NOTE),
        Button(t(lang, "upd_btn_changed"), f"assignment report U{n} changed", ButtonKind.NOTE),
    )


def request_reply(view: FollowUpView, dues: list[PartyDue], lang: str, *, reminder: bool) -> Reply:
    """The DM asking a contact person for the year's report on their groups' assignments."""
    title = fmt.meeting_title(view.meeting, view.series, lang, view.tz)
    key = "upd_reminder_headline" if reminder else "upd_request_headline"
    lines = [
        Line(
            t(
                lang,
                "upd_request_hint",
                date=format_date(view.meeting_day, lang),
                series=view.series.name,
            )
        )
    ]
    for due in dues:
        lines.append(Line(due.party.name, heading=True))
        for assignment in due.missing:
            text = f"U{assignment.number} {short(assignment.text)} — " + status_label(
                assignment.status, lang
            )
            lines.append(Line(text, report_buttons(assignment, lang)))
    return Reply(t(lang, key, title=title), tuple(lines), lang=lang)


def manual_reply(view: FollowUpView, dues: list[PartyDue], lang: str) -> Reply:
    """The DM to the secretary: parties nobody can be asked in chat; ask them by hand."""
    title = fmt.meeting_title(view.meeting, view.series, lang, view.tz)
    lines = [Line(t(lang, "upd_manual_hint"))]
    lines.extend(_party_lines(dues, lang, manual=True))
    return Reply(t(lang, "upd_manual_headline", title=title), tuple(lines), lang=lang)


def _party_lines(dues: list[PartyDue], lang: str, *, manual: bool = False) -> list[Line]:
    lines = []
    key = "upd_contact_no_account" if manual else "upd_contact_is"
    for due in dues:
        contact = (
            t(lang, key, name=due.contact.display_name)
            if due.contact
            else t(lang, "upd_contact_missing")
        )
        numbers = ", ".join(f"U{a.number}" for a in due.missing)
        lines.append(Line(f"{due.party.name} ({contact}): {numbers}"))
    return lines


# -- the command ---------------------------------------------------------------------------------


def command(ctx: Ctx, text: str) -> Reply:
    """``/uppdrag uppföljning <serie> <datum>`` | ``visa`` | ``dokument``."""
    words = text.split()
    if not words or words[0].casefold() in SHOW_WORDS:
        return show(ctx, " ".join(words[1:]))
    if words[0].casefold() in DOC_WORDS:
        return document(ctx, " ".join(words[1:]))
    return set_meeting(ctx, words)


def _series(ctx: Ctx, name: str) -> MeetingSeries:
    if name:
        found = meeting_repo.get_series_by_name(ctx.session, workspace_id=ctx.ws_id, name=name)
        if found is None:
            raise CommandError("series_unknown", name=name[:80])
        return found
    bound = channel_series(ctx)
    if not bound:
        raise CommandError("upd_followup_usage")
    return bound[0]


def set_meeting(ctx: Ctx, words: list[str]) -> Reply:
    """Make the series' meeting on a date its follow-up meeting (planning it if need be)."""
    day: date | None = None
    used = 0
    for k in (3, 2, 1):
        if len(words) > k - 1:
            try:
                day = parse_date(" ".join(words[-k:]), today=ctx.today)
                used = k
                break
            except DateError:
                continue
    if day is None:
        raise CommandError("upd_followup_usage")
    if day < ctx.today:
        raise CommandError("date_past", date=format_date(day, ctx.lang))
    series = _series(ctx, " ".join(words[:-used]).strip('"“”'))
    assert series.id is not None
    tz = zone(series.timezone)

    def on_day() -> Meeting | None:
        return next(
            (
                m
                for m in meeting_repo.meetings_of_series(ctx.session, series_ids=[series.id or 0])
                if m.status != MeetingStatus.CANCELLED.value and _local_day(m, tz) == day
            ),
            None,
        )

    meeting = on_day()
    planned = meeting is None
    if meeting is None:
        # Plan the series up to that day first, so a rule date becomes the rule's own meeting
        # (and is never planned a second time later, even once moved).
        extend_series(
            ctx.session,
            series=series,
            today=ctx.today,
            at=ctx.now,
            actor_id=ctx.caller_id,
            horizon_days=max((day - ctx.today).days + 1, HORIZON_DAYS),
        )
        meeting = on_day()
    if meeting is None:
        start = series.start_time or ASK_TIME
        meeting = meeting_repo.create_meeting(
            ctx.session,
            workspace_id=ctx.ws_id,
            series_id=series.id,
            starts_at=datetime.combine(day, start, tz),
            ends_at=datetime.combine(day, series.end_time, tz) if series.end_time else None,
            place=series.place,
            at=ctx.now,
            actor_id=ctx.caller_id,
        )
    assert meeting.id is not None
    current = upcoming(ctx.session, workspace_id=ctx.ws_id, series_id=series.id, now=ctx.now)
    existing = repo.followup_of_meeting(ctx.session, meeting_id=meeting.id)
    if existing is not None:
        followup = existing
    elif current is not None and current.meeting.starts_at > ctx.now:
        # One coming follow-up per series: naming another date moves it there.
        followup = current.followup
        before = audit.snapshot(followup)
        _detach_from_agenda(ctx, followup.meeting_id)
        followup.meeting_id = meeting.id
        audit.record_updated(
            ctx.session,
            followup,
            entity="assignment_followup",
            op="move",
            before=before,
            workspace_id=ctx.ws_id,
            actor_id=ctx.caller_id,
            at=ctx.now,
        )
    else:
        followup = AssignmentFollowUp(
            workspace_id=ctx.ws_id,
            series_id=series.id,
            meeting_id=meeting.id,
            created_by_id=ctx.caller_id,
            created_at=ctx.now,
        )
        audit.record_created(
            ctx.session,
            followup,
            entity="assignment_followup",
            workspace_id=ctx.ws_id,
            actor_id=ctx.caller_id,
            at=ctx.now,
        )
    _attach_to_agenda(ctx, meeting, day)
    view = view_of(ctx.session, followup)
    assert view is not None
    title = fmt.meeting_title(meeting, series, ctx.lang, tz)
    lines = [
        Line(
            t(
                ctx.lang,
                "upd_followup_dates",
                request=format_date(view.request_day, ctx.lang),
                reminder=format_date(view.reminder_day, ctx.lang),
            )
        )
    ]
    if planned:
        lines.append(Line(t(ctx.lang, "upd_followup_planned")))
    return Reply(
        t(ctx.lang, "upd_followup_set", title=title),
        tuple(lines),
        visibility=Visibility.CALLER,
        lang=ctx.lang,
    )


def document_names(day: date) -> list[str]:
    """The follow-up document's file names, as listed under the agenda item's Bilagor."""
    base = f"uppfoljning-uppdrag-{day.isoformat()}"
    return [f"{base}.md", f"{base}.docx"]


def _attach_to_agenda(ctx: Ctx, meeting: Meeting, day: date) -> None:
    """An agenda item "Uppföljning av uppdrag" with the document among its Bilagor."""
    assert meeting.id is not None
    items = meeting_repo.items_of(ctx.session, meeting_id=meeting.id)
    if any(i.title == AGENDA_TITLE for i in items):
        return
    tops = [int(i.number.split(".")[0]) for i in items if i.number.split(".")[0].isdigit()]
    meeting_repo.add_item(
        ctx.session,
        workspace_id=ctx.ws_id,
        meeting_id=meeting.id,
        series_id=meeting.series_id,
        number=str(max(tops, default=0) + 1),
        title=AGENDA_TITLE,
        at=ctx.now,
        actor_id=ctx.caller_id,
        description=t("sv", "upd_agenda_description"),
        attachments=document_names(day),
    )


def _detach_from_agenda(ctx: Ctx, meeting_id: int) -> None:
    """Take the follow-up item off the meeting it leaves, unless someone has used it.

    An item that has gained actions, decisions or notes is the secretary's now, so it stays.
    """
    item = next(
        (
            i
            for i in meeting_repo.items_of(ctx.session, meeting_id=meeting_id)
            if i.title == AGENDA_TITLE
        ),
        None,
    )
    if item is None or item.id is None or item.notes:
        return
    used = (
        ctx.session.exec(select(Action.id).where(col(Action.item_id) == item.id)).first()
        or ctx.session.exec(select(Decision.id).where(col(Decision.item_id) == item.id)).first()
    )
    if used is None:
        meeting_repo.remove_item(ctx.session, item=item, actor_id=ctx.caller_id, at=ctx.now)


def _current(ctx: Ctx, name: str) -> FollowUpView:
    series_id = None
    if name:
        series = _series(ctx, name)
        series_id = series.id
    else:
        bound = channel_series(ctx)
        series_id = bound[0].id if bound else None
    view = upcoming(ctx.session, workspace_id=ctx.ws_id, series_id=series_id, now=ctx.now)
    if view is None and series_id is not None:
        view = upcoming(ctx.session, workspace_id=ctx.ws_id, series_id=None, now=ctx.now)
    if view is None:
        raise CommandError("upd_followup_none")
    return view


def show(ctx: Ctx, name: str) -> Reply:
    """Who has not reported yet, who must be asked by hand, and when the DMs go."""
    view = _current(ctx, name)
    title = fmt.meeting_title(view.meeting, view.series, ctx.lang, view.tz)
    dues = due_by_party(ctx.session, view)
    lines = [
        Line(
            t(
                ctx.lang,
                "upd_followup_dates",
                request=format_date(view.request_day, ctx.lang),
                reminder=format_date(view.reminder_day, ctx.lang),
            )
        )
    ]
    waiting = [d for d in dues if d.missing and reachable(d.contact, view.workspace)]
    manual = [d for d in dues if d.missing and not reachable(d.contact, view.workspace)]
    done = [d for d in dues if not d.missing]
    lines.append(Line(t(ctx.lang, "upd_not_reported_heading"), heading=True))
    lines.extend(_party_lines(waiting, ctx.lang) or [Line(t(ctx.lang, "upd_everyone_reported"))])
    if manual:
        lines.append(Line(t(ctx.lang, "upd_manual_heading"), heading=True))
        lines.extend(_party_lines(manual, ctx.lang, manual=True))
    if done:
        lines.append(
            Line(
                tn(
                    ctx.lang,
                    "upd_reported_count",
                    len(done),
                    names=", ".join(d.party.name for d in done),
                )
            )
        )
    return Reply(t(ctx.lang, "upd_followup_show", title=title), tuple(lines), lang=ctx.lang)


def document_files(session: Session, view: FollowUpView) -> tuple[ReplyFile, ...]:
    """The follow-up document as Markdown and Word files."""
    from commands import followup_doc

    doc = followup_doc.build(session, view)
    names = document_names(view.meeting_day)
    return (
        ReplyFile(names[0], followup_doc.MD_MIME, followup_doc.to_markdown(doc)),
        ReplyFile(names[1], followup_doc.DOCX_MIME, followup_doc.to_docx(doc)),
    )


def files_for_meeting(session: Session, meeting_id: int) -> tuple[ReplyFile, ...]:
    """The follow-up document when a meeting is a follow-up meeting (for its minutes), else ()."""
    followup = repo.followup_of_meeting(session, meeting_id=meeting_id)
    view = view_of(session, followup) if followup is not None else None
    return document_files(session, view) if view is not None else ()


def document(ctx: Ctx, name: str) -> Reply:
    """The follow-up document, as Markdown and Word."""
    from commands import followup_doc

    view = _current(ctx, name)
    doc = followup_doc.build(ctx.session, view)
    files = document_files(ctx.session, view)
    title = fmt.meeting_title(view.meeting, view.series, ctx.lang, view.tz)
    counts = t(
        ctx.lang,
        "upd_doc_counts",
        groups=len(doc.groups),
        assignments=sum(len(g.rows) for g in doc.groups),
    )
    return Reply(t(ctx.lang, "upd_doc", title=title), (Line(counts),), lang=ctx.lang, files=files)


def digest_lines(session: Session, meeting: Meeting, lang: str, now: datetime) -> list[Line]:
    """For the digest before a follow-up meeting: the assignments still without a report."""
    assert meeting.id is not None
    followup = repo.followup_of_meeting(session, meeting_id=meeting.id)
    if followup is None:
        return []
    view = view_of(session, followup)
    if view is None:
        return []
    dues = due_by_party(session, view)
    lines = [Line(t(lang, "upd_digest_heading"), heading=True)]
    missing = [d for d in dues if d.missing]
    if not missing:
        lines.append(Line(t(lang, "upd_everyone_reported")))
        return lines
    seen: set[int] = set()
    for due in missing:
        for assignment in due.missing:
            if assignment.id in seen:
                continue
            seen.add(assignment.id or 0)
            lines.append(Line(f"U{assignment.number} {short(assignment.text)} — {due.party.name}"))
    return lines
