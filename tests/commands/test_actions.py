"""What a user sees when they log and follow up actions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from storage import audit
from storage.db import transaction
from storage.models import Action, AuditEvent, Person
from tests.conftest import Transcript


def _actions(console: Transcript) -> list[Action]:
    with transaction(console.engine) as session:
        return list(session.exec(select(Action).order_by(Action.number)))


def test_weekday_due_date_is_echoed_in_swedish(console: Transcript) -> None:
    reply = console.send("/action add Ring Anna @mig senast fredag")
    assert not reply.error
    assert reply.as_text().splitlines()[1].strip() == (
        "#1 Ring Anna — ansvarig: Sekreterare — senast fre 27 nov 2026"
    )


def test_english_words_and_english_reply(console: Transcript) -> None:
    reply = console.send("/action new Call Anna by tomorrow", lang="en")
    assert reply.headline == "Action #1 logged"
    assert "owner: not given — due Tue 24 Nov 2026" in reply.as_text()


def test_trailing_date_without_keyword_is_taken(console: Transcript) -> None:
    console.send("/action add Skicka kallelsen v. 50")
    assert _actions(console)[0].due_date.isoformat() == "2026-12-11"  # type: ignore[union-attr]


def test_due_date_in_the_past_is_refused(console: Transcript) -> None:
    reply = console.send("/action add Ring Anna senast 2026-11-01")
    assert reply.error and "har redan passerat" in reply.headline
    assert _actions(console) == []


def test_unknown_and_ambiguous_owner_store_nothing(console: Transcript) -> None:
    console.send('/action add A @"Anna Berg"')
    console.send('/action add B @"Anna Lund"')
    ambiguous = console.send("/action add C @Anna")
    assert (
        ambiguous.error and "Anna Berg" in ambiguous.headline and "Anna Lund" in ambiguous.headline
    )
    unknown = console.send("/action add D @Okänd")
    assert unknown.error and "Okänd" in unknown.headline
    assert [a.text for a in _actions(console)] == ["A", "B"]


def test_prefix_of_known_name_resolves(console: Transcript) -> None:
    console.send('/action add A @"Lisa Andersson Lindberg"')
    reply = console.send("/action add B @lisa")
    assert "ansvarig: Lisa Andersson Lindberg" in reply.as_text()


def test_two_owners_one_action(console: Transcript) -> None:
    reply = console.send('/action add Bio-Gas: Lyft frågan i Umeå @"Anna Berg" @"Per Ek"')
    assert "ansvariga: Anna Berg, Per Ek" in reply.as_text()
    assert "Bio-Gas: Lyft frågan i Umeå" in reply.as_text()


def test_follow_up_commands_change_and_audit(console: Transcript) -> None:
    console.send('/action add Ring Anna @"Anna Berg" senast 2026-12-01')
    steps = [
        ("/action notera #1 Remissen är ute", "Anteckning sparad på #1"),
        ("/action datum #1 15/12", "Nytt slutdatum för #1"),
        ('/action tilldela #1 @"Per Ek"', "Ny ansvarig för #1"),
        ("/action ändra #1 Ring Anna om budgeten", "Åtgärd #1 ändrad"),
        ("/action klar #1 Klart i tid", "Åtgärd #1 är klar"),
        ("/action öppna #1", "Åtgärd #1 är öppen igen"),
        ("/action stryk #1", "Åtgärd #1 struken"),
    ]
    for line, headline in steps:
        reply = console.send(line)
        assert reply.headline == headline, reply.as_text()
    action = _actions(console)[0]
    assert action.text == "Ring Anna om budgeten"
    assert action.due_date is not None and action.due_date.isoformat() == "2026-12-15"
    assert action.status == "cancelled"
    shown = console.text("/action visa #1")
    assert "2026-11-23: Remissen är ute" in shown and "2026-11-23: Klart i tid" in shown
    with transaction(console.engine) as session:
        assert action.id is not None
        ops = [e.op for e in audit.history(session, entity="action", entity_id=action.id)]
        actors = {e.actor_id for e in session.exec(select(AuditEvent))}
        secretary = session.exec(select(Person).where(Person.display_name == "Sekreterare")).one()
    assert ops == [
        "create",
        "note",
        "touch",
        "due",
        "assign",
        "edit",
        "note",
        "done",
        "reopen",
        "cancel",
    ]
    assert actors == {secretary.id}


def test_list_variants(console: Transcript) -> None:
    console.send("/action add Mitt @mig senast 2026-11-30")
    console.send('/action add Annans @"Anna Berg" senast 2026-11-24')
    assert "#1 Mitt" in console.text("/action list mina") and "#2" not in console.text(
        "/action list mina"
    )
    # With no word: what I own or logged (the secretary sees what she logged for others).
    assert "#1 Mitt" in console.text("/action list") and "#2 Annans" in console.text("/action list")
    assert "#1" not in console.text("/action list", user="Anna Berg")
    assert "#2 Annans" in console.text("/action list @anna")
    assert "#1" in console.text("/action lista alla") and "#2" in console.text("/action lista alla")
    console.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    overdue = console.text("/action list försenade")
    assert "#2 Annans" in overdue and "⚠️ försenad" in overdue and "#1" not in overdue


def test_typo_suggests_the_command(console: Transcript) -> None:
    reply = console.send("/action lsita")
    assert reply.error and "Menade du ”lista”?" in reply.headline


def test_help_in_both_languages(console: Transcript) -> None:
    # Swedish help gives the Swedish words ("ny", not "add").
    assert "/action ny <text> [@ansvarig …] [senast <datum>]" in console.text("/action hjälp")
    assert "/action add <text> [@owner …] [by <date>]" in console.text("/action help", lang="en")


def test_decision_search_and_show(console: Transcript) -> None:
    console.send("/decision add Kommunchefsgruppen beslutar att Business Arena stöds")
    console.send("/decision add Budgeten godkänns")
    found = console.text("/decision sök business arena")
    assert "B1 Kommunchefsgruppen beslutar att Business Arena stöds" in found
    assert "B2" not in found
    assert "Registrerat" in console.text("/decision visa B2")
    assert console.send("/decision visa B9").error


def test_agenda_items_proposed_for_next_meeting(console: Transcript) -> None:
    console.send("/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset")
    reply = console.send('/agenda add Budget 2027 @"Anna Berg"')
    assert reply.headline.startswith("Punkt 1 Budget 2027 föreslagen för KC-möte tors 10 dec 2026")
    assert "1 Budget 2027 (föredragande: Anna Berg)" in console.text("/agenda lista")


def test_next_meeting_as_due_date(console: Transcript) -> None:
    console.send("/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset")
    reply = console.send("/action add Förbered underlag till nästa möte")
    assert "senast tors 10 dec 2026" in reply.as_text()
    assert _actions(console)[0].text == "Förbered underlag"


def test_created_at_is_utc_from_the_clock(console: Transcript) -> None:
    console.send("/action add X")
    assert _actions(console)[0].created_at == console.now.astimezone(UTC)
