"""Neutral handlers for what chat platforms collect in forms rather than in a typed line.

A form (a Slack modal, a Teams card) yields fields, not a command line: the owners come as
platform user ids plus free-text names, the due date as a date, the agenda item as an id. These
functions run them through the same transaction, language and error handling as
:func:`commands.dispatch.handle`, with no platform imports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import select

from commands import format as fmt
from commands.channel import next_meeting, running_meeting, visibility
from commands.context import Ctx
from commands.dates import format_date
from commands.dispatch import build_ctx, error_reply
from commands.errors import CommandError
from commands.i18n import lang_of, t
from commands.owners import OwnerToken, resolve_all
from commands.reply import Reply
from commands.request import Request
from storage import actions as repo
from storage import meetings as meeting_repo
from storage.db import transaction
from storage.models import AgendaItem, ProcessedEvent

log = logging.getLogger("motesbot.commands.forms")

MAX_ACTION_TEXT = 2000


@dataclass(frozen=True)
class ActionForm:
    """An action as a form collects it.

    Attributes:
        text: what is to be done.
        owner_ids: platform user ids of owners with an account.
        owner_names: free-text names of owners without one ("Anna Berg", "Kansliet").
        due: the due date, if any.
        item_id: the agenda item chosen, if any; else the running meeting's current item.
        link: where it came from (a message permalink), kept as the first note.
    """

    text: str
    owner_ids: tuple[str, ...] = ()
    owner_names: tuple[str, ...] = ()
    due: date | None = None
    item_id: int | None = None
    link: str | None = None


def run_form(request: Request, work: Callable[[Ctx], Reply], *, engine: Engine) -> Reply:
    """Run ``work`` in one transaction the way dispatch.handle runs a command.

    Returns:
        The reply; on bad input, a short message in the user's language with nothing stored.
    """
    lang = request.lang or lang_of(request.user.locale)
    try:
        with transaction(engine) as session:
            ctx = build_ctx(session, request)
            lang = ctx.lang
            if request.idempotency_key and _claimed_before(ctx):
                return Reply(t(lang, "duplicate_delivery"), lang=lang)
            reply = work(ctx)
            if reply.error:
                session.rollback()
            return reply
    except CommandError as err:
        return error_reply(lang, err.key, **err.values)
    except IntegrityError:
        log.warning("integrity error, treated as a repeated delivery", exc_info=True)
        return Reply(t(lang, "duplicate_delivery"), lang=lang)
    except (OperationalError, DBAPIError):
        log.warning("database unavailable", exc_info=True)
        return error_reply(lang, "db_unavailable")
    except Exception:
        log.exception("form failed: %s", request.command)
        return error_reply(lang, "internal_error")


def _claimed_before(ctx: Ctx) -> bool:
    key = ctx.request.idempotency_key
    assert key is not None
    stmt = select(ProcessedEvent).where(
        ProcessedEvent.platform == ctx.request.platform, ProcessedEvent.event_id == key
    )
    if ctx.session.exec(stmt).first() is not None:
        return True
    ctx.session.add(ProcessedEvent(platform=ctx.request.platform, event_id=key, at=ctx.now))
    ctx.session.flush()
    return False


def add_action(request: Request, form: ActionForm, *, engine: Engine) -> Reply:
    """Log an action from a form.

    Args:
        request: who, where and when (its ``text`` is ignored).
        form: the fields.
        engine: the database engine.

    Returns:
        The same confirmation ``/action add`` gives.
    """
    return run_form(request, lambda ctx: _add(ctx, form), engine=engine)


def _add(ctx: Ctx, form: ActionForm) -> Reply:
    body = " ".join(form.text.split())
    if not body:
        raise CommandError("action_add_usage")
    if len(body) > MAX_ACTION_TEXT:
        raise CommandError("too_long", max=MAX_ACTION_TEXT)
    if form.due is not None and form.due < ctx.today:
        raise CommandError("date_past", date=format_date(form.due, ctx.lang))
    tokens = [OwnerToken("platform", uid) for uid in form.owner_ids]
    tokens += [OwnerToken("quoted", name) for name in form.owner_names if name.strip()]
    # A form has no command to type again with --ja: a name in its field is taken as written.
    ctx.confirmed = True
    owners = resolve_all(ctx, tokens)
    meeting_id, item_id = _where(ctx, form.item_id)
    action = repo.create_action(
        ctx.session,
        workspace_id=ctx.ws_id,
        text=body,
        owner_ids=[p.id for p in owners if p.id is not None],
        due_date=form.due,
        at=ctx.now,
        created_by_id=ctx.caller_id,
        meeting_id=meeting_id,
        item_id=item_id,
    )
    if form.link:
        repo.add_note(
            ctx.session,
            action=action,
            text=form.link[:4000],
            note_date=ctx.today,
            actor_id=ctx.caller_id,
            at=ctx.now,
        )
    lines = fmt.action_lines(ctx.session, [action], ctx.lang, ctx.today, with_notes=True)
    return Reply(
        t(ctx.lang, "action_added", number=action.number),
        tuple(lines),
        visibility=visibility(ctx),
        lang=ctx.lang,
    )


def _where(ctx: Ctx, item_id: int | None) -> tuple[int | None, int | None]:
    if item_id is not None:
        item = ctx.session.get(AgendaItem, item_id)
        if item is not None and item.workspace_id == ctx.ws_id and item.meeting_id is not None:
            return item.meeting_id, item.id
    meeting = running_meeting(ctx)
    if meeting is None:
        return None, None
    return meeting.id, meeting.current_item_id


def agenda_choices(request: Request, *, engine: Engine) -> list[tuple[int, str]]:
    """The items of the channel's running meeting, else of its next one, as (id, label).

    Returns:
        An empty list when the channel has no meeting or the database fails (a form
        without the item field still works).
    """
    try:
        with transaction(engine) as session:
            ctx = build_ctx(session, request)
            meeting = running_meeting(ctx) or next_meeting(ctx)
            if meeting is None or meeting.id is None:
                return []
            items = meeting_repo.items_of(ctx.session, meeting_id=meeting.id)
            return [(i.id, fmt.item_text(i, ctx.lang)) for i in items if i.id is not None]
    except Exception:
        log.warning("agenda choices unavailable", exc_info=True)
        return []
