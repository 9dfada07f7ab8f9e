"""/meeting: plan, run and end meetings; set the current agenda item."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from difflib import SequenceMatcher

from commands import format as fmt
from commands import registry
from commands.channel import (
    LATE_START,
    channel_series,
    date_error,
    meeting_on,
    next_meeting,
    running_meeting,
    series_ids,
)
from commands.confirm import ask, command_line
from commands.context import Ctx
from commands.dates import DateError, format_date, parse_date, parse_time, parse_time_span
from commands.errors import CommandError
from commands.i18n import t
from commands.owners import resolve_all, split_owners
from commands.registry import subcommand
from commands.reply import Line, Reply, Visibility
from storage import actions as action_repo
from storage import decisions as decision_repo
from storage import meetings as repo
from storage.models import ActionStatus, AgendaItem, Meeting, MeetingSeries, MeetingStatus
from storage.names import squash

# /meeting start this far from the planned start asks first.
START_SLACK = timedelta(hours=2)
# How alike two series names must be (difflib ratio, accents and punctuation dropped)
# for "Menade du KC-möte?".
SIMILAR_SERIES = 0.8
# The same for an agenda item's title typed after "/möte punkt".
SIMILAR_TITLE = 0.8
# An agenda item's number: "3", "3.1", "3.1.2". "3,1" is how a Swedish hand writes 3.1;
# "3:" and "3," end a number in a sentence.
_ITEM_NUMBER_TYPED_RE = re.compile(r"^(\d{1,3}(?:[.,]\d{1,3}){0,2})[.,:]?$")
DEFAULT_START = time(9, 0)


def item_number(token: str) -> str | None:
    """An agenda item's number as typed ("3", "3.1", "3,1", "3."), written "3.1"; else None."""
    found = _ITEM_NUMBER_TYPED_RE.match(token.strip())
    return found.group(1).replace(",", ".") if found else None


def series_of(ctx: Ctx, meeting: Meeting) -> MeetingSeries | None:
    """The series a meeting belongs to."""
    return ctx.session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None


def quoted_name(name: str) -> str:
    """A series name as it can be typed back: quoted if it holds a date-like word."""
    return name if name.replace("-", "").replace(" ", "").isalpha() else f'"{name}"'


def title_of(ctx: Ctx, meeting: Meeting) -> str:
    """A meeting's one-line title in its series' zone."""
    series = series_of(ctx, meeting)
    return fmt.meeting_title(meeting, series, ctx.lang, ctx.series_tz(series))


def _find_date(ctx: Ctx, words: list[str]) -> tuple[int, int, date] | None:
    """Find the first run of words that reads as a date: (start, end, date)."""
    for i in range(len(words)):
        for k in (4, 3, 2, 1):
            if i + k > len(words):
                continue
            try:
                return i, i + k, parse_date(" ".join(words[i : i + k]), today=ctx.today)
            except DateError as err:
                # A passed day without a year, or a weekday that does not match, is a
                # question for the user, not a reason to look further along.
                if (err.code == "invalid" and k == 1) or err.code in (
                    "ask_year",
                    "weekday_mismatch",
                ):
                    raise date_error(err, ctx.lang) from err
    return None


def span_or_refuse(chunk: str) -> tuple[time, time] | None:
    """Read a time span; None if it is not one, an error if it is one that cannot be.

    Raises:
        CommandError: a span that ends before it starts (``12:00-08:30``) or has a
            time that does not exist, so it is never taken for part of the place.
    """
    try:
        return parse_time_span(chunk)
    except DateError as err:
        if err.code == "invalid":
            raise CommandError("time_span_invalid", text=chunk[:40]) from err
        return None


def _find_span(words: list[str]) -> tuple[int, tuple[time, time] | None]:
    """Read an optional time span at the start of words; return words used and the span."""
    for k in (3, 2, 1):
        if len(words) >= k:
            span = span_or_refuse(" ".join(words[:k]))
            if span is not None:
                return k, span
    return 0, None


# A lone clock time names the start only if it cannot be a place or a count: "kl 9",
# "klockan 13.30", "08:30" (not a bare "9").
_CLOCK_RE = re.compile(r"^(?:(?:kl\.?|klockan)\s*\d{1,2}([:.]\d{2})?|\d{1,2}[:.]\d{2})$", re.I)
# "i Stadshuset", "på Teams": the place without its preposition.
_PLACE_PREPOSITIONS = ("i", "på", "in", "at")


def find_clock(words: list[str]) -> tuple[int, tuple[time, time | None] | None]:
    """Read an optional time span or start time at the start of words.

    Returns:
        The words used and ``(start, end)``; end is None when only the start was given
        (``kl 9``, ``klockan 13.30``, ``08:30``).

    Raises:
        CommandError: a span or time that does not exist (``12:00-08:30``, ``kl 25``).
    """
    used, span = _find_span(words)
    if span is not None:
        return used, span
    for k in (2, 1):
        chunk = " ".join(words[:k])
        if len(words) >= k and _CLOCK_RE.match(chunk):
            try:
                return k, (parse_time(chunk), None)
            except DateError as err:
                raise CommandError("clock_invalid", text=chunk[:40]) from err
    return 0, None


def end_after(start: time, model: tuple[time | None, time | None]) -> time | None:
    """The end of a meeting that starts at ``start`` and lasts as long as ``model`` does."""
    begin, end = model
    if begin is None or end is None or end <= begin:
        return None
    length = datetime.combine(date.min, end) - datetime.combine(date.min, begin)
    finish = datetime.combine(date.min, start) + length
    return finish.time() if finish.date() == date.min else None


def place_of(words: list[str]) -> str | None:
    """The place as typed, without a leading "i"/"på" ("i Stadshuset" → "Stadshuset")."""
    if len(words) > 1 and words[0].casefold() in _PLACE_PREPOSITIONS:
        words = words[1:]
    return " ".join(words) or None


def similar_series(ctx: Ctx, name: str) -> MeetingSeries | None:
    """An existing series whose name is this one typed almost right ("KC möte" ~ "KC-möte")."""
    if repo.get_series_by_name(ctx.session, workspace_id=ctx.ws_id, name=name) is not None:
        return None
    wanted = squash(name)
    best: tuple[float, MeetingSeries] | None = None
    for series in repo.series_in(ctx.session, workspace_id=ctx.ws_id):
        have = squash(series.name)
        score = 1.0 if have == wanted else SequenceMatcher(None, have, wanted).ratio()
        if score >= SIMILAR_SERIES and (best is None or score > best[0]):
            best = (score, series)
    return best[1] if best else None


def confirm_series_name(ctx: Ctx, name: str, rebuild: Callable[[str], str]) -> None:
    """Ask before creating a series whose name is an existing one typed almost right.

    Args:
        ctx: the request.
        name: the series name as typed.
        rebuild: the command's text with another series name in it.

    Raises:
        NeedsConfirmation: such a series exists and the command is not confirmed.
    """
    if ctx.confirmed:
        return
    existing = similar_series(ctx, name)
    if existing is None:
        return
    raise ask(
        ctx,
        t(ctx.lang, "confirm_series", name=name, existing=existing.name),
        yes_label=t(ctx.lang, "confirm_series_new", name=name),
        alternatives=(
            (
                t(ctx.lang, "confirm_series_use", name=existing.name),
                command_line(ctx, rebuild(existing.name)),
            ),
        ),
    )


@subcommand(
    "meeting",
    "new",
    words=("ny", "nytt", "skapa", "planera", "create"),
)
def new(ctx: Ctx, text: str) -> Reply:
    """Plan a meeting of a series (created and bound to the channel if new)."""
    words = text.split()
    found = _find_date(ctx, words)
    if found is None:
        raise CommandError("meeting_new_usage")
    start_i, end_i, day = found
    name = " ".join(words[:start_i]).strip('"“”')
    # The span first: a question about the name must not offer a command that fails.
    used, clock = find_clock(words[end_i:])
    if not name:
        existing = channel_series(ctx)
        if not existing:
            raise CommandError("meeting_new_usage")
        name = existing[0].name
    else:
        confirm_series_name(
            ctx,
            name,
            lambda other: " ".join(
                [ctx.request.text.split()[0], quoted_name(other), *words[start_i:]]
            ),
        )
    place = place_of(words[end_i + used :])
    series = repo.get_or_create_series(
        ctx.session,
        workspace_id=ctx.ws_id,
        name=name,
        channel_id=ctx.request.channel,
        at=ctx.now,
        actor_id=ctx.caller_id,
        timezone=ctx.workspace.timezone,
    )
    tz = ctx.series_tz(series)
    if clock is not None and series.start_time is None:
        series.start_time, series.end_time = clock
    if place and not series.place:
        series.place = place
    ctx.session.add(series)
    if clock is None:
        start_t, end_t = series.start_time or DEFAULT_START, series.end_time
    else:
        start_t, end_t = clock
        if end_t is None:
            end_t = end_after(start_t, (series.start_time, series.end_time))
    starts_at = datetime.combine(day, start_t, tz)
    if day < ctx.today:
        raise CommandError("meeting_in_past", date=format_date(day, ctx.lang))
    assert series.id is not None
    for other in repo.meetings_of_series(ctx.session, series_ids=[series.id]):
        if other.status != MeetingStatus.CANCELLED and fmt.local_date(other.starts_at, tz) == day:
            raise CommandError(
                "meeting_exists", series=series.name, date=format_date(day, ctx.lang)
            )
    meeting = repo.create_meeting(
        ctx.session,
        workspace_id=ctx.ws_id,
        series_id=series.id,
        starts_at=starts_at,
        ends_at=datetime.combine(day, end_t, tz) if end_t else None,
        place=place or series.place,
        at=ctx.now,
        actor_id=ctx.caller_id,
    )
    assert meeting.id is not None
    lines = fmt.agenda_lines(ctx.session, meeting.id, ctx.lang)
    return Reply(
        t(ctx.lang, "meeting_created", title=title_of(ctx, meeting)), tuple(lines), lang=ctx.lang
    )


def _meeting_to_start(ctx: Ctx) -> Meeting | None:
    planned = repo.meetings_of_series(
        ctx.session, series_ids=series_ids(ctx), statuses=(MeetingStatus.PLANNED,)
    )
    if not planned:
        return None

    def day(m: Meeting) -> date:
        return fmt.local_date(m.starts_at, ctx.series_tz(series_of(ctx, m)))

    today = [m for m in planned if day(m) == ctx.today]
    if today:
        return today[0]
    upcoming = [m for m in planned if day(m) > ctx.today]
    return upcoming[0] if upcoming else planned[-1]


@subcommand(
    "meeting",
    "start",
    words=("starta", "börja", "begin", "open"),
)
def start(ctx: Ctx, text: str) -> Reply:
    """Start today's (or the next) planned meeting of the channel."""
    running = running_meeting(ctx)
    if running is not None:
        return Reply(
            t(ctx.lang, "meeting_already_running", title=title_of(ctx, running)), lang=ctx.lang
        )
    meeting = _meeting_to_start(ctx)
    if meeting is None:
        raise CommandError("no_planned_meeting")
    over = meeting.ends_at or meeting.starts_at + START_SLACK
    early = meeting.starts_at - ctx.now > START_SLACK
    if not ctx.confirmed and (early or ctx.now > over):
        # Starting next month's meeting by mistake would file today's notes under it.
        raise ask(
            ctx,
            t(
                ctx.lang,
                "confirm_start" if early else "confirm_start_past",
                title=title_of(ctx, meeting),
            ),
            yes_label=t(ctx.lang, "confirm_start_yes"),
        )
    repo.set_status(
        ctx.session,
        meeting=meeting,
        status=MeetingStatus.RUNNING,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    assert meeting.id is not None
    lines = fmt.agenda_lines(ctx.session, meeting.id, ctx.lang)
    return Reply(
        t(ctx.lang, "meeting_started", title=title_of(ctx, meeting)),
        tuple(lines),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )


@subcommand(
    "meeting",
    "item",
    words=("punkt", "ärende", "arende", "point"),
)
def item(ctx: Ctx, text: str) -> Reply:
    """Set the running meeting's current item, or add an item to the next meeting."""
    number, _, rest = text.strip().partition(" ")
    if not number:
        raise CommandError("item_usage")
    if number.casefold() in NEXT_ITEM_WORDS and not rest.strip():
        return next_item(ctx)
    typed = item_number(number)
    if typed is None:
        return _item_by_words(ctx, text.strip())
    number = typed
    field_word, _, value = rest.strip().partition(" ")
    field = ITEM_FIELDS.get(field_word.casefold())
    if field is not None and (field_word[:1].islower() or _has_item(ctx, number)):
        return fill_item(ctx, number, field, value.strip())
    title, tokens = split_owners(rest)
    running = running_meeting(ctx)
    meeting = running or next_meeting(ctx)
    if meeting is None:
        raise CommandError("no_planned_meeting")
    assert meeting.id is not None
    existing = repo.find_item(ctx.session, meeting_id=meeting.id, number=number)
    if existing is not None and running is None and not title:
        # "Go to item 1" with no meeting running: say so, instead of "added".
        raise CommandError(
            "item_exists_not_running",
            number=existing.number,
            title=existing.title,
            meeting=title_of(ctx, meeting),
        )
    if existing is None:
        if not title:
            raise CommandError("item_not_found_need_title", number=number)
        presenters = resolve_all(ctx, tokens)
        existing = repo.add_item(
            ctx.session,
            workspace_id=ctx.ws_id,
            meeting_id=meeting.id,
            series_id=meeting.series_id,
            number=number,
            title=title,
            at=ctx.now,
            actor_id=ctx.caller_id,
            presenter_id=presenters[0].id if presenters else None,
            presenter_name=", ".join(p.display_name for p in presenters) or None,
        )
    if running is None:
        return Reply(
            t(
                ctx.lang,
                "item_added",
                number=existing.number,
                title=existing.title,
                meeting=title_of(ctx, meeting),
            ),
            lang=ctx.lang,
        )
    repo.set_current_item(
        ctx.session, meeting=running, item_id=existing.id, actor_id=ctx.caller_id, at=ctx.now
    )
    return Reply(
        t(ctx.lang, "item_current", number=existing.number, title=existing.title),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )


def _item_by_words(ctx: Ctx, text: str) -> Reply:
    """``/möte punkt`` with words where the number goes: a new item, or one named by title.

    "lägg till Övrigt" (a word of ``/dagordning ny``) adds the item (to the running
    meeting, which goes to it; else to the next meeting). "Budget" names the item whose title it is, or begins, or is part
    of, when just one item is meant. Anything else is refused with both ways shown.
    """
    folded = text.casefold()
    added = _agenda_add_words(text)
    running = running_meeting(ctx)
    meeting = running or next_meeting(ctx)
    if added:
        parts = text.split(maxsplit=added)
        title = parts[added].strip() if len(parts) > added else ""
        if not title:
            raise CommandError("item_usage")
        if meeting is None:
            raise CommandError("no_planned_meeting")
        assert meeting.id is not None
        items = repo.items_of(ctx.session, meeting_id=meeting.id)
        return item(ctx, f"{next_item_number(items)} {title}")
    word = text.split(" ", 1)[0]
    if meeting is not None:
        assert meeting.id is not None
        named = _items_named(repo.items_of(ctx.session, meeting_id=meeting.id), folded)
        if len(named) == 1:
            return item(ctx, named[0].number)
        if len(named) > 1:
            raise CommandError(
                "item_ambiguous_title",
                words=text[:40],
                numbers=", ".join(i.number for i in named[:5]),
                first=named[0].number,
            )
    raise CommandError("item_bad_number_words", number=word[:20], title=text[:60])


def _agenda_add_words(text: str) -> int:
    """How many of the first words are a word of ``/dagordning ny`` ("lägg till"), else 0.

    "Ny översiktsplan" is a title; "ny Översiktsplan" says what to do with one.
    """
    if not text[:1].islower():
        return 0
    words = text.split()
    for count in (2, 1):
        sub = registry.find("agenda", " ".join(words[:count])) if len(words) >= count else None
        if sub is not None and sub.name == "add":
            return count
    return 0


def next_item_number(items: list[AgendaItem]) -> str:
    """The number a new top-level item gets: one after the highest."""
    tops = [int(i.number.split(".")[0]) for i in items if i.number.split(".")[0].isdigit()]
    return str(max(tops, default=0) + 1)


def _items_named(items: list[AgendaItem], folded: str) -> list[AgendaItem]:
    """The items a title names: the one with that title, else those it begins, else those
    it is part of, else those it nearly spells."""
    for fits in (
        lambda title: title == folded,
        lambda title: title.startswith(folded),
        lambda title: folded in title,
    ):
        found = [i for i in items if fits(i.title.casefold())]
        if found:
            return found
    # A typo ("kolektivtrafik"): a title, or a word of one, nearly the same.
    return [
        i
        for i in items
        if any(
            SequenceMatcher(None, folded, part).ratio() >= SIMILAR_TITLE
            for part in (i.title.casefold(), *i.title.casefold().split())
        )
    ]


# "/möte punkt nästa", "/möte nästa punkt", "/dagordning nästa": the running meeting goes on.
NEXT_ITEM_WORDS = frozenset({"nästa", "nasta", "next"})
ITEM_WORDS = frozenset({"punkt", "punkten", "ärende", "arende", "item"})


def next_item(ctx: Ctx, running: Meeting | None = None) -> Reply:
    """Make the running meeting's next agenda item (after the current one) the current one.

    Actions and decisions logged from now on go under it. With no current item yet, the
    first item is next; after the last one, the reply says so and how to end the meeting.
    ``running``: the running meeting, when the caller has looked it up already.
    """
    running = running or running_meeting(ctx)
    if running is None:
        raise CommandError("no_running_meeting")
    assert running.id is not None
    items = repo.items_of(ctx.session, meeting_id=running.id)
    if not items:
        raise CommandError("item_next_empty")
    ids = [i.id for i in items]
    at = ids.index(running.current_item_id) + 1 if running.current_item_id in ids else 0
    if at >= len(items):
        last = items[-1]
        raise CommandError("item_next_after_last", number=last.number, title=last.title)
    chosen = items[at]
    repo.set_current_item(
        ctx.session, meeting=running, item_id=chosen.id, actor_id=ctx.caller_id, at=ctx.now
    )
    lines: tuple[Line, ...] = ()
    if at + 1 < len(items):
        after = items[at + 1]
        lines = (Line(t(ctx.lang, "item_then", number=after.number, title=after.title)),)
    return Reply(
        t(ctx.lang, "item_current", number=chosen.number, title=chosen.title),
        lines,
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )


ITEM_FIELDS = {
    "beskrivning": "description",
    "ärendebeskrivning": "description",
    "arendebeskrivning": "description",
    "description": "description",
    "anteckning": "notes",
    "anteckningar": "notes",
    "note": "notes",
    "notes": "notes",
    "bilaga": "attachments",
    "bilagor": "attachments",
    "attachment": "attachments",
    "attachments": "attachments",
    "rubrik": "title",
    "title": "title",
    "föredragande": "presenter",
    "foredragande": "presenter",
    "presenter": "presenter",
}
CLEAR_WORDS = frozenset({"rensa", "töm", "tom", "clear", "-"})
MAX_ITEM_TEXT = 20_000


def _has_item(ctx: Ctx, number: str) -> bool:
    """Whether the meeting being filled in has this item ("punkt 3 Bilagor …" may be a title)."""
    from commands.target import record_meeting

    meeting, _ = record_meeting(ctx, "")
    assert meeting.id is not None
    return repo.find_item(ctx.session, meeting_id=meeting.id, number=number) is not None


def fill_item(ctx: Ctx, number: str, field: str, value: str) -> Reply:
    """Fill in an item as the minutes show it: description, notes, attachments, heading, presenter.

    Descriptions and notes grow by a paragraph each time; attachments by a name or
    link; ``rensa`` empties the field. Works on the meeting being filled in (see
    commands.target), never moves the current item.
    """
    from commands.target import record_meeting, refuse_if_locked

    meeting, _ = record_meeting(ctx, "")
    assert meeting.id is not None
    where = title_of(ctx, meeting)
    refuse_if_locked(meeting, where)
    if not value:
        raise CommandError(f"item_{field}_usage", number=number)
    target = repo.find_item(ctx.session, meeting_id=meeting.id, number=number)
    if target is None:
        raise CommandError("agenda_no_such_item", number=number, meeting=where)
    clear = value.casefold() in CLEAR_WORDS
    changes: dict[str, object]
    if field in ("description", "notes"):
        old = getattr(target, field) or ""
        text = "" if clear else "\n\n".join(p for p in (old, value) if p)
        if len(text) > MAX_ITEM_TEXT:
            raise CommandError("too_long", max=MAX_ITEM_TEXT)
        changes = {field: text or None}
    elif field == "attachments":
        if len(value) > 500:
            raise CommandError("too_long", max=500)
        changes = {"attachments": [] if clear else [*target.attachments, value]}
    elif field == "title":
        if clear or len(value) > 500:
            raise CommandError("item_title_usage", number=number)
        changes = {"title": value}
    else:
        if clear:
            changes = {"presenter_id": None, "presenter_name": None}
        else:
            name, tokens = split_owners(value)
            presenters = resolve_all(ctx, tokens)
            # A guest presenter is often written out with their role, as in the minutes.
            label = ", ".join(p.display_name for p in presenters)
            if name:
                label = f"{label}, {name}" if label else name
            if len(label) > 200:
                raise CommandError("too_long", max=200)
            changes = {
                "presenter_id": presenters[0].id if presenters else None,
                "presenter_name": label,
            }
    repo.edit_item(ctx.session, item=target, actor_id=ctx.caller_id, at=ctx.now, changes=changes)
    key = f"item_{field}_{'cleared' if clear else 'saved'}"
    lines: list[Line] = []
    if not clear:
        if field == "attachments":
            lines = [Line(a) for a in target.attachments]
        elif field in ("description", "notes"):
            lines = [Line(p) for p in str(getattr(target, field)).split("\n\n") if p.strip()]
    return Reply(
        t(ctx.lang, key, number=target.number, title=target.title, meeting=where),
        tuple(lines),
        lang=ctx.lang,
    )


def summary_lines(ctx: Ctx, meeting: Meeting) -> list[Line]:
    """The decisions and actions of a meeting, by item."""
    assert meeting.id is not None
    items = repo.items_of(ctx.session, meeting_id=meeting.id)
    decisions = decision_repo.list_decisions(
        ctx.session, workspace_id=ctx.ws_id, meeting_id=meeting.id, limit=1000
    )
    actions = action_repo.list_actions(
        ctx.session,
        workspace_id=ctx.ws_id,
        meeting_id=meeting.id,
        statuses=tuple(s.value for s in ActionStatus),
        history=None,  # the record of the meeting: imported history too
        limit=1000,
    )
    groups: list[tuple[AgendaItem | None, int | None]] = [(i, i.id) for i in items]
    groups.append((None, None))
    lines: list[Line] = []
    for group_item, item_id in groups:
        ds = [d for d in decisions if d.item_id == item_id]
        acts = sorted((a for a in actions if a.item_id == item_id), key=lambda a: a.number)
        if not ds and not acts:
            continue
        heading = fmt.item_text(group_item, ctx.lang) if group_item else t(ctx.lang, "no_item")
        lines.append(Line(heading, heading=True))
        for d in ds:
            lines.append(
                Line(f"{t(ctx.lang, 'summary_decisions')}: {fmt.decision_text(d, ctx.lang)}")
            )
        lines.extend(fmt.action_lines(ctx.session, acts, ctx.lang, ctx.today, with_buttons=False))
    return lines


@subcommand(
    "meeting",
    "end",
    words=("avsluta", "slut", "stop", "close"),
)
def end(ctx: Ctx, text: str) -> Reply:
    """End the running meeting and summarise it."""
    meeting = running_meeting(ctx)
    if meeting is None:
        raise CommandError("no_running_meeting")
    repo.set_status(
        ctx.session,
        meeting=meeting,
        status=MeetingStatus.ENDED,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    repo.set_current_item(
        ctx.session, meeting=meeting, item_id=None, actor_id=ctx.caller_id, at=ctx.now
    )
    lines = summary_lines(ctx, meeting) or [Line(t(ctx.lang, "summary_none"))]
    return Reply(
        t(ctx.lang, "meeting_ended", title=title_of(ctx, meeting)),
        tuple(lines),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
    )


def _describe(ctx: Ctx, meeting: Meeting, headline: str) -> Reply:
    assert meeting.id is not None
    status = t(
        ctx.lang,
        "status_meeting_cancelled" if meeting.status == "cancelled" else f"status_{meeting.status}",
    )
    from commands.participants import header_lines

    lines = header_lines(ctx, meeting)
    if lines:
        lines.insert(0, Line(t(ctx.lang, "rec_header_short"), heading=True))
    lines.append(Line(f"{t(ctx.lang, 'agenda')} ({status})", heading=True))
    agenda = fmt.agenda_lines(ctx.session, meeting.id, ctx.lang)
    lines.extend(agenda or [Line(t(ctx.lang, "agenda_empty"))])
    if meeting.status != MeetingStatus.PLANNED:
        lines.extend(summary_lines(ctx, meeting))
    return Reply(headline, tuple(lines), lang=ctx.lang)


@subcommand(
    "meeting",
    "show",
    words=("visa", "view"),
    read_only=True,
)
def show(ctx: Ctx, text: str) -> Reply:
    """Show the meeting on the day named, else the running one, the next or the latest."""
    meeting = meeting_on(ctx, text) or running_meeting(ctx) or next_meeting(ctx)
    if meeting is None:
        every = repo.meetings_of_series(ctx.session, series_ids=series_ids(ctx))
        if not every:
            raise CommandError("no_meetings")
        meeting = every[-1]
    return _describe(ctx, meeting, title_of(ctx, meeting))


# A year of a monthly series; more are one "/möte serie" away.
LISTED_MEETINGS = 12


@subcommand(
    "meeting",
    "list",
    words=("lista", "kommande", "ls"),
    read_only=True,
)
def list_(ctx: Ctx, text: str) -> Reply:
    """The channel's running and coming meetings, the next first."""
    coming = repo.coming_meetings(
        ctx.session, series_ids=series_ids(ctx), now=ctx.now, grace=LATE_START
    )
    if not coming:
        return Reply(
            t(ctx.lang, "no_next_meeting"),
            (Line(t(ctx.lang, "meeting_list_create", cmd=ctx.typed_command)),),
            lang=ctx.lang,
        )
    lines = []
    for meeting in coming[:LISTED_MEETINGS]:
        title = title_of(ctx, meeting)
        if meeting.status == MeetingStatus.RUNNING:
            title += " " + t(ctx.lang, "meeting_list_running")
        lines.append(Line(title))
    if len(coming) > LISTED_MEETINGS:
        lines.append(Line(t(ctx.lang, "meeting_list_more", count=len(coming) - LISTED_MEETINGS)))
    return Reply(t(ctx.lang, "meeting_list"), tuple(lines), lang=ctx.lang)


@subcommand(
    "meeting",
    "next",
    words=("nästa", "nasta", "upcoming"),
    read_only=True,
)
def next_(ctx: Ctx, text: str) -> Reply:
    """Show the next planned meeting with its agenda ("nästa punkt": go on to the next item)."""
    if text.strip().casefold() in ITEM_WORDS:
        return next_item(ctx)
    running = running_meeting(ctx) if not text.strip() else None
    if running is not None:
        # "Nästa" said during a meeting means its next item; coming meetings: /möte lista.
        return next_item(ctx, running)
    meeting = next_meeting(ctx)
    if meeting is None:
        return Reply(t(ctx.lang, "no_next_meeting"), lang=ctx.lang)
    return _describe(ctx, meeting, t(ctx.lang, "next_meeting", title=title_of(ctx, meeting)))


@subcommand(
    "meeting",
    "agenda",
    words=("dagordning", "dagordningen"),
    read_only=True,
)
def agenda(ctx: Ctx, text: str) -> Reply:
    """The agenda of the running or next meeting, or of a day's: ``/dagordning lista``."""
    from commands.agenda import list_ as agenda_list  # agenda builds on this module

    return agenda_list(ctx, text)
