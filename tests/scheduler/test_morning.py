"""The morning DM: who gets one, when, and what it says."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from commands.reply import ButtonKind
from scheduler.due import wake_up_instants
from tests.conftest import Transcript
from tests.scheduler.helpers import Runner, at, build_kc, send


def test_each_owner_gets_one_dm_with_exactly_their_due_actions(console_any: Transcript) -> None:
    console = console_any
    build_kc(console)
    runner = Runner(console.engine)
    reports = runner.tick("2026-11-26 08:00")  # Thursday
    assert sorted(runner.sent_to()) == ["Lisa Berg", "Per Holm"]
    assert len(reports) == 2
    lisa = runner.dms()["Lisa Berg"]
    assert "Försenade" in lisa and "#1 Ta fram budgetunderlag" in lisa
    assert "KC-möte tis 24 nov 2026, punkt 3.1" in lisa
    assert "Ring regionen" not in lisa and "Boka lokal" not in lisa  # #4 is done
    per = runner.dms()["Per Holm"]
    # Tue 1 Dec is the 3rd working day after Thu 26 Nov: coming up. 1 Mar 2027 is not.
    assert "Kommande" in per and "#2 Ring regionen" in per
    assert "Långsiktig plan" not in per and "Försenade" not in per
    line = next(m for m in runner.messenger.sent if m.to == "Lisa Berg").reply.lines[1]
    assert [b.command for b in line.buttons] == [
        "action done #1",
        "action due #1",
        "action note #1",
    ]
    assert line.buttons[1].kind == ButtonKind.PICK_DATE


def test_groups_and_latest_note(console_any: Transcript) -> None:
    console = console_any
    build_kc(console)
    send(
        console,
        "2026-11-30 10:00",
        '/action add Skicka kallelse @"Lisa Berg" senast 2026-12-01',
        '/action add Läs rapport @"Lisa Berg" senast 2026-12-03',
        "/action note #1 Väntar på siffror från ekonomi",
    )
    runner = Runner(console.engine)
    runner.tick("2026-12-01 08:00")
    text = runner.dms()["Lisa Berg"]
    assert text.index("Försenade") < text.index("#1 ") < text.index("Idag")
    assert text.index("Idag") < text.index("#5 Skicka kallelse") < text.index("Kommande")
    assert text.index("Kommande") < text.index("#6 Läs rapport")
    assert "senaste anteckning 2026-11-30: Väntar på siffror från ekonomi" in text
    assert "God morgon! Dina åtgärder (3)" in text


def test_same_tick_twice_sends_nothing_and_nothing_due_sends_nothing(console: Transcript) -> None:
    runner = Runner(console.engine)
    assert runner.tick("2026-11-26 08:00") == []  # empty register
    build_kc(console)
    assert len(runner.tick("2026-11-26 08:00")) == 2
    assert runner.tick("2026-11-26 08:00") == []
    assert runner.tick("2026-11-26 15:00") == []
    assert len(runner.messenger.sent) == 2
    send(console, "2026-11-26 16:00", "/action klar #1", "/action klar #2")
    assert runner.tick("2026-11-27 08:00") == []  # nothing to say: no "0 tasks" message


def test_not_before_the_reminder_time_and_not_on_weekends_or_holidays(console: Transcript) -> None:
    build_kc(console)
    runner = Runner(console.engine)
    assert runner.tick("2026-11-26 07:59") == []
    assert runner.tick("2026-11-28 08:00") == []  # Saturday
    assert runner.tick("2026-11-29 09:00") == []  # Sunday
    send(console, "2026-12-01 09:00", '/action add Julklappar @"Lisa Berg" senast 2026-12-28')
    assert runner.tick("2026-12-24 08:00") == []  # julafton
    assert runner.tick("2026-12-25 08:00") == []  # juldagen
    assert runner.tick("2026-12-31 08:00") == []  # nyårsafton
    assert len(runner.tick("2026-12-28 08:00")) == 2


def test_after_downtime_only_today_is_sent(console: Transcript) -> None:
    build_kc(console)
    runner = Runner(console.engine)
    # Down all of Thursday; back on Friday afternoon: Friday's DM, not Thursday's.
    reports = runner.tick("2026-11-27 16:30")
    assert {r.outgoing.occasion for r in reports} == {"2026-11-27"}
    assert runner.tick("2026-11-27 23:59") == []


def test_away_period(console_any: Transcript) -> None:
    console = console_any
    build_kc(console)
    reply = console.send("/action borta till 2026-12-02", user="Lisa Berg")
    assert "till och med ons 2 dec 2026" in reply.headline
    runner = Runner(console.engine)
    runner.tick("2026-11-26 08:00")
    assert runner.sent_to() == ["Per Holm"]
    runner.tick("2026-12-02 08:00")
    assert "Lisa Berg" not in runner.sent_to()
    runner.tick("2026-12-03 08:00")
    assert "Lisa Berg" in runner.sent_to()
    send(console, "2026-12-03 09:00", "/action away till 2026-12-10", user="Lisa Berg")
    send(console, "2026-12-03 09:00", "/action away off", user="Lisa Berg")
    before = runner.sent_to().count("Lisa Berg")
    runner.tick("2026-12-04 08:00")
    assert runner.sent_to().count("Lisa Berg") == before + 1
    bad = console.send("/action borta till igår", user="Lisa Berg")
    assert bad.error


def test_away_period_that_starts_later(console_any: Transcript) -> None:
    """ "borta 1 december – 2 december": reminders until then, none on those days, then back."""
    console = console_any
    build_kc(console)
    reply = console.send("/åtgärd borta 1 december – 2 december", user="Lisa Berg")
    assert reply.headline.startswith("Inga påminnelser från tis 1 dec 2026 till och med ons 2 dec")
    runner = Runner(console.engine)
    runner.tick("2026-11-26 08:00")
    assert "Lisa Berg" in runner.sent_to()
    runner.tick("2026-12-01 08:00")
    runner.tick("2026-12-02 08:00")
    assert runner.sent_to().count("Lisa Berg") == 1
    runner.tick("2026-12-03 08:00")
    assert runner.sent_to().count("Lisa Berg") == 2
    backwards = console.send("/åtgärd borta 10 december – 5 december", user="Lisa Berg")
    assert backwards.error and backwards.headline.startswith("Frånvaron slutar (lör 5 dec 2026)")


def test_own_settings_shown_and_tillbaka_ends_the_away_period(console: Transcript) -> None:
    """ "/åtgärd inställningar" (or "påminnelser", "borta" alone) says what is set; "tillbaka"
    ends an away period typed "20/12-6/1"; and the morning DM comes again."""
    build_kc(console)
    away = console.send("/åtgärd borta 20/12-6/1", user="Lisa Berg")
    assert away.headline.startswith("Inga påminnelser från sön 20 dec 2026 till och med ons 6 jan")
    shown = console.send("/åtgärd inställningar", user="Lisa Berg")
    assert shown.headline == "Dina påminnelser" and not shown.error
    text = shown.as_text()
    assert "kl. 08:00 (Europe/Stockholm) på arbetsdagar" in text
    assert "Du är borta sön 20 dec 2026 – ons 6 jan 2027" in text
    assert "Ändra: /åtgärd påminnelser 07:30" in text
    assert console.send("/åtgärd påminnelser", user="Lisa Berg").as_text() == text
    assert console.send("/åtgärd borta", user="Lisa Berg").as_text() == text
    runner = Runner(console.engine)
    runner.tick("2026-12-21 08:00")
    assert "Lisa Berg" not in runner.sent_to()
    back = console.send("/åtgärd tillbaka", user="Lisa Berg")
    assert back.headline == "Du är tillbaka: påminnelserna kommer som vanligt."
    assert "Du är borta" not in console.send("/åtgärd inställningar", user="Lisa Berg").as_text()
    runner.tick("2026-12-22 08:00")
    assert "Lisa Berg" in runner.sent_to()
    off = console.send("/åtgärd påminnelser av", user="Lisa Berg")
    assert off.headline.endswith("Slå på: /åtgärd påminnelser 08:00")


def test_reminders_off_and_time_change(console: Transcript) -> None:
    build_kc(console)
    send(console, "2026-11-25 12:00", "/action påminnelser av", user="Lisa Berg")
    send(console, "2026-11-25 12:00", "/action reminders 07:30", user="Per Holm")
    runner = Runner(console.engine)
    assert runner.tick("2026-11-26 07:29") == []
    runner.tick("2026-11-26 07:30")
    assert runner.sent_to() == ["Per Holm"]
    runner.tick("2026-11-26 08:00")
    assert runner.sent_to() == ["Per Holm"]
    on = console.send("/action påminnelser 09:15", user="Lisa Berg")
    assert "09:15" in on.headline
    runner.tick("2026-11-27 09:14")
    assert "Lisa Berg" not in runner.sent_to()
    runner.tick("2026-11-27 09:15")
    assert "Lisa Berg" in runner.sent_to()
    bad = console.send("/action reminders 25:00", user="Lisa Berg")
    assert bad.error


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_eight_stays_eight_across_daylight_saving(sqlite_engine: Engine) -> None:
    console = Transcript(sqlite_engine)
    send(
        console,
        "2027-03-01 09:00",
        '/action add Vårplan @"Lisa Berg" senast 2027-04-30',
        '/action add Höstplan @"Lisa Berg" senast 2027-11-30',
    )
    send(console, "2027-03-01 09:00", "/action ändra #1 Vårplan klar", user="Lisa Berg")
    send(console, "2027-03-01 09:00", "/action datum #1 2027-03-30", user="Lisa Berg")
    runner = Runner(sqlite_engine)
    # Thu 25 March 2027 (CET, UTC+1): 08:00 local is 07:00 UTC.
    assert runner.tick(_utc("2027-03-25T06:59")) == []
    assert len(runner.tick(_utc("2027-03-25T07:00"))) == 1
    # Clocks go forward on Sun 28 March (29 March is annandag påsk); Tue 30 March (CEST):
    # 08:00 local is 06:00 UTC.
    assert runner.tick(_utc("2027-03-29T06:00")) == []  # annandag påsk
    assert runner.tick(_utc("2027-03-30T05:59")) == []
    assert len(runner.tick(_utc("2027-03-30T06:00"))) == 1
    # The exact-time jobs are planned at 08:00 local on each side of the change.
    with Session(sqlite_engine) as session:
        instants = wake_up_instants(session, _utc("2027-03-25T07:00"), _utc("2027-03-31T00:00"))
    assert _utc("2027-03-30T06:00") in instants
    assert all(i.astimezone(at("2027-01-01 00:00").tzinfo).hour == 8 for i in instants)
    # October: clocks go back on Sun 31 Oct 2027.
    send(console, "2027-10-20 09:00", "/action datum #2 2027-11-01", user="Lisa Berg")
    assert len(runner.tick(_utc("2027-10-29T06:00"))) == 1  # Fri, CEST
    assert runner.tick(_utc("2027-11-01T06:00")) == []  # Mon, CET: still 07:00 local
    assert len(runner.tick(_utc("2027-11-01T07:00"))) == 1


def test_dm_buttons_are_the_shared_action_buttons() -> None:
    from commands import format as fmt
    from scheduler.morning import EPOCH, open_action_buttons
    from storage.models import Action

    for lang in ("sv", "en"):
        action = Action(
            workspace_id=1, number=42, text="x", status="open", created_at=EPOCH, updated_at=EPOCH
        )
        assert open_action_buttons(42, lang) == fmt.action_buttons(action, lang)
