"""The minutes parser on the real samples, our plain-block fixtures and small edge cases."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.minutes_import.parse import (
    ParsedMeeting,
    ParsedNote,
    looks_like_minutes,
    name_key,
    parse_minutes,
)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "minutes"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "minutes"


def _sample(name: str) -> ParsedMeeting:
    path = SAMPLES / name
    if not path.exists():  # the samples live beside the repository, in shared/
        path = Path("/work/shared/samples/minutes") / name
    return parse_minutes(path.read_text(encoding="utf-8"))


def _fixture(name: str) -> ParsedMeeting:
    return parse_minutes((FIXTURES / name).read_text(encoding="utf-8-sig"))


def _actions(m: ParsedMeeting) -> list[tuple[str, str, date | None, str | None]]:
    return [(i.number, a.text, a.due, a.owner) for i in m.items for a in i.actions]


def _decisions(m: ParsedMeeting) -> dict[str, list[str]]:
    return {i.number: i.decisions for i in m.items if i.decisions}


def test_2017_sample_header() -> None:
    m = _sample("kc-2017-05-10.txt")
    assert m.day == date(2017, 5, 10)
    assert (m.start, m.end) == (time(8, 30), time(12, 0))
    assert m.place == "Konferensrum Uniformen (mitt emot Jonas rum)"
    voting = {p.name: p for p in m.participants if p.role == "beslutande"}
    assert len(voting) == 7
    assert voting["Magnus Haglund"].title == "ordförande"
    assert voting["Magnus Haglund"].municipality == "Örnsköldsviks kommun"
    assert voting["Per-Eric Magnusson"].title == "vice ordförande"
    organizers = [p.name for p in m.participants if p.role == "organisator"]
    assert organizers == ["Lisa Andersson Lindberg"]
    assert m.warnings == []


def test_2017_sample_actions_and_decisions() -> None:
    m = _sample("kc-2017-05-10.txt")
    got = [(n, due, owner) for n, _, due, owner in _actions(m)]
    assert got == [
        ("3.2", date(2017, 5, 16), "Lisa Andersson Lindberg"),
        ("3.3", date(2017, 5, 18), "Lisa Andersson Lindberg"),
        ("4", date(2017, 6, 15), "Lisa Andersson Lindberg"),
        ("7", date(2017, 12, 1), "Magnus Haglund"),
        ("7", date(2017, 9, 4), "Lisa Andersson Lindberg"),
    ]
    assert _actions(m)[0][1].startswith("Brottsofferjouren - Kontakta föreningen")
    assert set(_decisions(m)) == {"3.2", "3.3", "4", "7", "8.1", "11"}
    assert len(_decisions(m)["8.1"]) == 3
    numbers = [i.number for i in m.items]
    assert numbers[:5] == ["1", "2", "3", "3.1", "3.2"]
    assert numbers[-3:] == ["10", "11", "12"]  # "10.00 Regionrådsmöte" is a time, not an item
    item4 = next(i for i in m.items if i.number == "4")
    assert item4.presenter == "Helen Andersson, verksamhetschef VIVA Umeå kommun"
    assert item4.attachments[-1] == "4)Samverkansstruktur integration - 2017- 05.pptx"
    assert item4.description and item4.notes


def test_2016_sample_counts() -> None:
    m = _sample("kc-2016-02-18.txt")
    assert m.day == date(2016, 2, 18)
    assert m.title == "Kommunchefsmöte, Umeåregionen"
    assert m.place == "Saluten Umeå stadshus"
    assert m.action_count == 57
    assert sum(1 for i in m.items for a in i.actions if a.due is None) == 10
    # The action written on one line after the table, owner in bold.
    urnara = [a for n, *a in _actions(m) if n == "3.11"]
    assert urnara[-1] == [
        "URnära: Kontakta Christer Lindvall + övrig LAGgrupp om uppdraget till Lisa?",
        date(2016, 2, 23),
        "Lisa Andersson Lindberg",
    ]
    decisions = _decisions(m)
    assert "3.9" not in decisions and "5" not in decisions
    assert decisions["3.5"] == ["Vad blev beslutet? Lyfta vid kommande regionrådsmöte eller inte?"]
    absent = [p for p in m.participants if p.role == "franvaro"]
    assert [(p.name, p.municipality, p.title) for p in absent] == [
        ("Magnus Hansson", "Robertsfors kommun", "tf kommunchef")
    ]
    item5 = next(i for i in m.items if i.number == "5")
    assert item5.description[0].startswith("Umeå kommun och Örnsköldsviks kommun")


PLAIN_ACTIONS = [
    ("2", "Bio-Gas: Lyft frågan i Umeå", date(2019, 10, 30), "Jonas Jonsson"),
    ("3.1", "Skicka budgetförslaget till kommunerna", date(2019, 11, 15), "Kansliet"),
    ("3.1", "Sammanställ synpunkter på budgeten", None, None),
    ("4", "Boka rum för nästa möte i Vännäs", date(2020, 1, 15), "Kansliet"),
    ("4", "Skicka ut kallelse till workshopen", None, None),
    ("4", "Sammanställ svaren från kommunerna", date(2020, 1, 20), "Anna Berg"),
    ("4", "Ta fram underlag till workshopen", None, "Lisa Andersson Lindberg"),
    ("4", "Boka föreläsare", date(2019, 12, 1), None),
    ("4", "Lyft frågan i respektive ledningsgrupp", date(2019, 12, 10), "Magnus Haglund"),
    ("4", "Lyft frågan i respektive ledningsgrupp", date(2019, 12, 10), "Håkan Wretling"),
    ("6", "Skicka kallelse till nästa möte", date(2019, 12, 4), "Lisa Andersson Lindberg"),
]


def test_plain_block_fixture_every_action() -> None:
    m = _fixture("plain-2019-11-06.txt")
    assert m.day == date(2019, 11, 6)
    assert m.place == "Stadshuset, sal Saluten"
    assert [i.number for i in m.items] == ["1", "2", "3", "3.1", "4", "5", "6", "7"]
    assert _actions(m) == PLAIN_ACTIONS
    notes = {a.text: [(n.day, n.text) for n in a.notes] for i in m.items for a in i.actions}
    assert notes["Bio-Gas: Lyft frågan i Umeå"] == [
        (date(2019, 10, 16), "Nämndssammanträde den 23 oktober, frågan lyfts där."),
        (date(2019, 10, 29), "Klart i Umeå, återrapporteras i december."),
    ]
    assert notes["Sammanställ svaren från kommunerna"] == [
        (date(2020, 1, 12), "Fem av sju kommuner har svarat.")
    ]
    assert _decisions(m) == {
        "3.1": [
            "Kommunchefsgruppen beslutar att godkänna budgeten för 2020.",
            "Kommunchefsgruppen beslutar att budgeten följs upp i mars.",
        ],
        "4": ["Kommunchefsgruppen beslutar att genomföra en workshop om digitalisering i januari."],
    }
    item3 = next(i for i in m.items if i.number == "3")
    assert item3.presenter == "Lisa Andersson Lindberg"
    assert "1. Resor" in item3.notes  # a numbered list in the notes is not an item
    item31 = next(i for i in m.items if i.number == "3.1")
    assert item31.attachments == ["Budget 2020 förslag.xlsx", "Budget 2020 kommentarer.docx"]
    assert item31.description == ["Förslag till budget 2020 för kansliet."]
    assert m.warnings == []


def test_mixed_fixture_layouts_in_one_file() -> None:
    m = _fixture("mixed-2020-02-12.txt")
    assert (m.day, m.start, m.end) == (date(2020, 2, 12), time(9), time(15))
    assert m.place == "Vännäs kommunhus, sammanträdesrum Älven"
    assert m.title == "Kommunchefsmöte, Umeåregionen"
    assert _actions(m) == [
        ("2", "Sammanställ svaren från kommunerna", date(2020, 1, 20), "Anna Berg"),
        ("3", "Bredband: Kontakta länsstyrelsen om stödet", None, None),
        ("3", "Bredband: Rapportera till regionrådet 2020-03-05", date(2020, 2, 28), "Kansliet"),
        ("3", "Bredband: Inventera vita fläckar", date(2020, 4, 1), "Håkan Wretling"),
        ("3", "Bredband: Samordna med Region Västerbotten", None, None),
        (
            "4",
            "Skolchefsgruppen: Ta fram gemensam plan för lovskola",
            date(2020, 5, 15),
            "Skolchefsgruppen",
        ),
        ("4", "Skolchefsgruppen: Återrapportera till KC", None, "Anna Berg"),
    ]
    first = m.items[1].actions[0]
    assert [n.text for n in first.notes] == [
        "Sex av sju kommuner har svarat.",
        "Alla har svarat; rapport på mötet.",
    ]
    assert _decisions(m) == {
        "2": [
            "Kommunchefsgruppen beslutar att lägga rapporten till handlingarna.",
            "Rapporten publiceras på webben efter justering.",
        ],
        "4": ["Kommunchefsgruppen uppdrar åt Skolchefsgruppen att ta fram en gemensam plan."],
    }
    item3 = m.items[2]
    assert item3.notes == ["Länsstyrelsen har aviserat nya medel."]
    assert item3.attachments == ["Bredband lägesrapport.pdf"]
    assert len(m.warnings) == 1 and "saknar åtgärd" in m.warnings[0]


def _one_item(body: str) -> ParsedMeeting:
    return parse_minutes(f"Möte\n\n2020-01-08\n\n1. Punkt\n\n{body}\n\n2. Nästa punkt\n")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Åtgärder\n\nRing Anna\n\n2020-01-15\n\nKansliet",
            [("Ring Anna", date(2020, 1, 15), "Kansliet")],
        ),
        ("Åtgärder\n\nRing Anna\n\nEj angivet\n\nEj angivet", [("Ring Anna", None, None)]),
        (
            "Åtgärder\n\nRing Anna\n\n2020-01-20 Anna Berg",
            [("Ring Anna", date(2020, 1, 20), "Anna Berg")],
        ),
        ("Åtgärder\n\nRing Anna\n\nEj angivet Per Ek", [("Ring Anna", None, "Per Ek")]),
        (
            "Åtgärder\n\nRing Anna\n\n2020-01-20 Ej angivet",
            [("Ring Anna", date(2020, 1, 20), None)],
        ),
        # Owner line missing: the next line is followed by a date, so it is a new action.
        (
            "Åtgärder\n\nRing Anna\n\n2020-01-20\n\nSkriv brev\n\n2020-01-22\n\nPer Ek",
            [("Ring Anna", date(2020, 1, 20), None), ("Skriv brev", date(2020, 1, 22), "Per Ek")],
        ),
        # Date line missing, owner present.
        ("Åtgärder\n\nRing Anna\n\nPer Ek", [("Ring Anna", None, "Per Ek")]),
        # Heading layout.
        (
            "#### ÅTGÄRDER\n\n#### SLUTDATUM\n\n#### ANSVARIG\n\n*Ring Anna*\n\n2020-01-15\n\n**Per Ek**",
            [("Ring Anna", date(2020, 1, 15), "Per Ek")],
        ),
        # Tab layout with empty cells and "Ej angivet".
        (
            "ÅTGÄRDER\tSLUTDATUM\tANSVARIG\n<i>Ring Anna</i>\t\t\n<i>Skriv</i>\tEj angivet\t<b>Per Ek</b>",
            [("Ring Anna", None, None), ("Skriv", None, "Per Ek")],
        ),
    ],
)
def test_action_block_variants(
    body: str, expected: list[tuple[str, date | None, str | None]]
) -> None:
    m = _one_item(body)
    assert [(a.text, a.due, a.owner) for a in m.items[0].actions] == expected
    assert [i.number for i in m.items] == ["1", "2"]


@pytest.mark.parametrize("heading", ["Beslut", "Bilagor", "Anteckningar", "Ärendebeskrivning"])
def test_action_block_ends_at_next_heading(heading: str) -> None:
    m = _one_item(f"Åtgärder\n\nRing Anna\n\n2020-01-15\n\nKansliet\n\n{heading}\n\nEfter rubriken")
    assert len(m.items[0].actions) == 1
    item = m.items[0]
    assert "Efter rubriken" in (item.decisions + item.attachments + item.notes + item.description)


def test_empty_beslut_heading_is_no_decision() -> None:
    m = _one_item("Anteckningar\n\nVi pratade.\n\nBeslut\n")
    assert m.items[0].decisions == []


def test_list_numbers_inside_an_item_do_not_break_the_agenda() -> None:
    text = (
        "Möte\n\n2020-01-08\n\n1. Öppning\n\n2. Ekonomi\n\n"
        "Att göra:\n\n3. Ringa\n\n4. Skriva\n\n3. Övrigt\n\n4. Avslutning\n"
    )
    m = parse_minutes(text)
    assert [(i.number, i.title) for i in m.items] == [
        ("1", "Öppning"),
        ("2", "Ekonomi"),
        ("3", "Övrigt"),
        ("4", "Avslutning"),
    ]
    assert m.items[1].notes == ["Att göra:", "3. Ringa", "4. Skriva"]


def test_note_without_action_is_a_warning() -> None:
    m = _one_item("Åtgärder\n\n2020-01-02: Ingen åtgärd ovanför")
    assert m.items[0].actions == []
    assert "saknar åtgärd" in m.warnings[0]


def test_no_date_is_a_warning() -> None:
    m = parse_minutes("1. Punkt\n\nText\n")
    assert m.day is None
    assert any("datum" in w for w in m.warnings)


def test_name_key_matches_spellings_of_the_old_tool() -> None:
    assert name_key("Helen SundstromHetta") == name_key("Helén Sundström Hetta")
    assert name_key("Hans-Ake Donnersvard") == name_key("Hans-Åke Donnersvärd")
    assert name_key("Per-Erik Magnusson") != name_key("Per-Eric Magnusson")


def test_format_detection() -> None:
    assert looks_like_minutes("Möte\n\n1. Öppning\n")
    assert not looks_like_minutes('{"schema_version": 1}')
    assert not looks_like_minutes("bara text")


def test_labelled_fields_and_a_date_line_with_the_time() -> None:
    m = _fixture("labels-2021-03-10.txt")
    assert (m.day, m.start, m.end) == (date(2021, 3, 10), time(9), time(15))
    assert m.place == "Teams (digitalt möte)"
    assert [i.number for i in m.items] == ["1", "2", "3", "3.1", "4"]
    assert _actions(m) == [
        ("2", "Informera personalen om vaccinationsplanen", date(2021, 3, 20), "Anna Berg"),
        ("2", "Ta fram kommunikationsplan", None, "Kansliet"),
        ("3.1", "Skicka kallelse", date(2021, 4, 1), None),
    ]
    assert [n.text for n in m.items[1].actions[1].notes] == ["Utkast klart."]
    assert _decisions(m) == {
        "2": ["Kommunchefsgruppen beslutar att ställa sig bakom planen."],
        "3.1": ["Nästa möte hålls digitalt."],
    }
    item2 = m.items[1]
    assert item2.presenter == "Eva Ek, Region Västerbotten"
    assert item2.description == ["Läget för vaccinationerna i regionen."]
    assert item2.notes == ["Vaccinationerna går enligt plan."]
    assert m.warnings == []


@pytest.mark.parametrize(
    "name", ["plain-2019-11-06.txt", "mixed-2020-02-12.txt", "labels-2021-03-10.txt"]
)
def test_the_same_minutes_without_blank_lines(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8-sig")
    dense = "\n".join(line for line in text.splitlines() if line.strip())
    expected, got = parse_minutes(text), parse_minutes(dense)
    assert _actions(got) == _actions(expected)
    assert _decisions(got) == _decisions(expected)
    assert [[n.text for n in a.notes] for i in got.items for a in i.actions] == [
        [n.text for n in a.notes] for i in expected.items for a in i.actions
    ]


def test_a_table_whose_tabs_became_spaces() -> None:
    m = _one_item(
        "Åtgärd    Slutdatum    Ansvarig\n"
        "Ring Anna    2020-01-15    Per Ek\n"
        "Skriv brev    Ej angivet    Ej angivet\n"
        "2020-01-10: Påbörjat."
    )
    assert [(a.text, a.due, a.owner, [n.text for n in a.notes]) for a in m.items[0].actions] == [
        ("Ring Anna", date(2020, 1, 15), "Per Ek", []),
        ("Skriv brev", None, None, ["Påbörjat."]),
    ]


def test_title_labels_in_the_header() -> None:
    m = parse_minutes(
        "Möte\n\nDatum: 2020-01-08\n\nOrdförande: Magnus Haglund\n\nSekreterare: Lisa Berg\n\n"
        "Organisatör: Lisa Berg\n\n1. Öppning\n"
    )
    got = [(p.name, p.role, p.title) for p in m.participants]
    assert got == [
        ("Magnus Haglund", "beslutande", "ordförande"),
        ("Lisa Berg", "ovriga", "sekreterare"),
        ("Lisa Berg", "organisator", None),
    ]


def test_presenter_and_attachment_headings_take_only_their_lines() -> None:
    m = _one_item(
        "Föredragande\n\nEva Ek\n\nEva berättade om läget.\n\n"
        "Bilagor\n\nRapport.pdf\n\nhttps://example.org/bilaga\n\nSe bilagorna."
    )
    item = m.items[0]
    assert item.presenter == "Eva Ek"
    assert item.attachments == ["Rapport.pdf", "https://example.org/bilaga"]
    assert item.notes == ["Eva berättade om läget.", "Se bilagorna."]


def test_owner_line_with_a_full_stop_and_bulleted_texts() -> None:
    m = _one_item(
        "Åtgärder\n\n- Boka rum\n\n2020-01-15\n\nKansliet.\n\n- Skicka kallelse\n\nEj angivet\n\nEj angivet"
    )
    assert [(a.text, a.due, a.owner) for a in m.items[0].actions] == [
        ("Boka rum", date(2020, 1, 15), "Kansliet."),
        ("Skicka kallelse", None, None),
    ]


def test_more_header_labels_and_unknown_ones() -> None:
    m = parse_minutes(
        "Möte\n\n2020-01-08\n\nLedamöter:\n\nAnna Berg, Vännäs kommun\n\nGäster:\n\nEva Ek\n\n"
        "Ej närvarande:\n\nPer Ek\n\nJusterat av:\n\nOkänd Person\n\n1. Öppning\n"
    )
    assert [(p.name, p.role) for p in m.participants] == [
        ("Anna Berg", "beslutande"),
        ("Eva Ek", "ovriga"),
        ("Per Ek", "franvaro"),
    ]
    assert any("Justerat av" in w for w in m.warnings)


_LINES = [
    "1. Öppning",
    "3.1. Ekonomi",
    "## 4. Rubrik",
    "Åtgärder",
    "#### ÅTGÄRDER",
    "ÅTGÄRDER\tSLUTDATUM\tANSVARIG",
    "<i>Text</i>\t2020-01-01\t<b>Anna</b>",
    "<i>Text</i>\t\t",
    "\t2020-01-01\t<b>Anna</b>",
    "Ej angivet",
    "2020-01-15",
    "2020-13-45",
    "2020-01-20 Anna Berg",
    "2020-01-12: Not.",
    "Beslut",
    "- Beslutet",
    "Bilagor",
    "a.pdf, b.docx",
    "Föredragande:",
    "Deltagare",
    "Anna (Organisatör), Per",
    "08:30-12:00",
    "25:00-26:00",
    "**Per Ek**",
    "*kursiv*",
    "***",
    "",
    "Vanlig text.",
]


@given(st.lists(st.sampled_from(_LINES) | st.text(max_size=40), max_size=40))
@settings(max_examples=150, deadline=None)
def test_the_parser_never_fails(lines: list[str]) -> None:
    m = parse_minutes("\n".join(lines))
    for item in m.items:
        for action in item.actions:
            assert action.text


def _as_plain_blocks(m: ParsedMeeting, seed: int) -> str:
    """Write a parsed meeting back in the plain-block layout, varying how each action is printed."""
    import random

    rnd = random.Random(seed)
    out = [m.title or "Kommunchefsmöte", "", "Beslutande:", ""]
    out += [f"{p.name}, {p.municipality}" for p in m.participants if p.role == "beslutande"]
    out += ["", m.day.isoformat() if m.day else "", "", "08:30-12:00", "", m.place or "Rum", ""]
    for item in m.items:
        out += [f"{item.number}. {item.title}", ""]
        if item.presenter:
            out += ["Föredragande", "", item.presenter, ""]
        if item.description:
            out += ["Ärendebeskrivning", ""] + [f"{d}\n" for d in item.description]
        if item.notes:
            out += ["Anteckningar", ""] + [f"{n}\n" for n in item.notes]
        if item.actions:
            out += ["Åtgärder", ""]
            for a in item.actions:
                due = a.due.isoformat() if a.due else "Ej angivet"
                owner = a.owner or "Ej angivet"
                out += [a.text, ""]
                roll = rnd.random()
                if roll < 0.3:
                    out += [f"{due} {owner}", ""]
                elif roll < 0.45 and a.owner is None and a.due is not None:
                    out += [due, ""]  # the owner line left out altogether
                else:
                    out += [due, "", owner, ""]
                out += [f"{n.day.isoformat()}: {n.text}\n" for n in a.notes]
        if item.decisions or rnd.random() < 0.3:
            out += ["Beslut", ""] + [f"- {d}\n" for d in item.decisions]
    text = "\n".join(out)
    if seed % 2:  # some exports have no blank lines at all
        text = "\n".join(line for line in text.splitlines() if line.strip())
    return text


@pytest.mark.parametrize("seed", range(4))
def test_the_samples_rewritten_as_plain_blocks_read_the_same(seed: int) -> None:
    for name in ("kc-2016-02-18.txt", "kc-2017-05-10.txt"):
        original = _sample(name)
        for n, action in enumerate(a for i in original.items for a in i.actions):
            if n % 3 == seed % 3:
                action.notes.append(
                    ParsedNote(date(2016, 3, 1 + n % 27), f"Uppföljning nummer {n}.")
                )
        plain = parse_minutes(_as_plain_blocks(original, seed))
        assert [i.number for i in plain.items] == [i.number for i in original.items]
        assert _actions(plain) == _actions(original)
        assert _decisions(plain) == _decisions(original)
        assert [[(n.day, n.text) for n in a.notes] for i in plain.items for a in i.actions] == [
            [(n.day, n.text) for n in a.notes] for i in original.items for a in i.actions
        ]
