"""Meeting series, meetings and their agenda items."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage import audit
from storage.models import AgendaItem, Meeting, MeetingSeries, MeetingStatus


def item_sort_key(number: str) -> str:
    """Sort "3.10" after "3.2": zero-pad each numeric part."""
    parts = []
    for part in number.split("."):
        parts.append(part.zfill(4) if part.isdigit() else part)
    return ".".join(parts)


def get_series_by_name(
    session: Session, /, *, workspace_id: int, name: str
) -> MeetingSeries | None:
    """Return a series by name (any case)."""
    wanted = name.casefold()
    stmt = select(MeetingSeries).where(MeetingSeries.workspace_id == workspace_id)
    for series in session.exec(stmt):
        if series.name.casefold() == wanted:
            return series
    return None


def series_in(session: Session, /, *, workspace_id: int) -> list[MeetingSeries]:
    """Return every series of a workspace, oldest first."""
    stmt = (
        select(MeetingSeries)
        .where(MeetingSeries.workspace_id == workspace_id)
        .order_by(col(MeetingSeries.id))
    )
    return list(session.exec(stmt))


# Built once: every command asks, and building the statement cost more than running it.
_SERIES_OF_CHANNEL = (
    select(MeetingSeries)
    .where(
        col(MeetingSeries.workspace_id) == bindparam("workspace"),
        col(MeetingSeries.channel_id) == bindparam("channel"),
    )
    .order_by(col(MeetingSeries.id))
)
_SERIES_WITHOUT_CHANNEL = (
    select(MeetingSeries)
    .where(
        col(MeetingSeries.workspace_id) == bindparam("workspace"),
        col(MeetingSeries.channel_id).is_(None),
    )
    .order_by(col(MeetingSeries.id))
)


def series_for_channel(
    session: Session, /, *, workspace_id: int, channel_id: str | None
) -> list[MeetingSeries]:
    """Return the series bound to a channel, oldest first."""
    if channel_id is None:  # the series bound to no channel
        return list(session.exec(_SERIES_WITHOUT_CHANNEL, params={"workspace": workspace_id}))
    return list(
        session.exec(_SERIES_OF_CHANNEL, params={"workspace": workspace_id, "channel": channel_id})
    )


def get_or_create_series(
    session: Session,
    /,
    *,
    workspace_id: int,
    name: str,
    channel_id: str | None,
    at: datetime,
    actor_id: int | None = None,
    timezone: str = "Europe/Stockholm",
) -> MeetingSeries:
    """Return the named series, creating it bound to ``channel_id`` if new."""
    series = get_series_by_name(session, workspace_id=workspace_id, name=name)
    if series is not None:
        if series.channel_id is None and channel_id is not None:
            series.channel_id = channel_id
            session.add(series)
        return series
    series = MeetingSeries(
        workspace_id=workspace_id,
        name=name,
        channel_id=channel_id,
        timezone=timezone,
        created_at=at,
    )
    audit.record_created(
        session, series, entity="series", workspace_id=workspace_id, actor_id=actor_id, at=at
    )
    return series


def create_meeting(
    session: Session,
    /,
    *,
    workspace_id: int,
    series_id: int | None,
    starts_at: datetime,
    ends_at: datetime | None,
    place: str | None,
    at: datetime,
    actor_id: int | None = None,
    status: str = MeetingStatus.PLANNED,
) -> Meeting:
    """Create a meeting and adopt the items proposed for its series meanwhile."""
    meeting = Meeting(
        workspace_id=workspace_id,
        series_id=series_id,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        status=MeetingStatus(status),
        created_at=at,
    )
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    if series_id is not None:
        pending = select(AgendaItem).where(
            AgendaItem.series_id == series_id, col(AgendaItem.meeting_id).is_(None)
        )
        for item in session.exec(pending):
            item.meeting_id = meeting.id
            session.add(item)
    audit.record(
        session,
        workspace_id=workspace_id,
        actor_id=actor_id,
        entity="meeting",
        entity_id=meeting.id,
        op="create",
        at=at,
        after=audit.snapshot(meeting),
    )
    return meeting


def set_status(
    session: Session,
    /,
    *,
    meeting: Meeting,
    status: str,
    actor_id: int | None,
    at: datetime,
) -> Meeting:
    """Move a meeting along planned → running → ended → approved, audited."""
    before = audit.snapshot(meeting)
    meeting.status = MeetingStatus(status)
    if status == MeetingStatus.APPROVED:
        meeting.approved_at = at
        meeting.approved_by_id = actor_id
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    audit.record(
        session,
        workspace_id=meeting.workspace_id,
        actor_id=actor_id,
        entity="meeting",
        entity_id=meeting.id,
        op=status,
        at=at,
        before=before,
        after=audit.snapshot(meeting),
    )
    return meeting


def meetings_of_series(
    session: Session, /, *, series_ids: list[int], statuses: tuple[str, ...] | None = None
) -> list[Meeting]:
    """Return the meetings of some series by start time."""
    if not series_ids:
        return []
    stmt = select(Meeting).where(col(Meeting.series_id).in_(series_ids))
    if statuses is not None:
        stmt = stmt.where(col(Meeting.status).in_(statuses))
    return list(session.exec(stmt.order_by(col(Meeting.starts_at), col(Meeting.id))))


def running_meeting(session: Session, /, *, series_ids: list[int]) -> Meeting | None:
    """Return the meeting now running in one of these series, if any."""
    running = meetings_of_series(session, series_ids=series_ids, statuses=(MeetingStatus.RUNNING,))
    return running[-1] if running else None


def next_meeting(session: Session, /, *, series_ids: list[int], after: datetime) -> Meeting | None:
    """Return the first planned meeting that starts at or after ``after``."""
    for meeting in meetings_of_series(
        session, series_ids=series_ids, statuses=(MeetingStatus.PLANNED,)
    ):
        if meeting.starts_at >= after:
            return meeting
    return None


def next_unheld_meeting(
    session: Session, /, *, series_ids: list[int], now: datetime, grace: timedelta
) -> Meeting | None:
    """Return the first planned meeting whose planned time is not over at ``now``.

    One that started without being started (status still planned) counts until its
    planned end, or, with no end given, until ``grace`` after its start.
    """
    for meeting in meetings_of_series(
        session, series_ids=series_ids, statuses=(MeetingStatus.PLANNED,)
    ):
        if _not_over(meeting, now, grace):
            return meeting
    return None


def coming_meetings(
    session: Session, /, *, series_ids: list[int], now: datetime, grace: timedelta
) -> list[Meeting]:
    """The running meetings of these series and the planned ones not over at ``now``.

    A planned one counts as :func:`next_unheld_meeting` counts it.
    """
    return [
        m
        for m in meetings_of_series(
            session,
            series_ids=series_ids,
            statuses=(MeetingStatus.PLANNED, MeetingStatus.RUNNING),
        )
        if m.status == MeetingStatus.RUNNING or _not_over(m, now, grace)
    ]


def _not_over(meeting: Meeting, now: datetime, grace: timedelta) -> bool:
    return meeting.starts_at >= now or (meeting.ends_at or meeting.starts_at + grace) > now


def previous_meeting(session: Session, /, *, meeting: Meeting) -> Meeting | None:
    """Return the meeting of the same series that came before this one (not cancelled)."""
    if meeting.series_id is None:
        return None
    before = [
        m
        for m in meetings_of_series(session, series_ids=[meeting.series_id])
        if m.starts_at < meeting.starts_at and m.status != MeetingStatus.CANCELLED
    ]
    return before[-1] if before else None


def get_meeting(session: Session, /, *, workspace_id: int, meeting_id: int) -> Meeting | None:
    """Return a meeting of the workspace by id."""
    meeting = session.get(Meeting, meeting_id)
    return meeting if meeting is not None and meeting.workspace_id == workspace_id else None


def items_of(session: Session, /, *, meeting_id: int) -> list[AgendaItem]:
    """Return a meeting's agenda in number order."""
    stmt = (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(col(AgendaItem.sort_key), col(AgendaItem.id))
    )
    return list(session.exec(stmt))


def pending_items(session: Session, /, *, series_id: int) -> list[AgendaItem]:
    """Return items proposed for a series that has no upcoming meeting yet."""
    stmt = (
        select(AgendaItem)
        .where(AgendaItem.series_id == series_id, col(AgendaItem.meeting_id).is_(None))
        .order_by(col(AgendaItem.sort_key), col(AgendaItem.id))
    )
    return list(session.exec(stmt))


def find_item(session: Session, /, *, meeting_id: int, number: str) -> AgendaItem | None:
    """Return a meeting's item by its number ("3.1")."""
    stmt = select(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.number == number
    )
    return session.exec(stmt).first()


def add_item(
    session: Session,
    /,
    *,
    workspace_id: int,
    meeting_id: int | None,
    series_id: int | None,
    number: str,
    title: str,
    at: datetime,
    actor_id: int | None = None,
    presenter_id: int | None = None,
    presenter_name: str | None = None,
    description: str | None = None,
    notes: str | None = None,
    attachments: list[str] | None = None,
) -> AgendaItem:
    """Add an agenda item to a meeting (or propose it for a series), audited."""
    item = AgendaItem(
        workspace_id=workspace_id,
        meeting_id=meeting_id,
        series_id=series_id,
        number=number,
        sort_key=item_sort_key(number),
        title=title,
        presenter_id=presenter_id,
        presenter_name=presenter_name,
        description=description,
        notes=notes,
        attachments=list(attachments or []),
        proposed_by_id=actor_id,
        created_at=at,
    )
    audit.record_created(
        session, item, entity="item", workspace_id=workspace_id, actor_id=actor_id, at=at
    )
    return item


def set_current_item(
    session: Session,
    /,
    *,
    meeting: Meeting,
    item_id: int | None,
    actor_id: int | None,
    at: datetime,
) -> None:
    """Make later actions and decisions attach to this item."""
    meeting.current_item_id = item_id
    session.add(meeting)
    assert meeting.id is not None
    audit.record(
        session,
        workspace_id=meeting.workspace_id,
        actor_id=actor_id,
        entity="meeting",
        entity_id=meeting.id,
        op="current_item",
        at=at,
        after={"current_item_id": item_id},
    )


def edit_item(
    session: Session,
    /,
    *,
    item: AgendaItem,
    actor_id: int | None,
    at: datetime,
    changes: dict[str, object],
    op: str = "edit",
) -> AgendaItem:
    """Change an item's fields (title, presenter, description, notes, attachments), audited."""
    before = audit.snapshot(item)
    for name, value in changes.items():
        setattr(item, name, value)
    if "number" in changes:
        item.sort_key = item_sort_key(item.number)
    audit.record_updated(
        session,
        item,
        entity="item",
        op=op,
        before=before,
        workspace_id=item.workspace_id,
        actor_id=actor_id,
        at=at,
    )
    return item


def renumber_items(
    session: Session,
    /,
    *,
    items: list[AgendaItem],
    numbers: dict[str, str],
    actor_id: int | None,
    at: datetime,
) -> None:
    """Give items new numbers (old number → new), each change audited."""
    for item in items:
        new = numbers.get(item.number)
        if new is not None and new != item.number:
            edit_item(
                session, item=item, actor_id=actor_id, at=at, op="renumber", changes={"number": new}
            )


def remove_item(
    session: Session,
    /,
    *,
    item: AgendaItem,
    actor_id: int | None,
    at: datetime,
) -> None:
    """Delete an agenda item (one with no actions or decisions), audited."""
    assert item.id is not None
    if item.meeting_id is not None:
        meeting = session.get(Meeting, item.meeting_id)
        if meeting is not None and meeting.current_item_id == item.id:
            set_current_item(session, meeting=meeting, item_id=None, actor_id=actor_id, at=at)
    before = audit.snapshot(item)
    session.delete(item)
    session.flush()
    audit.record(
        session,
        workspace_id=item.workspace_id,
        actor_id=actor_id,
        entity="item",
        entity_id=item.id,
        op="delete",
        at=at,
        before=before,
    )
