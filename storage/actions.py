"""Actions (åtgärder), their owners and follow-up notes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, union
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session, col, select

from storage import audit, changes, search
from storage.models import Action, ActionNote, ActionOwner, ActionStatus, Person
from storage.workspaces import next_number


def owner_ids(session: Session, /, *, action_id: int) -> list[int]:
    """Return an action's owners' ids in the order they were named."""
    stmt = (
        select(ActionOwner.person_id)
        .where(ActionOwner.action_id == action_id)
        .order_by(col(ActionOwner.position))
    )
    return list(session.exec(stmt))


def _snap(session: Session, action: Action) -> dict[str, Any]:
    assert action.id is not None
    return audit.snapshot(action, owner_ids=owner_ids(session, action_id=action.id))


def create_action(
    session: Session,
    /,
    *,
    workspace_id: int,
    text: str,
    owner_ids: list[int],
    due_date: date | None,
    at: datetime,
    created_by_id: int | None,
    meeting_id: int | None = None,
    item_id: int | None = None,
    status: str = ActionStatus.OPEN,
    number: int | None = None,
    source_ref: str | None = None,
    history: bool = False,
) -> Action:
    """Log an action with its owners and an audit event, in the caller's transaction.

    Args:
        session: the open transaction.
        workspace_id: the workspace.
        text: what is to be done.
        owner_ids: who is responsible (may be empty).
        due_date: by when, or None.
        at: when it was logged (aware UTC).
        created_by_id: who logged it.
        meeting_id: the meeting it was logged under.
        item_id: the agenda item it was logged under.
        status: the starting status (imports may bring done actions).
        number: a fixed short id (restores); by default the next free one.
        source_ref: an idempotency key; a second create with it is refused by the database.
        history: stored as history (old minutes): no reminders, digests or default lists
            until someone changes it.

    Returns:
        The stored action.
    """
    if number is None:
        number = next_number(session, workspace_id=workspace_id, kind="action")
    action = Action(
        workspace_id=workspace_id,
        number=number,
        text=text,
        due_date=due_date,
        status=ActionStatus(status),
        meeting_id=meeting_id,
        item_id=item_id,
        created_by_id=created_by_id,
        created_at=at,
        updated_at=at,
        source_ref=source_ref,
        history=history,
    )
    # Inserted straight on the connection and attached as if just loaded: the unit of
    # work's flush of one new row cost a third of an /action add. Later changes to the
    # object (a note's updated_at, an import's edits) are flushed as usual.
    session.flush()
    values = {column.key: getattr(action, column.key) for column in _ACTION_COLUMNS}
    action.id = session.connection().execute(_INSERT_ACTION, values).scalar_one()
    make_transient_to_detached(action)
    session.add(action)
    # The owners and the audit event are written straight away on the connection too: no
    # object of theirs is needed later.
    named = _first_positions(owner_ids)
    if named:
        session.connection().execute(
            _INSERT_OWNERS,
            [{"action_id": action.id, "person_id": p, "position": i} for p, i in named],
        )
    # Counted once, with its owners: one notification to other replicas, not two.
    changes.wrote(session, [action], owners=[p for p, _ in named])
    audit.record(
        session,
        workspace_id=workspace_id,
        actor_id=created_by_id,
        entity="action",
        entity_id=action.id,
        op="create",
        at=at,
        after=audit.snapshot(action, owner_ids=[p for p, _ in named]),
        at_once=True,
    )
    return action


_ACTION_TABLE = Action.__table__  # type: ignore[attr-defined]
_ACTION_COLUMNS = [c for c in _ACTION_TABLE.columns if c.key != "id"]
_INSERT_ACTION = insert(_ACTION_TABLE).returning(_ACTION_TABLE.c.id)
_INSERT_OWNERS = insert(ActionOwner.__table__)  # type: ignore[attr-defined]


def _first_positions(person_ids: Iterable[int]) -> list[tuple[int, int]]:
    """Each person once, with the position they were first named at."""
    seen: dict[int, int] = {}
    for position, pid in enumerate(person_ids):
        seen.setdefault(pid, position)
    return list(seen.items())


def _set_owners(session: Session, /, *, action_id: int, person_ids: Iterable[int]) -> None:
    """Replace an action's owners, each once, in the order first named."""
    for link in session.exec(select(ActionOwner).where(ActionOwner.action_id == action_id)):
        session.delete(link)
    session.flush()
    for pid, position in _first_positions(person_ids):
        session.add(ActionOwner(action_id=action_id, person_id=pid, position=position))
    session.flush()


def get_action(session: Session, /, *, workspace_id: int, number: int) -> Action | None:
    """Return the action shown as ``#number`` in a workspace."""
    stmt = select(Action).where(Action.workspace_id == workspace_id, Action.number == number)
    return session.exec(stmt).first()


def update_action(
    session: Session,
    /,
    *,
    action: Action,
    op: str,
    actor_id: int | None,
    at: datetime,
    text: str | None = None,
    due_date: date | None = None,
    clear_due: bool = False,
    status: str | None = None,
    owner_ids: list[int] | None = None,
) -> Action:
    """Change an action and record before/after in the audit trail.

    Args:
        session: the open transaction.
        action: the action to change.
        op: the name of the change for the audit trail ("done", "due", ...).
        actor_id: who changed it.
        at: when.
        text: new text.
        due_date: new due date.
        clear_due: remove the due date.
        status: new status; done records who and when, reopening clears it.
        owner_ids: replace the owners.

    Returns:
        The changed action.
    """
    assert action.id is not None
    before = _snap(session, action)
    if text is not None:
        action.text = text
    if due_date is not None:
        action.due_date = due_date
    if clear_due:
        action.due_date = None
    if status is not None:
        action.status = ActionStatus(status)
        if status == ActionStatus.DONE:
            action.done_at = at
            action.done_by_id = actor_id
        else:
            action.done_at = None
            action.done_by_id = None
    if owner_ids is not None:
        _set_owners(session, action_id=action.id, person_ids=owner_ids)
    # A person touched it: from now on it is an ordinary action with reminders.
    action.history = False
    action.updated_at = at
    session.add(action)
    session.flush()
    audit.record(
        session,
        workspace_id=action.workspace_id,
        actor_id=actor_id,
        entity="action",
        entity_id=action.id,
        op=op,
        at=at,
        before=before,
        after=_snap(session, action),
    )
    return action


def add_note(
    session: Session,
    /,
    *,
    action: Action,
    text: str,
    note_date: date,
    actor_id: int | None,
    at: datetime,
) -> ActionNote:
    """Add a dated follow-up note to an action (the action's text stays as it is).

    A note by a person (``actor_id`` set) ends an imported action's quiet as history;
    the import's own notes (no actor) keep it.
    """
    assert action.id is not None
    if actor_id is not None and action.history:
        action.history = False
        action.updated_at = at
        session.add(action)
    note = ActionNote(
        action_id=action.id, note_date=note_date, text=text, created_by_id=actor_id, created_at=at
    )
    session.add(note)
    session.flush()
    assert note.id is not None
    audit.record(
        session,
        workspace_id=action.workspace_id,
        actor_id=actor_id,
        entity="action",
        entity_id=action.id,
        op="note",
        at=at,
        after=audit.snapshot(note),
    )
    return note


def _in_workspace(workspace_id: int, *, narrowed: bool) -> Any:
    """The workspace condition; written ``+action.workspace_id`` when another filter narrows.

    A person's or a meeting's actions are a handful; the workspace's open actions are the
    whole register. The unary plus (valid on SQLite and PostgreSQL) keeps the planner
    from walking the register's index and checking each row against the narrow filter:
    it goes through the owner (or meeting, or creator) index and fetches by primary key.
    """
    column: ColumnElement[int] = Action.__table__.c.workspace_id  # type: ignore[attr-defined]
    if narrowed:
        return UnaryExpression(column, operator=_PLUS, type_=column.type) == workspace_id
    return column == workspace_id


_PLUS: custom_op[Any] = custom_op("+")


def _status_is(statuses: tuple[str, ...]) -> Any:
    # One status is an equality, so the index's order (due date, number) still applies.
    if len(statuses) == 1:
        return col(Action.status) == statuses[0]
    return col(Action.status).in_(statuses)


def _filtered(
    *,
    workspace_id: int,
    statuses: tuple[str, ...],
    owner_id: int | None,
    involving_id: int | None,
    due_before: date | None,
    meeting_id: int | None,
    history: bool | None,
) -> Any:
    narrowed = owner_id is not None or involving_id is not None or meeting_id is not None
    stmt = select(Action).where(
        _in_workspace(workspace_id, narrowed=narrowed), _status_is(statuses)
    )
    if owner_id is not None:
        owned = select(ActionOwner.action_id).where(ActionOwner.person_id == owner_id)
        stmt = stmt.where(col(Action.id).in_(owned))
    if involving_id is not None:
        owned = select(ActionOwner.action_id).where(ActionOwner.person_id == involving_id)
        logged = select(Action.id).where(col(Action.created_by_id) == involving_id)
        stmt = stmt.where(col(Action.id).in_(union(owned, logged)))
    if due_before is not None:
        stmt = stmt.where(col(Action.due_date) < due_before)
    if meeting_id is not None:
        stmt = stmt.where(Action.meeting_id == meeting_id)
    if history is not None:
        stmt = stmt.where(col(Action.history) == history)
    return stmt


def list_actions(
    session: Session,
    /,
    *,
    workspace_id: int,
    statuses: tuple[str, ...] = (ActionStatus.OPEN,),
    owner_id: int | None = None,
    involving_id: int | None = None,
    due_before: date | None = None,
    meeting_id: int | None = None,
    history: bool | None = False,
    limit: int = 200,
    offset: int = 0,
) -> list[Action]:
    """Return actions ordered by due date (none last), then number.

    A person's or a meeting's actions are read and sorted whole (they are few); a
    workspace-wide list reads its page straight off the index in order, dated actions
    first and then those without a date, so its cost does not grow with the register.

    Args:
        session: the session.
        workspace_id: the workspace.
        statuses: which statuses to include.
        owner_id: only this person's actions.
        involving_id: only actions this person owns or logged.
        due_before: only actions due strictly before this date.
        meeting_id: only actions logged under this meeting.
        history: False (the default) leaves out actions imported as history, True lists
            only those, None lists both (minutes, meeting summaries).
        limit: at most this many.
        offset: skip this many first (pages of a list).

    Returns:
        The actions.
    """
    which: dict[str, Any] = {
        "workspace_id": workspace_id,
        "statuses": statuses,
        "owner_id": owner_id,
        "involving_id": involving_id,
        "due_before": due_before,
        "meeting_id": meeting_id,
        "history": history,
    }
    stmt = _filtered(**which)
    narrowed = owner_id is not None or involving_id is not None or meeting_id is not None
    if narrowed or len(statuses) != 1 or history is None:
        stmt = (
            stmt.order_by(col(Action.due_date).is_(None), col(Action.due_date), col(Action.number))
            .offset(offset)
            .limit(limit)
        )
        return list(session.exec(stmt))
    dated_stmt = (
        stmt.where(col(Action.due_date).is_not(None))
        .order_by(col(Action.due_date), col(Action.number))
        .offset(offset)
        .limit(limit)
    )
    dated = list(session.exec(dated_stmt))
    if len(dated) == limit or due_before is not None:
        return dated
    # The page runs past the dated ones: skip what of the offset they did not use.
    skip = 0
    if not dated and offset:
        skip = offset - capped_count(session, stmt.where(col(Action.due_date).is_not(None)), offset)
    undated_stmt = (
        stmt.where(col(Action.due_date).is_(None))
        .order_by(col(Action.number))
        .offset(skip)
        .limit(limit - len(dated))
    )
    return dated + list(session.exec(undated_stmt))


def count_actions(
    session: Session,
    /,
    *,
    workspace_id: int,
    cap: int,
    statuses: tuple[str, ...] = (ActionStatus.OPEN,),
    owner_id: int | None = None,
    involving_id: int | None = None,
    due_before: date | None = None,
    meeting_id: int | None = None,
    history: bool | None = False,
) -> int:
    """Count the actions :func:`list_actions` would return, but stop at ``cap``.

    The count reads at most ``cap`` index entries (a LIMIT inside the count), so a
    list reply stays fast however big the register grows.

    Returns:
        The number of matching actions, or ``cap`` when there are at least that many.
    """
    stmt = _filtered(
        workspace_id=workspace_id,
        statuses=statuses,
        owner_id=owner_id,
        involving_id=involving_id,
        due_before=due_before,
        meeting_id=meeting_id,
        history=history,
    )
    return capped_count(session, stmt, cap)


def capped_count(session: Session, stmt: Any, cap: int) -> int:
    """Count a query's rows, reading no more than ``cap`` of them.

    Returns:
        The count, or ``cap`` when there are at least that many.
    """
    inner = stmt.with_only_columns(col(Action.id)).limit(cap).subquery()
    return int(session.exec(select(func.count()).select_from(inner)).one())


def owners_of(session: Session, /, *, action_ids: list[int]) -> dict[int, list[Person]]:
    """Return each action's owners, in the order they were named."""
    result: dict[int, list[Person]] = defaultdict(list)
    if not action_ids:
        return result
    stmt = (
        select(ActionOwner.action_id, Person)
        .join(Person, col(Person.id) == col(ActionOwner.person_id))
        .where(col(ActionOwner.action_id).in_(action_ids))
        .order_by(col(ActionOwner.action_id), col(ActionOwner.position))
    )
    for action_id, person in session.exec(stmt):
        result[action_id].append(person)
    return result


def notes_of(session: Session, /, *, action_ids: list[int]) -> dict[int, list[ActionNote]]:
    """Return each action's notes, oldest first."""
    result: dict[int, list[ActionNote]] = defaultdict(list)
    if not action_ids:
        return result
    stmt = (
        select(ActionNote)
        .where(col(ActionNote.action_id).in_(action_ids))
        .order_by(col(ActionNote.note_date), col(ActionNote.id))
    )
    for note in session.exec(stmt):
        result[note.action_id].append(note)
    return result


def search_actions(
    session: Session, /, *, workspace_id: int, words: list[str], limit: int = 20
) -> list[Action]:
    """Return the workspace's actions, of any status, whose text has every word, best first.

    As for decisions (:func:`storage.decisions.search_decisions`): Swedish full-text search
    on PostgreSQL ("budget" finds "budgeten"), FTS5 with each word a prefix on SQLite.
    """
    return search.find(session, Action, workspace_id=workspace_id, words=words, limit=limit)
