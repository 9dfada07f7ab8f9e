"""/action: log, list and follow up actions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from commands import format as fmt
from commands.assignment_text import get_u, is_u, take_assignment_ref
from commands.channel import (
    date_error,
    next_meeting_date,
    parse_number,
    running_meeting,
    series_ids,
    series_meeting_lookup,
    visibility,
)
from commands.confirm import command_line, offer
from commands.context import Ctx
from commands.dates import DateError, extract_due, format_date, parse_date
from commands.errors import CommandError, NeedsConfirmation
from commands.forms import ActionForm
from commands.i18n import t
from commands.owners import (
    OwnerToken,
    known_names,
    owners_as_written,
    resolve_all,
    split_owners,
    split_top,
)
from commands.registry import closest, subcommand
from commands.reply import Button, ButtonKind, Line, Reply, Visibility
from storage import actions as repo
from storage import audit, people
from storage.assignments import assignment_of_action, link_action
from storage.models import (
    Action,
    ActionStatus,
    AgendaItem,
    AuditEvent,
    Meeting,
    MeetingStatus,
    Person,
)

MAX_ACTION_TEXT = 2000
# A page fits Slack's 50 blocks (a line and its buttons are two) and a Teams card.
PAGE_SIZE = 20
# Past this many further actions a list says "och 500+ till" instead of counting on.
COUNT_CAP = 500
_PAGE_RE = re.compile(r"(?:^|\s)(?:sida|sidan|page|p\.?|s\.)\s*(\d{1,5})\s*$", re.IGNORECASE)
_ID_TOKEN_RE = re.compile(
    r"\s*(?:(?P<sep>,|;|&|\+|(?:och|and)(?=\s))|(?P<hash>#\s?)?(?P<number>\d{1,9})(?=$|[\s,;&+:.!?#]))",
    re.IGNORECASE,
)
# The words of the next page's command, as the user would type it: "lista … sida 2".
LIST_WORDS = {"sv": ("lista", "sida"), "en": ("list", "page")}
NO_DATE_WORDS = frozenset({"inget", "ingen", "none", "no", "-", "bort", "remove"})
HISTORY_WORDS = frozenset({"historik", "history", "historiska", "importerade", "imported"})
# What "/action lista <ord>" shows; typed alone ("/åtgärd mina") the word lists the same.
_MINE = ("mine", "mina", "my", "mitt", "mig")
_ALL = ("all", "alla", "öppna", "open")
_OVERDUE = ("overdue", "försenade", "försenad", "forsenade", "sena", "late")
_DONE = ("done", "klara", "klar", "avklarade", "färdiga", "stängda", "closed")
_CANCELLED = ("cancelled", "canceled", "strukna", "struken")
_LIST_FILTERS = frozenset((*_MINE, *_ALL, *_OVERDUE, *_DONE, *_CANCELLED, *HISTORY_WORDS))


def _one(
    ctx: Ctx,
    action: Action,
    headline: str,
    *,
    vis: Visibility = Visibility.CALLER,
    owners: list[Person] | None = None,
) -> Reply:
    known = {action.id: owners} if owners is not None and action.id is not None else None
    lines = fmt.action_lines(
        ctx.session,
        [action],
        ctx.lang,
        ctx.today,
        # A just-logged action without a link has no notes to show.
        with_notes=known is None,
        known_owners=known,
    )
    return Reply(headline, tuple(lines), visibility=vis, lang=ctx.lang)


def _action_arg(ctx: Ctx, sub: str, text: str) -> tuple[Action, str]:
    token, _, rest = text.partition(" ")
    if is_u(token):
        raise CommandError("upd_not_an_action", token=token.lstrip("#").upper(), sub=sub)
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
    return meeting is not None and meeting.status == MeetingStatus.APPROVED


def _offer_without_date(ctx: Ctx, phrase: str) -> CommandError | NeedsConfirmation:
    """ "till nästa möte" with no next meeting planned: offer the action without a date."""
    text = re.sub(re.escape(phrase), " ", ctx.request.text, count=1, flags=re.IGNORECASE)
    text = " ".join(text.split())
    if text == " ".join(ctx.request.text.split()):
        return CommandError("date_no_next_meeting", text=phrase[:60])
    return offer(
        ctx,
        t(ctx.lang, "action_no_next_meeting", text=phrase[:60]),
        [(t(ctx.lang, "action_without_date_label"), command_line(ctx, text))],
    )


@subcommand(
    "action",
    "add",
    words=("ny", "new", "skapa", "lägg", "lägg till", "lagg", "lagg till", "create"),
)
def add(ctx: Ctx, text: str) -> Reply:
    """Log an action under the running meeting and its current item.

    The action is read from the typed line, or, when the request carries an
    :class:`~commands.forms.ActionForm` (a Slack modal, a Teams card), from its fields.
    """
    form = ctx.request.form
    assignment = None
    # The channel's series, read once for both the due date and the running meeting.
    channel_series_ids = series_ids(ctx)
    if isinstance(form, ActionForm):
        body = " ".join(form.text.split())
        due = form.due
        tokens = [OwnerToken("platform", uid) for uid in form.owner_ids]
        tokens += [OwnerToken("quoted", name) for name in form.owner_names if name.strip()]
        # A form has no command to type again with --ja: a name in its field is taken as written.
        ctx.confirmed = True
    else:
        text, u_number = take_assignment_ref(text)
        assignment = get_u(ctx, u_number) if u_number is not None else None
        rest, tokens = split_owners(owners_as_written(ctx, text))
        rest = re.sub(r"\s+([,;])", r"\1", rest)  # "Boka buss @Per, klart …" less the name
        try:
            body, due = extract_due(
                rest,
                today=ctx.today,
                next_meeting=next_meeting_date(ctx, channel_series_ids),
                series_meeting=series_meeting_lookup(ctx),
            )
        except DateError as err:
            if err.code == "no_next_meeting":
                raise _offer_without_date(ctx, err.text) from err
            raise date_error(err, ctx.lang) from err
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
    meeting = running_meeting(ctx, channel_series_ids)
    meeting_id = meeting.id if meeting else None
    item_id = meeting.current_item_id if meeting else None
    if isinstance(form, ActionForm) and form.item_id is not None:
        chosen = ctx.session.get(AgendaItem, form.item_id)
        if chosen is not None and chosen.workspace_id == ctx.ws_id and chosen.meeting_id:
            meeting_id, item_id = chosen.meeting_id, chosen.id
    action = repo.create_action(
        ctx.session,
        workspace_id=ctx.ws_id,
        text=body,
        owner_ids=[p.id for p in owners if p.id is not None],
        due_date=due,
        at=ctx.now,
        created_by_id=ctx.caller_id,
        meeting_id=meeting_id,
        item_id=item_id,
        source_ref=None,
    )
    if assignment is not None:
        link_action(
            ctx.session, assignment=assignment, action=action, actor_id=ctx.caller_id, at=ctx.now
        )
    linked = isinstance(form, ActionForm) and bool(form.link)
    if isinstance(form, ActionForm) and form.link:
        repo.add_note(
            ctx.session,
            action=action,
            text=form.link[:4000],
            note_date=ctx.today,
            actor_id=ctx.caller_id,
            at=ctx.now,
        )
    # The running meeting found above already says where the confirmation goes.
    vis = Visibility.CHANNEL if meeting is not None else Visibility.CALLER
    headline = t(ctx.lang, "action_added", number=action.number)
    if assignment is not None:
        headline += " " + t(ctx.lang, "upd_action_in", number=assignment.number)
    # The owners as stored: in the order named, each once.
    named = list({p.id: p for p in owners if p.id is not None}.values())
    return _one(ctx, action, headline, vis=vis, owners=None if linked else named)


def _page(text: str) -> tuple[str, int]:
    """Take "sida 2" / "page 2" off the end of a list's words."""
    match = _PAGE_RE.search(text)
    if match is None:
        return text.strip(), 1
    page = int(match.group(1))
    if page < 1:
        raise CommandError("list_bad_page")
    return text[: match.start()].strip(), page


def _listed_person(ctx: Ctx, what: str) -> Person:
    """Whose actions "/åtgärd lista @Per" (or "lista Per", as people type it) asks for."""
    _, tokens = split_owners(what)
    if not tokens and 0 < len(what.split()) <= 3 and not any(c.isdigit() for c in what):
        try:
            return resolve_all(ctx, [OwnerToken("word", what)])[0]
        except CommandError as err:
            if err.key != "person_unknown":
                raise
            # "lista Lisa" names someone; "lista förenade" is a filter mistyped.
            if all(w[:1].isupper() for w in what.split()):
                raise CommandError("list_person_unknown", name=what) from None
            close = closest(what, sorted(_LIST_FILTERS))
            if close is not None:
                sub = ctx.request.text.split()[0]
                raise offer(
                    ctx,
                    t(ctx.lang, "list_typo", word=what, filter=close),
                    [(f"{sub} {close}", command_line(ctx, f"{sub} {close}"))],
                ) from None
    if len(tokens) != 1:
        raise CommandError("list_usage")
    return resolve_all(ctx, tokens)[0]


@subcommand(
    "action",
    "list",
    words=("lista", "ls", "visa-alla"),
    read_only=True,
    filters=_LIST_FILTERS,
)
def list_(ctx: Ctx, text: str) -> Reply:
    """List actions: mine, all, overdue, done, cancelled or someone's, a page at a time."""
    what, page = _page(text)
    word = what.casefold()
    owner_id: int | None = None
    involving_id: int | None = None
    statuses: tuple[str, ...] = (ActionStatus.OPEN,)
    due_before = None
    history = False
    if word == "":
        involving_id, headline = ctx.caller_id, t(ctx.lang, "list_involving")
    elif word in _MINE:
        owner_id, headline = ctx.caller_id, t(ctx.lang, "list_mine")
    elif word in _ALL:
        headline = t(ctx.lang, "list_all")
    elif word in _OVERDUE:
        due_before, headline = ctx.today, t(ctx.lang, "list_overdue")
    elif word in _DONE:
        statuses, headline = (ActionStatus.DONE,), t(ctx.lang, "list_done")
    elif word in _CANCELLED:
        statuses, headline = (ActionStatus.CANCELLED,), t(ctx.lang, "list_cancelled")
    elif word in HISTORY_WORDS:
        history, headline = True, t(ctx.lang, "list_history")
    else:
        person = _listed_person(ctx, what)
        owner_id, headline = person.id, t(ctx.lang, "list_person", name=person.display_name)
    if page > 1:
        headline += t(ctx.lang, "list_page", page=page)
    offset = (page - 1) * PAGE_SIZE
    # The page and the count after it read the same filter.
    which: dict[str, Any] = {
        "workspace_id": ctx.ws_id,
        "statuses": statuses,
        "owner_id": owner_id,
        "involving_id": involving_id,
        "due_before": due_before,
        "history": history,
    }
    actions = repo.list_actions(ctx.session, **which, limit=PAGE_SIZE, offset=offset)
    if not actions:
        key = "list_page_empty" if page > 1 else "list_empty"
        return Reply(headline, (Line(t(ctx.lang, key, page=page)),), lang=ctx.lang)
    lines = fmt.action_lines(ctx.session, actions, ctx.lang, ctx.today, with_notes=True)
    # Count what follows this page, but read no more than COUNT_CAP rows past it.
    counted = repo.count_actions(ctx.session, **which, cap=offset + PAGE_SIZE + COUNT_CAP + 1)
    rest = counted - offset - len(actions)
    if rest > 0:
        words = LIST_WORDS.get(ctx.lang, LIST_WORDS["sv"])
        following = f"action {words[0]} {what} {words[1]} {page + 1}".replace("  ", " ")
        lines.append(
            Line(
                t(
                    ctx.lang,
                    "list_more_page",
                    count=f"{COUNT_CAP}+" if rest > COUNT_CAP else rest,
                    command=f"/{following}",
                ),
                (Button(t(ctx.lang, "btn_more"), following, ButtonKind.RUN),),
            )
        )
    if history:
        lines.append(Line(t(ctx.lang, "list_history_hint")))
    return Reply(headline, tuple(lines), lang=ctx.lang)


def _ids_arg(ctx: Ctx, sub: str, text: str) -> tuple[list[Action], str]:
    """Read "#1 #2", "#1, #2", "#1 och #2" or "1 2" and the note after them.

    After an id written with ``#`` a bare number is text unless a comma or
    "och"/"and" joins it ("#3 5 rapporter" is #3 with a note). Every id must
    exist, or nothing is done.
    """
    first = text.split(" ", 1)[0].rstrip(",;")
    if is_u(first):
        raise CommandError("upd_not_an_action", token=first.lstrip("#").upper(), sub=sub)
    numbers: list[int] = []
    pos = end = 0
    joined = False
    first_hashed = False
    while True:
        match = _ID_TOKEN_RE.match(text, pos)
        if match is None:
            break
        if match.group("sep"):
            if not numbers:
                break
            joined, pos = True, match.end()
            continue
        hashed = bool(match.group("hash"))
        if numbers and not joined and first_hashed and not hashed:
            break
        if not numbers:
            first_hashed = hashed
        number = int(match.group("number"))
        if number not in numbers:
            numbers.append(number)
        joined, pos = False, match.end()
        end = pos
    if not numbers:
        raise CommandError("action_need_id", sub=t(ctx.lang, f"word_action_{sub}"))
    found = {n: repo.get_action(ctx.session, workspace_id=ctx.ws_id, number=n) for n in numbers}
    missing = [n for n, a in found.items() if a is None]
    if len(missing) == 1:
        raise CommandError("action_not_found", number=missing[0])
    if missing:
        raise CommandError("actions_not_found", numbers=_numbers(missing))
    return [a for a in found.values() if a is not None], text[end:].lstrip(" ,;:.!?-–—").rstrip()


def _numbers(numbers: list[int]) -> str:
    return ", ".join(f"#{n}" for n in numbers)


# What each status command does: the status it sets, the statuses it leaves alone
# ("already"), and the statuses it refuses (a cancelled action is reopened before it is done).
_STATUS_CHANGES = {
    "done": (ActionStatus.DONE, (ActionStatus.DONE,), (ActionStatus.CANCELLED,)),
    "reopen": (ActionStatus.OPEN, (ActionStatus.OPEN,), ()),
    "cancel": (ActionStatus.CANCELLED, (ActionStatus.CANCELLED,), ()),
}
# Message keys: one action changed, one already so, several changed, several already so.
_STATUS_KEYS = {
    "done": ("action_done", "action_already_done", "actions_done_many", "actions_done_already"),
    "reopen": (
        "action_reopened",
        "action_already_open",
        "actions_reopen_many",
        "actions_reopen_already",
    ),
    "cancel": (
        "action_cancelled",
        "action_already_cancelled",
        "actions_cancel_many",
        "actions_cancel_already",
    ),
}
_HISTORY_STATUS = {
    ActionStatus.OPEN.value: "history_status_open",
    ActionStatus.DONE.value: "history_status_done",
    ActionStatus.CANCELLED.value: "history_status_cancelled",
}


def _set_status(ctx: Ctx, sub: str, text: str) -> Reply:
    """Change the status of one or more actions; the text after the ids is a note on each."""
    actions, note_text = _ids_arg(ctx, sub, text)
    target, already_in, refused_in = _STATUS_CHANGES[sub]
    if note_text:
        _check_text(note_text)
    changed: list[Action] = []
    already: list[Action] = []
    refused: list[Action] = []
    for action in actions:
        status = ActionStatus(action.status)
        if status in already_in:
            already.append(action)
        elif status in refused_in:
            refused.append(action)
        else:
            changed.append(action)
    if len(actions) == 1 and refused:
        raise CommandError("action_is_cancelled", number=actions[0].number)
    for action in changed:
        if note_text:
            repo.add_note(
                ctx.session,
                action=action,
                text=note_text,
                note_date=ctx.today,
                actor_id=ctx.caller_id,
                at=ctx.now,
            )
        repo.update_action(
            ctx.session,
            action=action,
            op=sub,
            actor_id=ctx.caller_id,
            at=ctx.now,
            status=target.value,
        )
    vis = visibility(ctx) if sub == "done" and changed else Visibility.CALLER
    done_key, already_key, many_key, many_already_key = _STATUS_KEYS[sub]
    if len(actions) == 1:
        key = done_key if changed else already_key
        return _one(ctx, actions[0], t(ctx.lang, key, number=actions[0].number), vis=vis)
    if changed:
        headline = t(ctx.lang, many_key, numbers=_numbers([a.number for a in changed]))
    else:
        headline = t(ctx.lang, "actions_nothing_changed")
    lines: list[Line] = []
    if already:
        lines.append(
            Line(t(ctx.lang, many_already_key, numbers=_numbers([a.number for a in already])))
        )
    if refused:
        lines.append(
            Line(
                t(
                    ctx.lang,
                    "actions_cancelled_untouched",
                    numbers=_numbers([a.number for a in refused]),
                )
            )
        )
    lines.extend(fmt.action_lines(ctx.session, actions, ctx.lang, ctx.today, with_notes=True))
    return Reply(headline, tuple(lines), visibility=vis, lang=ctx.lang)


@subcommand(
    "action",
    "done",
    words=("klar", "klart", "klara", "avklarad", "stäng", "close", "finish"),
)
def done(ctx: Ctx, text: str) -> Reply:
    """Close one or more actions, with an optional closing note on each."""
    return _set_status(ctx, "done", text)


@subcommand(
    "action",
    "reopen",
    # "ångra" and "inte klar": what people say when an action was closed by mistake.
    words=("öppna", "återöppna", "oppna", "ångra", "angra", "inte klar", "ej klar", "open"),
)
def reopen(ctx: Ctx, text: str) -> Reply:
    """Reopen one or more actions, with an optional note on each."""
    return _set_status(ctx, "reopen", text)


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
        new_due = parse_date(
            rest,
            today=ctx.today,
            next_meeting=next_meeting_date(ctx),
            series_meeting=series_meeting_lookup(ctx),
        )
    except DateError as err:
        raise date_error(err, ctx.lang) from err
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
    """Replace the owners (named with @, or by their names: "tilldela #4 Lisa Ek och Per")."""
    action, rest = _action_arg(ctx, "assign", text)
    leftover, tokens = split_owners(known_names(ctx, rest))
    if not tokens or leftover:
        raise CommandError("assign_usage")
    owners = resolve_all(ctx, tokens)
    assert action.id is not None
    wanted = [p.id for p in owners if p.id is not None]
    if wanted == repo.owner_ids(ctx.session, action_id=action.id):
        # Said twice (or by two people at once): the record has no change to show for it.
        return _one(
            ctx,
            action,
            t(
                ctx.lang,
                "action_assigned_already" if len(wanted) == 1 else "action_assigned_already_many",
                number=action.number,
                names=", ".join(p.display_name for p in owners),
            ),
        )
    repo.update_action(
        ctx.session,
        action=action,
        op="assign",
        actor_id=ctx.caller_id,
        at=ctx.now,
        owner_ids=wanted,
    )
    done = "action_assigned" if len(wanted) == 1 else "action_assigned_many"
    return _one(ctx, action, t(ctx.lang, done, number=action.number))


@subcommand(
    "action",
    "edit",
    words=("ändra", "andra", "redigera", "change"),
)
def edit(ctx: Ctx, text: str) -> Reply:
    """Change the text, unless the meeting's minutes are approved.

    "ändra #3 datum fredag" and "ändra #3 ansvarig @Lisa" change the date and the owners,
    as people say it; "ändra #3 text …" the text. A text that only starts with such a word
    ("Datum för nästa möte bestäms") stays a text.
    """
    field, _, after = text.strip().partition(" ")
    token, _, tail = after.partition(" ")
    if field.casefold() in _DUE_FIELD | _OWNER_FIELD | _TEXT_FIELD and parse_number(token):
        text = f"{token} {field} {tail}"  # "ändra datum #3 fredag" = "ändra #3 datum fredag"
    action, body = _action_arg(ctx, "edit", text)
    if not body:
        raise CommandError("edit_usage")
    other = _other_field(ctx, action, body)
    if other is not None:
        return other
    head, _, tail = body.partition(" ")
    if head.casefold().rstrip(":") in _TEXT_FIELD and tail.strip():
        body = tail.strip()
    _check_text(body)
    if _locked(ctx, action):
        raise CommandError("action_locked", number=action.number)
    repo.update_action(
        ctx.session, action=action, op="edit", actor_id=ctx.caller_id, at=ctx.now, text=body
    )
    return _one(ctx, action, t(ctx.lang, "action_edited", number=action.number))


def _names_like(text: str) -> bool:
    """Whether every part of a list ("Lisa Ek och Per") is capitalised words, as names are."""
    parts = split_top(text)
    return bool(parts) and all(w[:1].isupper() for p in parts for w in p.split())


_DUE_FIELD = frozenset(
    {"datum", "datumet", "slutdatum", "slutdatumet", "senast", "deadline", "date", "due"}
)
_OWNER_FIELD = frozenset({"ansvarig", "ansvariga", "ägare", "owner", "owners"})
_TEXT_FIELD = frozenset({"text", "texten"})


def _other_field(ctx: Ctx, action: Action, body: str) -> Reply | None:
    """The date or owner change an "ändra" names, done; None when it is a new text."""
    head, _, tail = body.partition(" ")
    field, tail = head.casefold().rstrip(":"), tail.strip()
    if not tail:
        return None
    arg = f"#{action.number} {tail}"
    if field in _OWNER_FIELD:
        # "ändra 4 ansvarig Lisa Ek": names without @ count when they are written as names
        # are; "ändra 4 ansvarig kommun utses senare" is a new text.
        named = tail if "@" in tail or not _names_like(tail) else known_names(ctx, tail)
        leftover, tokens = split_owners(named)
        return assign(ctx, arg) if tokens and not leftover else None
    if field not in _DUE_FIELD:
        return None
    if tail.casefold() not in NO_DATE_WORDS:
        try:
            parse_date(
                tail,
                today=ctx.today,
                next_meeting=next_meeting_date(ctx),
                series_meeting=series_meeting_lookup(ctx),
            )
        except DateError as err:
            if err.code == "unknown":  # not a date at all: the words are the new text
                return None
    return due(ctx, arg)  # also a date that does not exist: said as for /åtgärd datum


@subcommand(
    "action",
    "cancel",
    words=("stryk", "avbryt", "ta bort", "tabort", "ta-bort", "radera", "delete", "remove"),
)
def cancel(ctx: Ctx, text: str) -> Reply:
    """Cancel one or more actions, with an optional note on each."""
    return _set_status(ctx, "cancel", text)


def _when(ctx: Ctx, moment: datetime) -> str:
    """ "mån 23 nov 2026 09:00" in the caller's zone."""
    local = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(ctx.tz)
    return f"{format_date(local.date(), ctx.lang)} {local:%H:%M}"


def _due_of(ctx: Ctx, snap: dict[str, Any] | None) -> str:
    value = (snap or {}).get("due_date")
    return fmt.due_text(date.fromisoformat(value) if value else None, ctx.lang)


def _names_of(ctx: Ctx, snap: dict[str, Any] | None, names: dict[int, str]) -> str:
    ids = [int(i) for i in (snap or {}).get("owner_ids") or []]
    if not ids:
        return t(ctx.lang, "no_owner")
    return ", ".join(names.get(i, t(ctx.lang, "someone")) for i in ids)


def _event_text(ctx: Ctx, event: AuditEvent, names: dict[int, str]) -> str | None:
    """What one audit event did to an action, in words; None for bookkeeping events."""
    before, after = event.before or {}, event.after or {}
    if event.op == "create":
        return t(
            ctx.lang,
            "history_created",
            due=_due_of(ctx, after),
            owners=_names_of(ctx, after, names),
        )
    if event.op == "note":
        # The note's own date: imported notes are dated as the minutes had them.
        return t(
            ctx.lang, "history_note", date=after.get("note_date", ""), text=after.get("text", "")
        )
    parts = []
    if before.get("status") != after.get("status"):
        key = _HISTORY_STATUS.get(str(after.get("status")))
        if key:
            parts.append(t(ctx.lang, key))
    if before.get("due_date") != after.get("due_date"):
        parts.append(t(ctx.lang, "history_due", old=_due_of(ctx, before), new=_due_of(ctx, after)))
    if before.get("owner_ids") != after.get("owner_ids"):
        parts.append(
            t(
                ctx.lang,
                "history_owners",
                old=_names_of(ctx, before, names),
                new=_names_of(ctx, after, names),
            )
        )
    if before.get("text") != after.get("text"):
        parts.append(t(ctx.lang, "history_text", old=before.get("text"), new=after.get("text")))
    if not parts:
        return None
    return "; ".join(parts)


def history_lines(ctx: Ctx, action: Action) -> list[Line]:
    """Every change to an action from the audit trail, oldest first, with who and when."""
    assert action.id is not None
    events = audit.history(ctx.session, entity="action", entity_id=action.id)
    ids = {event.actor_id for event in events if event.actor_id is not None}
    for event in events:
        for snap in (event.before, event.after):
            ids.update(int(i) for i in (snap or {}).get("owner_ids") or [])
    names = people.names_of(ctx.session, person_ids=ids)
    lines = []
    for event in events:
        what = _event_text(ctx, event, names)
        if what is None:
            continue
        if event.actor_id is None and action.source_ref:
            who = t(ctx.lang, "history_import")  # logged by the minutes import, not a person
        else:
            who = names.get(event.actor_id or 0, t(ctx.lang, "someone"))
        lines.append(
            Line(t(ctx.lang, "history_line", when=_when(ctx, event.at), who=who, what=what))
        )
    return lines


@subcommand(
    "action",
    "show",
    words=("visa", "view", "historik", "history"),
    read_only=True,
)
def show(ctx: Ctx, text: str) -> Reply:
    """Show one action in full, with its history."""
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
    part_of = assignment_of_action(ctx.session, action_id=action.id)
    if part_of is not None:
        lines.append(Line(t(ctx.lang, "upd_action_part_of", number=part_of.number)))
    history = history_lines(ctx, action)
    if history:
        lines.append(Line(t(ctx.lang, "history_heading")))
        lines.extend(history)
    return Reply(t(ctx.lang, "action_show", number=action.number), tuple(lines), lang=ctx.lang)


SEARCH_LIMIT = 20


@subcommand("action", "search", words=("sök", "sok", "hitta", "find"), read_only=True)
def search(ctx: Ctx, text: str) -> Reply:
    """Find actions, open or not, by words of their text ("/åtgärd sök remiss")."""
    words = text.split()
    if not words:
        raise CommandError("action_search_usage")
    found = repo.search_actions(
        ctx.session, workspace_id=ctx.ws_id, words=words, limit=SEARCH_LIMIT
    )
    query = " ".join(words)[:80]
    if not found:
        return Reply(t(ctx.lang, "action_search_none", query=query), lang=ctx.lang)
    lines = fmt.action_lines(ctx.session, found, ctx.lang, ctx.today)
    return Reply(t(ctx.lang, "action_search_found", query=query), tuple(lines), lang=ctx.lang)
