"""The one pipeline every way in goes through: a request in, a :class:`Result` out.

A typed command, a Slack modal or shortcut, a Teams card and a button all build a
:class:`~commands.request.Request` and call :func:`run`. It runs the command in one
transaction, tells how it ended (:class:`~commands.result.Outcome`), what it wrote
(:class:`~commands.result.Changes`) and whether the subcommand only shows things, and
counts it for ``/metrics``. Adapters decide everything from the result, never from text.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass, field, replace

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, col, select

# The handlers register themselves on import.
from commands import action as _action  # noqa: F401
from commands import agenda as _agenda  # noqa: F401
from commands import arbetsgrupp as _arbetsgrupp  # noqa: F401
from commands import decision as _decision  # noqa: F401
from commands import meeting as _meeting  # noqa: F401
from commands import minutes as _minutes  # noqa: F401
from commands import participants as _participants  # noqa: F401
from commands import preferences as _preferences  # noqa: F401
from commands import registry
from commands import series as _series  # noqa: F401
from commands import uppdrag as _uppdrag  # noqa: F401
from commands.confirm import command_line, offer, split_marker
from commands.context import Config, Ctx, build_ctx
from commands.errors import CommandError, NeedsConfirmation
from commands.i18n import lang_of, t
from commands.metrics import record_command
from commands.reply import Line, Reply
from commands.request import Request
from commands.result import Changes, Outcome, Result
from commands.sanitize import clean
from storage import changes, inbox
from storage.db import transaction
from storage.models import (
    Action,
    ActionNote,
    ActionOwner,
    AgendaItem,
    Decision,
    Meeting,
    MeetingParticipant,
    ProcessedEvent,
)

log = logging.getLogger("motesbot.commands")

MAX_TEXT = 4000


class _Stop(Exception):
    """Leave the transaction (rolling it back) with this result."""

    def __init__(self, reply: Reply, outcome: Outcome) -> None:
        super().__init__(outcome.value)
        self.reply = reply
        self.outcome = outcome


@dataclass
class _Route:
    """Which subcommand a request reached, known before it runs."""

    command: str = "unknown"
    sub: str | None = None
    read_only: bool = False


def error_reply(lang: str, key: str, **values: object) -> Reply:
    """A short error in the user's language."""
    return Reply(t(lang, key, **values), error=True, lang=lang)


def run(request: Request, *, engine: Engine, config: Config | None = None) -> Result:
    """Run one command in one transaction and tell the adapter how it went.

    Bad input is a ``user_error`` (a short message in the user's language). A request
    whose processed-event key (``idempotency_key``) was recorded before is a
    ``duplicate``; the key is recorded in the same transaction as the change. A database
    that cannot be reached is ``unavailable``. Any other failure, every other database
    error included, is an ``internal_error``: rolled back, logged once with a short error
    id, answered with that id. In every case but ``ok`` nothing is stored.

    Args:
        request: the neutral request (with ``form`` for a form's structured input).
        engine: the database engine.
        config: settings the commands need (the public URL), read by the adapter.

    Returns:
        The result: reply, outcome, what changed, whether it was read-only.
    """
    started = time.perf_counter()
    result = _run(request, engine, config)
    if result.outcome == Outcome.USER_ERROR and registry.typed_in_swedish(request.command):
        result = replace(result, reply=in_users_words(result.reply, request.platform))
    if request.inbox_id is not None and result.outcome not in (Outcome.OK, Outcome.UNAVAILABLE):
        _settle(engine, request, result.reply)
    record_command(result.command, result.outcome, time.perf_counter() - started)
    return result


# A command family named the English way in a message ("t.ex. /action ny …").
_FAMILY_RE = re.compile(rf"(?<![\w/])/({'|'.join(registry.FAMILIES)})\b")


def in_users_words(reply: Reply, platform: str) -> Reply:
    """A Swedish hint names the commands as a Swedish user types them where they are.

    The catalogue's examples say ``/action ny …``; to someone who typed ``/åtgärd`` the
    console and Teams say ``/åtgärd ny …``, and Slack its registered Swedish names
    (``/beslut``) and the English ones it has no Swedish name for (``/action``). Someone
    who typed ``/action`` keeps the English names (the pipeline decides).
    """
    if reply.lang != "sv":
        return reply
    lines = tuple(replace(line, text=_swedish_names(line.text, platform)) for line in reply.lines)
    return replace(reply, headline=_swedish_names(reply.headline, platform), lines=lines)


def _swedish_names(text: str, platform: str) -> str:
    """Every command family in a text named as a Swedish user types it on the platform."""
    return _FAMILY_RE.sub(
        lambda m: registry.command_name(m.group(1), lang="sv", platform=platform), text
    )


def _settle(engine: Engine, request: Request, reply: Reply) -> None:
    """Mark the inbox row of a command that changed nothing as done, with its answer.

    A database that is down leaves the row for the sweep to try again later.
    """
    assert request.inbox_id is not None
    try:
        with transaction(engine) as session:
            inbox.mark_done(
                session, item_id=request.inbox_id, at=request.now, answer=reply.as_text()
            )
    except Exception:
        log.warning("could not mark inbox row %s done", request.inbox_id, exc_info=True)


# The rows a first contact creates (workspace, person, cached profile) can each be made at
# the same moment by another replica: one more attempt than there are of them.
_ENSURE_ATTEMPTS = 4


def _run(request: Request, engine: Engine, config: Config | None) -> Result:
    for _ in range(_ENSURE_ATTEMPTS - 1):
        try:
            return _attempt(request, engine, config, last=False)
        except _EnsureRace:
            # Another request created the same workspace, person or profile a moment
            # earlier; now it exists, and the next attempt finds it. Not an error, not a
            # duplicate.
            continue
    return _attempt(request, engine, config, last=True)


class _EnsureRace(Exception):
    """Two first contacts created the same workspace, person or profile at once."""


def _attempt(request: Request, engine: Engine, config: Config | None, *, last: bool) -> Result:
    lang = request.lang or lang_of(request.user.locale)
    routed = _Route(registry.canonical_command(request.command) or "unknown")
    written = _Written()
    try:
        with transaction(engine, session_class=_CommandSession) as session:
            session.info[_WRITTEN_KEY] = written
            try:
                ctx = build_ctx(session, request, config)
            except IntegrityError as err:
                if not last:
                    raise _EnsureRace from err
                raise
            lang = ctx.lang
            # A delivery with an inbox row is told apart by that row (marked done below,
            # in this transaction); the processed-event key is for deliveries without one.
            if (
                request.idempotency_key
                and request.inbox_id is None
                and _claimed_before(session, request)
            ):
                raise _Stop(Reply(t(lang, "duplicate_delivery"), lang=lang), Outcome.DUPLICATE)
            reply = route(ctx, routed)
            if reply.error:
                raise _Stop(reply, Outcome.USER_ERROR)
            session.flush()
            changed = written.resolve(session)
            # Done in the transaction of the change: a crash leaves both undone or both done.
            if request.inbox_id is not None and not inbox.mark_done(
                session, item_id=request.inbox_id, at=request.now, answer=reply.as_text()
            ):
                raise _Stop(Reply(t(lang, "duplicate_delivery"), lang=lang), Outcome.DUPLICATE)
        return Result(reply, Outcome.OK, routed.command, routed.sub, routed.read_only, changed)
    except _EnsureRace:
        raise
    except _Stop as stop:
        return _result(routed, stop.reply, stop.outcome)
    except NeedsConfirmation as question:
        # A probable slip: nothing is stored until the user says yes.
        return _result(routed, question.reply, Outcome.USER_ERROR)
    except CommandError as err:
        return _result(routed, error_reply(lang, err.key, **err.values), Outcome.USER_ERROR)
    except (OperationalError, InterfaceError, PoolTimeout) as err:
        if _is_duplicate_key(request, engine):
            return _result(
                routed, Reply(t(lang, "duplicate_delivery"), lang=lang), Outcome.DUPLICATE
            )
        log.warning("database unavailable: %s", type(err).__name__, exc_info=True)
        return _result(routed, error_reply(lang, "db_unavailable"), Outcome.UNAVAILABLE)
    except DBAPIError as err:
        if isinstance(err, IntegrityError) and _is_duplicate_key(request, engine):
            return _result(
                routed, Reply(t(lang, "duplicate_delivery"), lang=lang), Outcome.DUPLICATE
            )
        if err.connection_invalidated:
            log.warning("database connection lost", exc_info=True)
            return _result(routed, error_reply(lang, "db_unavailable"), Outcome.UNAVAILABLE)
        return _internal(routed, request, lang)
    except Exception:
        return _internal(routed, request, lang)


def _result(routed: _Route, reply: Reply, outcome: Outcome) -> Result:
    return Result(reply, outcome, routed.command, routed.sub, routed.read_only)


def _internal(routed: _Route, request: Request, lang: str) -> Result:
    error_id = secrets.token_hex(2)
    log.exception(
        "command failed (error id %s): /%s %s",
        error_id,
        request.command[:40],
        request.text[:200],
        extra={"error_id": error_id, "command": routed.command, "subcommand": routed.sub},
    )
    reply = error_reply(lang, "internal_error_id", error_id=error_id)
    return Result(
        reply,
        Outcome.INTERNAL_ERROR,
        routed.command,
        routed.sub,
        routed.read_only,
        Changes(),
        error_id,
    )


def route(ctx: Ctx, routed: _Route | None = None) -> Reply:
    """Pick the handler for the request's command and first word, or explain.

    Args:
        ctx: the command's context.
        routed: filled in with the subcommand reached (for the result), if given.

    Returns:
        The handler's reply.
    """
    routed = routed if routed is not None else _Route()
    request = ctx.request
    command = registry.canonical_command(request.command)
    if command is None:
        close = registry.suggest_command(request.command)
        suggestion = t(ctx.lang, "did_you_mean", word=f"/{close}") if close else ""
        raise CommandError(
            "unknown_command", command=request.command.lstrip("/")[:40], suggestion=suggestion
        )
    text = clean(request.text).strip()
    if len(text) > MAX_TEXT:
        raise CommandError("too_long", max=MAX_TEXT)
    text, ctx.confirmed = split_marker(text)
    if command == "help":
        routed.sub, routed.read_only = "help", True
        return families_reply(ctx, text)
    word, _, rest = text.partition(" ")
    if not word and command in _BARE:
        word = _BARE[command]
    if not word or word.casefold() in registry.HELP_WORDS:
        routed.sub, routed.read_only = "help", True
        return help_reply(ctx, command, rest.strip())
    word, rest = _verb_first(command, *_joined_ref(command, word, rest))
    # Two-word subcommands ("ta bort", "lägg till") first: "lägg" alone is add too, and
    # "/åtgärd lägg till Boka lokal" must not log the text "till Boka lokal".
    sub = None
    if rest:
        second, _, after = rest.strip().partition(" ")
        sub = registry.find(command, f"{word} {second}")
        if sub is not None:
            rest = after
    if sub is None:
        sub = registry.find(command, word)
    if sub is None:
        sub = registry.filtered(command, word)
        if sub is not None:
            rest = text  # the word is the argument: "/åtgärd mina" lists mine
    if sub is None:
        close = registry.suggest(command, word, ctx.lang)
        if len(text.split()) >= 3 and _adds(command):
            if close is not None or not _plainly_new(command, text):
                raise _offer_add(ctx, word, rest, close)
            sub, rest = registry.find(command, "ny"), text
        else:
            suggestion = t(ctx.lang, "did_you_mean", word=close) if close else ""
            raise CommandError(
                "unknown_sub", word=word[:40], suggestion=suggestion, command=command
            )
    assert sub is not None
    if registry.asks_help(sub, rest):
        routed.sub, routed.read_only = "help", True
        return help_reply(ctx, command, sub.words[0] if " " in word else word)
    routed.sub, routed.read_only = sub.name, sub.read_only
    return sub.handler(ctx, rest.strip())


# A command typed alone does what people mean by it: "/dagordning" shows the agenda. The
# others explain themselves ("/åtgärd" alone opens the form in Slack, help elsewhere).
_BARE = {"agenda": "list"}

# "/åtgärd 3 klar", "/beslut B2 visa": the number first, as people say it.
_REF_FIRST = frozenset({"action", "decision"})
_REF_RE = re.compile(r"^#?[A-Za-z]?\d{1,6}$")


# "B 1" and "# 3", as they are said: the number of a decision or action after its mark.
_SPACED_REF_RE = re.compile(r"^([Bb]|#)\s+(\d{1,6})\b")


def _joined_ref(command: str, word: str, rest: str) -> tuple[str, str]:
    """Join a number said apart from its mark, first or after a verb: "/beslut rätta B 1 …"."""
    if command not in _REF_FIRST:
        return word, rest
    said = f"{word} {rest}"
    if _SPACED_REF_RE.match(said):
        joined, _, after = _SPACED_REF_RE.sub(r"\1\2", said, count=1).partition(" ")
        return joined, after
    sub = registry.find(command, word)
    if sub is not None and sub.name != "add":
        return word, _SPACED_REF_RE.sub(r"\1\2", rest.lstrip(), count=1)
    return word, rest


def _verb_first(command: str, word: str, rest: str) -> tuple[str, str]:
    """Put a subcommand typed after the number it is about first; "/åtgärd 3" shows #3."""
    if command not in _REF_FIRST or not _REF_RE.match(word):
        return word, rest
    words = rest.split()
    if not words:
        show = registry.find(command, "visa")
        return (show.words[0], word) if show is not None else (word, rest)
    for k in (2, 1):
        verb = " ".join(words[:k])
        sub = registry.find(command, verb) if len(words) >= k else None
        if sub is not None and sub.name != "add":
            return words[0], " ".join([*words[1:k], word, *words[k:]])
    return word, rest


# Said the way the minutes say it, a sentence is what it looks like: "Kommunchefsgruppen
# beslutar att …" is a decision, "Lena kollar … @Lena senast fredag" an action.
_PLAIN_DECISION_RE = re.compile(
    r"\b(beslutar|beslutade|beslöt|beslutat|decides|decided|resolves|resolved)\b", re.IGNORECASE
)
_PLAIN_ACTION_RE = re.compile(r"(^|\s)@\S|\b(senast|by|due)\s+\S", re.IGNORECASE)


def _plainly_new(command: str, text: str) -> bool:
    """Whether a sentence typed without "ny" can only be a new decision or action."""
    if command == "decision":
        return _PLAIN_DECISION_RE.search(text) is not None
    return command == "action" and _PLAIN_ACTION_RE.search(text) is not None


def _adds(command: str) -> bool:
    sub = registry.find(command, "ny")
    return sub is not None and sub.name == "add"


def _offer_add(ctx: Ctx, word: str, rest: str, close: str | None) -> NeedsConfirmation:
    """A sentence typed without "ny" ("/beslut KC godkänner budgeten"): offer to add it,
    and the subcommand the first word is close to, if any ("Lisa" → "lista").

    Nothing is stored unasked: a sentence that was meant otherwise costs one reply.
    """
    new = "ny" if ctx.lang == "sv" else "new"
    options = [(t(ctx.lang, "offer_add_label"), command_line(ctx, f"{new} {word} {rest}"))]
    if close is not None:
        fixed = (t(ctx.lang, "offer_fix_label", word=close), command_line(ctx, f"{close} {rest}"))
        options.insert(0, fixed)
    return offer(ctx, t(ctx.lang, "offer_add", word=word[:40]), options)


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
        words = topic.split()
        two = " ".join(words[:2])
        sub = registry.find(command, words[0]) or registry.find(command, two)
        if sub is not None:
            subs, one = [sub], True
            title = f"{name} {(words[0] if registry.find(command, words[0]) else two).casefold()}"

    def local(text: str) -> str:
        return re.sub(rf"/{command}(?=\s|$)", name, text)

    def named(text: str) -> str:
        # A summary that names another family ("samma som /meeting punkt nästa") names
        # it as this user types it.
        return _swedish_names(text, ctx.request.platform) if ctx.lang == "sv" else text

    lines = [
        Line(f"{local(sub.usage(ctx.lang))}\n    {named(sub.summary(ctx.lang))}") for sub in subs
    ]
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


def _claimed_before(session: Session, request: Request) -> bool:
    """Record the delivery's processed-event key; True if it was recorded before."""
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


def _is_duplicate_key(request: Request, engine: Engine) -> bool:
    """Tell a concurrent redelivery from a real failure: only the recorded key decides.

    Two deliveries of one event may run at once; the second then fails on the key's
    unique index (or, on SQLite, on the write lock) when the first commits. It is a
    duplicate exactly when the key is now recorded (for a delivery with an inbox row:
    when that row is done); any other error is a real one.
    """
    if request.inbox_id is not None:
        try:
            with transaction(engine) as session:
                return inbox.is_done(session, item_id=request.inbox_id)
        except Exception:
            return False
    if not request.idempotency_key:
        return False
    try:
        with transaction(engine) as session:
            stmt = select(col(ProcessedEvent.id)).where(
                ProcessedEvent.platform == request.platform,
                ProcessedEvent.event_id == request.idempotency_key,
            )
            return session.exec(stmt).first() is not None
    except Exception:
        return False


def _check_lengths(session: Session, _context: object, _instances: object) -> None:
    """Refuse, as the user's error, a text longer than its column before the database does.

    PostgreSQL rejects it (SQLite would silently keep it); either way it is input, not a
    bug, so it must not surface as a database error.
    """
    for obj in (*session.new, *session.dirty):
        table = getattr(obj, "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            # SQLModel's AutoString passes its String's length through.
            length = getattr(column.type, "length", None)
            if not isinstance(length, int) or length <= 0:
                continue
            value = getattr(obj, column.key, None)
            if isinstance(value, str) and len(value) > length:
                raise CommandError("too_long", max=length)


@dataclass
class _Written:
    """Collects, at each flush, the records a command created, changed or deleted."""

    actions: set[int] = field(default_factory=set)
    meetings: set[int] = field(default_factory=set)
    decisions: set[int] = field(default_factory=set)
    # Numbers of the records seen themselves (no query needed for those).
    numbers: dict[tuple[str, int], int] = field(default_factory=dict)

    def collect(self, session: Session, _context: object) -> None:
        changed = [*session.new, *session.deleted]
        changed += [obj for obj in session.dirty if session.is_modified(obj)]
        self.note(changed)

    def note(self, changed: list[object]) -> None:
        for obj in changed:
            if isinstance(obj, Action | Decision) and obj.id is not None and obj.number:
                self.numbers[(type(obj).__name__, obj.id)] = obj.number
            if isinstance(obj, Action) and obj.id is not None:
                self.actions.add(obj.id)
                if obj.meeting_id is not None:
                    self.meetings.add(obj.meeting_id)
            elif isinstance(obj, ActionNote | ActionOwner):
                self.actions.add(obj.action_id)
            elif isinstance(obj, Meeting) and obj.id is not None:
                self.meetings.add(obj.id)
            elif isinstance(obj, AgendaItem | MeetingParticipant) and obj.meeting_id is not None:
                self.meetings.add(obj.meeting_id)
            elif isinstance(obj, Decision) and obj.id is not None:
                self.decisions.add(obj.id)

    def resolve(self, session: Session) -> Changes:
        """The collected records with their numbers, read in the same transaction."""
        self.note(changes.written_directly(session))
        action_numbers = self._numbers(session, Action, self.actions)
        decision_numbers = self._numbers(session, Decision, self.decisions)
        return Changes(
            action_ids=tuple(sorted(self.actions)),
            action_numbers=tuple(action_numbers),
            meeting_ids=tuple(sorted(self.meetings)),
            decision_ids=tuple(sorted(self.decisions)),
            decision_numbers=tuple(decision_numbers),
        )

    def _numbers(
        self, session: Session, model: type[Action | Decision], ids: set[int]
    ) -> list[int]:
        kind = model.__name__
        found = {self.numbers[(kind, i)] for i in ids if (kind, i) in self.numbers}
        unknown = [i for i in ids if (kind, i) not in self.numbers]
        if unknown:
            stmt = select(model.number).where(col(model.id).in_(unknown))
            found.update(session.exec(stmt))
        return sorted(found)


_WRITTEN_KEY = "motesbot_written"


class _CommandSession(Session):
    """The command's session: each flush checks text lengths and notes what was written.

    The listeners belong to the class, set once below; listening on each new session
    cost about 60 µs per command (SQLAlchemy builds a dispatcher for the instance).
    """


def _collect_written(session: Session, context: object) -> None:
    written = session.info.get(_WRITTEN_KEY)
    if isinstance(written, _Written):
        written.collect(session, context)


event.listen(_CommandSession, "before_flush", _check_lengths)
event.listen(_CommandSession, "after_flush", _collect_written)
