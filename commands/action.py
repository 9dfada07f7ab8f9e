"""/action: log, list and follow up actions."""

from __future__ import annotations

from commands import format as fmt
from commands.channel import (
    date_error,
    next_meeting_date,
    parse_number,
    running_meeting,
    visibility,
)
from commands.context import Ctx
from commands.dates import DateError, extract_due, format_date, parse_date
from commands.errors import CommandError
from commands.i18n import t
from commands.owners import resolve_all, split_owners
from commands.registry import subcommand
from commands.reply import Line, Reply, Visibility
from storage import actions as repo
from storage import people
from storage.models import Action, ActionStatus, Meeting, MeetingStatus

MAX_ACTION_TEXT = 2000
LIST_LIMIT = 50
NO_DATE_WORDS = frozenset({"inget", "ingen", "none", "no", "-", "bort", "remove"})
HISTORY_WORDS = frozenset({"historik", "history", "historiska", "importerade", "imported"})


def _one(ctx: Ctx, action: Action, headline: str, *, vis: Visibility = Visibility.CALLER) -> Reply:
    lines = fmt.action_lines(ctx.session, [action], ctx.lang, ctx.today, with_notes=True)
    return Reply(headline, tuple(lines), visibility=vis, lang=ctx.lang)


def _action_arg(ctx: Ctx, sub: str, text: str) -> tuple[Action, str]:
    token, _, rest = text.partition(" ")
    number = parse_number(token) if token else None
    if number is None:
        # The example in the user's words: "/action klar #12", not "done".
        raise CommandError("action_need_id", sub=t(ctx.lang, f"word_action_{sub}"))
    action = repo.get_action(ctx.session, workspace_id=ctx.ws_id, number=number)
    if action is None:
        raise CommandError("action_not_found", number=number)
    return action, rest.strip()


def _check_text(text: str) -> None:
    if len(text) > MAX_ACTION_TEXT:
        raise CommandError("too_long", max=MAX_ACTION_TEXT)


def _locked(ctx: Ctx, action: Action) -> bool:
    if action.meeting_id is None:
        return False
    meeting = ctx.session.get(Meeting, action.meeting_id)
    return meeting is not None and meeting.status == MeetingStatus.APPROVED.value


@subcommand(
    "action",
    "add",
    words=("ny", "new", "skapa", "lägg", "create"),
)
def add(ctx: Ctx, text: str) -> Reply:
    """Log an action under the running meeting and its current item."""
    rest, tokens = split_owners(text)
    try:
        body, due = extract_due(rest, today=ctx.today, next_meeting=next_meeting_date(ctx))
    except DateError as err:
        raise date_error(err) from err
    body = body.strip(" -–—,;:")
    if not body:
        raise CommandError("action_add_usage")
    _check_text(body)
    if due is not None and due < ctx.today:
        raise CommandError("date_past", date=format_date(due, ctx.lang))
    owners = resolve_all(ctx, tokens)
    if not owners and ctx.request.private:
        # Nobody else is in a private chat with the bot: "my" action, with my reminders.
        owners = [ctx.caller]
    meeting = running_meeting(ctx)
    action = repo.create_action(
        ctx.session,
        workspace_id=ctx.ws_id,
        text=body,
        owner_ids=[p.id for p in owners if p.id is not None],
        due_date=due,
        at=ctx.now,
        created_by_id=ctx.caller_id,
        meeting_id=meeting.id if meeting else None,
        item_id=meeting.current_item_id if meeting else None,
        source_ref=None,
    )
    # The running meeting found above already says where the confirmation goes.
    vis = Visibility.CHANNEL if meeting is not None else Visibility.CALLER
    return _one(ctx, action, t(ctx.lang, "action_added", number=action.number), vis=vis)


@subcommand(
    "action",
    "list",
    words=("lista", "ls", "visa-alla"),
)
def list_(ctx: Ctx, text: str) -> Reply:
    """List actions: mine, all, overdue, done, or someone's."""
    word = text.strip().casefold()
    owner_id: int | None = None
    involving_id: int | None = None
    statuses: tuple[str, ...] = (ActionStatus.OPEN.value,)
    due_before = None
    history = False
    if word == "":
        involving_id, headline = ctx.caller_id, t(ctx.lang, "list_involving")
    elif word in ("mine", "mina", "my", "mitt", "mig"):
        owner_id, headline = ctx.caller_id, t(ctx.lang, "list_mine")
    elif word in ("all", "alla", "öppna", "open"):
        headline = t(ctx.lang, "list_all")
    elif word in ("overdue", "försenade", "forsenade", "sena", "late"):
        due_before, headline = ctx.today, t(ctx.lang, "list_overdue")
    elif word in ("done", "klara", "stängda", "closed"):
        statuses, headline = (ActionStatus.DONE.value,), t(ctx.lang, "list_done")
    elif word in HISTORY_WORDS:
        history, headline = True, t(ctx.lang, "list_history")
    else:
        _, tokens = split_owners(text)
        if len(tokens) != 1:
            raise CommandError("list_usage")
        person = resolve_all(ctx, tokens)[0]
        owner_id, headline = person.id, t(ctx.lang, "list_person", name=person.display_name)
    actions = repo.list_actions(
        ctx.session,
        workspace_id=ctx.ws_id,
        statuses=statuses,
        owner_id=owner_id,
        involving_id=involving_id,
        due_before=due_before,
        history=history,
        limit=LIST_LIMIT + 1,
    )
    if not actions:
        return Reply(headline, (Line(t(ctx.lang, "list_empty")),), lang=ctx.lang)
    lines = fmt.action_lines(
        ctx.session, actions[:LIST_LIMIT], ctx.lang, ctx.today, with_notes=True
    )
    if len(actions) > LIST_LIMIT:
        lines.append(Line(t(ctx.lang, "list_more", count="50+")))
    if history:
        lines.append(Line(t(ctx.lang, "list_history_hint")))
    return Reply(headline, tuple(lines), lang=ctx.lang)


@subcommand(
    "action",
    "done",
    words=("klar", "klart", "avklarad", "stäng", "close", "finish"),
)
def done(ctx: Ctx, text: str) -> Reply:
    """Close an action, with an optional closing note."""
    action, note = _action_arg(ctx, "done", text)
    if action.status == ActionStatus.DONE.value:
        return _one(ctx, action, t(ctx.lang, "action_already_done", number=action.number))
    if action.status == ActionStatus.CANCELLED.value:
        raise CommandError("action_is_cancelled", number=action.number)
    if note:
        _check_text(note)
        repo.add_note(
            ctx.session,
            action=action,
            text=note,
            note_date=ctx.today,
            actor_id=ctx.caller_id,
            at=ctx.now,
        )
    repo.update_action(
        ctx.session,
        action=action,
        op="done",
        actor_id=ctx.caller_id,
        at=ctx.now,
        status=ActionStatus.DONE.value,
    )
    return _one(ctx, action, t(ctx.lang, "action_done", number=action.number), vis=visibility(ctx))


@subcommand(
    "action",
    "reopen",
    words=("öppna", "återöppna", "oppna", "open"),
)
def reopen(ctx: Ctx, text: str) -> Reply:
    """Reopen an action."""
    action, _ = _action_arg(ctx, "reopen", text)
    if action.status == ActionStatus.OPEN.value:
        return _one(ctx, action, t(ctx.lang, "action_already_open", number=action.number))
    repo.update_action(
        ctx.session,
        action=action,
        op="reopen",
        actor_id=ctx.caller_id,
        at=ctx.now,
        status=ActionStatus.OPEN.value,
    )
    return _one(ctx, action, t(ctx.lang, "action_reopened", number=action.number))


@subcommand(
    "action",
    "note",
    words=("notera", "anteckning", "anteckna", "kommentar", "comment"),
)
def note(ctx: Ctx, text: str) -> Reply:
    """Add a dated follow-up note."""
    action, body = _action_arg(ctx, "note", text)
    if not body:
        raise CommandError("note_usage")
    _check_text(body)
    repo.add_note(
        ctx.session,
        action=action,
        text=body,
        note_date=ctx.today,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    repo.update_action(ctx.session, action=action, op="touch", actor_id=ctx.caller_id, at=ctx.now)
    return _one(ctx, action, t(ctx.lang, "action_noted", number=action.number))


@subcommand(
    "action",
    "due",
    words=("datum", "senast", "date", "deadline", "flytta"),
)
def due(ctx: Ctx, text: str) -> Reply:
    """Change or remove the due date."""
    action, rest = _action_arg(ctx, "due", text)
    if not rest:
        raise CommandError("due_usage")
    if rest.casefold() in NO_DATE_WORDS:
        repo.update_action(
            ctx.session, action=action, op="due", actor_id=ctx.caller_id, at=ctx.now, clear_due=True
        )
        return _one(ctx, action, t(ctx.lang, "action_due_set", number=action.number))
    try:
        new_due = parse_date(rest, today=ctx.today, next_meeting=next_meeting_date(ctx))
    except DateError as err:
        raise date_error(err) from err
    if new_due < ctx.today:
        raise CommandError("date_past", date=format_date(new_due, ctx.lang))
    repo.update_action(
        ctx.session, action=action, op="due", actor_id=ctx.caller_id, at=ctx.now, due_date=new_due
    )
    return _one(ctx, action, t(ctx.lang, "action_due_set", number=action.number))


@subcommand(
    "action",
    "assign",
    words=("tilldela", "ansvarig", "owner"),
)
def assign(ctx: Ctx, text: str) -> Reply:
    """Replace the owners."""
    action, rest = _action_arg(ctx, "assign", text)
    leftover, tokens = split_owners(rest)
    if not tokens or leftover:
        raise CommandError("assign_usage")
    owners = resolve_all(ctx, tokens)
    repo.update_action(
        ctx.session,
        action=action,
        op="assign",
        actor_id=ctx.caller_id,
        at=ctx.now,
        owner_ids=[p.id for p in owners if p.id is not None],
    )
    return _one(ctx, action, t(ctx.lang, "action_assigned", number=action.number))


@subcommand(
    "action",
    "edit",
    words=("ändra", "andra", "redigera", "change"),
)
def edit(ctx: Ctx, text: str) -> Reply:
    """Change the text, unless the meeting's minutes are approved."""
    action, body = _action_arg(ctx, "edit", text)
    if not body:
        raise CommandError("edit_usage")
    _check_text(body)
    if _locked(ctx, action):
        raise CommandError("action_locked", number=action.number)
    repo.update_action(
        ctx.session, action=action, op="edit", actor_id=ctx.caller_id, at=ctx.now, text=body
    )
    return _one(ctx, action, t(ctx.lang, "action_edited", number=action.number))


@subcommand(
    "action",
    "cancel",
    words=("stryk", "avbryt", "ta-bort", "delete", "remove"),
)
def cancel(ctx: Ctx, text: str) -> Reply:
    """Cancel an action."""
    action, _ = _action_arg(ctx, "cancel", text)
    if action.status == ActionStatus.CANCELLED.value:
        return _one(ctx, action, t(ctx.lang, "action_already_cancelled", number=action.number))
    repo.update_action(
        ctx.session,
        action=action,
        op="cancel",
        actor_id=ctx.caller_id,
        at=ctx.now,
        status=ActionStatus.CANCELLED.value,
    )
    return _one(ctx, action, t(ctx.lang, "action_cancelled", number=action.number))


@subcommand(
    "action",
    "show",
    words=("visa", "view"),
)
def show(ctx: Ctx, text: str) -> Reply:
    """Show one action in full."""
    action, _ = _action_arg(ctx, "show", text)
    assert action.id is not None
    owners = repo.owners_of(ctx.session, action_ids=[action.id]).get(action.id, [])
    where = fmt.where_text(ctx.session, action.meeting_id, action.item_id, ctx.lang, ctx.tz)
    lines = [
        Line(
            fmt.action_text(action, owners, ctx.lang, ctx.today, where=where),
            fmt.action_buttons(action, ctx.lang),
            action_number=action.number,
        )
    ]
    creator = people.get_person(
        ctx.session, workspace_id=ctx.ws_id, person_id=action.created_by_id or 0
    )
    lines.append(
        Line(
            t(
                ctx.lang,
                "created_by",
                date=format_date(action.created_at.astimezone(ctx.tz).date(), ctx.lang),
                name=creator.display_name if creator else t(ctx.lang, "someone"),
            )
        )
    )
    if action.done_at is not None:
        doer = people.get_person(
            ctx.session, workspace_id=ctx.ws_id, person_id=action.done_by_id or 0
        )
        lines.append(
            Line(
                t(
                    ctx.lang,
                    "done_by",
                    date=format_date(action.done_at.astimezone(ctx.tz).date(), ctx.lang),
                    name=doer.display_name if doer else t(ctx.lang, "someone"),
                )
            )
        )
    notes = repo.notes_of(ctx.session, action_ids=[action.id]).get(action.id, [])
    if notes:
        lines.append(Line(t(ctx.lang, "notes_heading")))
        lines.extend(Line(f"{n.note_date.isoformat()}: {n.text}") for n in notes)
    return Reply(t(ctx.lang, "action_show", number=action.number), tuple(lines), lang=ctx.lang)
