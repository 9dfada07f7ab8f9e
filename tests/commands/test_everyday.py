"""Issue 14, point 2: commands that never store junk and never hide records.

Everything is driven through the console transcript, as the secretary types it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from commands.pipeline import in_users_words
from commands.reply import ButtonKind, Reply
from storage import actions as action_repo
from storage import backup
from storage.db import transaction
from storage.workspaces import get_or_create_workspace
from tests.conftest import NOW, Transcript

PLAN = "/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset"


def _export(engine: Engine) -> dict[str, Any]:
    with transaction(engine) as session:
        return backup.export_data(session, exported_at=datetime(2026, 11, 23, tzinfo=UTC))


def _workspace(engine: Engine) -> dict[str, Any]:
    ws: dict[str, Any] = _export(engine)["workspaces"][0]
    return ws


def _actions(engine: Engine) -> dict[int, dict[str, Any]]:
    return {a["number"]: a for a in _workspace(engine)["actions"]}


def _numbers(reply: Reply) -> list[int]:
    return [line.action_number for line in reply.lines if line.action_number is not None]


def _press(console: Transcript, reply: Reply, label: str) -> Reply:
    """Click the button with this label: run its command as Slack and Teams do."""
    for line in reply.lines:
        for button in line.buttons:
            if button.label == label:
                assert button.kind == ButtonKind.RUN
                return console.send("/" + button.command)
    raise AssertionError(f"no button {label!r} in {reply.as_text()}")


def _typed_command(reply: Reply, label: str) -> str:
    """The command the console shows next to an option, to type by hand."""
    for line in reply.lines:
        if line.text.startswith(label + ": "):
            return line.text.removeprefix(label + ": ")
    raise AssertionError(f"no option {label!r} in {reply.as_text()}")


# -- lists: a true count and every page reachable ---------------------------------------------


def test_every_action_is_reachable_page_by_page(console_any: Transcript) -> None:
    for n in range(1, 46):
        console_any.send(f"/action add Uppgift {n} @Sekreterare")
    first = console_any.send("/action lista alla")
    assert len(_numbers(first)) == 20
    assert "… och 25 till. Visa fler: /action lista alla sida 2" in first.as_text()
    seen = _numbers(first)
    reply = first
    pages = 1
    while any(b.label == "Visa fler" for line in reply.lines for b in line.buttons):
        reply = _press(console_any, reply, "Visa fler")
        pages += 1
        assert not reply.error
        assert f"(sida {pages})" in reply.headline
        seen += _numbers(reply)
    assert pages == 3
    assert sorted(seen) == list(range(1, 46))
    assert "till" not in reply.lines[-1].text  # the last page promises nothing more
    # Typed by hand, in either language, the pages are the same.
    assert _numbers(console_any.send("/action lista alla sida 2")) == list(range(21, 41))
    assert _numbers(console_any.send("/action list all page 3")) == list(range(41, 46))
    for variant in ("", "mina", "@sekr"):
        page = console_any.send(f"/action lista {variant} sida 2".replace("  ", " "))
        assert _numbers(page) == list(range(21, 41)), page.as_text()
        assert "och 5 till" in page.as_text()
    empty = console_any.send("/action lista alla sida 9")
    assert not empty.error and "Sidan 9 är tom" in empty.as_text()


def test_done_and_cancelled_lists_page_too(console: Transcript) -> None:
    for n in range(1, 24):
        console.send(f"/action add Uppgift {n}")
    console.send("/action klar " + " ".join(f"#{n}" for n in range(1, 23)))
    console.send("/action stryk #23")
    done = console.send("/action lista klara")
    assert len(_numbers(done)) == 20 and "och 2 till" in done.as_text()
    assert _numbers(_press(console, done, "Visa fler")) == [21, 22]
    assert _numbers(console.send("/action lista strukna")) == [23]


def test_the_count_stops_at_500(console: Transcript) -> None:
    with transaction(console.engine) as session:
        ws = get_or_create_workspace(session, platform="console", external_id="console", at=NOW)
        assert ws.id is not None
        for n in range(530):
            action_repo.create_action(
                session,
                workspace_id=ws.id,
                text=f"Import {n}",
                owner_ids=[],
                due_date=None,
                at=NOW,
                created_by_id=None,
            )
    reply = console.send("/action lista alla")
    assert "… och 500+ till. Visa fler: /action lista alla sida 2" in reply.as_text()
    assert "och 10 till" in console.send("/action lista alla sida 26").as_text()


# -- several ids at once ------------------------------------------------------------------------


def test_done_takes_several_ids_and_one_note(console_any: Transcript) -> None:
    for n in range(1, 6):
        console_any.send(f"/action add Uppgift {n}")
    reply = console_any.send("/action klar #1 #2 Klart på mötet")
    assert reply.headline == "Klara: #1, #2"
    reply = console_any.send("/action klar #1, #3")
    assert reply.headline == "Klara: #3" and "Redan klara: #1" in reply.as_text()
    assert console_any.send("/action klar #4 och #5").headline == "Klara: #4, #5"
    actions = _actions(console_any.engine)
    assert all(actions[n]["status"] == "done" for n in range(1, 6))
    assert [n["text"] for n in actions[1]["notes"]] == ["Klart på mötet"]
    assert [n["text"] for n in actions[2]["notes"]] == ["Klart på mötet"]
    assert actions[3]["notes"] == [] and actions[4]["notes"] == []

    reopened = console_any.send("/action öppna 1 2 fel av mig")
    assert reopened.headline == "Öppna igen: #1, #2"
    assert console_any.send("/action reopen #3 and #4", lang="en").headline == "Reopened: #3, #4"
    cancelled = console_any.send("/action stryk #1, #2 och #5 dubbletter")
    assert cancelled.headline == "Strukna: #1, #2, #5"
    actions = _actions(console_any.engine)
    assert [actions[n]["status"] for n in range(1, 6)] == [
        "cancelled",
        "cancelled",
        "open",
        "open",
        "cancelled",
    ]
    assert actions[1]["notes"][-1]["text"] == "dubbletter"
    # A cancelled one is left alone, and the reply says so.
    mixed = console_any.send("/action klar #3 #5")
    assert mixed.headline == "Klara: #3" and "Strukna, inte ändrade: #5" in mixed.as_text()


def test_an_unknown_id_refuses_all_and_stores_nothing(console_any: Transcript) -> None:
    console_any.send("/action add Uppgift 1")
    console_any.send("/action add Uppgift 2")
    before = _workspace(console_any.engine)
    for line, expected in [
        ("/action klar #1 #9 Klart", "Det finns ingen åtgärd #9"),
        ("/action klar #1, #8 och #9", "Det finns inga åtgärder #8, #9"),
        ("/action stryk #2 och #7", "Det finns ingen åtgärd #7"),
        ("/action öppna #7", "Det finns ingen åtgärd #7"),
    ]:
        reply = console_any.send(line)
        assert reply.error and expected in reply.as_text(), reply.as_text()
    assert _workspace(console_any.engine) == before


def test_a_number_after_an_id_is_text_unless_joined(console: Transcript) -> None:
    for n in range(1, 4):
        console.send(f"/action add Uppgift {n}")
    reply = console.send("/action klar #1 3 rapporter inskickade")
    assert reply.headline == "Åtgärd #1 är klar"
    actions = _actions(console.engine)
    assert actions[3]["status"] == "open"
    assert actions[1]["notes"][0]["text"] == "3 rapporter inskickade"


# -- junk never stored --------------------------------------------------------------------------


def test_an_unbalanced_quote_stores_nothing(console_any: Transcript) -> None:
    console_any.send(PLAN)
    before = _workspace(console_any.engine)
    for line in (
        '/action add Ring kommunen @"Helen Andersson senast 15/1',
        '/action add Ring @"Helen Andersson senast fredag @"Per"',
        "/action add Ring @“Helen Andersson fredag",
    ):
        reply = console_any.send(line)
        assert reply.error, reply.as_text()
        assert "citattecken saknar sitt slut" in reply.as_text()
    assert _workspace(console_any.engine) == before


def test_a_backwards_time_span_is_refused(console_any: Transcript) -> None:
    console_any.send("/action lista")
    before = _workspace(console_any.engine)
    for line in (
        "/meeting new KC-möte 2026-12-10 12:00-08:30 Stadshuset",
        "/meeting new KC-möte 2026-12-10 12-8.30 Stadshuset",
        "/meeting series ny KC-möte varje månad 12:00-08:30 Stadshuset",
    ):
        reply = console_any.send(line)
        assert reply.error, reply.as_text()
        assert "sluttiden måste vara efter starttiden" in reply.as_text()
    assert _workspace(console_any.engine)["meetings"] == before["meetings"]
    assert _workspace(console_any.engine)["series"] == before["series"]
    ok = console_any.send(PLAN)
    assert not ok.error and ok.headline.endswith("08:30–12:00, Stadshuset")


# -- names as people type them ------------------------------------------------------------------


def test_names_match_without_accents_or_case(console_any: Transcript) -> None:
    console_any.send('/action add Ring kommunen @"Helén Sundström Hetta"')
    console_any.send('/action add Boka rum @"Åke Öberg"')
    for line in ("/action add Mejla @Helen", "/action add Skriv @helen", "/action add Läs @HELÉN"):
        reply = console_any.send(line)
        assert "ansvarig: Helén Sundström Hetta" in reply.as_text(), reply.as_text()
    assert "ansvarig: Åke Öberg" in console_any.text("/action add Ring @ake")
    assert "ansvarig: Åke Öberg" in console_any.text("/action add Ring @oberg")
    names = {p["display_name"] for p in _workspace(console_any.engine)["people"]}
    assert "Helén Sundström Hetta" in names and "Helen" not in names


def test_the_english_keyboard_fallback_never_guesses_between_two(console: Transcript) -> None:
    console.send('/action add Ring @"Åke Berg"')
    console.send('/action add Ring @"Ake Lind"')
    # "ake" is Ake exactly; Åke is only the fallback.
    assert "ansvarig: Ake Lind" in console.text("/action add Mejla @ake")
    console.send('/action add Ring @"Åsa Holm"')
    console.send('/action add Ring @"Asa Björk" --ja')
    reply = console.send("/action add Mejla @åsa")
    assert "ansvarig: Åsa Holm" in reply.as_text()


# -- confirmations ------------------------------------------------------------------------------


def test_a_look_alike_new_person_is_asked_about(console_any: Transcript) -> None:
    console_any.send('/action add Ring kommunen @"Helén Sundström Hetta"')
    before = _workspace(console_any.engine)
    question = console_any.send('/action add Skicka protokollet @"Helen Sundström Hetta" fredag')
    assert not question.error
    assert question.headline.startswith("Menade du Helén Sundström Hetta?")
    assert _workspace(console_any.engine) == before  # nothing stored
    use = _typed_command(question, "Använd Helén Sundström Hetta")
    assert use == '/action add Skicka protokollet @"Helén Sundström Hetta" fredag'
    new = _typed_command(question, "Lägg till ny person ”Helen Sundström Hetta”")
    assert new == '/action add Skicka protokollet @"Helen Sundström Hetta" fredag --ja'

    used = _press(console_any, question, "Använd Helén Sundström Hetta")
    assert "ansvarig: Helén Sundström Hetta" in used.as_text()
    created = _press(console_any, question, "Lägg till ny person ”Helen Sundström Hetta”")
    assert "#3 Skicka protokollet — ansvarig: Helen Sundström Hetta" in created.as_text()
    # Typing the shown command does the same as the button.
    typed = console_any.send(new)
    assert "#4 Skicka protokollet — ansvarig: Helen Sundström Hetta" in typed.as_text()
    actions = _actions(console_any.engine)
    assert [o["name"] for o in actions[2]["owners"]] == ["Helén Sundström Hetta"]
    assert [o["name"] for o in actions[3]["owners"]] == ["Helen Sundström Hetta"]
    assert actions[3]["text"] == "Skicka protokollet"  # the marker is never stored
    assert actions[3]["due_date"] == actions[2]["due_date"]
    people = [p["display_name"] for p in _workspace(console_any.engine)["people"]]
    assert people.count("Helen Sundström Hetta") == 1  # the second run found the new one


def test_a_series_name_typed_almost_right_is_asked_about(console_any: Transcript) -> None:
    console_any.send(PLAN)
    before = _workspace(console_any.engine)
    for typo in ("KC möte", "kc-mote", "KC-mötet"):
        question = console_any.send(f"/meeting new {typo} 2027-01-14")
        assert not question.error
        assert question.headline.startswith("Menade du KC-möte?"), question.as_text()
    assert _workspace(console_any.engine) == before
    use = _typed_command(question, "Använd KC-möte")
    assert use == "/meeting new KC-möte 2027-01-14"
    planned = _press(console_any, question, "Använd KC-möte")
    assert planned.headline.startswith("Möte planerat: KC-möte tors 14 jan 2027 08:30–12:00")
    new = console_any.send("/meeting new KC möte 2027-01-21 --ja")
    assert new.headline.startswith("Möte planerat: KC möte tors 21 jan 2027")
    names = sorted(s["name"] for s in _workspace(console_any.engine)["series"])
    assert names == ["KC möte", "KC-möte"]
    assert not console_any.send("/meeting new URR 2027-02-01").error  # unlike any: no question


def test_a_meeting_started_hours_off_its_time_is_asked_about(console_any: Transcript) -> None:
    console_any.send(PLAN)
    before = _workspace(console_any.engine)
    question = console_any.send("/meeting start")
    assert not question.error
    assert "Starta det ändå?" in question.headline
    assert _typed_command(question, "Starta nu") == "/meeting start --ja"
    assert _workspace(console_any.engine) == before
    started = _press(console_any, question, "Starta nu")
    assert started.headline.startswith("Mötet har börjat")
    assert _workspace(console_any.engine)["meetings"][0]["status"] == "running"


def test_a_meeting_started_on_time_just_starts(console: Transcript) -> None:
    console.send(PLAN)
    console.now = datetime(2026, 12, 10, 8, 20, tzinfo=NOW.tzinfo)
    assert console.send("/meeting start").headline.startswith("Mötet har börjat")
    console.send("/meeting end")
    console.send("/meeting new KC-möte 2026-12-17 08:30-12:00")
    console.now += timedelta(days=7, hours=4)  # 12:20 on the 17th: its planned end has passed
    late = console.send("/meeting start", lang="en")
    assert "its time has already passed. Start it anyway?" in late.headline
    assert _typed_command(late, "Start now") == "/meeting start --yes"
    assert console.send("/meeting start --yes", lang="en").headline.startswith("The meeting")


# -- where a decision goes ----------------------------------------------------------------------


def test_a_decision_without_a_running_meeting_says_where_it_went(console_any: Transcript) -> None:
    console_any.send(PLAN)
    loose = console_any.send("/decision add Kommunchefsgruppen beslutar att ses oftare")
    assert "beslutet hör inte till något möte" in loose.as_text()
    console_any.now = datetime(2026, 12, 10, 8, 30, tzinfo=NOW.tzinfo)
    console_any.send("/meeting start")
    console_any.send("/meeting end")
    after = console_any.send("/decision add Kommunchefsgruppen beslutar att godkänna rapporten")
    assert (
        "Inget möte pågår: beslutet hör till dagens möte, KC-möte tors 10 dec 2026 08:30–12:00"
        in after.as_text()
    )
    ws = _workspace(console_any.engine)
    meeting_id = ws["meetings"][0]["id"]
    assert [d["meeting_id"] for d in ws["decisions"]] == [None, meeting_id]


# -- the history of an action -------------------------------------------------------------------


def test_show_tells_the_whole_history(console_any: Transcript) -> None:
    console_any.send('/action add Ring Anna @"Anna Berg" senast 2026-12-01')
    console_any.now = NOW + timedelta(days=1, hours=2)
    console_any.send("/action datum #1 2026-12-15", user="Lisa")
    console_any.send('/action tilldela #1 @"Per Ek"')
    console_any.now = NOW + timedelta(days=2)
    console_any.send("/action ändra #1 Ring Anna om budgeten")
    console_any.send("/action notera #1 Remissen är ute", user="Per Ek")
    console_any.send("/action klar #1 Klart i tid")
    shown = console_any.text("/action visa #1")
    expected = [
        "mån 23 nov 2026 09:00 Sekreterare: registrerade den (Anna Berg, senast tis 1 dec 2026)",
        "tis 24 nov 2026 11:00 Lisa: ändrade slutdatum från senast tis 1 dec 2026 "
        "till senast tis 15 dec 2026",
        "tis 24 nov 2026 11:00 Sekreterare: ändrade ansvarig från Anna Berg till Per Ek",
        "ons 25 nov 2026 09:00 Sekreterare: ändrade texten från ”Ring Anna” "
        "till ”Ring Anna om budgeten”",
        "ons 25 nov 2026 09:00 Per Ek: anteckning 2026-11-25: Remissen är ute",
        "ons 25 nov 2026 09:00 Sekreterare: anteckning 2026-11-25: Klart i tid",
        "ons 25 nov 2026 09:00 Sekreterare: markerade den klar",
    ]
    lines = [line.strip() for line in shown.splitlines()]
    history = lines[lines.index("Historik:") + 1 :]
    assert history == expected


def test_change_says_which_field_as_people_say_it(console: Transcript) -> None:
    """Saying the field ("ändra #1 datum …", "… ansvarig @…") changes it; the text stays."""
    console.send('/åtgärd ny Skicka kallelse @"Anna Berg" senast 2026-12-10')

    moved = console.send("/åtgärd ändra #1 datum 2026-12-17")
    assert not moved.error and "#1" in moved.headline
    assert console.send('/åtgärd ändra #1 ansvarig @"Per Ek"').lines
    refused = console.send("/åtgärd ändra #1 datum 31 februari")
    assert refused.error and "31 februari" in refused.as_text()
    action = _actions(console.engine)[1]
    assert action["text"] == "Skicka kallelse"
    assert action["due_date"] == "2026-12-17"
    assert [o["name"] for o in action["owners"]] == ["Per Ek"]

    # A text that only starts with such a word is a text; "text …" says so outright.
    console.send("/åtgärd ändra #1 Datum för nästa möte bestäms")
    assert _actions(console.engine)[1]["text"] == "Datum för nästa möte bestäms"
    console.send("/åtgärd ändra #1 text Skicka kallelse och handlingar")
    assert _actions(console.engine)[1]["text"] == "Skicka kallelse och handlingar"
    assert _actions(console.engine)[1]["due_date"] == "2026-12-17"
    assert "Historik:" in console.text("/åtgärd historik #1")


# -- the export shows what the replies said -----------------------------------------------------


def test_the_export_matches_the_replies(console_any: Transcript) -> None:
    console_any.now = datetime(2026, 12, 10, 8, 25, tzinfo=NOW.tzinfo)
    replies = [
        console_any.send(line)
        for line in (
            PLAN,
            "/meeting start",
            '/action add Ta fram underlag @"Helén Sundström Hetta" senast 2026-12-18',
            "/action add Boka lokal @helen",
            "/action add Mejla ut protokollet @Helen",
            "/action klar #2 #3 Gjort",
        )
    ]
    assert not any(r.error for r in replies), [r.as_text() for r in replies]
    actions = _actions(console_any.engine)
    for reply in replies[2:5]:
        number = int(re.search(r"#(\d+)", reply.headline).group(1))  # type: ignore[union-attr]
        action = actions[number]
        assert f"#{number} {action['text']} — ansvarig: {action['owners'][0]['name']}" in (
            reply.as_text()
        )
    assert actions[1]["due_date"] == "2026-12-18"
    assert [actions[n]["status"] for n in (1, 2, 3)] == ["open", "done", "done"]
    assert replies[5].headline == "Klara: #2, #3"
    people = [p["display_name"] for p in _workspace(console_any.engine)["people"]]
    assert sorted(people) == ["Helén Sundström Hetta", "Sekreterare"]


def test_ids_as_people_write_them(console: Transcript) -> None:
    for n in range(1, 5):
        console.send(f"/action add Uppgift {n}")
    assert console.send("/action klar # 1 och #2.").headline == "Klara: #1, #2"
    assert console.send("/action klar #3#4 Klart.").headline == "Klara: #3, #4"
    actions = _actions(console.engine)
    assert actions[1]["notes"] == [] and actions[2]["notes"] == []
    assert actions[4]["notes"][0]["text"] == "Klart."


# -- the way a Swedish secretary says it -----------------------------------------------------


def test_lagg_till_adds_the_text_after_it(console: Transcript) -> None:
    console.send(PLAN)
    reply = console.send('/åtgärd lägg till Boka lokal @"Anna Berg" senast 2026-12-04')
    assert not reply.error
    assert _actions(console.engine)[1]["text"] == "Boka lokal"
    decided = console.send("/beslut lägg till KC ställer sig bakom förslaget")
    assert not decided.error
    assert [d["text"] for d in _workspace(console.engine)["decisions"]] == [
        "KC ställer sig bakom förslaget"
    ]
    # Without å and ä, as on a keyboard in a hurry (and as Slack spells its commands).
    listed = console.send("/atgard lista")
    assert not listed.error and "Boka lokal" in listed.as_text()
    # A text that happens to begin with "till" after a one-word "ny" keeps it.
    console.send("/åtgärd ny till Anna: svara Region Västerbotten")
    assert _actions(console.engine)[2]["text"] == "till Anna: svara Region Västerbotten"


def test_an_unknown_command_names_the_swedish_ones(console: Transcript) -> None:
    reply = console.send("/åtgard lista")
    assert reply.error
    assert "/åtgärd" in reply.as_text() and "/beslut" in reply.as_text()
    assert "/action" not in reply.as_text()


def test_a_hint_names_the_commands_the_way_the_user_types_them(console: Transcript) -> None:
    hint = console.send("/åtgärd lägg").as_text()
    assert "/åtgärd ny Ring Anna" in hint and "/action" not in hint
    assert "/möte ny KC-möte" in console.send("/dagordning lägg till Budget 2027").as_text()
    # Slack knows only its registered commands: /beslut is one, /åtgärd is not.
    slack = in_users_words(
        Reply("Skriv /decision rätta B3 eller /action ny …", error=True), "slack"
    )
    assert slack.headline == "Skriv /beslut rätta B3 eller /action ny …"
    english = Reply("Write /action new …", error=True, lang="en")
    assert in_users_words(english, "console") == english


def test_a_text_longer_than_its_column_is_refused_and_nothing_changes(console: Transcript) -> None:
    """A pasted wall of text gets a short answer in Swedish, not a database error."""
    console.send('/åtgärd ny Skicka kallelse @"Anna Berg" senast 2026-12-10')
    wall = "Bakgrund " * 500  # 4,500 characters; the column holds 4,000

    refused = console.send(f'/åtgärd ny {wall}@"Anna Berg"')
    assert refused.error and "högst 4000 tecken" in refused.as_text()
    edited = console.send(f"/åtgärd ändra #1 {wall}")
    assert edited.error and "högst 4000 tecken" in edited.as_text()
    long_name = "Anna " + "Berg-" * 50  # a name of 255 characters; names hold 200
    named = console.send(f'/åtgärd ny Ring kommunerna @"{long_name}"')
    assert named.error and "högst 200 tecken" in named.as_text()
    assert [a["text"] for a in _actions(console.engine).values()] == ["Skicka kallelse"]


def test_a_meeting_is_named_by_its_day_as_people_say_it(console: Transcript) -> None:
    """ "/dagordning visa 14 januari" shows that meeting's agenda, not the next one's."""
    console.send(PLAN)
    console.send("/meeting new KC-möte 2027-01-14 08:30-12:00 Stadshuset")
    console.send("/dagordning ny Budget 2027")  # for the next meeting, 10 December

    january = console.send("/dagordning visa 14 januari")
    assert "14 jan 2027" in january.headline and "Budget" not in january.as_text()
    assert "10 dec 2026" in console.send("/möte visa 10 december").headline
    minutes = console.send("/möte protokoll 10 december")
    assert not minutes.error and "10 dec 2026" in minutes.headline

    missing = console.send("/dagordning visa 3 mars")
    assert missing.error
    assert "3 mars 2027" in missing.headline and "14 jan 2027" in missing.headline
    impossible = console.send("/möte visa 31 februari")
    assert impossible.error and "31 februari" in impossible.headline
    # Without a date, or with words that are no date, the next meeting as before.
    for text in ("/dagordning visa", "/dagordning visa KC-möte"):
        assert "Budget 2027" in console.text(text)


def test_half_remembered_commands_are_understood_or_corrected(console: Transcript) -> None:
    """ "/åtgärd mina" lists mine, as "/åtgärd lista mina" does; "/åtgräd" is named right."""
    console.send('/åtgärd ny Skicka underlag @"Lisa Andersson" senast 2026-12-10')
    console.send("/åtgärd ny Boka lokal @mig senast 2026-12-10")

    mine = console.send("/åtgärd mina")
    assert mine.headline == console.send("/åtgärd lista mina").headline
    assert _numbers(mine) == [2]
    assert _numbers(console.send("/åtgärd alla")) == [1, 2]
    # A subcommand's own word still wins: "öppna" reopens, it does not list.
    assert "redan öppen" in console.send("/åtgärd öppna 1").headline

    typo = console.send("/åtgräd lista")
    assert typo.error and "Menade du ”/åtgärd”?" in typo.headline
    assert "Menade du" not in console.send("/xyz").headline


def test_a_sentence_without_ny_is_offered_not_stored(console: Transcript) -> None:
    """ "/beslut KC godkänner budgeten" offers "/beslut ny …" as a button; nothing is kept."""
    offer = console.send("/beslut KC godkänner budgeten")
    assert [b.command for line in offer.lines for b in line.buttons] == [
        "beslut ny KC godkänner budgeten"
    ]
    assert all(not ws["decisions"] for ws in _export(console.engine)["workspaces"])
    assert "B1" in _press(console, offer, "Registrera som ny").headline

    # A first word close to a subcommand offers that too, first.
    both = console.send("/åtgärd klr 1 och 2")
    commands = [b.command for line in both.lines for b in line.buttons]
    assert commands == ["åtgärd klar 1 och 2", "åtgärd ny klr 1 och 2"]
    assert _workspace(console.engine)["actions"] == []


def test_a_meeting_time_is_said_as_kl_9(console: Transcript) -> None:
    """ "kl 9" and "klockan 13.30" are the start, not the place; "i Stadshuset" is the place."""
    plain = console.send("/möte ny KC-möte 10 december kl 9")
    assert not plain.error and plain.headline == "Möte planerat: KC-möte tors 10 dec 2026 09:00"

    console.send("/möte ny Ledningsgrupp 14 januari 08:30-12:00")
    said = console.send("/möte ny Ledningsgrupp 11 februari klockan 13.30 i Stadshuset")
    # The series' meetings last 3½ hours, so this one does too.
    assert said.headline.endswith("tors 11 feb 2027 13:30–17:00, Stadshuset")

    # "flytta 10 december …" names the meeting of that day (not meeting id 10).
    moved = console.send("/möte flytta 10 december kl 10")
    assert not moved.error and "tors 10 dec 2026 10:00" in moved.headline
    moved = console.send("/möte flytta 14 januari 15 januari kl. 9")
    assert "fre 15 jan 2027 09:00–12:30" in moved.headline

    before = _export(console.engine)["workspaces"]
    wrong = console.send("/möte ny KC-möte 11 mars kl 25")
    assert wrong.error and wrong.headline.startswith("”kl 25” är inget klockslag.")
    assert _export(console.engine)["workspaces"] == before


def test_a_meeting_that_starts_late_keeps_its_agenda(console: Transcript) -> None:
    """At 09:20 the 09:00 meeting nobody has started is still "the next meeting"; while it
    runs, /dagordning shows its agenda and says what waits for the next one."""
    console.send("/möte ny KC-möte 2026-11-23 09:00-12:00 Stadshuset")
    console.send("/möte ny KC-möte 2027-01-14 09:00-12:00")
    # Once its planned end has passed, an unstarted meeting is no longer the next one.
    console.now = NOW + timedelta(hours=4)
    assert "14 jan 2027" in console.send("/dagordning ny Skolfrågor").headline
    console.now = NOW + timedelta(minutes=20)
    added = console.send('/dagordning ny Ekonomi – rapport @"Lisa Andersson"')
    assert "tors 14 jan" not in added.headline and "23 nov 2026" in added.headline
    console.send("/möte starta")
    assert console.send("/möte punkt 1").headline == "Nu: punkt 1 Ekonomi – rapport"

    console.send("/dagordning ny Budget 2027")
    running = console.send("/dagordning lista")
    assert "23 nov 2026" in running.headline
    assert [line.text for line in running.lines] == [
        "1 Ekonomi – rapport (föredragande: Lisa Andersson) ← nu",
        "Föreslaget till KC-möte tors 14 jan 2027 09:00–12:00, Stadshuset: 2 punkter."
        " /dagordning visa 14 januari 2027",
    ]
    assert "Budget 2027" in console.text("/dagordning visa 14 januari 2027")


def test_till_nasta_mote_without_a_next_meeting_offers_no_date(console: Transcript) -> None:
    """In the year's last meeting, "till nästa möte" has no date: one press keeps the action
    without one; nothing is stored unasked."""
    console.send(PLAN)
    console.now = datetime(2026, 12, 10, 8, 35, tzinfo=NOW.tzinfo)
    console.send("/möte starta")
    offer = console.send('/åtgärd ny Ta fram prognos @"Lisa Andersson" till nästa möte')
    assert offer.headline.startswith("Inget kommande möte är planerat i den här kanalen")
    assert _workspace(console.engine)["actions"] == []
    kept = _press(console, offer, "Registrera utan slutdatum")
    assert kept.lines[0].text == "#1 Ta fram prognos — ansvarig: Lisa Andersson — inget slutdatum"


def test_commands_in_the_order_people_say_them(console: Transcript) -> None:
    """ "/åtgärd 1 klar", "ta bort 3", "ändra datum 3 …", "lista Per", "/beslut ändra B1 …"."""
    for n in (1, 2, 3):
        console.send(f'/åtgärd ny Uppgift {n} @"Per Ek" senast 2026-12-04')
    assert console.send("/åtgärd 1 klar").headline == "Åtgärd #1 är klar"
    assert console.send("/åtgärd #2 klar bra jobbat").headline == "Åtgärd #2 är klar"
    assert _actions(console.engine)[2]["notes"][0]["text"] == "bra jobbat"
    assert console.send("/åtgärd ta bort 3").headline == "Åtgärd #3 struken"
    console.send("/åtgärd öppna 3")
    assert console.send("/åtgärd 3 radera").headline == "Åtgärd #3 struken"
    console.send("/åtgärd öppna 3")
    moved = console.send("/åtgärd ändra datum 3 15 januari")
    assert "senast fre 15 jan 2027" in moved.lines[0].text
    assert console.send("/åtgärd 3").headline == "Åtgärd #3"
    assert _numbers(console.send("/åtgärd lista Per")) == [3]
    assert console.send("/åtgärd lista Pelle").error

    console.send("/beslut ny Budgeten antas")
    assert console.send("/beslut ändra B1 Budgeten antas med ändringar").headline.startswith(
        "B2 ersätter B1."
    )
    before = _workspace(console.engine)["decisions"]
    refused = console.send("/beslut ta bort B2")
    assert refused.error and "/beslut rätta B2 <ny text>" in refused.headline
    assert _workspace(console.engine)["decisions"] == before


def test_owners_and_dates_written_without_the_syntax(console: Transcript) -> None:
    """ "ansvarig: Per Ek", "@Per Ek" without quotes, "till 15/12" and "innan 15/12" are read
    as people mean them; an unknown name or a sentence about "ansvarig" stays text."""
    console.send('/åtgärd ny Start @"Per Ek" @"Anna Berg"')
    cases = {
        "Boka lokal ansvarig Per senast 4/12": ("Boka lokal", ["Per Ek"], "2026-12-04"),
        "Boka buss, ansvarig: Per Ek, klart till 15/12": ("Boka buss", ["Per Ek"], "2026-12-15"),
        "Ring Umeå @Per Ek @Anna Berg innan 15/12": (
            "Ring Umeå",
            ["Per Ek", "Anna Berg"],
            "2026-12-15",
        ),
        "Utse ansvarig Anna för budgeten": ("Utse ansvarig Anna för budgeten", [], None),
        "Ring @Per Ekonomi": ("Ring Ekonomi", ["Per Ek"], None),
        "Gör klart senast 4/12": ("Gör klart", [], "2026-12-04"),
    }
    for number, (line, (text, owners, due)) in enumerate(cases.items(), start=2):
        reply = console.send(f"/åtgärd ny {line}")
        assert not reply.error, reply.as_text()
        stored = _actions(console.engine)[number]
        assert (stored["text"], stored["due_date"]) == (text, due), line
        assert [o["name"] for o in stored["owners"]] == owners, line


def test_meeting_roles_take_names_as_typed(console: Transcript) -> None:
    """ "/möte ordförande Anna Berg" and "beslutande Anna (Umeå), Per Ek och mig" without @."""
    console.send(PLAN)
    console.send('/möte deltagare @"Anna Berg" @"Per Ek" @"Per Holm"')
    assert console.send("/möte ordförande Anna Berg").headline.startswith("Ordförande: Anna Berg")
    voting = console.send("/möte beslutande Anna (Umeå, ordförande), Per Ek (Robertsfors) och mig")
    assert voting.headline.startswith("Beslutande: Anna Berg, Per Ek, Sekreterare")
    before = _export(console.engine)["workspaces"]
    ambiguous = console.send("/möte justerare Per")
    assert ambiguous.error and "Per Ek, Per Holm" in ambiguous.headline
    unknown = console.send("/möte frånvarande Pelle (Umeå)")
    assert unknown.error and "”Pelle”" in unknown.headline
    assert _export(console.engine)["workspaces"] == before


def test_a_series_says_which_meetings_fall_on_a_holiday(console: Transcript) -> None:
    """ "sista fredagen varje månad" lands on juldagen 2026: the reply says so, with the
    commands to move or cancel it; "första måndagen i månaden" is understood."""
    created = console.send("/möte serie ny Styrgrupp sista fredagen varje månad 9-11")
    notes = [line.text for line in created.lines if line.text.startswith("Obs!")]
    assert notes[0] == (
        "Obs! fre 25 dec 2026 är juldagen. Flytta mötet (/möte flytta 25 december 2026"
        " <nytt datum>) eller ställ in det (/möte ställin 25 december 2026)."
    )
    assert "inställt" in console.send("/möte ställin 25 december 2026").headline
    first = console.send("/möte serie ny Ledning första måndagen i månaden 10-12")
    assert not first.error and "varje månad, första måndagen" in first.headline


def test_the_secretary_goes_through_the_agenda_item_by_item(console: Transcript) -> None:
    """A meeting planned for 13–17 and set up at 15:45 is the one running now: items go to it
    and it starts without a question. "/dagordning" alone shows the agenda (the current item
    marked); "/dagordning nästa", "/möte nästa punkt" and "/möte punkt nästa" go on."""
    console.now = datetime(2026, 12, 3, 15, 45, tzinfo=NOW.tzinfo)
    console.send("/möte ny KC-möte 3 december kl 13-17 i Stadshuset")
    for title in ("Budget 2027", "Regional utvecklingsstrategi", "Övriga frågor"):
        assert "tors 3 dec 2026 13:00–17:00" in console.send(f"/dagordning ny {title}").headline
    assert console.send("/möte nästa").headline.startswith("Nästa möte: KC-möte tors 3 dec 2026")
    assert console.send("/möte starta").headline.startswith("Mötet har börjat")
    first = console.send("/dagordning nästa")
    assert first.headline == "Nu: punkt 1 Budget 2027"
    assert [line.text for line in first.lines] == ["Därefter: punkt 2 Regional utvecklingsstrategi"]
    assert console.send("/åtgärd ny Ta fram underlag senast 15 januari").headline.startswith(
        "Åtgärd #1"
    )
    assert console.send("/möte nästa punkt").headline == "Nu: punkt 2 Regional utvecklingsstrategi"
    agenda = console.send("/dagordning")
    assert [line.text for line in agenda.lines][:3] == [
        "1 Budget 2027",
        "2 Regional utvecklingsstrategi ← nu",
        "3 Övriga frågor",
    ]
    assert console.send("/möte punkt nästa").headline == "Nu: punkt 3 Övriga frågor"
    last = console.send("/dagordning nästa")
    assert last.error
    assert last.headline == "Punkt 3 Övriga frågor är den sista. Avsluta mötet med /möte avsluta."
    assert _workspace(console.engine)["meetings"][0]["current_item_id"] is not None
    console.send("/möte avsluta")
    assert console.send("/möte punkt nästa").headline.startswith("Inget möte pågår")


def test_ansvarig_names_an_owner_nobody_has_yet(console: Transcript) -> None:
    """ "ansvarig: Anna Berg" for someone the bot has never met makes her the owner (as
    @"Anna Berg" does), instead of keeping the words in the text and saying "ej angivet"."""
    added = console.send("/åtgärd ny Ta fram underlag, ansvarig: Anna Berg, klart 15 jan")
    assert added.lines[0].text.startswith("#1 Ta fram underlag — ansvarig: Anna Berg — senast")
    again = console.send("/åtgärd ny Boka buss, ansvarig: Anna, senast 20 jan")
    assert "#2 Boka buss — ansvarig: Anna Berg" in again.as_text()
    before = _workspace(console.engine)
    unknown = console.send("/åtgärd ny Ring regionen, ansvarig: Per, senast 20 jan")
    assert unknown.error and unknown.headline.startswith("Jag hittar ingen som heter ”Per”")
    assert _workspace(console.engine) == before
    text = console.send("/åtgärd ny Utse ansvarig för skolfrågan senast 20 jan").as_text()
    assert "#3 Utse ansvarig för skolfrågan — ansvarig: ej angivet" in text


def test_owners_changed_by_name_without_at(console: Transcript) -> None:
    """ "ändra 1 ansvarig Lisa Ek" and "tilldela 1 Per Holm och Lisa" change the owners (the
    first one used to become the action's new text); an unknown name changes nothing."""
    console.send('/åtgärd ny Sammanställ remissvar @"Lisa Ek" @"Per Holm" senast 20 januari')
    console.send("/åtgärd ny Boka lokal senast 20 januari")
    changed = console.send("/åtgärd ändra 2 ansvarig Lisa Ek")
    assert changed.headline == "Ny ansvarig för #2"
    assert _actions(console.engine)[2]["text"] == "Boka lokal"
    both = console.send("/åtgärd tilldela 2 Per Holm och Lisa")
    assert "#2 Boka lokal — ansvariga: Per Holm, Lisa Ek" in both.as_text()
    before = _workspace(console.engine)
    unknown = console.send("/åtgärd ändra 2 ansvarig Kalle Anka")
    assert unknown.headline.startswith("Kalle Anka finns inte här än.")
    assert _workspace(console.engine) == before
    nobody = console.send("/åtgärd ändra 2 ansvarig Kalle")
    assert nobody.error and "Kalle" in nobody.headline
    assert _workspace(console.engine) == before
    text = console.send("/åtgärd ändra 2 ansvarig kommun utses senare")
    assert _actions(console.engine)[2]["text"] == "ansvarig kommun utses senare"
    assert not text.error


def test_actions_are_found_by_their_words(console_any: Transcript) -> None:
    """ "/åtgärd sök budget" finds "Skicka budgeten …", done ones too, best match first."""
    console_any.send(
        '/åtgärd ny Skicka budgeten till kommunstyrelserna @"Per Holm" senast 20 januari'
    )
    console_any.send("/åtgärd ny Boka lokal senast 20 januari")
    console_any.send("/åtgärd ny Budget och prognos: stäm av budget med ekonomerna")
    console_any.send("/åtgärd klar 1")
    found = console_any.send("/åtgärd sök budget")
    assert found.headline == "Åtgärder som innehåller ”budget” (bäst träff först)"
    assert sorted(_numbers(found)) == [1, 3]
    assert "✅ klar" in found.as_text()
    assert console_any.send("/åtgärd sok lokal").lines[0].text.startswith("#2 Boka lokal")
    none = console_any.send("/åtgärd sök kompetensförsörjning")
    assert not none.error and none.headline == "Inga åtgärder innehåller ”kompetensförsörjning”."
    usage = console_any.send("/åtgärd sök")
    assert usage.error and usage.headline == "Skriv vad du söker, t.ex. /åtgärd sök remiss"


def test_at_first_and_last_name_of_someone_new_asks_before_adding(console: Transcript) -> None:
    """ "@Lisa Ek" when nobody is called Lisa used to say "Jag hittar ingen som heter Lisa"
    and keep "Ek" in the text; now it asks whether Lisa Ek is someone new, and the button
    (or "--ja") adds her."""
    console.send("/åtgärd lista")  # the workspace exists, as after any first command
    before = _workspace(console.engine)
    asked = console.send("/åtgärd lägg till Skicka kallelse @Lisa Ek till 15/12")
    assert (
        asked.headline
        == "Ingen heter ”Lisa” här ännu. Menar du en ny person, Lisa Ek? Inget sparades."
    )
    assert _workspace(console.engine) == before
    added = _press(console, asked, "Lägg till ny person ”Lisa Ek”")
    assert added.lines[0].text.startswith(
        "#1 Skicka kallelse — ansvarig: Lisa Ek — senast tis 15 dec"
    )
    # Now that she exists, "@Lisa" is her and "@Lisa Ek, …" is her whole name.
    console.send("/åtgärd ny Boka rum @Lisa senast fredag")
    typed = console.send("/åtgärd ny Ring Per @Per Holm, senast fredag --ja")
    assert typed.lines[0].text.startswith("#3 Ring Per — ansvarig: Per Holm — senast")
    assert "ansvarig: Lisa Ek" in console.send("/åtgärd visa 2").as_text()


def test_listing_someone_unknown_or_a_mistyped_filter_says_which(console: Transcript) -> None:
    """ "lista Kalle" and "lista förenade" answered with the list command's usage, which
    named neither the person nor the filter meant."""
    console.send('/åtgärd ny Boka lokal @"Lisa Ek" senast 20 januari')
    console.send("/åtgärd klar 1")
    unknown = console.send("/åtgärd lista Kalle")
    assert unknown.error
    assert unknown.headline == (
        "Jag hittar ingen som heter ”Kalle”. /åtgärd lista alla visar allas öppna åtgärder."
    )
    typo = console.send("/åtgärd lista förenade")
    assert typo.headline.startswith("Menade du ”försenade”?")
    assert _press(console, typo, "lista försenade").headline == "Försenade åtgärder"
    done = console.send("/åtgärd lista klar")
    assert _numbers(done) == [1]


def test_29_february_in_a_common_year_is_answered_with_what_to_write(console: Transcript) -> None:
    """ "datum 29 februari" in December 2026 set the date to 29 February 2028 without a word."""
    console.send("/åtgärd ny Boka lokal senast 20 januari")
    before = _workspace(console.engine)
    refused = console.send("/åtgärd ändra 1 datum 29 februari")
    assert refused.error
    assert refused.headline == (
        "Februari 2027 har ingen 29:e. Skriv 28 februari, 1 mars eller 29 februari 2028."
        " Ingenting sparades."
    )
    assert _workspace(console.engine) == before


def test_yesterday_is_a_passed_date_and_nu_is_ny_mistyped(console: Transcript) -> None:
    """ "senast igår" was kept as words of the text, with no due date; "/åtgärd nu …" (u
    beside y) offered only to log "nu …" as the text."""
    console.send("/åtgärd lista")
    before = _workspace(console.engine)
    late = console.send('/åtgärd ny Skriv PM @"Anna Berg" senast igår')
    assert late.error and late.headline.startswith("Slutdatumet sön 22 nov 2026 har redan passerat")
    assert _workspace(console.engine) == before
    typo = console.send("/åtgärd nu Skriv PM senast fredag")
    assert _typed_command(typo, "Menade du ”ny”") == "/åtgärd ny Skriv PM senast fredag"
    assert _workspace(console.engine) == before
    added = _press(console, typo, "Menade du ”ny”")
    assert added.lines[0].text.startswith("#1 Skriv PM — ansvarig: ej angivet — senast fre 27 nov")


def test_participants_nobody_has_met_are_added_after_one_question(console: Transcript) -> None:
    """Setting up a first meeting, "/möte deltagare Anna Berg (Umeå), Per Holm (Vännäs)"
    answered "Jag hittar ingen som heter Anna Berg" and wanted @"…" around every name."""
    console.send(PLAN)
    before = _workspace(console.engine)
    asked = console.send("/möte deltagare Anna Berg (Umeå), Per Holm (Vännäs) och Lisa Ek")
    assert asked.headline == (
        "Anna Berg, Per Holm och Lisa Ek finns inte här än. Lägga till dem som nya personer"
        " (utan konto)? Inget sparades."
    )
    assert _workspace(console.engine) == before
    label = "Lägg till Anna Berg, Per Holm och Lisa Ek"
    assert _typed_command(asked, label) == (
        '/möte deltagare @"Anna Berg" (Umeå), @"Per Holm" (Vännäs) och @"Lisa Ek"'
    )
    _press(console, asked, label)
    shown = console.send("/möte deltagare").as_text()
    assert "Deltagare: Anna Berg, Umeå; Lisa Ek; Per Holm, Vännäs" in shown
    # Known now: first names are enough.
    assert "ansvarig: Anna Berg" in console.send("/åtgärd ny Ta fram underlag @Anna").as_text()


def test_the_secretary_lists_the_coming_meetings(console: Transcript) -> None:
    """ "/möte lista" answered "Jag känner inte igen lista"; it lists what is coming, the
    running meeting first, and says how to plan one when nothing is."""
    empty = console.send("/möte lista")
    assert empty.headline == "Inget kommande möte är planerat i den här kanalen."
    assert empty.lines[0].text == "Planera ett: /möte ny KC-möte torsdag 08:30-12:00"
    console.send("/möte serie ny KC-möte varannan vecka torsdag 08:30-12:00")
    listed = console.send("/möte lista")
    assert listed.headline == "Kommande möten här"
    titles = [line.text for line in listed.lines]
    assert titles[:2] == [
        "KC-möte tors 26 nov 2026 08:30–12:00",
        "KC-möte tors 10 dec 2026 08:30–12:00",
    ]
    assert titles[-1].startswith("… och ") and len(titles) == 13
    console.now = NOW.replace(day=26, hour=8, minute=40)
    console.send("/möte starta")
    assert console.send("/möte kommande").lines[0].text.endswith("08:30–12:00 (pågår)")


def test_removing_the_last_agenda_item_says_the_agenda_is_empty(console: Transcript) -> None:
    """The reply to removing the only item ended in a bare "Dagordning" heading."""
    console.send(PLAN)
    console.send("/dagordning ny Skolfrågor")
    removed = console.send("/dagordning ta bort 1")
    assert [line.text for line in removed.lines] == ["Dagordning", "Dagordningen är tom."]


def test_a_decision_is_shown_by_its_number_said_with_a_space(console: Transcript) -> None:
    """ "/beslut visa B 1" asked for the decision's number."""
    console.send("/beslut ny KC beslutar att anta budgeten")
    shown = console.send("/beslut visa B 1")
    assert shown.headline == "Beslut B1"
    assert console.send("/beslut visa B 7").headline == "Det finns inget beslut B7."
    # Alone, or after any verb: "/beslut B 1" answered "Jag känner inte igen ”B”".
    assert console.send("/beslut B 1").headline == "Beslut B1"
    assert console.text("/beslut rätta B 1 KC beslutar att anta budgeten 2027").startswith(
        "B2 ersätter B1."
    )
    console.send("/åtgärd ny Boka lokal @mig")
    assert console.send("/åtgärd klar # 1").headline == "Åtgärd #1 är klar"
    assert console.send("/åtgärd # 1").headline == "Åtgärd #1"


def test_the_minutes_count_in_swedish_singular_and_plural(console: Transcript) -> None:
    """ "1 åtgärder" read wrong; one is "1 åtgärd", as "1 punkt"."""
    console.send(PLAN)
    console.send("/möte starta --ja")
    console.send("/möte punkt 1 Ekonomi")
    console.send('/åtgärd ny Skicka rapporten @"Anna Berg" senast 20 januari')
    console.send("/möte avsluta")
    reply = console.send("/möte protokoll 10 december")
    assert reply.lines[0].text == "1 punkt, 1 åtgärd, 0 beslut. Bifogat som Markdown och Word."


def test_an_action_closed_by_mistake_is_opened_again_the_way_people_say_it(
    console: Transcript,
) -> None:
    """ "/åtgärd ångra 1" and "/åtgärd inte klar 1" were unknown words."""
    console.send("/åtgärd ny Boka lokal senast 2026-12-10")
    console.send("/åtgärd ny Skicka kallelse senast 2026-12-10")
    console.send("/åtgärd klar 1 2")
    assert console.send("/åtgärd ångra 1").headline == "Åtgärd #1 är öppen igen"
    assert console.send("/åtgärd inte klar 2").headline == "Åtgärd #2 är öppen igen"
    assert [a["status"] for a in _actions(console.engine).values()] == ["open", "open"]


def test_a_typo_is_offered_by_its_swedish_word(console: Transcript) -> None:
    """ "/åtgärd inte 1" offered the English "note" to a Swedish user."""
    typo = console.send("/åtgärd inte 1")
    assert typo.error and "Menade du ”notera”?" in typo.headline, typo.headline


def test_going_to_an_item_with_no_meeting_running_says_so(console: Transcript) -> None:
    """ "/möte punkt 1" between meetings answered "Punkt 1 … tillagd", and nothing was added."""
    console.send(PLAN)
    console.send("/dagordning ny Ekonomi")
    before = _export(console.engine)
    reply = console.send("/möte punkt 1")
    assert reply.error
    assert reply.headline.startswith("Punkt 1 Ekonomi står redan på dagordningen för KC-möte")
    assert "inget möte pågår. Starta det med /möte starta" in reply.headline
    assert _export(console.engine) == before


def test_next_said_during_a_meeting_goes_to_its_next_item(console: Transcript) -> None:
    """ "/möte nästa" mid-meeting answered "Inget kommande möte är planerat"."""
    console.send(PLAN)
    console.send("/dagordning ny Skolskjuts")
    console.send("/dagordning ny Ekonomi")
    console.send("/möte starta --ja")
    console.send("/möte punkt 1")
    assert console.send("/möte nästa").headline == "Nu: punkt 2 Ekonomi"
    console.send("/möte avsluta")
    assert console.send("/möte nästa").headline.startswith("Inget kommande möte")


def test_approved_minutes_name_the_swedish_command_to_correct_a_decision(
    console: Transcript,
) -> None:
    """The approval said "/decision rätta" to a Swedish user."""
    console.send(PLAN)
    console.send("/möte starta --ja")
    console.send("/beslut ny KC beslutar att anta budgeten")
    console.send("/möte avsluta")
    approved = console.send("/möte justera")
    assert "rätta ett beslut med `/beslut rätta B3 <ny text>`" in approved.headline


def _items(engine: Engine) -> list[tuple[str, str]]:
    meetings = _workspace(engine)["meetings"]
    return [(i["number"], i["title"]) for m in meetings for i in m.get("items", [])]


def test_an_item_is_added_or_named_by_its_title_after_punkt(console: Transcript) -> None:
    """ "/möte punkt lägg till Budget" and "/möte punkt budget" answered "inget punktnummer"."""
    console.send(PLAN)
    assert console.text("/möte punkt lägg till Budget 2027").startswith(
        "Punkt 1 Budget 2027 tillagd på KC-möte"
    )
    assert console.text("/möte punkt 2,1 Delrapport").startswith("Punkt 2.1 Delrapport tillagd")
    assert console.text("/dagordning ny 2,2 Remissvar").startswith("Punkt 2.2 Remissvar")
    assert not console.send("/dagordning ta bort 2,2").error
    before = _export(console.engine)
    unknown = console.send("/möte punkt Kollektivtrafik")
    assert unknown.error
    assert "ingen punkt på dagordningen heter så" in unknown.headline
    assert unknown.headline.endswith("/möte punkt lägg till Kollektivtrafik")
    # "Ny översiktsplan" is a title, not "ny" and a title.
    assert console.send("/möte punkt Ny översiktsplan").error
    assert _export(console.engine) == before

    # Named by its title between meetings: the item is there, no meeting runs.
    between = console.send("/möte punkt budget")
    assert between.error and between.headline.startswith("Punkt 1 Budget 2027 står redan")
    console.send("/möte starta --ja")
    assert console.text("/möte punkt budget") == "Nu: punkt 1 Budget 2027"
    assert console.text("/möte punkt delrap") == "Nu: punkt 2.1 Delrapport"
    assert console.text("/möte punkt delrapprot") == "Nu: punkt 2.1 Delrapport"  # a typo
    assert console.text("/möte punkt lägg till Övrigt") == "Nu: punkt 3 Övrigt"
    console.send("/möte punkt ny Budgetuppföljning")
    both = console.send("/möte punkt budget")
    assert both.error and "(1, 4)" in both.headline and "/möte punkt 1" in both.headline
    assert console.text("/möte punkt budget 2027") == "Nu: punkt 1 Budget 2027"


def test_the_agenda_is_shown_by_moete_dagordning(console: Transcript) -> None:
    """ "/möte dagordning" answered "Jag känner inte igen ”dagordning”"."""
    console.send(PLAN)
    console.send("/dagordning ny Ekonomi")
    shown = console.send("/möte dagordning")
    assert not shown.error and shown.headline == console.send("/dagordning lista").headline
    assert [line.text for line in shown.lines] == ["1 Ekonomi"]
    assert "/möte dagordning [datum]" in console.text("/möte hjälp")
    # A summary naming another command names it in Swedish too.
    assert "(samma som /möte punkt nästa)" in console.text("/dagordning hjälp")


def test_a_decision_said_as_the_minutes_say_it_is_registered(console: Transcript) -> None:
    """ "/beslut Kommunchefsgruppen beslutar att …" asked "Vad menade du?" first."""
    console.send(PLAN)
    decided = console.send("/beslut Kommunchefsgruppen beslutar att anta budgeten")
    assert decided.headline == "Beslut B1 registrerat", decided.as_text()
    action = console.send("/åtgärd Lena kollar med Region Västerbotten senast 15/12")
    assert action.headline == "Åtgärd #1 registrerad"
    assert _actions(console.engine)[1]["due_date"] == "2026-12-15"
    # Without those marks a sentence is still offered, not stored.
    offered = console.send("/åtgärd Lena kollar med regionen")
    assert offered.headline == "Jag känner inte igen ”Lena”. Vad menade du?"
    assert len(_workspace(console.engine)["actions"]) == 1


def test_an_owner_named_again_is_told_nothing_changed(console: Transcript) -> None:
    """Naming the owner an action has answered "Ny ansvarig" as if it had changed."""
    console.send('/åtgärd ny Boka lokal @"Lisa Andersson"')
    again = console.send("/åtgärd 1 ansvarig Lisa Andersson")
    assert again.headline == "Lisa Andersson är redan ansvarig för #1. Ingenting ändrades."
    assert not again.error
    two = console.send("/åtgärd tilldela 1 @Lisa @mig")
    assert two.headline == "Nya ansvariga för #1"
    history = [line.text for line in console.send("/åtgärd visa 1").lines]
    assert sum("ändrade ansvarig" in text for text in history) == 1, history


def test_a_series_says_its_last_meeting_and_a_meeting_called_off_twice(console: Transcript) -> None:
    """The series named its horizon (a Saturday); a second "ställ in" said "Inget planerat möte"."""
    made = console.send("/möte serie ny KC-möte varje månad andra torsdagen 08:30-12:00")
    assert made.headline.endswith("12 möten planerade till och med tors 11 nov 2027.")
    assert not console.send("/möte ställ in 11 februari").error
    before = _export(console.engine)
    again = console.send("/möte ställin 11 februari")
    assert again.error
    assert (
        again.headline
        == "KC-möte tors 11 feb 2027 08:30–12:00 är redan inställt. Ingenting ändrades."
    )
    assert console.send("/möte ställin 12 februari").headline.startswith("Inget planerat möte")
    assert _export(console.engine) == before
