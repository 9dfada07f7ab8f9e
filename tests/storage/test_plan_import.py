"""The verksamhetsplan's UPPDRAG/ANSVARIG tables become assignments, once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from storage import assignments as repo
from storage.db import transaction
from storage.models import Assignment, AuditEvent, ResponsibleParty
from storage.plan_import import load_plan, parse_plan, split_parties, title_case
from storage.workspaces import get_or_create_workspace

PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "verksamhetsplan-2023-2027.txt"
AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
LOPANDE = "ARBETSGRUPPER/PROJEKT I LÖPANDE VERKSAMHET"
UTVECKLA = "UTVECKLA ARBETSMARKNADSREGIONEN"
EFFEKTIVISERA = "EFFEKTIVISERA KOMMUNALVERKSAMHET"

# Every row of the sample: (section, start of the text, responsible parties).
EXPECTED = [
    (LOPANDE, "Avfallsplanens genomförande", ["Arbetsgrupp för avfallsplanen"]),
    (LOPANDE, "Arbetsmarknadskunskap i skolan, projekt", ["Kanslichef"]),
    (LOPANDE, "Studenter möter arbetsliv, projekt", ["Kanslichef"]),
    (LOPANDE, "Attrahera flera, projekt", ["Näringslivsgruppen"]),
    (LOPANDE, "Thriving Northern Capacities", ["RISE"]),
    (LOPANDE, "Business Arena", ["Näringslivsgruppen"]),
    (LOPANDE, "Rally VM", ["Näringslivsgruppen"]),
    (LOPANDE, "Aktiviteter kring Landsbygdsstrategin", ["LBU-gruppen"]),
    (LOPANDE, "Idériket 2030", ["Styrelsen"]),
    (LOPANDE, "Utveckla, samverkan Bibilotek", ["Urax-gruppen"]),
    (LOPANDE, "Utvärdera avtalet med Visit Umeå", ["Turismgruppen"]),
    (LOPANDE, "Samverkan inom upphandlingar", ["Upphandlingsgruppen"]),
    (
        LOPANDE,
        "Kompetensförsörjning samt utveckling inom arbetsmarknadsregionen",
        ["Personalchefgruppen"],
    ),
    (UTVECKLA, "Stärka samarbetet för ökad effektivitet", ["Skolchefgruppen"]),
    (UTVECKLA, "Kompetensförsörjning Gemensamma utbildningar", ["Personalchefgruppen"]),
    (UTVECKLA, "Befolkningsökning, inflyttning", ["Kommunikatörgruppen"]),
    (UTVECKLA, "Samhällsbyggande Stärka samarbetet", ["Samhällsbyggnadsgruppen"]),
    (UTVECKLA, "Undersöka möjligheterna att Umeåregionen blir en pilot", ["Kommunchefgruppen"]),
    (EFFEKTIVISERA, "Bevaka att de gemensamma nämndernas arbete", ["Kommunchefgruppen"]),
    (
        EFFEKTIVISERA,
        "Verka för gemensamma anställningar av säkerhetsskyddschef",
        ["Kommunchefgruppen", "Kanslichef"],
    ),
    (EFFEKTIVISERA, "Verka för ett gemensamt pendlarkort", ["Kommunchefgruppen"]),
    (
        EFFEKTIVISERA,
        "Arbeta för gemensamma upphandlingar av verksamhetssystem",
        ["Digitaliseringsgruppen"],
    ),
]


def test_the_sample_plan_parses_in_full() -> None:
    parsed = parse_plan(PLAN.read_text(encoding="utf-8"))
    assert [t.section for t in parsed.tables] == [LOPANDE, UTVECKLA, EFFEKTIVISERA]
    assert [len(t.rows) for t in parsed.tables] == [13, 5, 4]
    rows = [(t.section, r) for t in parsed.tables for r in t.rows]
    assert len(rows) == len(EXPECTED) == 22
    for (section, row), (want_section, start, parties) in zip(rows, EXPECTED, strict=True):
        assert section == want_section
        assert row.text.startswith(start), (row.text, start)
        assert row.parties == parties, row.text
    assert parsed.period == "2023-2027"
    # The long cells keep the whole text, tabs and all spaces tidied.
    assert rows[16][1].text.endswith("se till att inte kommun- och länsgränserna blir ett hinder.")


def test_sections_are_shown_title_cased() -> None:
    assert title_case(LOPANDE) == "Arbetsgrupper/Projekt i Löpande Verksamhet"
    assert title_case(UTVECKLA) == "Utveckla Arbetsmarknadsregionen"
    assert title_case(EFFEKTIVISERA) == "Effektivisera Kommunalverksamhet"


def test_a_cell_is_split_only_into_known_names() -> None:
    known = {"Kommunchefgruppen", "Kanslichef", "Arbetsgrupp"}
    assert split_parties("Kommunchefgruppen Kanslichef", known) == [
        "Kommunchefgruppen",
        "Kanslichef",
    ]
    assert split_parties("Arbetsgrupp för avfallsplanen", known) == [
        "Arbetsgrupp för avfallsplanen"
    ]
    assert split_parties("Kanslichef", known) == ["Kanslichef"]
    assert split_parties("Kanslichef Okänd", known) == ["Kanslichef Okänd"]


def _counts(engine: Engine) -> tuple[int, int, int]:
    with transaction(engine) as session:
        return (
            session.exec(select(func.count()).select_from(Assignment)).one(),
            session.exec(select(func.count()).select_from(ResponsibleParty)).one(),
            session.exec(select(func.count()).select_from(AuditEvent)).one(),
        )


def test_import_stores_every_row_and_a_second_import_changes_nothing(engine: Engine) -> None:
    with transaction(engine) as session:
        ws = get_or_create_workspace(session, platform="console", external_id="console", at=AT)
        wid = ws.id
    assert wid is not None
    text = PLAN.read_text(encoding="utf-8")
    with transaction(engine) as session:
        first = load_plan(session, parse_plan(text), workspace_id=wid, source=PLAN.name, at=AT)
    assert (first.assignments, first.existing) == (22, 0)
    assert first.parties == 15
    counts = _counts(engine)
    with transaction(engine) as session:
        again = load_plan(session, parse_plan(text), workspace_id=wid, source=PLAN.name, at=AT)
    assert (again.assignments, again.parties, again.existing) == (0, 0, 22)
    assert _counts(engine) == counts
    with transaction(engine) as session:
        stored = repo.list_assignments(session, workspace_id=wid)
        parties = repo.parties_of(session, assignment_ids=[a.id for a in stored if a.id])
        got = [(a.section, a.text, [p.name for p in parties[a.id or 0]]) for a in stored]
        assert [a.number for a in stored] == list(range(1, 23))
        assert all(a.period == "2023-2027" and a.status == "pågår" for a in stored)
        assert stored[0].origin == "Verksamhetsplan Umeåregionen 2023-2027"
        kinds = {p.name: p.kind for p in repo.parties_in(session, workspace_id=wid)}
    for (section, text, names), (want_section, start, want) in zip(got, EXPECTED, strict=True):
        assert section == want_section and text.startswith(start) and names == want
    assert kinds["Kanslichef"] == "role"
    assert kinds["RISE"] == "organisation"
    assert kinds["Näringslivsgruppen"] == "group"
    assert kinds["Arbetsgrupp för avfallsplanen"] == "group"
