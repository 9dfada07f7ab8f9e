"""/agenda: propose items for the channel's next meeting; edit, renumber and remove them.

``/agenda ändra|flytta|ta bort`` work on the meeting running in the channel, else on
the agenda ``/agenda lista`` shows (the next meeting, or the items held for the series).
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from commands import format as fmt
from commands.channel import (
    channel_series,
    meeting_on,
    next_meeting,
    running_meeting,
    visibility,
)
from commands.context import Ctx, build_ctx
from commands.dates import format_day_month_year
from commands.errors import CommandError
from commands.i18n import t, tn
from commands.meeting import item_number, next_item, next_item_number, series_of, title_of
from commands.owners import resolve_all, split_owners
from commands.registry import subcommand
from commands.reply import Line, Reply
from commands.request import Request
from storage import meetings as repo
from storage.models import Action, AgendaItem, Decision, Meeting, MeetingStatus

log = logging.getLogger("motesbot.commands.agenda")
MAX_TITLE = 500


def _split_number(text: str) -> tuple[str | None, str]:
    """ "3.1 Ekonomi" → ("3.1", "Ekonomi"); a title without a leading number → (None, text)."""
    first, _, rest = text.strip().partition(" ")
    number = item_number(first)
    if number is not None:
        if not rest.strip():
            raise CommandError("agenda_add_usage")
        return number, rest.strip()
    return None, text


@subcommand(
    "agenda",
    "add",
    words=("ny", "lägg", "lagg", "lägg till", "lagg till", "föreslå", "new", "propose"),
)
def add(ctx: Ctx, text: str) -> Reply:
    """Add an item to the next meeting (or hold it for the series' next meeting)."""
    number, text = _split_number(text)
    title, tokens = split_owners(text)
    if not title:
        raise CommandError("agenda_add_usage")
    if len(title) > MAX_TITLE:
        raise CommandError("too_long", max=MAX_TITLE)
    series = channel_series(ctx)
    if not series:
        raise CommandError("no_series")
    presenters = resolve_all(ctx, tokens)
    meeting = next_meeting(ctx)
    if meeting is not None:
        assert meeting.id is not None
        existing = repo.items_of(ctx.session, meeting_id=meeting.id)
        target = title_of(ctx, meeting)
        series_id = meeting.series_id
    else:
        assert series[0].id is not None
        existing = repo.pending_items(ctx.session, series_id=series[0].id)
        target = t(ctx.lang, "agenda_pending", series=series[0].name)
        series_id = series[0].id
    if number is not None:
        taken = next((i for i in existing if i.number == number), None)
        if taken is not None:
            raise CommandError(
                "agenda_number_taken", number=number, title=taken.title, meeting=target
            )
    added = repo.add_item(
        ctx.session,
        workspace_id=ctx.ws_id,
        meeting_id=meeting.id if meeting else None,
        series_id=series_id,
        number=number or next_item_number(existing),
        title=title,
        at=ctx.now,
        actor_id=ctx.caller_id,
        presenter_id=presenters[0].id if presenters else None,
        presenter_name=", ".join(p.display_name for p in presenters) or None,
    )
    return Reply(
        t(ctx.lang, "agenda_added", number=added.number, title=added.title, meeting=target),
        lang=ctx.lang,
    )


@subcommand(
    "agenda",
    "list",
    words=("lista", "visa", "ls", "show"),
    read_only=True,
)
def list_(ctx: Ctx, text: str) -> Reply:
    """Show the agenda of the meeting on the day named, else the next meeting's, else the
    items held for the series."""
    series = channel_series(ctx)
    if not series:
        raise CommandError("no_series")
    running = running_meeting(ctx) if not text.strip() else None
    meeting = meeting_on(ctx, text) or running or next_meeting(ctx)
    if meeting is not None:
        assert meeting.id is not None
        current = running.current_item_id if running is not None else None
        lines = fmt.agenda_lines(ctx.session, meeting.id, ctx.lang, current=current)
        headline = t(ctx.lang, "agenda_for", title=title_of(ctx, meeting))
        if running is not None:
            lines.extend(_proposed_for_next(ctx))
    else:
        assert series[0].id is not None
        lines = [
            Line(fmt.item_text(i, ctx.lang))
            for i in repo.pending_items(ctx.session, series_id=series[0].id)
        ]
        headline = t(
            ctx.lang, "agenda_for", title=t(ctx.lang, "agenda_pending", series=series[0].name)
        )
    return Reply(headline, tuple(lines or [Line(t(ctx.lang, "agenda_empty"))]), lang=ctx.lang)


@subcommand("agenda", "next", words=("nästa", "nasta", "nästa punkt", "nasta punkt"))
def next_(ctx: Ctx, text: str) -> Reply:
    """While a meeting runs, go on to its next item; otherwise show the next meeting's agenda."""
    running = running_meeting(ctx)
    if running is None:
        return list_(ctx, "")
    return next_item(ctx, running)


def _proposed_for_next(ctx: Ctx) -> list[Line]:
    """While a meeting runs, /dagordning shows it; a line says what waits for the next one."""
    meeting = next_meeting(ctx)
    if meeting is not None:
        assert meeting.id is not None
        count = len(repo.items_of(ctx.session, meeting_id=meeting.id))
        day = fmt.local_date(meeting.starts_at, ctx.series_tz(series_of(ctx, meeting)))
        where = title_of(ctx, meeting)
        command = f"{ctx.typed_command} {_list_word(ctx)} {format_day_month_year(day, ctx.lang)}"
    else:
        series = channel_series(ctx)
        if not series or series[0].id is None:
            return []
        count = len(repo.pending_items(ctx.session, series_id=series[0].id))
        where = t(ctx.lang, "agenda_pending", series=series[0].name)
        command = ""
    if not count:
        return []
    return [Line(tn(ctx.lang, "agenda_next_has", count, meeting=where, command=command).strip())]


def _list_word(ctx: Ctx) -> str:
    return "visa" if ctx.lang == "sv" else "show"


# -- editing, renumbering, removing ------------------------------------------------------


def _parse(number: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(p) for p in number.split("."))
    except ValueError:
        return None


def _text(parts: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in parts)


def _under(number: str, root: str) -> bool:
    return number == root or number.startswith(root + ".")


def _shift(current: dict[str, str], parent: tuple[int, ...], start: int, delta: int) -> None:
    """Move the siblings numbered ``start`` and up under ``parent`` (with their sub-items)."""
    depth = len(parent)
    for old, new in current.items():
        parts = _parse(new)
        if parts is None or len(parts) <= depth or parts[:depth] != parent:
            continue
        if parts[depth] >= start:
            current[old] = _text((*parent, parts[depth] + delta, *parts[depth + 1 :]))


def plan_move(numbers: list[str], src: str, dst: str, *, close_gap: bool = True) -> dict[str, str]:
    """The renumbering that moves item ``src`` (with its sub-items) to number ``dst``.

    Within one level the others close up and make room, so "7 → 3" makes the old
    3–6 into 4–7. Moved to another level, the item's old siblings close up only if
    that leaves ``dst``'s parent number as it was.

    Returns:
        Old number → new number, for every item that changes.
    """
    src_t, dst_t = _parse(src), _parse(dst)
    assert src_t is not None and dst_t is not None
    moving = [n for n in numbers if _under(n, src)]
    current = {n: n for n in numbers if n not in moving}
    same_level = src_t[:-1] == dst_t[:-1]
    if same_level and close_gap:
        _shift(current, src_t[:-1], src_t[-1] + 1, -1)
    if dst in current.values():
        _shift(current, dst_t[:-1], dst_t[-1], +1)
    for n in moving:
        current[n] = dst + n[len(src) :]
    return {old: new for old, new in current.items() if old != new}


def plan_remove(numbers: list[str], src: str, *, close_gap: bool = True) -> dict[str, str]:
    """The renumbering that closes the gap an item (and its sub-items) leaves."""
    src_t = _parse(src)
    current = {n: n for n in numbers if not _under(n, src)}
    if src_t is not None and close_gap:
        _shift(current, src_t[:-1], src_t[-1] + 1, -1)
    return {old: new for old, new in current.items() if old != new}


def _edit_target(ctx: Ctx) -> tuple[Meeting | None, list[AgendaItem], str]:
    series = channel_series(ctx)
    if not series:
        raise CommandError("no_series")
    meeting = running_meeting(ctx) or next_meeting(ctx)
    if meeting is not None:
        assert meeting.id is not None
        title = title_of(ctx, meeting)
        if meeting.status == MeetingStatus.APPROVED.value:
            raise CommandError("rec_locked", title=title)
        return meeting, repo.items_of(ctx.session, meeting_id=meeting.id), title
    assert series[0].id is not None
    return (
        None,
        repo.pending_items(ctx.session, series_id=series[0].id),
        t(ctx.lang, "agenda_pending", series=series[0].name),
    )


def _is_running(meeting: Meeting | None) -> bool:
    return meeting is not None and meeting.status == MeetingStatus.RUNNING.value


def _number_arg(token: str) -> str:
    number = item_number(token)
    if number is None:
        raise CommandError("item_bad_number", number=token[:20])
    return number


def _find(items: list[AgendaItem], number: str, where: str) -> AgendaItem:
    found = next((i for i in items if i.number == number), None)
    if found is None:
        raise CommandError("agenda_no_such_item", number=number, meeting=where)
    return found


def _renumber_lines(ctx: Ctx, changes: dict[str, str], skip: str) -> list[Line]:
    moved = [f"{old} → {new}" for old, new in changes.items() if not _under(old, skip)]
    return [Line(t(ctx.lang, "agenda_renumbered", changes=", ".join(moved)))] if moved else []


@subcommand(
    "agenda",
    "edit",
    words=("ändra", "andra", "redigera", "byt", "rename"),
)
def edit(ctx: Ctx, text: str) -> Reply:
    """Give an item a new heading and/or presenter."""
    token, _, rest = text.strip().partition(" ")
    if not token or not rest.strip():
        raise CommandError("agenda_edit_usage")
    number = _number_arg(token)
    title, tokens = split_owners(rest)
    if len(title) > MAX_TITLE:
        raise CommandError("too_long", max=MAX_TITLE)
    _, items, where = _edit_target(ctx)
    item = _find(items, number, where)
    changes: dict[str, object] = {}
    if title:
        changes["title"] = title
    if tokens:
        presenters = resolve_all(ctx, tokens)
        changes["presenter_id"] = presenters[0].id
        changes["presenter_name"] = ", ".join(p.display_name for p in presenters)
    old = fmt.item_text(item, ctx.lang)
    repo.edit_item(ctx.session, item=item, actor_id=ctx.caller_id, at=ctx.now, changes=changes)
    return Reply(
        t(ctx.lang, "agenda_edited", item=fmt.item_text(item, ctx.lang), meeting=where),
        (Line(t(ctx.lang, "agenda_was", item=old)),),
        visibility=visibility(ctx),
        lang=ctx.lang,
    )


@subcommand(
    "agenda",
    "move",
    words=("flytta", "numrera", "omnumrera", "renumber"),
)
def move(ctx: Ctx, text: str) -> Reply:
    """Give an item (and its sub-items) a new number; the others make room."""
    words = [w for w in text.split() if w.casefold() not in ("till", "to", "→", "->")]
    if len(words) != 2:
        raise CommandError("agenda_move_usage")
    src, dst = _number_arg(words[0]), _number_arg(words[1])
    meeting, items, where = _edit_target(ctx)
    running = _is_running(meeting)
    item = _find(items, src, where)
    if _under(dst, src):
        raise CommandError("agenda_move_into_itself", src=src, dst=dst)
    if src == dst:
        return Reply(t(ctx.lang, "agenda_move_same", number=src), lang=ctx.lang)
    # While the meeting runs people refer to the numbers: only what must move moves.
    changes = plan_move([i.number for i in items], src, dst, close_gap=not running)
    repo.renumber_items(
        ctx.session, items=items, numbers=changes, actor_id=ctx.caller_id, at=ctx.now
    )
    lines = _renumber_lines(ctx, changes, src)
    lines.extend(_agenda_after(ctx, items))
    return Reply(
        t(ctx.lang, "agenda_moved", old=src, number=item.number, title=item.title, meeting=where),
        tuple(lines),
        visibility=visibility(ctx),
        lang=ctx.lang,
    )


@subcommand(
    "agenda",
    "remove",
    words=("ta bort", "stryk", "radera", "bort", "delete"),
)
def remove(ctx: Ctx, text: str) -> Reply:
    """Remove an item (and its sub-items) that has no actions or decisions."""
    words = text.split()
    if len(words) != 1:
        raise CommandError("agenda_remove_usage")
    number = _number_arg(words[0])
    meeting, items, where = _edit_target(ctx)
    running = _is_running(meeting)
    item = _find(items, number, where)
    gone = [i for i in items if _under(i.number, number)]
    ids = [i.id for i in gone]
    used = (
        ctx.session.exec(select(Action.id).where(col(Action.item_id).in_(ids))).first() is not None
        or ctx.session.exec(select(Decision.id).where(col(Decision.item_id).in_(ids))).first()
        is not None
    )
    if used:
        raise CommandError("agenda_remove_used", number=number)
    changes = plan_remove([i.number for i in items], number, close_gap=not running)
    for i in gone:
        repo.remove_item(ctx.session, item=i, actor_id=ctx.caller_id, at=ctx.now)
    rest = [i for i in items if i not in gone]
    repo.renumber_items(
        ctx.session, items=rest, numbers=changes, actor_id=ctx.caller_id, at=ctx.now
    )
    lines = []
    if len(gone) > 1:
        subs = ", ".join(i.number for i in gone if i is not item)
        lines.append(Line(t(ctx.lang, "agenda_removed_subitems", numbers=subs)))
    lines.extend(_renumber_lines(ctx, changes, number))
    if running:
        lines.append(Line(t(ctx.lang, "agenda_numbers_kept")))
    lines.extend(_agenda_after(ctx, rest))
    return Reply(
        t(ctx.lang, "agenda_removed", number=number, title=item.title, meeting=where),
        tuple(lines),
        visibility=visibility(ctx),
        lang=ctx.lang,
    )


def _agenda_after(ctx: Ctx, items: list[AgendaItem]) -> list[Line]:
    ordered = sorted(items, key=lambda i: (i.sort_key, i.id or 0))
    shown = [Line(fmt.item_text(i, ctx.lang)) for i in ordered]
    return [
        Line(t(ctx.lang, "agenda"), heading=True),
        *(shown or [Line(t(ctx.lang, "agenda_empty"))]),
    ]


def choices(request: Request, *, engine: Engine) -> list[tuple[int, str]]:
    """The items of the channel's running meeting, else of its next one, as (id, label).

    What a form offers to file an action under (the Slack action modal). Read-only.

    Returns:
        An empty list when the channel has no meeting or the database fails (a form
        without the item field still works).
    """
    try:
        with Session(engine) as session:
            ctx = build_ctx(session, request)
            meeting = running_meeting(ctx) or next_meeting(ctx)
            if meeting is None or meeting.id is None:
                return []
            items = repo.items_of(ctx.session, meeting_id=meeting.id)
            return [(i.id, fmt.item_text(i, ctx.lang)) for i in items if i.id is not None]
    except Exception:
        log.warning("agenda choices unavailable", exc_info=True)
        return []
