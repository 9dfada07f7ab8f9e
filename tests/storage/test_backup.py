"""JSON export and restore lose nothing; CSV opens in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from storage import backup
from storage.db import make_engine, transaction
from storage.migrate import upgrade
from tests.conftest import Transcript

STAMP = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _fill(console: Transcript) -> None:
    for line in [
        "/meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
        "/agenda add Budget 2027 @mig",
        "/meeting start --ja",
        '/meeting item 3.1 Ekonomi - rapport och uppföljning @"Anna Berg"',
        '/action add Ta fram budgetunderlag @"Lisa Andersson Lindberg" @"Per Ek" senast 2026-12-05',
        "/action notera #1 Första utkastet klart",
        '/action add Boka lokal @"Lisa Andersson Lindberg"',
        "/action klar #2",
        "/decision add Kommunchefsgruppen godkänner rapporten",
        "/meeting punkt 3.1 beskrivning Vi går igenom det ekonomiska läget.",
        "/meeting punkt 3.1 anteckning Kostnaderna uppgår till 357 700 kr.",
        "/meeting punkt 3.1 bilaga Budget uppföljning.pdf",
        '/meeting beslutande @"Magnus Haglund" (Örnsköldsviks kommun, ordförande) @Anna (Vännäs)',
        '/meeting ersättare @"Eva Ek" (Nordmalings kommun)',
        "/meeting sekreterare @Lisa",
        "/meeting justerare @Anna",
        "/meeting end",
        "/meeting justera",
        "/meeting new KC-möte 2027-01-14",
        "/agenda add Uppföljning",
        '/arbetsgrupp ny Näringslivsgruppen @"Per Ek"',
        '/arbetsgrupp medlem Näringslivsgruppen @"Lisa Andersson Lindberg"',
        "/arbetsgrupp ordförande Näringslivsgruppen 2027 Vännäs @mig",
        "/arbetsgrupp ny organisation RISE",
        "/uppdrag ny Rally VM @Näringslivsgruppen @RISE från B1 period 2026-2027",
        "/uppdrag rapport U1 Planeringen pågår pågår",
        "/uppdrag bedöm U1 ändrat Nytt upplägg",
        "/uppdrag åtgärd U1 #1",
        "/uppdrag uppföljning KC-möte 2027-01-14",
    ]:
        reply = console.send(line)
        assert not reply.error, reply.as_text()


def _export(engine: Engine) -> dict:  # type: ignore[type-arg]
    with transaction(engine) as session:
        return backup.export_data(session, exported_at=STAMP)


def test_round_trip_loses_nothing(console_any: Transcript, tmp_path: object, db_url: str) -> None:
    _fill(console_any)
    first = _export(console_any.engine)
    target = make_engine(f"sqlite:///{tmp_path}/restored.db")
    upgrade(target)
    with transaction(target) as session:
        counts = backup.restore_data(session, first)
    assert counts["actions"] == 2 and counts["decisions"] == 1 and counts["meetings"] == 2
    assert counts["assignments"] == 1
    ws = first["workspaces"][0]
    assert [p["name"] for p in ws["parties"]] == ["Näringslivsgruppen", "RISE"]
    assert ws["parties"][0]["chairs"][0]["municipality"] == "Vännäs"
    assert ws["assignments"][0]["status"] == "ändrat" and len(ws["assignments"][0]["reports"]) == 2
    assert ws["assignments"][0]["action_ids"] and len(ws["assignment_followups"]) == 1
    assert _export(target) == first
    # Everything the chat filled in is in the export.
    ws = first["workspaces"][0]
    people = {p["id"]: p["display_name"] for p in ws["people"]}
    held = ws["meetings"][0]
    item = next(i for i in held["items"] if i["number"] == "3.1")
    assert item["description"] == "Vi går igenom det ekonomiska läget."
    assert item["notes"] == "Kostnaderna uppgår till 357 700 kr."
    assert item["attachments"] == ["Budget uppföljning.pdf"]
    roles = {
        (people[p["person_id"]], p["role"], p["municipality"], p["title"])
        for p in held["participants"]
    }
    assert roles == {
        ("Magnus Haglund", "beslutande", "Örnsköldsviks kommun", "ordförande"),
        ("Anna Berg", "beslutande", "Vännäs", "justerare"),
        ("Eva Ek", "ersattare", "Nordmalings kommun", None),
        ("Lisa Andersson Lindberg", "ovriga", None, "sekreterare"),
    }
    assert held["status"] == "approved" and people[held["approved_by_id"]] == "Sekreterare"
    assert held["approved_at"] is not None
    # The restored register keeps working: the next action gets the next number.
    restored = Transcript(target)
    assert restored.send("/action add Nästa").headline == "Åtgärd #3 registrerad"


def test_restore_into_postgresql_continues_sequences(
    console: Transcript, postgres_url: str
) -> None:
    _fill(console)
    data = _export(console.engine)
    target = make_engine(postgres_url)
    upgrade(target)
    with transaction(target) as session:
        backup.restore_data(session, data)
    assert _export(target) == data
    assert Transcript(target).send("/decision add Ett till").headline == "Beslut B2 registrerat"
    target.dispose()


def test_restore_refuses_non_empty_database_and_bad_version(console: Transcript) -> None:
    _fill(console)
    data = _export(console.engine)
    with pytest.raises(backup.RestoreError), transaction(console.engine) as session:
        backup.restore_data(session, data)
    with pytest.raises(backup.RestoreError), transaction(console.engine) as session:
        backup.restore_data(session, {**data, "schema_version": 99})


def test_csv_has_one_row_per_action(console: Transcript) -> None:
    _fill(console)
    rows = list(csv.DictReader(io.StringIO(backup.export_actions_csv(_export(console.engine)))))
    assert [r["number"] for r in rows] == ["1", "2"]
    assert rows[0]["owners"] == "Lisa Andersson Lindberg; Per Ek"
    assert rows[0]["latest_note"] == "2026-11-23: Första utkastet klart"
    assert rows[1]["status"] == "done" and rows[1]["due_date"] == ""


def test_conversation_refs_and_occurrences_survive_a_restore(
    console: Transcript, postgres_url: str, tmp_path: object
) -> None:
    from sqlmodel import select

    from storage import conversation_refs
    from storage.models import Meeting, MeetingSeries, SeriesOccurrence
    from storage.workspaces import get_or_create_workspace

    _fill(console)
    with transaction(console.engine) as session:
        series = session.exec(select(MeetingSeries)).one()
        meeting = session.exec(select(Meeting).order_by(Meeting.starts_at)).first()  # type: ignore[arg-type]
        assert series.id is not None and meeting is not None
        session.add(
            SeriesOccurrence(
                series_id=series.id,
                occurrence_date=meeting.starts_at.date(),
                meeting_id=meeting.id,
                created_at=STAMP,
            )
        )
        teams = get_or_create_workspace(session, platform="teams", external_id="tenant-1", at=STAMP)
        assert teams.id is not None
        conversation_refs.save_ref(
            session,
            workspace_id=teams.id,
            kind=conversation_refs.PERSONAL,
            key="aad-1",
            reference={"claims": {"aud": "app"}, "conversation_reference": {"serviceUrl": "x"}},
            at=STAMP,
        )
    first = _export(console.engine)
    [kc] = [w for w in first["workspaces"] if w["platform"] == "console"]
    assert [o["occurrence_date"] for o in kc["series"][0]["occurrences"]] == ["2026-12-10"]
    [tenant] = [w for w in first["workspaces"] if w["platform"] == "teams"]
    assert [(r["kind"], r["key"]) for r in tenant["conversation_refs"]] == [("personal", "aad-1")]
    for url in (f"sqlite:///{tmp_path}/restored.db", postgres_url):
        target = make_engine(url)
        upgrade(target)
        with transaction(target) as session:
            counts = backup.restore_data(session, first)
        assert counts["conversation_refs"] == 1
        assert _export(target) == first
        # Sequences continue after the restored ids.
        with transaction(target) as session:
            conversation_refs.save_ref(
                session, workspace_id=tenant["id"], kind="channel", key="c", reference={}, at=STAMP
            )
        target.dispose()


def test_an_export_without_the_newer_lists_still_restores(
    console: Transcript, tmp_path: object
) -> None:
    _fill(console)
    data = _export(console.engine)
    for ws in data["workspaces"]:
        del ws["conversation_refs"]
        for series in ws["series"]:
            del series["occurrences"]
    target = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(target)
    with transaction(target) as session:
        assert backup.restore_data(session, data)["actions"] == 2
