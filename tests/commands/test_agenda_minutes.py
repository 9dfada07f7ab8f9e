"""The agenda and the minutes, complete from chat (issue 14, point 3).

Numbered items, editing, renumbering and removing them; filling items in as the
minutes show them; who took part and in what role; who approved; the Word file's
page, language and author.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import docx
from docx.oxml.ns import qn
from sqlmodel import Session, select

from commands.agenda import plan_move, plan_remove
from commands.reply import Visibility
from storage.db import transaction
from storage.minutes_import.load import load_minutes
from storage.minutes_import.parse import parse_minutes
from storage.models import AgendaItem, AuditEvent, MeetingParticipant, Person
from storage.workspaces import get_or_create_workspace
from tests.conftest import NOW, STOCKHOLM, Transcript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "minutes"
MEETING = "KC-möte tors 10 dec 2026 08:30–12:00, Konferensrum Uniformen"


def _ok(console: Transcript, *lines: str, user: str | None = None) -> list[str]:
    out = []
    for line in lines:
        reply = console.send(line, user=user)
        assert not reply.error, (line, reply.as_text())
        out.append(reply.as_text())
    return out


def _agenda(console: Transcript) -> list[str]:
    return [
        line.strip()
        for line in console.text("/agenda lista").splitlines()[1:]
        if not line.startswith("    ")
    ]


def _numbers(console: Transcript) -> list[str]:
    return [line.split(" ", 1)[0] for line in _agenda(console)]


def _planned(console: Transcript) -> None:
    _ok(
        console,
        "/möte ny KC-möte 2026-12-10 08:30-12:00 Konferensrum Uniformen",
        "/agenda add 1 Mötets öppnande",
        "/agenda add 2 Föregående mötesanteckningar",
        "/agenda add 3 Information från kansliet",
        '/agenda add 3.1 Ekonomi - rapport och uppföljning @"Lisa Andersson Lindberg"',
        "/agenda add 3.2 Brottsofferjouren - komplettering från föreningen",
        "/agenda add 4 Etablering och integration",
        "/agenda add 5 DUA",
        "/agenda add 6 Övriga frågor",
    )


def _items(console: Transcript) -> list[AgendaItem]:
    with Session(console.engine) as session:
        return list(session.exec(select(AgendaItem).order_by(AgendaItem.sort_key)))  # type: ignore[arg-type]


# -- agenda ---------------------------------------------------------------------------------


def test_agenda_add_keeps_the_number_and_refuses_a_taken_one(console: Transcript) -> None:
    _planned(console)
    reply = console.text("/agenda add 3.3 Konsumentvägledning - nytt avtalsförslag")
    assert reply == f"Punkt 3.3 Konsumentvägledning - nytt avtalsförslag föreslagen för {MEETING}"
    taken = console.send("/agenda add 3.1 Dubblett")
    assert taken.error
    assert "Punkt 3.1 finns redan" in taken.headline and "/agenda flytta 3.1" in taken.headline
    # Without a number the item goes last, as before.
    assert console.text("/agenda add Nästa möte").startswith("Punkt 7 Nästa möte föreslagen")
    assert _numbers(console) == ["1", "2", "3", "3.1", "3.2", "3.3", "4", "5", "6", "7"]
    assert [i.title for i in _items(console)].count("Dubblett") == 0


def test_agenda_move_renumbers_the_others_and_takes_sub_items_along(
    console: Transcript,
) -> None:
    _planned(console)
    _ok(console, "/agenda add 7 Samordnad larmhantering")
    reply = console.text("/agenda flytta 7 5")
    assert reply.splitlines()[:2] == [
        f"Punkt 7 Samordnad larmhantering är nu punkt 5 på {MEETING}",
        "  Omnumrerade: 5 → 6, 6 → 7",
    ]
    assert _agenda(console)[-3:] == ["5 Samordnad larmhantering", "6 DUA", "7 Övriga frågor"]
    # Moving an item with sub-items moves them with it; the others close up.
    _ok(console, "/agenda move 3 till 6")
    assert _agenda(console) == [
        "1 Mötets öppnande",
        "2 Föregående mötesanteckningar",
        "3 Etablering och integration",
        "4 Samordnad larmhantering",
        "5 DUA",
        "6 Information från kansliet",
        "6.1 Ekonomi - rapport och uppföljning (föredragande: Lisa Andersson Lindberg)",
        "6.2 Brottsofferjouren - komplettering från föreningen",
        "7 Övriga frågor",
    ]
    # Down a level: the item becomes a sub-item, its old siblings keep their numbers.
    _ok(console, "/agenda flytta 5 6.1")
    assert _numbers(console) == ["1", "2", "3", "4", "6", "6.1", "6.2", "6.3", "7"]
    refused = console.send("/agenda flytta 6 6.1")
    assert refused.error and "under sig själv" in refused.headline
    moves = [e for e in _audit(console) if e.entity == "item" and e.op == "renumber" and e.after]
    assert moves and all(e.actor_id is not None for e in moves)


def test_plan_move_and_remove() -> None:
    numbers = ["1", "2", "3", "3.1", "3.2", "4", "5"]
    assert plan_move(numbers, "5", "2") == {
        "5": "2",
        "2": "3",
        "3": "4",
        "3.1": "4.1",
        "3.2": "4.2",
        "4": "5",
    }
    assert plan_move(numbers, "2", "4") == {
        "2": "4",
        "3": "2",
        "3.1": "2.1",
        "3.2": "2.2",
        "4": "3",
    }
    assert plan_move(numbers, "3.2", "3.1") == {"3.2": "3.1", "3.1": "3.2"}
    assert plan_move(numbers, "3.2", "9") == {"3.2": "9"}
    assert plan_remove(numbers, "3") == {"4": "3", "5": "4"}
    assert plan_remove(numbers, "3.1") == {"3.2": "3.1"}
    # During a meeting nothing closes up; room is still made where an item goes.
    assert plan_remove(numbers, "3", close_gap=False) == {}
    assert plan_move(numbers, "5", "2", close_gap=False) == {
        "5": "2",
        "2": "3",
        "3": "4",
        "3.1": "4.1",
        "3.2": "4.2",
        "4": "5",
    }
    assert plan_move(numbers, "2", "6", close_gap=False) == {"2": "6"}


def test_agenda_edit_and_remove(console: Transcript) -> None:
    _planned(console)
    reply = console.text(
        '/agenda ändra 4 Etablering och integration (flyktingmottagning) @"Helen Andersson"'
    )
    assert reply.splitlines() == [
        "Punkt 4 Etablering och integration (flyktingmottagning) (föredragande: Helen Andersson)"
        f" ändrad på {MEETING}",
        "  Förut: 4 Etablering och integration",
    ]
    reply = console.text("/agenda ta bort 3")
    assert reply.splitlines()[:3] == [
        f"Punkt 3 Information från kansliet borttagen från {MEETING}",
        "  Underpunkterna 3.1, 3.2 togs också bort.",
        "  Omnumrerade: 4 → 3, 5 → 4, 6 → 5",
    ]
    assert _numbers(console) == ["1", "2", "3", "4", "5"]
    for word, last in (("stryk", "5"), ("remove", "4"), ("delete", "3")):
        _ok(console, f"/agenda {word} {last}")
        assert _numbers(console)[-1] == str(int(last) - 1)
    _ok(console, "/agenda edit 1 Mötet öppnas")
    assert _agenda(console)[0] == "1 Mötet öppnas"
    missing = console.send("/agenda ändra 9 Finns inte")
    assert missing.error and "Punkt 9 finns inte" in missing.headline
    bad = console.send("/agenda flytta 2")
    assert bad.error and "/agenda flytta 7 3" in bad.headline


def test_an_item_with_actions_is_not_removed(console: Transcript) -> None:
    _planned(console)
    console.now = datetime(2026, 12, 10, 8, 35, tzinfo=STOCKHOLM)
    _ok(console, "/meeting start", "/meeting punkt 3.2", "/action add Kontakta föreningen @mig")
    refused = console.send("/agenda ta bort 3")
    assert refused.error and "har åtgärder eller beslut" in refused.headline
    # While the meeting runs, /agenda lista shows its agenda, untouched.
    assert _agenda(console)[:2] == ["1 Mötets öppnande", "2 Föregående mötesanteckningar"]
    with Session(console.engine) as session:
        assert len(list(session.exec(select(AgendaItem)))) == 8
    # While the meeting runs, edits go to it, the whole channel sees them, and the other
    # items keep the numbers people are using.
    reply = console.send("/agenda ta bort 5")
    assert reply.visibility is Visibility.CHANNEL
    removed = reply.as_text()
    assert removed.startswith(f"Punkt 5 DUA borttagen från {MEETING}")
    assert "behåller sina nummer" in removed and "Omnumrerade" not in removed
    assert "  6 Övriga frågor" in removed


# -- items as the minutes show them ------------------------------------------------------------


def test_item_description_notes_and_attachments(console: Transcript) -> None:
    _planned(console)
    texts = _ok(
        console,
        "/meeting punkt 3.1 beskrivning Vi har fram till och med april haft kostnader om 357 700 kr.",
        "/meeting punkt 3.1 beskrivning Vi går kortfattat igenom det ekonomiska läget.",
        "/meeting punkt 3.1 bilaga 3.1)Budget uppföljning 10 maj 2017.pdf",
        "/meeting item 3.1 attachment https://example.org/budget.pdf",
        '/meeting punkt 4 föredragande @"Helen Andersson" verksamhetschef VIVA Umeå kommun',
    )
    assert texts[1].splitlines() == [
        f"Ärendebeskrivning för punkt 3.1 Ekonomi - rapport och uppföljning sparad ({MEETING}):",
        "  Vi har fram till och med april haft kostnader om 357 700 kr.",
        "  Vi går kortfattat igenom det ekonomiska läget.",
    ]
    assert texts[3].splitlines()[1:] == [
        "  3.1)Budget uppföljning 10 maj 2017.pdf",
        "  https://example.org/budget.pdf",
    ]
    console.now = datetime(2026, 12, 10, 8, 35, tzinfo=STOCKHOLM)
    _ok(console, "/meeting start", "/meeting punkt 1")
    _ok(
        console,
        "/meeting punkt 3.1 anteckning Lisa rapporterade kortfattat den ekonomiska uppföljningen.",
        "/meeting punkt 3.1 note Återstående medel är drygt 2,4 miljoner.",
    )
    # Filling an item does not move the meeting on to it.
    assert "Nu: punkt 2" in console.text("/meeting punkt 2")
    _ok(console, "/action add Boka lokal")
    _ok(console, "/meeting avsluta")
    # After the meeting, the notes still go to the meeting held today.
    _ok(console, "/meeting punkt 2 anteckning Inga justeringar gjordes.")
    md = console.send("/meeting protokoll").files[0].as_bytes().decode("utf-8")
    section = md.split("## 3.1. Ekonomi - rapport och uppföljning")[1].split("\n## ")[0]
    assert (
        "**Bilagor:** 3.1)Budget uppföljning 10 maj 2017.pdf, https://example.org/budget.pdf"
        in section
    )
    assert (
        "### Ärendebeskrivning\n\nVi har fram till och med april haft kostnader om 357 700 kr.\n\n"
        "Vi går kortfattat igenom det ekonomiska läget." in section
    )
    assert (
        "### Anteckningar\n\nLisa rapporterade kortfattat den ekonomiska uppföljningen.\n\n"
        "Återstående medel är drygt 2,4 miljoner." in section
    )
    assert "**Föredragande:** Helen Andersson, verksamhetschef VIVA Umeå kommun" in md
    assert (
        "## 2. Föregående mötesanteckningar\n\n### Anteckningar\n\nInga justeringar gjordes." in md
    )
    assert "| #1 Boka lokal |" in md.split("## 2.")[1].split("\n## ")[0]
    word = docx.Document(io.BytesIO(console.send("/meeting protokoll").files[1].as_bytes()))
    paragraphs = [p.text for p in word.paragraphs]
    assert (
        "Bilagor: 3.1)Budget uppföljning 10 maj 2017.pdf, https://example.org/budget.pdf"
        in paragraphs
    )
    assert "Återstående medel är drygt 2,4 miljoner." in paragraphs


def test_item_fields_refuse_bad_input_and_clear(console: Transcript) -> None:
    _planned(console)
    missing = console.send("/meeting punkt 9 beskrivning Finns inte")
    assert missing.error and "Punkt 9 finns inte" in missing.headline
    empty = console.send("/meeting punkt 3.1 bilaga")
    assert empty.error and "/meeting punkt 3.1 bilaga" in empty.headline
    _ok(console, "/meeting punkt 3.1 bilaga Budget.pdf")
    assert "borttagna" in console.text("/meeting punkt 3.1 bilaga rensa")
    assert [i.attachments for i in _items(console) if i.number == "3.1"] == [[]]
    assert "heter nu" in console.text("/meeting punkt 3.1 rubrik Ekonomi – rapport")
    # The old form still adds an item, and a new item needs its title.
    assert "Punkt 7 Nästa möte tillagd" in console.text("/meeting punkt 7 Nästa möte")


# -- participants and roles ---------------------------------------------------------------------


def _header(console: Transcript) -> None:
    _ok(
        console,
        '/meeting beslutande @"Håkan Wretling" (Bjurholms kommun) @"Karin Ahnqvist" '
        '(Robertsfors kommun), @"Jonas Jonsson" (Umeå kommun) och @"Karolina Johansson" (Vännäs)',
        '/meeting beslutande @"Magnus Haglund" (Örnsköldsviks kommun, ordförande)',
        '/meeting beslutande @"Per-Eric Magnusson" (Vindelns kommun)',
        "/meeting vice ordförande @Per-Eric",
        '/meeting övriga @"Lisa Andersson Lindberg" (Umeåregionens kansli)',
        "/meeting sekreterare @Lisa",
        "/meeting justerare @Jonas",
        '/meeting frånvarande @"Helén Sundström Hetta" (Nordmalings kommun)',
        '/meeting ersättare @"Eva Ek" (Nordmalings kommun)',
        "/meeting deltagare @Lisa @Håkan",
        "/meeting organisatör @Lisa",
    )


def test_participants_and_roles_in_chat_and_minutes(console: Transcript) -> None:
    _planned(console)
    _header(console)
    moved = console.text("/meeting frånvarande @Karin")
    assert "Karin Ahnqvist flyttad från Beslutande till Anmäld frånvaro." in moved
    header = console.text("/meeting deltagare")
    assert header.splitlines() == [
        f"Deltagare och roller, {MEETING}",
        "  Beslutande: Magnus Haglund, Örnsköldsviks kommun, ordförande; Per-Eric Magnusson,"
        " Vindelns kommun, vice ordförande; Håkan Wretling, Bjurholms kommun; Jonas Jonsson,"
        " Umeå kommun, justerare; Karolina Johansson, Vännäs",
        "  Ersättare: Eva Ek, Nordmalings kommun",
        "  Övriga närvarande: Lisa Andersson Lindberg, Umeåregionens kansli, sekreterare",
        "  Anmäld frånvaro: Helén Sundström Hetta, Nordmalings kommun; Karin Ahnqvist,"
        " Robertsfors kommun",
        "  Deltagare: Håkan Wretling; Lisa Andersson Lindberg",
        "  Organisatör: Lisa Andersson Lindberg",
        "  Ordförande: Magnus Haglund",
        "  Vice ordförande: Per-Eric Magnusson",
        "  Sekreterare: Lisa Andersson Lindberg",
        "  Justerare: Jonas Jonsson",
    ]
    # One chair: naming another takes it from the first.
    changed = console.text("/meeting ordförande @Per-Eric")
    assert "Magnus Haglund är inte längre ordförande (nu Per-Eric Magnusson)." in changed
    assert "Vice ordförande:" not in changed
    _ok(console, '/meeting chair @"Magnus Haglund"', "/meeting vice ordförande @Per-Eric")
    removed = console.text("/meeting deltagare ta bort @Håkan")
    assert removed.startswith("Deltagare: Håkan Wretling borttagen ur")
    md = console.send("/meeting protokoll 2026-12-10").files[0].as_bytes().decode("utf-8")
    head = md.split("## 1.")[0]
    assert "**Ordförande:** Magnus Haglund  \n**Vice ordförande:** Per-Eric Magnusson" in head
    assert "**Sekreterare:** Lisa Andersson Lindberg  \n**Justerare:** Jonas Jonsson" in head
    assert (
        "**Beslutande:**\n\n- Magnus Haglund, Örnsköldsviks kommun, ordförande\n"
        "- Per-Eric Magnusson, Vindelns kommun, vice ordförande\n- Håkan Wretling, Bjurholms kommun"
        in head
    )
    assert "**Ersättare:**\n\n- Eva Ek, Nordmalings kommun" in head
    assert (
        "**Övriga närvarande:**\n\n- Lisa Andersson Lindberg, Umeåregionens kansli, sekreterare"
        in head
    )
    assert (
        "**Anmäld frånvaro:**\n\n- Helén Sundström Hetta, Nordmalings kommun\n- Karin Ahnqvist"
        in head
    )
    assert "**Deltagare:** Lisa Andersson Lindberg (Organisatör)" in head


def test_participant_commands_in_english_and_bad_input(console: Transcript) -> None:
    _planned(console)
    _ok(
        console,
        '/meeting voting @"Anna Berg" (Vännäs, chair)',
        '/meeting others @"Eva Ek"',
        '/meeting absent @"Per Ek"',
        '/meeting substitute @"Ola Ek"',
        '/meeting participants @"Anna Berg"',
        "/meeting secretary @Eva",
        '/meeting adjuster @"Per Ek"',
    )
    header = console.text("/meeting participants", lang="en")
    assert "  Voting members: Anna Berg, Vännäs, ordförande" in header
    assert "  Chair: Anna Berg" in header and "  Secretary: Eva Ek" in header
    # A justerare is present: recorded as absent, they move to the voting members.
    assert "  Adjusters: Per Ek" in header and "Absent with notice" not in header
    before = _rows(console)
    junk = console.send("/meeting beslutande @Anna Wretling (Bjurholm)")
    assert junk.error and "Förstod inte ”Wretling”" in junk.headline
    unclosed = console.send("/meeting beslutande @Anna (Vännäs")
    assert unclosed.error and "parentes" in unclosed.headline
    unknown = console.send("/meeting beslutande @Nobody")
    assert unknown.error
    assert _rows(console) == before


def _rows(console: Transcript) -> list[tuple[int, str, str | None, str | None]]:
    with Session(console.engine) as session:
        return sorted(
            (p.person_id, p.role, p.municipality, p.title)
            for p in session.exec(select(MeetingParticipant))
        )


def _audit(console: Transcript) -> list[AuditEvent]:
    with Session(console.engine) as session:
        return list(session.exec(select(AuditEvent)))


# -- approval -----------------------------------------------------------------------------------


def test_justerare_or_chair_approves_and_the_minutes_say_who(console: Transcript) -> None:
    _planned(console)
    _header(console)
    console.now = datetime(2026, 12, 10, 8, 35, tzinfo=STOCKHOLM)
    _ok(console, "/meeting start", "/meeting punkt 1", "/meeting avsluta")
    console.now = datetime(2026, 12, 11, 10, 15, tzinfo=STOCKHOLM)
    refused = console.send("/meeting justera", user="Karolina Johansson")
    assert refused.error and "justerare" in refused.headline
    approved = console.text("/meeting justera", user="Jonas Jonsson")
    assert approved.splitlines()[1] == "  Justerat av Jonas Jonsson, 2026-12-11 10:15."
    reply = console.send("/meeting protokoll")
    md = reply.files[0].as_bytes().decode("utf-8")
    assert "**Status:** justerat  \n**Justerat av:** Jonas Jonsson, 2026-12-11 10:15" in md
    word = docx.Document(io.BytesIO(reply.files[1].as_bytes()))
    assert "Justerat av: Jonas Jonsson, 2026-12-11 10:15" in word.paragraphs[1].text
    # Approved minutes are the record: participants and items no longer change.
    locked = console.send("/meeting beslutande @Karin", user="Jonas Jonsson")
    assert locked.error and "justerat" in locked.headline
    assert console.send("/meeting punkt 1 anteckning Sent").error


def test_the_chair_may_approve(console: Transcript) -> None:
    _planned(console)
    _header(console)
    console.now = datetime(2026, 12, 10, 8, 35, tzinfo=STOCKHOLM)
    _ok(console, "/meeting start", "/meeting avsluta")
    assert console.send("/meeting justera", user="Per-Eric Magnusson").error
    assert not console.send("/meeting justera", user="Magnus Haglund").error


# -- the Word file ------------------------------------------------------------------------------


def test_word_minutes_are_a4_swedish_and_written_by_the_secretary(console: Transcript) -> None:
    _planned(console)
    word_bytes = console.send("/meeting protokoll 2026-12-10").files[1].as_bytes()
    word = docx.Document(io.BytesIO(word_bytes))
    # No secretary yet: the organisation (or Mötesbot) is the author, never the library.
    assert word.core_properties.author not in ("python-docx", "")
    _header(console)
    word = docx.Document(
        io.BytesIO(console.send("/meeting protokoll 2026-12-10").files[1].as_bytes())
    )
    section = word.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    props = word.core_properties
    assert props.author == "Lisa Andersson Lindberg"
    assert props.last_modified_by == "Lisa Andersson Lindberg"
    assert props.language == "sv-SE"
    assert props.title == "KC-möte – minnesanteckningar 2026-12-10"
    assert props.created is not None and props.created.year == 2026
    defaults = word.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "sv-SE"
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet"):
        rpr = word.styles[name].element.find(qn("w:rPr"))
        assert rpr.find(qn("w:lang")).get(qn("w:val")) == "sv-SE", name
    theme = word.settings.element.find(qn("w:themeFontLang"))
    assert theme.get(qn("w:val")) == "sv-SE"


# -- imported and chat-made minutes look alike ----------------------------------------------------


def test_imported_and_chat_made_headers_look_alike(console: Transcript) -> None:
    with transaction(console.engine) as session:
        ws = get_or_create_workspace(session, platform="console", external_id="console", at=NOW)
        assert ws.id is not None
        text = (FIXTURES / "plain-2019-11-06.txt").read_text(encoding="utf-8-sig")
        imported = load_minutes(session, parse_minutes(text), workspace_id=ws.id, at=NOW).meeting_id
    _ok(
        console,
        "/möte ny KC-möte 2026-12-10 08:30-12:00 Stadshuset, sal Saluten",
        '/meeting beslutande @"Magnus Haglund" (Örnsköldsviks kommun, ordförande)'
        ' @"Per-Eric Magnusson" (Vindelns kommun, vice ordförande)'
        ' @"Håkan Wretling" (Bjurholms kommun) @"Anna Berg" (Vännäs kommun)',
        '/meeting övriga @"Lisa Andersson Lindberg" (Umeåregionens kansli)',
        '/meeting frånvarande @"Karin Ahnqvist" (Robertsfors kommun)',
        '/meeting deltagare @"Magnus Haglund" @"Per-Eric Magnusson" @"Håkan Wretling" @"Anna Berg"',
        '/meeting organisatör @"Lisa Andersson Lindberg"',
    )

    def head(ref: str) -> str:
        md = console.send(f"/meeting protokoll {ref}").files[0].as_bytes().decode("utf-8")
        return md.split("**Status:**")[1].split("\n## ")[0].split("\n", 1)[1]

    assert head("2026-12-10") == head(str(imported))
    assert "**Ordförande:** Magnus Haglund" in head("2026-12-10")


def test_a_new_item_may_be_titled_like_a_field(console: Transcript) -> None:
    _planned(console)
    added = console.text("/meeting punkt 7 Anteckningar från verksamhetsdagarna")
    assert added.startswith("Punkt 7 Anteckningar från verksamhetsdagarna tillagd")
    filled = console.text("/meeting punkt 7 Anteckning Se bilaga.")
    assert filled.startswith("Anteckning för punkt 7 Anteckningar från verksamhetsdagarna sparad")


def test_every_change_to_the_record_is_audited_with_who(console: Transcript) -> None:
    _planned(console)
    _ok(
        console,
        '/meeting beslutande @"Anna Berg" (Vännäs)',
        "/meeting punkt 3.1 anteckning Klart.",
        "/agenda ta bort 5",
        user="Lisa",
    )
    events = [e for e in _audit(console) if e.actor_id is not None]
    with Session(console.engine) as session:
        lisa = session.exec(select(Person).where(Person.display_name == "Lisa")).one()
    participants = [e for e in events if e.op == "participants"]
    assert participants[-1].actor_id == lisa.id and participants[-1].before == {"participants": []}
    assert participants[-1].after is not None
    assert participants[-1].after["participants"][0]["municipality"] == "Vännäs"
    edits = [e for e in events if e.entity == "item" and e.op == "edit"]
    assert edits[-1].actor_id == lisa.id and edits[-1].after is not None
    assert edits[-1].after["notes"] == "Klart."
    assert any(e.op == "delete" and e.actor_id == lisa.id for e in events)
