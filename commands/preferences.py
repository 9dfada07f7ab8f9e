"""/action away, /action reminders and /action settings: each person's own reminder settings."""

from __future__ import annotations

import re
from datetime import date

from commands.channel import date_error
from commands.context import Ctx
from commands.dates import DateError, format_date, parse_date, parse_time
from commands.errors import CommandError
from commands.i18n import t
from commands.registry import subcommand
from commands.reply import Line, Reply
from storage import audit

OFF_WORDS = frozenset({"off", "av", "nej", "no", "stop", "stopp", "inga"})
ON_WORDS = frozenset({"on", "på", "ja", "yes"})
BACK_WORDS = frozenset({"off", "av", "tillbaka", "back", "inte", "nej", "no"})
UNTIL_WORDS = frozenset({"till", "tills", "until", "to", "tom", "t.o.m.", "through"})


def _audited(ctx: Ctx, op: str, change: dict[str, object]) -> None:
    before = audit.snapshot(ctx.caller)
    for field, value in change.items():
        setattr(ctx.caller, field, value)
    ctx.session.add(ctx.caller)
    ctx.session.flush()
    audit.record(
        ctx.session,
        workspace_id=ctx.ws_id,
        actor_id=ctx.caller_id,
        entity="person",
        entity_id=ctx.caller_id,
        op=op,
        at=ctx.now,
        before=before,
        after=audit.snapshot(ctx.caller),
    )


@subcommand(
    "action",
    "away",
    words=("borta", "frånvarande", "ledig", "semester", "vacation"),
)
def away(ctx: Ctx, text: str) -> Reply:
    """Set or clear the caller's away period: "till 6 januari", "20 december – 6 januari"."""
    words = text.split()
    if not words:
        # "/åtgärd borta" alone: what is set now, and how to change it.
        return settings_reply(ctx)
    if len(words) == 1 and words[0].casefold() in BACK_WORDS:
        return back(ctx, "")
    first, last = _period(" ".join(words))
    try:
        until = parse_date(last, today=ctx.today)
        start = _first_day(ctx, first) if first else None
    except DateError as err:
        raise date_error(err, ctx.lang) from err
    if until < ctx.today:
        raise CommandError("date_past", date=format_date(until, ctx.lang))
    if start is not None and start > until:
        # "20 december – 6 januari" typed in December: the last day is next year's.
        later = until.replace(year=until.year + 1) if until.month < start.month else None
        if later is None:
            raise CommandError(
                "away_backwards",
                start=format_date(start, ctx.lang),
                until=format_date(until, ctx.lang),
            )
        until = later
    if start is not None and start <= ctx.today:
        start = None
    _audited(ctx, "away", {"away_from": start, "away_until": until})
    if start is None:
        return Reply(t(ctx.lang, "away_set", date=format_date(until, ctx.lang)), lang=ctx.lang)
    return Reply(
        t(
            ctx.lang,
            "away_period_set",
            start=format_date(start, ctx.lang),
            until=format_date(until, ctx.lang),
        ),
        lang=ctx.lang,
    )


_RANGE_RE = re.compile(
    r"\s+(?:-|–|—|till|tills|to|until|t\.o\.m\.?|tom)\s+|\s*[–—]\s*"
    # A hyphen typed tight between two days: "20/12-6/1", "20 dec-6 jan".
    r"|(?<=\d/\d)-(?=\d)|(?<=/\d\d)-(?=\d)|(?<=[a-zåäö])-(?=\d)",
    re.I,
)
_FROM_WORDS = ("från", "fr.o.m.", "fr.o.m", "from", "mellan", "between")


def _first_day(ctx: Ctx, text: str) -> date:
    """The first day away; one this year that has passed ("1 december") means "begun"."""
    try:
        return parse_date(text, today=ctx.today)
    except DateError as err:
        if err.code != "ask_year":
            raise
        return parse_date(f"{text} {ctx.today.year}", today=ctx.today)


def _period(text: str) -> tuple[str | None, str]:
    """Split an away period into its first day (None: from now) and its last day."""
    text = text.strip()
    head, _, rest = text.partition(" ")
    if head.casefold() in UNTIL_WORDS:
        return None, rest
    if head.casefold() in _FROM_WORDS:
        text = rest
    parts = _RANGE_RE.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return parts[0].strip(), re.sub(r"^(?:och)\s+", "", parts[1].strip())
    return None, text


@subcommand(
    "action",
    "reminders",
    words=("påminnelser", "påminnelse", "paminnelser", "reminder", "morgon"),
)
def reminders(ctx: Ctx, text: str) -> Reply:
    """Set the caller's reminder time, or turn reminders off or on."""
    word = text.strip().casefold()
    if not word:
        return settings_reply(ctx)
    if word in OFF_WORDS:
        _audited(ctx, "reminders", {"reminders_enabled": False})
        return Reply(t(ctx.lang, "reminders_off", cmd=ctx.typed_command), lang=ctx.lang)
    change: dict[str, object] = {"reminders_enabled": True}
    if word not in ON_WORDS:
        try:
            change["reminder_time"] = parse_time(word.removeprefix("kl").strip(". "))
        except DateError as err:
            raise CommandError("time_invalid", text=text.strip()[:20]) from err
    _audited(ctx, "reminders", change)
    zone_name = ctx.caller.timezone or ctx.workspace.timezone
    return Reply(
        t(ctx.lang, "reminders_set", time=f"{ctx.caller.reminder_time:%H:%M}", zone=zone_name),
        lang=ctx.lang,
    )


@subcommand("action", "back", words=("tillbaka", "hemma"))
def back(ctx: Ctx, text: str) -> Reply:
    """End the caller's away period: reminders come again from tomorrow morning."""
    _audited(ctx, "away", {"away_from": None, "away_until": None})
    return Reply(t(ctx.lang, "away_off"), lang=ctx.lang)


@subcommand(
    "action",
    "settings",
    words=("inställningar", "installningar", "inställning", "mina inställningar"),
    read_only=True,
)
def settings(ctx: Ctx, text: str) -> Reply:
    """Show the caller's reminder time and away period, with how to change them."""
    return settings_reply(ctx)


def settings_reply(ctx: Ctx) -> Reply:
    """The caller's reminder settings as they stand, and the commands that change them."""
    me = ctx.caller
    lang = ctx.lang
    if me.reminders_enabled:
        zone = me.timezone or ctx.workspace.timezone
        lines = [
            Line(t(lang, "settings_reminders_on", time=f"{me.reminder_time:%H:%M}", zone=zone))
        ]
    else:
        lines = [Line(t(lang, "settings_reminders_off"))]
    if me.away_until is not None and me.away_until >= ctx.today:
        if me.away_from is not None and me.away_from > ctx.today:
            away_line = t(
                lang,
                "settings_away_period",
                start=format_date(me.away_from, lang),
                until=format_date(me.away_until, lang),
            )
        else:
            away_line = t(lang, "settings_away_until", date=format_date(me.away_until, lang))
        lines.append(Line(away_line))
    lines.append(Line(t(lang, "settings_change", cmd=ctx.typed_command)))
    return Reply(t(lang, "settings_title"), lines=tuple(lines), lang=lang)
