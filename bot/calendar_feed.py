"""Calendar feeds (iCalendar) served at ``GET /calendar/<token>.ics``.

Two kinds, chosen by the token: a meeting series (its meetings, place and agenda in the
description, cancelled ones as STATUS:CANCELLED) and a person (their open actions'
due dates as all-day events). Times are written in UTC, which every calendar client
understands; UIDs are stable so Outlook and Google update events instead of duplicating
them. Install with ``create_app(settings, engine, [install_calendar_routes])``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from aiohttp import web
from icalendar import Calendar, Event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.settings import Settings
from storage import actions as action_repo
from storage import calendar_tokens
from storage import meetings as meeting_repo
from storage.db import transaction
from storage.models import ActionStatus, Meeting, MeetingSeries, MeetingStatus, Person

PRODID = "-//Mötesbot//motesbot//SV"
UID_DOMAIN = "motesbot"
ENGINE = web.AppKey("calendar_engine", Engine)
SETTINGS = web.AppKey("calendar_settings", Settings)


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    # Ask clients to refresh every few hours.
    cal.add("x-published-ttl", "PT4H")
    return cal


def _agenda_text(session: Session, meeting: Meeting) -> str:
    assert meeting.id is not None
    lines = []
    if meeting.place:
        lines.append(f"Plats: {meeting.place}")
    items = meeting_repo.items_of(session, meeting_id=meeting.id)
    if items:
        lines.append("")
        lines.append("Dagordning:")
    for item in items:
        line = f"{item.number}. {item.title}"
        if item.presenter_name:
            line += f" (föredragande: {item.presenter_name})"
        lines.append(line)
        if item.description:
            lines.append(f"   {item.description.splitlines()[0][:300]}")
    return "\n".join(lines)


def series_feed(session: Session, series: MeetingSeries, *, now: datetime) -> bytes:
    """The meetings of a series as an iCalendar document."""
    assert series.id is not None
    cal = _calendar(series.name)
    for meeting in meeting_repo.meetings_of_series(session, series_ids=[series.id]):
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@{UID_DOMAIN}")
        event.add("dtstamp", now)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at or meeting.starts_at + timedelta(hours=1))
        event.add("summary", meeting.title or series.name)
        if meeting.place:
            event.add("location", meeting.place)
        event.add("description", _agenda_text(session, meeting))
        cancelled = meeting.status == MeetingStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def person_feed(session: Session, person: Person, *, now: datetime) -> bytes:
    """A person's open actions with a due date, as all-day events."""
    assert person.id is not None
    cal = _calendar(f"Åtgärder – {person.display_name}")
    actions = action_repo.list_actions(
        session,
        workspace_id=person.workspace_id,
        owner_id=person.id,
        statuses=(ActionStatus.OPEN,),
        limit=10_000,
    )
    for action in actions:
        if action.due_date is None:
            continue
        event = Event()
        event.add("uid", f"action-{action.id}@{UID_DOMAIN}")
        event.add("dtstamp", now)
        event.add("dtstart", action.due_date)
        event.add("dtend", action.due_date + timedelta(days=1))
        event.add("summary", f"#{action.number} {action.text}"[:250])
        event.add("description", f"Åtgärd #{action.number}: {action.text}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def render_feed(engine: Engine, token: str, *, now: datetime) -> bytes | None:
    """The feed a token serves, or None for an unknown or revoked token."""
    with transaction(engine) as session:
        found = calendar_tokens.lookup(session, token=token)
        if found is None:
            return None
        if found.kind == calendar_tokens.SERIES:
            series = session.get(MeetingSeries, found.target_id)
            if series is None or series.workspace_id != found.workspace_id:
                return None
            return series_feed(session, series, now=now)
        if found.kind == calendar_tokens.PERSON:
            person = session.get(Person, found.target_id)
            if person is None or person.workspace_id != found.workspace_id:
                return None
            return person_feed(session, person, now=now)
        return None


async def calendar_handler(request: web.Request) -> web.Response:
    """GET /calendar/<token>.ics → text/calendar, or 404."""
    engine = request.app[ENGINE]
    settings = request.app[SETTINGS]
    token = request.match_info["token"]
    body = await asyncio.to_thread(render_feed, engine, token, now=settings.now())
    if body is None:
        raise web.HTTPNotFound(text="Okänd eller stängd kalender.\n")
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


def install_calendar_routes(app: web.Application, settings: Settings, engine: Engine) -> None:
    """A RouteInstaller for bot.web.create_app: adds GET /calendar/{token}.ics."""
    app[ENGINE] = engine
    app[SETTINGS] = settings
    app.router.add_get("/calendar/{token}.ics", calendar_handler)
