"""The single entry point: a request in, a reply out, one transaction in between."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, select

# The handlers register themselves on import.
from commands import action as _action  # noqa: F401
from commands import agenda as _agenda  # noqa: F401
from commands import decision as _decision  # noqa: F401
from commands import meeting as _meeting  # noqa: F401
from commands import minutes as _minutes  # noqa: F401
from commands import preferences as _preferences  # noqa: F401
from commands import registry
from commands import series as _series  # noqa: F401
from commands.context import Ctx, zone
from commands.errors import CommandError
from commands.i18n import lang_of, t
from commands.metrics import observed
from commands.reply import Line, Reply
from commands.request import Request
from commands.sanitize import clean
from storage import inbox, people
from storage.db import transaction
from storage.models import ProcessedEvent
from storage.workspaces import get_or_create_workspace

log = logging.getLogger("motesbot.commands")

MAX_TEXT = 4000


class _Rollback(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__("rollback")
        self.reply = reply


def error_reply(lang: str, key: str, **values: object) -> Reply:
    """A short error in the user's language."""
    return Reply(t(lang, key, **values), error=True, lang=lang)


def build_ctx(session: Session, request: Request) -> Ctx:
    """Find or create the workspace and the caller, and pick language and zone."""
    ws = get_or_create_workspace(
        session, platform=request.platform, external_id=request.workspace, at=request.now
    )
    assert ws.id is not None
    if request.user.platform_id:
        caller = people.upsert_chat_user(
            session,
            workspace_id=ws.id,
            platform_user_id=request.user.platform_id,
            display_name=request.user.name,
            timezone=request.user.timezone,
            locale=request.user.locale,
            email=request.user.email,
            at=request.now,
        )
    else:
        caller = people.get_or_create_by_name(
            session, workspace_id=ws.id, name=request.user.name, at=request.now
        )
    lang = request.lang or lang_of(caller.locale, ws.language)
    return Ctx(session, request, ws, caller, lang, zone(caller.timezone or ws.timezone))


def route(ctx: Ctx) -> Reply:
    """Pick the handler for the request's command and first word, or explain."""
    request = ctx.request
    command = registry.canonical_command(request.command)
    if command is None:
        raise CommandError("unknown_command", command=request.command.lstrip("/"))
    text = clean(request.text).strip()
    if len(text) > MAX_TEXT:
        raise CommandError("too_long", max=MAX_TEXT)
    word, _, rest = text.partition(" ")
    if not word or word.casefold() in ("help", "hjälp", "hjalp", "?"):
        return help_reply(ctx, command, rest.strip())
    sub = registry.find(command, word)
    if sub is None:
        close = registry.suggest(command, word)
        suggestion = t(ctx.lang, "did_you_mean", word=close) if close else ""
        raise CommandError("unknown_sub", word=word[:40], suggestion=suggestion, command=command)
    return sub.handler(ctx, rest.strip())


def help_reply(ctx: Ctx, command: str, topic: str) -> Reply:
    """List a command's subcommands, or explain one."""
    subs = registry.SUBCOMMANDS.get(command, [])
    if topic:
        sub = registry.find(command, topic.split()[0])
        if sub is not None:
            subs = [sub]
    lines = [Line(f"{sub.usage(ctx.lang)}\n    {sub.summary(ctx.lang)}") for sub in subs]
    return Reply(t(ctx.lang, "help_title", command=command), tuple(lines), lang=ctx.lang)


@observed
def handle(request: Request, *, engine: Engine) -> Reply:
    """Run one command in one transaction and return the reply.

    Bad input, an unreachable database or a bug all come back as a short
    message in the user's language; the transaction is then rolled back, so
    nothing is half-written. A request whose ``idempotency_key`` was seen before
    changes nothing.

    Args:
        request: the neutral request.
        engine: the database engine.

    Returns:
        The neutral reply.
    """
    lang = request.lang or lang_of(request.user.locale)
    try:
        with transaction(engine) as session:
            ctx = build_ctx(session, request)
            lang = ctx.lang
            if request.idempotency_key and _seen(session, request):
                raise _Rollback(Reply(t(lang, "duplicate_delivery"), lang=lang))
            reply = route(ctx)
            if reply.error:
                raise _Rollback(reply)
            if request.inbox_id is not None and not inbox.mark_done(
                session, item_id=request.inbox_id, at=request.now, answer=reply.as_text()
            ):
                raise _Rollback(Reply(t(lang, "duplicate_delivery"), lang=lang))
            return reply
    except _Rollback as rollback:
        _settle(engine, request, rollback.reply)
        return rollback.reply
    except CommandError as err:
        reply = error_reply(lang, err.key, **err.values)
        _settle(engine, request, reply)
        return reply
    except IntegrityError:
        log.warning("integrity error, treated as a repeated delivery", exc_info=True)
        return Reply(t(lang, "duplicate_delivery"), lang=lang)
    except DataError:
        log.warning("the database refused a value", exc_info=True)
        return error_reply(lang, "input_rejected")
    except (OperationalError, DBAPIError):
        log.warning("database unavailable", exc_info=True)
        return error_reply(lang, "db_unavailable")
    except Exception:
        log.exception("command failed: /%s %s", request.command, request.text[:200])
        return error_reply(lang, "internal_error")


def _settle(engine: Engine, request: Request, reply: Reply) -> None:
    """Mark the inbox row of a command that changed nothing as done, with its answer."""
    if request.inbox_id is None:
        return
    try:
        with transaction(engine) as session:
            inbox.mark_done(
                session, item_id=request.inbox_id, at=request.now, answer=reply.as_text()
            )
    except Exception:
        log.warning("could not mark inbox row %s done", request.inbox_id, exc_info=True)


def _seen(session: Session, request: Request) -> bool:
    """Claim the delivery id; True if it was claimed before."""
    assert request.idempotency_key is not None
    stmt = select(ProcessedEvent).where(
        ProcessedEvent.platform == request.platform,
        ProcessedEvent.event_id == request.idempotency_key,
    )
    if session.exec(stmt).first() is not None:
        return True
    session.add(
        ProcessedEvent(platform=request.platform, event_id=request.idempotency_key, at=request.now)
    )
    session.flush()
    return False
