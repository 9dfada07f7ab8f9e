"""GET /calendar/<token>.ics over real HTTP, parsed with icalendar."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.calendar_feed import install_calendar_routes
from bot.settings import Settings
from bot.web import create_app
from storage import meetings as meeting_repo
from storage.db import transaction
from storage.models import Meeting, MeetingStatus
from tests.conftest import Transcript


def _token(text: str) -> str:
    found = re.search(r"/calendar/([\w-]+)\.ics", text)
    assert found is not None
    return found.group(1)


async def _get(engine: Engine, path: str) -> tuple[int, str, str]:
    settings = Settings(motesbot_now="2026-11-23T09:00:00+01:00")
    app = create_app(settings, engine, [install_calendar_routes])
    async with TestClient(TestServer(app)) as client:
        response = await client.get(path)
        return response.status, response.headers.get("Content-Type", ""), await response.text()


def _plan(console: Transcript) -> None:
    for line in (
        "/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
        "/meeting punkt 1 Mötets öppnande",
        '/meeting punkt 2 Budget 2027 @"Lisa Berg"',
        "/meeting new KC-möte 2027-01-14 09:00-15:00 Vännäs",
        "/action add Skicka budgeten @Sekreterare senast 2026-12-01",
        "/action add Ring Anna @Sekreterare",
        "/action add Boka lokal @Sekreterare senast 2026-12-03",
        "/action klar #3",
    ):
        assert not console.send(line).error, line


async def test_series_feed_holds_the_meetings(console_any: Transcript) -> None:
    _plan(console_any)
    token = _token(console_any.text("/meeting kalender"))
    with transaction(console_any.engine) as session:
        later = session.exec(select(Meeting).order_by(col(Meeting.starts_at).desc())).first()
        assert later is not None
        meeting_repo.set_status(
            session,
            meeting=later,
            status=MeetingStatus.CANCELLED,
            actor_id=None,
            at=datetime(2026, 11, 23, tzinfo=UTC),
        )
    status, ctype, body = await _get(console_any.engine, f"/calendar/{token}.ics")
    assert status == 200 and ctype.startswith("text/calendar")
    cal = Calendar.from_ical(body)
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert len(events) == 2
    first, second = events
    assert first.decoded("dtstart") == datetime(2026, 12, 10, 7, 30, tzinfo=UTC)
    assert first.decoded("dtend") == datetime(2026, 12, 10, 11, 0, tzinfo=UTC)
    assert str(first["location"]) == "Stadshuset"
    assert "2. Budget 2027 (föredragande: Lisa Berg)" in str(first["description"])
    assert str(first["status"]) == "CONFIRMED" and str(second["status"]) == "CANCELLED"
    uids = {str(e["uid"]) for e in events}
    _, _, again = await _get(console_any.engine, f"/calendar/{token}.ics")
    assert {str(e["uid"]) for e in Calendar.from_ical(again).walk("VEVENT")} == uids


async def test_person_feed_holds_open_due_dates(console: Transcript) -> None:
    _plan(console)
    token = _token(console.text("/action kalender"))
    status, _, body = await _get(console.engine, f"/calendar/{token}.ics")
    assert status == 200
    events = Calendar.from_ical(body).walk("VEVENT")
    # Only the open action with a due date: #2 has none, #3 is done.
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in events] == [
        (date(2026, 12, 1), "#1 Skicka budgeten")
    ]
    assert events[0].decoded("dtend") == date(2026, 12, 2)


async def test_unknown_and_revoked_tokens_are_404(console: Transcript) -> None:
    _plan(console)
    token = _token(console.text("/meeting kalender"))
    assert (await _get(console.engine, "/calendar/not-a-token.ics"))[0] == 404
    console.send("/meeting kalender återkalla")
    assert (await _get(console.engine, f"/calendar/{token}.ics"))[0] == 404
    with Session(console.engine) as session:
        assert session.exec(select(Meeting)).first() is not None
