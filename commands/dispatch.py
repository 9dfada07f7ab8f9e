"""The single entry point: a request in, a reply out, one transaction in between."""

from __future__ import annotations

import logging
import re

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
from storage import people
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
    if command == "help":
        return families_reply(ctx, text)
    word, _, rest = text.partition(" ")
    if not word or word.casefold() in registry.HELP_WORDS:
        return help_reply(ctx, command, rest.strip())
    sub = registry.find(command, word)
    if sub is None:
        close = registry.suggest(command, word)
        suggestion = t(ctx.lang, "did_you_mean", word=close) if close else ""
        raise CommandError("unknown_sub", word=word[:40], suggestion=suggestion, command=command)
    if registry.asks_help(sub, rest):
        return help_reply(ctx, command, word)
    return sub.handler(ctx, rest.strip())


def _typed_name(ctx: Ctx, command: str) -> str:
    """The command as the user wrote it ("/åtgärd"), so examples work where they typed."""
    typed = ctx.request.command.lstrip("/").casefold()
    if registry.canonical_command(typed) == command:
        return f"/{typed}"
    return registry.command_name(command, lang=ctx.lang, platform=ctx.request.platform)


def help_reply(ctx: Ctx, command: str, topic: str) -> Reply:
    """List a command's subcommands, or explain one, in the words the user typed."""
    subs = registry.SUBCOMMANDS.get(command, [])
    name = _typed_name(ctx, command)
    title = name
    one = False
    if topic:
        sub = registry.find(command, topic.split()[0])
        if sub is not None:
            subs, one = [sub], True
            title = f"{name} {topic.split()[0].casefold()}"

    def local(text: str) -> str:
        return re.sub(rf"/{command}(?=\s|$)", name, text)

    lines = [Line(f"{local(sub.usage(ctx.lang))}\n    {sub.summary(ctx.lang)}") for sub in subs]
    if one:
        lines.append(Line(t(ctx.lang, "help_more_sub", command=name)))
    else:
        lines.append(Line(t(ctx.lang, "help_more_families", help=_help_word(ctx))))
    return Reply(t(ctx.lang, "help_title", command=title.lstrip("/")), tuple(lines), lang=ctx.lang)


def _help_word(ctx: Ctx) -> str:
    # Slack has no "/hjälp" command; there the family list is "/action hjälp" → its last line.
    if ctx.request.platform == "slack":
        return "@Mötesbot hjälp" if ctx.lang == "sv" else "@Mötesbot help"
    return "/hjälp" if ctx.lang == "sv" else "/help"


def families_reply(ctx: Ctx, topic: str) -> Reply:
    """``/hjälp``: every command family with what it is for and an example.

    ``/hjälp åtgärd`` is the same as ``/åtgärd hjälp``.
    """
    word = topic.split()[0] if topic.split() else ""
    named = registry.canonical_command(word) if word else None
    if named is not None and named != "help":
        return help_reply(ctx, named, " ".join(topic.split()[1:]))
    lines = []
    for family in registry.FAMILIES:
        name = registry.command_name(family, lang=ctx.lang, platform=ctx.request.platform)
        also = f" ({'/' + family})" if name != f"/{family}" else ""
        lines.append(Line(f"{name}{also} – {t(ctx.lang, f'help_family_{family}', command=name)}"))
    example = registry.command_name("meeting", lang=ctx.lang, platform=ctx.request.platform)
    lines.append(Line(t(ctx.lang, "help_families_more", example=example)))
    return Reply(t(ctx.lang, "help_families_title"), tuple(lines), lang=ctx.lang)


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
            return reply
    except _Rollback as rollback:
        return rollback.reply
    except CommandError as err:
        return error_reply(lang, err.key, **err.values)
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
