"""A person's own page: their open actions by urgency and their upcoming meetings.

Platform-neutral; Slack renders it as the App Home tab.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from commands import format as fmt
from commands.context import Ctx, build_ctx, zone
from commands.i18n import lang_of, t
from commands.pipeline import error_reply
from commands.reply import Line, Reply
from commands.request import Request
from storage import actions as repo
from storage.db import transaction
from storage.models import (
    Action,
    ActionOwner,
    ActionStatus,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Person,
)
from storage.workspaces import get_workspace

log = logging.getLogger("motesbot.commands.home")

MAX_ACTIONS = 40
MAX_MEETINGS = 5


def home_reply(request: Request, *, engine: Engine, channel_ids: list[str] | None) -> Reply:
    """The caller's open actions grouped overdue / this week / later / no date, then meetings.

    Args:
        request: who is looking (``command`` and ``text`` are ignored).
        engine: the database engine.
        channel_ids: the channels the person is in; their series' meetings are listed.
            None lists every series of the workspace.

    Returns:
        A reply whose action lines carry the usual buttons.
    """
    lang = request.lang or lang_of(request.user.locale)
    try:
        with transaction(engine) as session:
            ctx = build_ctx(session, request)
            return _home(ctx, channel_ids)
    except Exception:
        log.warning("home page failed", exc_info=True)
        return error_reply(lang, "db_unavailable")


def _home(ctx: Ctx, channel_ids: list[str] | None) -> Reply:
    actions = repo.list_actions(
        ctx.session,
        workspace_id=ctx.ws_id,
        statuses=(ActionStatus.OPEN,),
        owner_id=ctx.caller_id,
        limit=MAX_ACTIONS + 1,
    )
    shown = actions[:MAX_ACTIONS]
    today = ctx.today
    week_end = today + timedelta(days=6 - today.weekday())
    groups: dict[str, list[Action]] = {
        "home_overdue": [],
        "home_this_week": [],
        "home_later": [],
        "home_no_date": [],
    }
    for action in shown:
        if action.due_date is None:
            groups["home_no_date"].append(action)
        elif action.due_date < today:
            groups["home_overdue"].append(action)
        elif action.due_date <= week_end:
            groups["home_this_week"].append(action)
        else:
            groups["home_later"].append(action)
    lines: list[Line] = []
    for key, members in groups.items():
        if members:
            lines.append(Line(t(ctx.lang, key), heading=True))
            lines.extend(fmt.action_lines(ctx.session, members, ctx.lang, today))
    if not shown:
        lines.append(Line(t(ctx.lang, "home_nothing")))
    if len(actions) > MAX_ACTIONS:
        lines.append(Line(t(ctx.lang, "home_more")))
    lines.append(Line(t(ctx.lang, "home_meetings"), heading=True))
    meetings = _upcoming(ctx, channel_ids)
    if not meetings:
        lines.append(Line(t(ctx.lang, "home_no_meetings")))
    for meeting, series in meetings:
        tz = zone(series.timezone) if series else ctx.tz
        lines.append(Line(fmt.meeting_title(meeting, series, ctx.lang, tz)))
    return Reply(t(ctx.lang, "home_title"), tuple(lines), lang=ctx.lang)


def _upcoming(
    ctx: Ctx, channel_ids: list[str] | None
) -> list[tuple[Meeting, MeetingSeries | None]]:
    stmt = (
        select(Meeting, MeetingSeries)
        .join(MeetingSeries, col(MeetingSeries.id) == col(Meeting.series_id))
        .where(
            Meeting.workspace_id == ctx.ws_id,
            col(Meeting.status).in_((MeetingStatus.PLANNED, MeetingStatus.RUNNING)),
            col(Meeting.starts_at) >= ctx.now - timedelta(hours=12),
        )
        .order_by(col(Meeting.starts_at))
        .limit(MAX_MEETINGS)
    )
    if channel_ids is not None:
        stmt = stmt.where(col(MeetingSeries.channel_id).in_(channel_ids))
    return [(m, s) for m, s in ctx.session.exec(stmt)]


def stakeholders(*, engine: Engine, platform: str, workspace: str, numbers: list[int]) -> list[str]:
    """The platform user ids of the owners and creators of some actions.

    Used to refresh their pages after a change; an empty list when nothing matches.
    """
    if not numbers:
        return []
    with transaction(engine) as session:
        ws = get_workspace(session, platform=platform, external_id=workspace)
        if ws is None:
            return []
        ids = select(Action.id, Action.created_by_id).where(
            Action.workspace_id == ws.id, col(Action.number).in_(numbers)
        )
        rows = list(session.exec(ids))
        action_ids = [r[0] for r in rows]
        person_ids = {r[1] for r in rows if r[1] is not None}
        if action_ids:
            owners = select(ActionOwner.person_id).where(col(ActionOwner.action_id).in_(action_ids))
            person_ids.update(session.exec(owners))
        if not person_ids:
            return []
        found = select(Person.platform_user_id).where(
            col(Person.id).in_(person_ids), col(Person.platform_user_id).is_not(None)
        )
        return sorted({pid for pid in session.exec(found) if pid})
