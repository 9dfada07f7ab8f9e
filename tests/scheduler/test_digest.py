"""The pre-meeting digest, the status requests before it, and the summary after a meeting."""

from __future__ import annotations

from sqlmodel import Session, select

from scheduler.digest import digest_reply
from storage.models import Meeting
from tests.conftest import Transcript
from tests.scheduler.helpers import Runner, at, build_kc, send


def _posts(runner: Runner) -> list[str]:
    return [s.reply.as_text() for s in runner.messenger.sent if s.kind == "channel"]


def _agenda_for_december(console: Transcript) -> None:
    send(
        console,
        "2026-11-30 10:00",
        '/agenda add Budget 2027 @"Anna Ek"',
        "/action note #2 Mejlat regionen, inväntar svar",
        '/action add Fristående uppgift @"Per Holm" senast 2026-12-09',
    )


def test_digest_two_working_days_before_at_nine(console_any: Transcript) -> None:
    console = console_any
    build_kc(console)
    _agenda_for_december(console)
    runner = Runner(console.engine)
    runner.tick("2026-12-08 08:59")
    assert _posts(runner) == []
    runner.tick("2026-12-08 09:00")
    posts = _posts(runner)
    assert len(posts) == 1
    text = posts[0]
    assert runner.messenger.sent[-1].to == "kc"
    assert text.startswith("Inför KC-möte tors 10 dec 2026 08:30–12:00, Stadshuset")
    assert "Tid och plats: tors 10 dec 2026 08:30–12:00, Stadshuset" in text
    assert "Budget 2027 (föredragande: Anna Ek)" in text
    assert "Föregående möte (KC-möte tis 24 nov 2026 08:30–12:00" in text
    assert (
        "#1 Ta fram budgetunderlag — ansvarig: Lisa Berg — senast ons 25 nov 2026 — ⚠️ försenad"
        in text
    )
    assert "#2 Ring regionen — ansvarig: Per Holm" in text and "pågår" in text
    assert "senaste anteckning 2026-11-30: Mejlat regionen, inväntar svar" in text
    assert (
        "#4 Boka lokal — ansvarig: Lisa Berg — senast fre 4 dec 2026 — ✅ klar sedan förra mötet"
        in text
    )
    assert "B1 Kommunchefsgruppen godkänner rapporten" in text
    assert "Andra åtgärder med slutdatum före mötet" in text
    assert "#5 Fristående uppgift" in text
    # Once only, and never after the meeting has started.
    runner.tick("2026-12-09 09:00")
    runner.tick("2026-12-10 08:29")
    assert len(_posts(runner)) == 1


def test_digest_after_downtime_only_if_the_meeting_has_not_started(console: Transcript) -> None:
    build_kc(console)
    runner = Runner(console.engine)
    runner.tick("2026-12-10 08:31")  # the meeting started at 08:30: stale, not sent
    assert _posts(runner) == []
    late = Runner(console.engine)
    late.tick("2026-12-09 17:00")  # down since Tuesday morning: still useful
    assert len(_posts(late)) == 1


def test_digest_whose_previous_meeting_had_no_actions(console: Transcript) -> None:
    send(
        console,
        "2026-11-23 09:00",
        "/meeting series new KC-möte varje månad andra torsdagen 08:30-12:00 Stadshuset",
        "/meeting new KC-möte 2026-11-24 08:30-12:00",
    )
    send(console, "2026-11-24 08:40", "/meeting start --ja", "/meeting end")
    runner = Runner(console.engine)
    runner.tick("2026-12-08 09:00")
    text = _posts(runner)[0]
    assert "Inga åtgärder registrerades på förra mötet." in text
    assert "Inga beslut fattades på förra mötet." in text
    assert "Dagordningen är tom." in text


def test_morning_of_the_meeting_post(console: Transcript) -> None:
    build_kc(console)
    send(console, "2026-11-30 09:00", "/meeting series digest KC-möte 1 13:00 morgon på")
    runner = Runner(console.engine)
    runner.tick("2026-12-09 12:59")
    assert _posts(runner) == []
    runner.tick("2026-12-09 13:00")
    # 13:00 on the day is after the 08:30 start: the morning post goes 30 minutes before.
    runner.tick("2026-12-10 07:59")
    assert len(_posts(runner)) == 1
    runner.tick("2026-12-10 08:00")
    posts = _posts(runner)
    assert len(posts) == 2 and posts[1].startswith("Idag: KC-möte")


def test_status_requests_three_working_days_before(console_any: Transcript) -> None:
    console = console_any
    build_kc(console)
    runner = Runner(console.engine)
    runner.tick("2026-12-04 08:00")  # Friday: four working days before
    assert not [s for s in runner.messenger.sent if "hur går det" in s.reply.headline]
    runner.tick("2026-12-07 08:00")  # Monday, three working days before Thu 10 Dec
    asks = [s for s in runner.messenger.sent if "hur går det" in s.reply.headline]
    assert sorted(s.to for s in asks) == ["Lisa Berg", "Per Holm"]
    per = next(s for s in asks if s.to == "Per Holm")
    numbers = [line.action_number for line in per.reply.lines if line.action_number]
    assert numbers == [2, 3]
    buttons = next(line for line in per.reply.lines if line.action_number == 2).buttons
    assert [(b.label, b.command, b.kind.value) for b in buttons] == [
        ("Klar", "action done #2", "run"),
        ("Pågår + anteckning", "action note #2", "note"),
        ("Nytt datum", "action due #2", "pick_date"),
    ]
    lisa = next(s for s in asks if s.to == "Lisa Berg")
    assert [line.action_number for line in lisa.reply.lines if line.action_number] == [1]
    # The answers are the buttons' commands; the digest shows them.
    send(
        console,
        "2026-12-07 10:00",
        per.reply.lines[1].buttons[1].command + " Pågår, klart fredag",
        user="Per Holm",
    )
    send(console, "2026-12-07 10:01", "action due #3 2027-04-01", user="Per Holm")
    send(console, "2026-12-07 10:02", "action done #1", user="Lisa Berg")
    runner.tick("2026-12-07 10:05")
    assert len([s for s in runner.messenger.sent if "hur går det" in s.reply.headline]) == 2
    runner.tick("2026-12-08 09:00")
    text = _posts(runner)[0]
    assert "senaste anteckning 2026-12-07: Pågår, klart fredag" in text
    assert "#3 Långsiktig plan — ansvarig: Per Holm — senast tors 1 apr 2027" in text
    assert (
        "#1 Ta fram budgetunderlag — ansvarig: Lisa Berg — senast ons 25 nov 2026 — ✅ klar sedan förra mötet"
        in text
    )


def test_status_request_respects_away(console: Transcript) -> None:
    build_kc(console)
    send(console, "2026-12-01 09:00", "/action borta till 2026-12-07", user="Per Holm")
    runner = Runner(console.engine)
    runner.tick("2026-12-07 08:00")
    asks = [s.to for s in runner.messenger.sent if "hur går det" in s.reply.headline]
    assert asks == ["Lisa Berg"]


def test_digest_in_english(console: Transcript) -> None:
    build_kc(console)
    with Session(console.engine) as session:
        meeting = session.exec(select(Meeting).where(Meeting.id == 1)).one()
        from storage.models import Workspace

        ws = session.get(Workspace, meeting.workspace_id)
        assert ws is not None
        ws.language = "en"
        session.add(ws)
        session.commit()
        dec = session.exec(select(Meeting).order_by(Meeting.starts_at)).all()  # type: ignore[arg-type]
        upcoming = next(m for m in dec if m.starts_at > at("2026-12-01 00:00"))
        text = digest_reply(session, upcoming, now=at("2026-12-08 09:00")).as_text()
    assert text.startswith("Coming up: KC-möte Thu, Dec 10, 2026") or "Coming up" in text
    assert "Decisions of the previous meeting" in text


def test_meeting_end_posts_the_summary_by_item(console: Transcript) -> None:
    send(console, "2026-11-23 09:00", "/meeting new KC-möte 2026-11-24 08:30-12:00")
    console.now = at("2026-11-24 08:40")
    for line in (
        "/meeting start --ja",
        "/meeting item 3.1 Ekonomi",
        '/action add Budget @"Lisa Berg" senast 2026-12-05',
        "/decision add Kommunchefsgruppen beslutar att godkänna budgeten",
    ):
        console.send(line)
    reply = console.send("/meeting end")
    text = reply.as_text()
    assert reply.visibility.value == "channel"
    assert "3.1 Ekonomi" in text
    assert "B1 Kommunchefsgruppen beslutar att godkänna budgeten" in text
    assert "#1 Budget — ansvarig: Lisa Berg — senast lör 5 dec 2026" in text


def test_digest_marks_superseded_decisions(console: Transcript) -> None:
    build_kc(console)
    send(
        console,
        "2026-11-25 10:00",
        "/decision rätta B1 Kommunchefsgruppen godkänner rapporten med ändringar",
    )
    runner = Runner(console.engine)
    runner.tick("2026-12-08 09:00")
    text = _posts(runner)[0]
    assert "B1 Kommunchefsgruppen godkänner rapporten — ersatt av B2" in text
    assert "B2 Kommunchefsgruppen godkänner rapporten med ändringar — ersätter B1" in text
