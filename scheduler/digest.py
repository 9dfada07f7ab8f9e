"""The pre-meeting digest posted to a series' channel, and when it is due.

It replaces "Föregående minnesanteckningar" read aloud from a PDF: time and
place, the agenda with presenters and descriptions, the previous meeting's
actions with their status now (done since then, still open, overdue) and
latest note, the previous meeting's decisions, and other open actions of the
series due before the meeting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import false
from sqlmodel import Session, col, select

from commands import format as fmt
from commands.assignment_followup import digest_lines as followup_lines
from commands.context import zone
from commands.dates import format_date
from commands.i18n import t, tn
from commands.reply import Line, Reply, Visibility
from commands.workdays import working_days_before
from scheduler.outgoing import (
    DIGEST,
    DIGEST_MORNING,
    Outgoing,
    channel_recipient,
    meeting_occasion,
)
from storage import actions as action_repo
from storage import decisions as decision_repo
from storage import meetings as meeting_repo
from storage.models import (
    Action,
    ActionStatus,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Workspace,
)

LOOKAHEAD = timedelta(days=40)
MORNING_LEAD = timedelta(minutes=30)


def _status_text(action: Action, lang: str, since: datetime, today: date) -> str:
    if action.status == ActionStatus.DONE:
        if action.done_at is not None and action.done_at >= since:
            return f"✅ {t(lang, 'digest_done_since')}"
        return f"✅ {t(lang, 'status_done')}"
    if action.status == ActionStatus.CANCELLED:
        return t(lang, "status_cancelled")
    if action.due_date is not None and action.due_date < today:
        return f"⚠️ {t(lang, 'overdue')}"
    return t(lang, "digest_still_open")


def _action_lines(
    session: Session, actions: list[Action], lang: str, today: date, since: datetime
) -> list[Line]:
    ids = [a.id for a in actions if a.id is not None]
    owners = action_repo.owners_of(session, action_ids=ids)
    notes = action_repo.notes_of(session, action_ids=ids)
    lines = []
    for action in actions:
        assert action.id is not None
        parts = [
            f"#{action.number} {action.text}",
            fmt.owners_text(owners.get(action.id, []), lang),
            fmt.due_text(action.due_date, lang),
            _status_text(action, lang, since, today),
        ]
        text = fmt.DASH.join(parts)
        latest = notes[action.id][-1] if notes.get(action.id) else None
        if latest is not None:
            text += f"\n    {t(lang, 'latest_note')} {latest.note_date.isoformat()}: {latest.text}"
        lines.append(Line(text, action_number=action.number))
    return lines


def digest_reply(
    session: Session, meeting: Meeting, *, now: datetime, morning: bool = False
) -> Reply:
    """The digest of one meeting, in its workspace's language.

    Args:
        session: a read session.
        meeting: the coming meeting.
        now: the clock (statuses are "as of now").
        morning: the short headline of the morning-of post.

    Returns:
        The reply to post to the channel.
    """
    assert meeting.id is not None
    ws = session.get(Workspace, meeting.workspace_id)
    lang = ws.language if ws else "sv"
    series = session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
    tz = zone(series.timezone if series else (ws.timezone if ws else None))
    today = now.astimezone(tz).date()
    title = fmt.meeting_title(meeting, series, lang, tz)
    headline = t(lang, "digest_morning_headline" if morning else "digest_headline", title=title)
    start = meeting.starts_at.astimezone(tz)
    when = f"{format_date(start.date(), lang)} {start:%H:%M}"
    if meeting.ends_at is not None:
        when += f"–{meeting.ends_at.astimezone(tz):%H:%M}"
    when += f", {meeting.place or t(lang, 'digest_place_unknown')}"
    lines = [Line(t(lang, "digest_when", when=when))]
    lines.append(Line(t(lang, "agenda"), heading=True))
    lines.extend(fmt.agenda_lines(session, meeting.id, lang) or [Line(t(lang, "agenda_empty"))])

    previous = meeting_repo.previous_meeting(session, meeting=meeting)
    listed: set[int] = set()
    if previous is None:
        lines.append(Line(t(lang, "digest_no_previous")))
    else:
        assert previous.id is not None
        prev_title = fmt.meeting_title(previous, series, lang, tz)
        lines.append(Line(t(lang, "digest_previous", title=prev_title), heading=True))
        acts = action_repo.list_actions(
            session,
            workspace_id=meeting.workspace_id,
            meeting_id=previous.id,
            statuses=(ActionStatus.OPEN, ActionStatus.DONE),
            limit=1000,
        )
        acts.sort(key=lambda a: a.number)
        listed.update(a.id for a in acts if a.id is not None)
        since = previous.ends_at or previous.starts_at
        quiet = len(
            action_repo.list_actions(
                session,
                workspace_id=meeting.workspace_id,
                meeting_id=previous.id,
                history=True,
                limit=10_000,
            )
        )
        if acts or not quiet:
            lines.extend(
                _action_lines(session, acts, lang, today, since)
                or [Line(t(lang, "digest_no_actions"))]
            )
        if quiet:
            # Imported history is left out, but "no actions" would be untrue: say why.
            lines.append(Line(tn(lang, "digest_history_left_out", quiet)))
        lines.append(Line(t(lang, "digest_previous_decisions"), heading=True))
        decisions = decision_repo.list_decisions(
            session, workspace_id=meeting.workspace_id, meeting_id=previous.id, limit=1000
        )
        newer = decision_repo.superseded_by(
            session, decision_ids=[d.id for d in decisions if d.id is not None]
        )
        older = decision_repo.numbers_by_id(
            session, ids=[d.supersedes_id for d in decisions if d.supersedes_id is not None]
        )
        lines.extend(
            [
                Line(
                    _decision_line(d, newer.get(d.id or -1), older.get(d.supersedes_id or -1), lang)
                )
                for d in decisions
            ]
            or [Line(t(lang, "digest_no_decisions"))]
        )
    others = [a for a in _open_due_before(session, meeting, start.date()) if a.id not in listed]
    if others:
        lines.append(Line(t(lang, "digest_other_due"), heading=True))
        lines.extend(_action_lines(session, others, lang, today, meeting.starts_at))
    lines.extend(followup_lines(session, meeting, lang, now))
    return Reply(headline, tuple(lines), visibility=Visibility.CHANNEL, lang=lang)


def _decision_line(decision: Decision, newer: Decision | None, older: int | None, lang: str) -> str:
    """ "B2 … — ersatt av B6" / "B6 … — ersätter B2", as the minutes mark corrections."""
    text = fmt.decision_text(decision, lang)
    if older is not None:
        text += f"{fmt.DASH}{t(lang, 'min_supersedes', number=older)}"
    if newer is not None:
        text += f"{fmt.DASH}{t(lang, 'digest_superseded', number=newer.number)}"
    return text


def _open_due_before(session: Session, meeting: Meeting, day: date) -> list[Action]:
    """Open actions due before the meeting, logged in this series or outside any meeting."""
    series_meetings = (
        [m.id for m in meeting_repo.meetings_of_series(session, series_ids=[meeting.series_id])]
        if meeting.series_id is not None
        else []
    )
    stmt = select(Action).where(
        Action.workspace_id == meeting.workspace_id,
        Action.status == ActionStatus.OPEN,
        col(Action.history) == false(),
        col(Action.due_date).is_not(None),
        col(Action.due_date) < day,
        col(Action.meeting_id).is_(None) | col(Action.meeting_id).in_(series_meetings),
    )
    return list(session.exec(stmt.order_by(col(Action.due_date), col(Action.number))))


def digest_instants(meeting: Meeting, series: MeetingSeries) -> list[tuple[str, datetime]]:
    """When a meeting's digests go out: (kind, moment), the morning post only if asked for."""
    tz = zone(series.timezone)
    day = meeting.starts_at.astimezone(tz).date()
    result = [
        (
            DIGEST,
            datetime.combine(
                working_days_before(day, series.digest_days_before), series.digest_time, tz
            ),
        )
    ]
    if series.digest_on_morning:
        moment = datetime.combine(day, series.digest_time, tz)
        if moment >= meeting.starts_at - MORNING_LEAD:
            moment = meeting.starts_at - MORNING_LEAD
        result.append((DIGEST_MORNING, moment))
    return result


def upcoming_meetings(session: Session, now: datetime) -> list[tuple[Meeting, MeetingSeries]]:
    """Planned meetings of series with a channel, starting after ``now`` within the lookahead."""
    stmt = (
        select(Meeting, MeetingSeries)
        .join(MeetingSeries, col(MeetingSeries.id) == col(Meeting.series_id))
        .where(
            Meeting.status == MeetingStatus.PLANNED,
            col(Meeting.starts_at) > now,
            col(Meeting.starts_at) <= now + LOOKAHEAD,
            col(MeetingSeries.channel_id).is_not(None),
        )
        .order_by(col(Meeting.starts_at))
    )
    return list(session.exec(stmt).all())


def digests_due(session: Session, now: datetime) -> list[Outgoing]:
    """Every digest whose moment has come and whose meeting has not started."""
    out: list[Outgoing] = []
    for meeting, series in upcoming_meetings(session, now):
        assert meeting.id is not None and series.channel_id is not None
        ws = session.get(Workspace, meeting.workspace_id)
        if ws is None or ws.id is None:
            continue
        for kind, moment in digest_instants(meeting, series):
            if moment > now:
                continue
            out.append(
                Outgoing(
                    kind=kind,
                    recipient=channel_recipient(ws.id, series.channel_id),
                    occasion=meeting_occasion(meeting.id, meeting.starts_at.astimezone(UTC)),
                    workspace=ws,
                    content=digest_reply(session, meeting, now=now, morning=kind == DIGEST_MORNING),
                    due_at=moment,
                    expires_at=meeting.starts_at,
                    channel_id=series.channel_id,
                )
            )
    return out
