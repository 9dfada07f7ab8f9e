"""Minutes in chat, approval (justering), corrections, and calendar feed links.

/meeting minutes|protokoll|minnesanteckningar [id|datum]
/meeting approve|justera [id|datum]
/decision correct|rätta B3 <ny text>
/meeting calendar|kalender [revoke|återkalla]
/action calendar|kalender [revoke|återkalla]
"""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from commands import format as fmt
from commands import minutes_doc
from commands.assignment_followup import files_for_meeting
from commands.channel import (
    channel_series,
    meeting_on,
    parse_number,
    running_meeting,
    series_ids,
)
from commands.context import Ctx
from commands.errors import CommandError
from commands.i18n import t, tn
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
from storage.participants import ADJUSTER, CHAIR, functions_in

REVOKE_WORDS = frozenset({"revoke", "återkalla", "aterkalla", "stäng", "stang", "off", "av"})


def feed_url(ctx: Ctx, token: str) -> str:
    """The subscription address of a feed, under the configured public URL."""
    return f"{ctx.config.base_url}/calendar/{token}.ics"


# -- which meeting -----------------------------------------------------------


def _latest_held(ctx: Ctx) -> Meeting | None:
    held = meeting_repo.meetings_of_series(
        ctx.session,
        series_ids=series_ids(ctx),
        statuses=(MeetingStatus.ENDED, MeetingStatus.APPROVED),
    )
    return held[-1] if held else None


def pick_meeting(ctx: Ctx, text: str) -> Meeting:
    """The meeting a command names by id or date, else the channel's current one.

    A date as people write it ("10 december") names the channel's meeting that day; its
    first word alone would otherwise read as a meeting id.
    """
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
    if day is None and (len(text.split()) > 1 or parse_number(token) is None):
        on_day = meeting_on(ctx, text)
        if on_day is not None:
            return on_day
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
    read_only=True,
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
        items=tn(ctx.lang, "min_count_items", sum(1 for i in doc.items if i.number)),
        actions=tn(ctx.lang, "min_count_actions", sum(len(i.actions) for i in doc.items)),
        decisions=tn(ctx.lang, "min_count_decisions", sum(len(i.decisions) for i in doc.items)),
    )
    files = (
        ReplyFile(doc.filename("md"), minutes_doc.MD_MIME, minutes_doc.to_markdown(doc)),
        ReplyFile(doc.filename("docx"), minutes_doc.DOCX_MIME, minutes_doc.to_docx(doc)),
        # At a follow-up meeting the assignments' follow-up document goes with the minutes.
        *files_for_meeting(ctx.session, meeting.id),
    )
    return Reply(
        t(ctx.lang, "min_minutes", title=_title(ctx, meeting)),
        (Line(counts),),
        lang=ctx.lang,
        files=files,
    )


# -- approval ------------------------------------------------------------------


def may_approve(ctx: Ctx, meeting: Meeting) -> bool:
    """The organizer (who created the meeting, or marked Organisatör), the chair or a justerare."""
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
        if part.role == ParticipantRole.ORGANIZER:
            return True
        if functions_in(part.title) & {CHAIR, ADJUSTER}:
            return True
    return False


@subcommand(
    "meeting",
    "approve",
    words=("justera", "godkänn", "godkann", "lock", "lås"),
)
def approve(ctx: Ctx, text: str) -> Reply:
    """Approve (justera) a meeting's minutes."""
    meeting = pick_meeting(ctx, text)
    title = _title(ctx, meeting)
    if meeting.status == MeetingStatus.APPROVED:
        return Reply(t(ctx.lang, "min_already_approved", title=title), lang=ctx.lang)
    if meeting.status == MeetingStatus.PLANNED:
        raise CommandError("min_approve_planned", title=title)
    if meeting.status == MeetingStatus.CANCELLED:
        raise CommandError("min_approve_cancelled", title=title)
    if not may_approve(ctx, meeting):
        raise CommandError("min_approve_not_allowed", title=title)
    meeting_repo.set_status(
        ctx.session,
        meeting=meeting,
        status=MeetingStatus.APPROVED,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    if meeting.current_item_id is not None:
        meeting_repo.set_current_item(
            ctx.session, meeting=meeting, item_id=None, actor_id=ctx.caller_id, at=ctx.now
        )
    when = ctx.now.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")
    return Reply(
        t(ctx.lang, "min_approved", title=title),
        (Line(t(ctx.lang, "rec_approved_by", name=ctx.caller.display_name, when=when)),),
        visibility=Visibility.CHANNEL,
        lang=ctx.lang,
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
    words=(
        "rätta",
        "ratta",
        "korrigera",
        "ersätt",
        "ersatt",
        "fix",
        "ändra",
        "andra",
        "redigera",
        "edit",
        "change",
    ),
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
            Line(feed_url(ctx, token.token)),
            Line(t(ctx.lang, "min_feed_revoke_hint", command=command)),
        ),
        lang=ctx.lang,
    )


@subcommand(
    "meeting",
    "calendar",
    words=("kalender", "ical", "ics", "feed"),
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


@subcommand(
    "decision",
    "remove",
    words=("ta bort", "tabort", "ta-bort", "radera", "stryk", "delete"),
    read_only=True,
)
def remove(ctx: Ctx, text: str) -> Reply:
    """Decisions are not removed (the minutes keep them): say how to correct one instead."""
    token = text.split()[0] if text.split() else ""
    number = parse_number(token) if token else None
    raise CommandError("decision_not_removable", number=number if number is not None else 3)
