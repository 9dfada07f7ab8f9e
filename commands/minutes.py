"""Minutes in chat, approval (justering), corrections, and calendar feed links.

/meeting minutes|protokoll|minnesanteckningar [id|datum]
/meeting approve|justera [id|datum]
/decision correct|rätta B3 <ny text>
/meeting calendar|kalender [revoke|återkalla]
/action calendar|kalender [revoke|återkalla]
"""

from __future__ import annotations

import os
from datetime import date

from sqlmodel import col, select

from commands import format as fmt
from commands import minutes_doc
from commands.channel import channel_series, parse_number, running_meeting, series_ids
from commands.context import Ctx
from commands.errors import CommandError
from commands.i18n import register_messages, t
from commands.registry import subcommand
from commands.reply import Line, Reply, ReplyFile, Visibility
from storage import calendar_tokens
from storage import decisions as decision_repo
from storage import meetings as meeting_repo
from storage.minutes_import.parse import name_key
from storage.models import (
    AuditEvent,
    Decision,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    ParticipantRole,
    Person,
)

DEFAULT_PUBLIC_URL = "http://localhost:3000"
REVOKE_WORDS = frozenset({"revoke", "återkalla", "aterkalla", "stäng", "stang", "off", "av"})

register_messages(
    {
        "min_need_meeting": {
            "sv": "Vilket möte? Skriv mötets id eller datum, t.ex. `/meeting protokoll 2017-05-10`.",
            "en": "Which meeting? Give its id or date, e.g. `/meeting minutes 2017-05-10`.",
        },
        "min_meeting_not_found": {
            "sv": "Hittar inget möte {what}.",
            "en": "No meeting {what} found.",
        },
        "min_many_meetings": {
            "sv": "Flera möten {date}: {ids}. Ange mötets id.",
            "en": "Several meetings on {date}: {ids}. Give the meeting's id.",
        },
        "min_minutes": {
            "sv": "Minnesanteckningar: {title}",
            "en": "Minutes (in Swedish): {title}",
        },
        "min_minutes_counts": {
            "sv": "{items} punkter, {actions} åtgärder, {decisions} beslut. Bifogat som Markdown och Word.",
            "en": "{items} items, {actions} actions, {decisions} decisions. Attached as Markdown and Word.",
        },
        "min_approve_not_allowed": {
            "sv": "Bara mötets organisatör eller ordförande kan justera {title}.",
            "en": "Only the meeting's organizer or chair can approve {title}.",
        },
        "min_approve_planned": {
            "sv": "{title} har inte hållits än och kan inte justeras.",
            "en": "{title} has not taken place yet and cannot be approved.",
        },
        "min_approve_cancelled": {
            "sv": "{title} är inställt och kan inte justeras.",
            "en": "{title} was cancelled and cannot be approved.",
        },
        "min_already_approved": {
            "sv": "{title} är redan justerat.",
            "en": "{title} is already approved.",
        },
        "min_approved": {
            "sv": "✅ {title} är justerat. Besluten och åtgärdernas texter är nu låsta; rätta ett beslut med `/decision rätta B3 <ny text>`.",
            "en": "✅ {title} is approved. Its decisions and action texts are now locked; correct a decision with `/decision correct B3 <new text>`.",
        },
        "min_correct_usage": {
            "sv": "Skriv: /decision rätta B3 <ny text>",
            "en": "Usage: /decision correct B3 <new text>",
        },
        "min_already_superseded": {
            "sv": "B{old} är redan ersatt av B{new}. Rätta B{new} i stället.",
            "en": "B{old} is already superseded by B{new}. Correct B{new} instead.",
        },
        "min_corrected": {
            "sv": "B{new} ersätter B{old}. Båda finns kvar i registret.",
            "en": "B{new} supersedes B{old}. Both stay in the register.",
        },
        "min_supersedes": {"sv": "ersätter B{number}", "en": "supersedes B{number}"},
        "min_superseded_by": {"sv": "ersatt av B{number}", "en": "superseded by B{number}"},
        "min_no_series": {
            "sv": "Den här kanalen har ingen mötesserie. Planera ett möte först: /meeting new KC-möte <datum>.",
            "en": "This channel has no meeting series. Plan a meeting first: /meeting new KC-möte <date>.",
        },
        "min_series_not_found": {
            "sv": "Hittar ingen mötesserie som heter ”{name}”.",
            "en": "No meeting series called “{name}”.",
        },
        "min_series_feed": {
            "sv": "Prenumerera på {series} i Outlook eller Google Kalender med den här adressen (håll den för dig själv):",
            "en": "Subscribe to {series} in Outlook or Google Calendar with this address (keep it to yourself):",
        },
        "min_person_feed": {
            "sv": "Dina öppna åtgärders slutdatum som kalender (håll adressen för dig själv):",
            "en": "Your open actions' due dates as a calendar (keep the address to yourself):",
        },
        "min_feed_revoke_hint": {
            "sv": "Stäng adressen med `{command} kalender återkalla`.",
            "en": "Close the address with `{command} calendar revoke`.",
        },
        "min_feed_revoked": {
            "sv": "Kalenderadressen är stängd ({count} st). Be om en ny när du vill.",
            "en": "The calendar address is closed ({count}). Ask for a new one any time.",
        },
        "min_feed_none": {
            "sv": "Det fanns ingen öppen kalenderadress att stänga.",
            "en": "There was no open calendar address to close.",
        },
    }
)


def public_url() -> str:
    """The bot's public base URL (``PUBLIC_URL``), without a trailing slash."""
    return (os.environ.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")


def feed_url(token: str) -> str:
    """The subscription address of a feed."""
    return f"{public_url()}/calendar/{token}.ics"


# -- which meeting -----------------------------------------------------------


def _latest_held(ctx: Ctx) -> Meeting | None:
    held = meeting_repo.meetings_of_series(
        ctx.session,
        series_ids=series_ids(ctx),
        statuses=(MeetingStatus.ENDED.value, MeetingStatus.APPROVED.value),
    )
    return held[-1] if held else None


def pick_meeting(ctx: Ctx, text: str) -> Meeting:
    """The meeting a command names by id or ISO date, else the channel's current one."""
    token = text.split()[0] if text.split() else ""
    if not token:
        meeting = running_meeting(ctx) or _latest_held(ctx)
        if meeting is None:
            raise CommandError("min_need_meeting")
        return meeting
    try:
        day = date.fromisoformat(token)
    except ValueError:
        day = None
    if day is not None:
        stmt = select(Meeting).where(Meeting.workspace_id == ctx.ws_id).order_by(col(Meeting.id))
        found = [m for m in ctx.session.exec(stmt) if fmt.local_date(m.starts_at, ctx.tz) == day]
        mine = [m for m in found if m.series_id in series_ids(ctx)]
        found = mine or found
        if len(found) == 1:
            return found[0]
        if not found:
            raise CommandError("min_meeting_not_found", what=token)
        raise CommandError("min_many_meetings", date=token, ids=", ".join(str(m.id) for m in found))
    number = parse_number(token)
    meeting = (
        meeting_repo.get_meeting(ctx.session, workspace_id=ctx.ws_id, meeting_id=number)
        if number is not None
        else None
    )
    if meeting is None:
        raise CommandError("min_meeting_not_found", what=token[:30])
    return meeting


def _title(ctx: Ctx, meeting: Meeting) -> str:
    from commands.meeting import title_of

    return title_of(ctx, meeting)


# -- minutes -------------------------------------------------------------------


@subcommand(
    "meeting",
    "minutes",
    words=("protokoll", "minnesanteckningar", "anteckningar", "minnesanteckning"),
    usage={"sv": "/meeting protokoll [id|datum]", "en": "/meeting minutes [id|date]"},
    summary={
        "sv": "Minnesanteckningarna som Markdown- och Word-fil.",
        "en": "The minutes as a Markdown and a Word file.",
    },
)
def minutes(ctx: Ctx, text: str) -> Reply:
    """Attach the minutes of a meeting as Markdown and DOCX."""
    meeting = pick_meeting(ctx, text)
    assert meeting.id is not None
    doc = minutes_doc.build(ctx.session, meeting_id=meeting.id, workspace_id=ctx.ws_id)
    assert doc is not None
    counts = t(
        ctx.lang,
        "min_minutes_counts",
        items=sum(1 for i in doc.items if i.number),
        actions=sum(len(i.actions) for i in doc.items),
        decisions=sum(len(i.decisions) for i in doc.items),
    )
    files = (
        ReplyFile(doc.filename("md"), minutes_doc.MD_MIME, minutes_doc.to_markdown(doc)),
        ReplyFile(doc.filename("docx"), minutes_doc.DOCX_MIME, minutes_doc.to_docx(doc)),
    )
    return Reply(
        t(ctx.lang, "min_minutes", title=_title(ctx, meeting)),
        (Line(counts),),
        lang=ctx.lang,
        files=files,
    )


# -- approval ------------------------------------------------------------------


def may_approve(ctx: Ctx, meeting: Meeting) -> bool:
    """The organizer (who created the meeting, or marked Organisatör) or the chair."""
    assert meeting.id is not None
    created = ctx.session.exec(
        select(AuditEvent.actor_id).where(
            AuditEvent.entity == "meeting",
            AuditEvent.entity_id == meeting.id,
            AuditEvent.op == "create",
        )
    ).first()
    if created is not None and created == ctx.caller_id:
        return True
    me = name_key(ctx.caller.display_name)
    stmt = (
        select(MeetingParticipant, Person)
        .join(Person, col(Person.id) == col(MeetingParticipant.person_id))
        .where(MeetingParticipant.meeting_id == meeting.id)
    )
    for part, person in ctx.session.exec(stmt):
        if person.id != ctx.caller_id and name_key(person.display_name) != me:
            continue
        title = (part.title or "").casefold()
        if part.role == ParticipantRole.ORGANIZER.value:
            return True
        if "ordförande" in title and "vice" not in title:
            return True
    return False


@subcommand(
    "meeting",
    "approve",
    words=("justera", "godkänn", "godkann", "lock", "lås"),
    usage={"sv": "/meeting justera [id|datum]", "en": "/meeting approve [id|date]"},
    summary={
        "sv": "Justera mötet (organisatör eller ordförande): beslut och åtgärdstexter låses.",
        "en": "Approve the minutes (organizer or chair): decisions and action texts lock.",
    },
)
def approve(ctx: Ctx, text: str) -> Reply:
    """Approve (justera) a meeting's minutes."""
    meeting = pick_meeting(ctx, text)
    title = _title(ctx, meeting)
    if meeting.status == MeetingStatus.APPROVED.value:
        return Reply(t(ctx.lang, "min_already_approved", title=title), lang=ctx.lang)
    if meeting.status == MeetingStatus.PLANNED.value:
        raise CommandError("min_approve_planned", title=title)
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise CommandError("min_approve_cancelled", title=title)
    if not may_approve(ctx, meeting):
        raise CommandError("min_approve_not_allowed", title=title)
    meeting_repo.set_status(
        ctx.session,
        meeting=meeting,
        status=MeetingStatus.APPROVED.value,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    if meeting.current_item_id is not None:
        meeting_repo.set_current_item(
            ctx.session, meeting=meeting, item_id=None, actor_id=ctx.caller_id, at=ctx.now
        )
    return Reply(
        t(ctx.lang, "min_approved", title=title), visibility=Visibility.CHANNEL, lang=ctx.lang
    )


# -- corrections -----------------------------------------------------------------


def link_text(ctx: Ctx, decision: Decision) -> str:
    """ " (ersätter B3; ersatt av B9)" or ""."""
    assert decision.id is not None
    links = []
    if decision.supersedes_id is not None:
        old = ctx.session.get(Decision, decision.supersedes_id)
        if old is not None:
            links.append(t(ctx.lang, "min_supersedes", number=old.number))
    newer = decision_repo.superseded_by(ctx.session, decision_ids=[decision.id]).get(decision.id)
    if newer is not None:
        links.append(t(ctx.lang, "min_superseded_by", number=newer.number))
    return f" ({'; '.join(links)})" if links else ""


@subcommand(
    "decision",
    "correct",
    words=("rätta", "ratta", "korrigera", "ersätt", "ersatt", "fix"),
    usage={"sv": "/decision rätta B3 <ny text>", "en": "/decision correct B3 <new text>"},
    summary={
        "sv": "Rätta ett beslut: ett nytt beslut ersätter det gamla, båda sparas.",
        "en": "Correct a decision: a new one supersedes it, both are kept.",
    },
)
def correct(ctx: Ctx, text: str) -> Reply:
    """Record a new decision that supersedes an old one."""
    token, _, rest = text.strip().partition(" ")
    number = parse_number(token) if token else None
    body = " ".join(rest.split())
    if number is None or not body:
        raise CommandError("min_correct_usage")
    if len(body) > 4000:
        raise CommandError("too_long", max=4000)
    old = decision_repo.get_decision(ctx.session, workspace_id=ctx.ws_id, number=number)
    if old is None:
        raise CommandError("decision_not_found", number=number)
    assert old.id is not None
    newer = decision_repo.superseded_by(ctx.session, decision_ids=[old.id]).get(old.id)
    if newer is not None:
        raise CommandError("min_already_superseded", old=old.number, new=newer.number)
    new = decision_repo.create_decision(
        ctx.session,
        workspace_id=ctx.ws_id,
        text=body,
        at=ctx.now,
        recorded_by_id=ctx.caller_id,
        meeting_id=old.meeting_id,
        item_id=old.item_id,
        supersedes_id=old.id,
    )
    where = fmt.where_text(ctx.session, new.meeting_id, new.item_id, ctx.lang, ctx.tz)
    return Reply(
        t(ctx.lang, "min_corrected", new=new.number, old=old.number),
        (
            Line(fmt.decision_text(new, ctx.lang, where) + link_text(ctx, new)),
            Line(fmt.decision_text(old, ctx.lang, where) + link_text(ctx, old)),
        ),
        lang=ctx.lang,
    )


# -- calendar feeds ------------------------------------------------------------------


def _feed_reply(
    ctx: Ctx, *, kind: str, target_id: int, headline: str, command: str, text: str
) -> Reply:
    if text.strip().casefold() in REVOKE_WORDS:
        count = calendar_tokens.revoke(
            ctx.session,
            workspace_id=ctx.ws_id,
            kind=kind,
            target_id=target_id,
            at=ctx.now,
            actor_id=ctx.caller_id,
        )
        key = "min_feed_revoked" if count else "min_feed_none"
        return Reply(t(ctx.lang, key, count=count), lang=ctx.lang)
    token = calendar_tokens.issue(
        ctx.session,
        workspace_id=ctx.ws_id,
        kind=kind,
        target_id=target_id,
        at=ctx.now,
        actor_id=ctx.caller_id,
    )
    return Reply(
        headline,
        (
            Line(feed_url(token.token)),
            Line(t(ctx.lang, "min_feed_revoke_hint", command=command)),
        ),
        lang=ctx.lang,
    )


@subcommand(
    "meeting",
    "calendar",
    words=("kalender", "ical", "ics", "feed"),
    usage={
        "sv": "/meeting kalender [serie] [återkalla]",
        "en": "/meeting calendar [series] [revoke]",
    },
    summary={
        "sv": "Kalenderadress med seriens möten (Outlook, Google); återkalla stänger den.",
        "en": "A calendar address with the series' meetings (Outlook, Google); revoke closes it.",
    },
)
def meeting_calendar(ctx: Ctx, text: str) -> Reply:
    """Hand out (or revoke) the feed of the channel's (or a named) meeting series."""
    words = text.split()
    revoke = bool(words) and words[-1].casefold() in REVOKE_WORDS
    name = " ".join(words[:-1] if revoke else words).strip('"“”')
    if name:
        found = meeting_repo.get_series_by_name(ctx.session, workspace_id=ctx.ws_id, name=name)
        if found is None:
            raise CommandError("min_series_not_found", name=name[:60])
        series = [found]
    else:
        series = channel_series(ctx)
    if not series or series[0].id is None:
        raise CommandError("min_no_series")
    return _feed_reply(
        ctx,
        kind=calendar_tokens.SERIES,
        target_id=series[0].id,
        headline=t(ctx.lang, "min_series_feed", series=series[0].name),
        command="/meeting",
        text="revoke" if revoke else "",
    )


@subcommand(
    "action",
    "calendar",
    words=("kalender", "ical", "ics", "feed"),
    usage={"sv": "/action kalender [återkalla]", "en": "/action calendar [revoke]"},
    summary={
        "sv": "Kalenderadress med dina åtgärders slutdatum; återkalla stänger den.",
        "en": "A calendar address with your actions' due dates; revoke closes it.",
    },
)
def action_calendar(ctx: Ctx, text: str) -> Reply:
    """Hand out (or revoke) the caller's own due-date feed."""
    return _feed_reply(
        ctx,
        kind=calendar_tokens.PERSON,
        target_id=ctx.caller_id,
        headline=t(ctx.lang, "min_person_feed"),
        command="/action",
        text=text,
    )
