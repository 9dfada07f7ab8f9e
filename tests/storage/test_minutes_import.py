"""Loading parsed minutes into the register: what lands where, and idempotency."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import actions as action_repo
from storage.db import transaction
from storage.minutes_import.load import LoadResult, load_minutes
from storage.minutes_import.parse import parse_minutes
from storage.models import (
    Action,
    ActionNote,
    ActionOwner,
    AgendaItem,
    AuditEvent,
    Decision,
    Meeting,
    MeetingParticipant,
    MeetingSeries,
    Person,
)
from storage.workspaces import get_or_create_workspace

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
SAMPLES = Path("/work/shared/samples/minutes")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "minutes"
TABLES = (
    Meeting,
    MeetingSeries,
    AgendaItem,
    Action,
    ActionOwner,
    ActionNote,
    Decision,
    Person,
    MeetingParticipant,
    AuditEvent,
)


def _sample_text(name: str) -> str:
    local = Path(__file__).resolve().parents[3] / "shared" / "samples" / "minutes" / name
    return (local if local.exists() else SAMPLES / name).read_text(encoding="utf-8")


def _load(engine: Engine, text: str, series: str = "KC-möte") -> LoadResult:
    with transaction(engine) as session:
        ws = get_or_create_workspace(session, platform="console", external_id="console", at=AT)
        assert ws.id is not None
        return load_minutes(
            session, parse_minutes(text), workspace_id=ws.id, series_name=series, at=AT, source="t"
        )


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m in TABLES}


def _actions_by_item(session: Session, meeting_id: int) -> list[tuple[str, date | None, list[str]]]:
    rows = session.exec(
        select(Action, AgendaItem)
        .join(AgendaItem, col(AgendaItem.id) == col(Action.item_id))
        .where(Action.meeting_id == meeting_id)
        .order_by(col(Action.number))
    ).all()
    owners = action_repo.owners_of(session, action_ids=[a.id for a, _ in rows if a.id])
    return [(i.number, a.due_date, [p.display_name for p in owners[a.id or 0]]) for a, i in rows]


def test_2017_sample_lands_in_its_meeting(engine: Engine) -> None:
    result = _load(engine, _sample_text("kc-2017-05-10.txt"))
    assert result.meeting_created and result.actions == 5
    with Session(engine) as session:
        meeting = session.get(Meeting, result.meeting_id)
        assert meeting is not None
        assert meeting.starts_at.astimezone().date() == date(2017, 5, 10)
        assert meeting.status == "ended"
        assert _actions_by_item(session, result.meeting_id) == [
            ("3.2", date(2017, 5, 16), ["Lisa Andersson Lindberg"]),
            ("3.3", date(2017, 5, 18), ["Lisa Andersson Lindberg"]),
            ("4", date(2017, 6, 15), ["Lisa Andersson Lindberg"]),
            ("7", date(2017, 12, 1), ["Magnus Haglund"]),
            ("7", date(2017, 9, 4), ["Lisa Andersson Lindberg"]),
        ]
        decided = session.exec(
            select(AgendaItem.number)
            .join(Decision, col(Decision.item_id) == col(AgendaItem.id))
            .where(Decision.meeting_id == result.meeting_id)
        ).all()
        assert set(decided) == {"3.2", "3.3", "4", "7", "8.1", "11"}
        chair = session.exec(
            select(Person.display_name, MeetingParticipant.municipality)
            .join(Person, col(Person.id) == col(MeetingParticipant.person_id))
            .where(
                MeetingParticipant.meeting_id == result.meeting_id,
                MeetingParticipant.title == "ordförande",
            )
        ).all()
        assert chair == [("Magnus Haglund", "Örnsköldsviks kommun")]
        events = session.exec(
            select(AuditEvent.op).where(AuditEvent.entity == "action", AuditEvent.op == "create")
        ).all()
        assert len(events) == 5


def test_second_import_changes_nothing(engine: Engine) -> None:
    for name in ("kc-2016-02-18.txt", "kc-2017-05-10.txt"):
        _load(engine, _sample_text(name))
    for name in ("plain-2019-11-06.txt", "mixed-2020-02-12.txt"):
        _load(engine, (FIXTURES / name).read_text(encoding="utf-8-sig"))
    before = _counts(engine)
    assert before["Action"] == 57 + 5 + 11 + 7
    for name in ("kc-2016-02-18.txt", "kc-2017-05-10.txt"):
        assert not _load(engine, _sample_text(name)).changed
    for name in ("plain-2019-11-06.txt", "mixed-2020-02-12.txt"):
        assert not _load(engine, (FIXTURES / name).read_text(encoding="utf-8-sig")).changed
    assert _counts(engine) == before


def test_owners_are_matched_by_name_across_files(engine: Engine) -> None:
    _load(engine, _sample_text("kc-2016-02-18.txt"))
    _load(engine, _sample_text("kc-2017-05-10.txt"))
    with Session(engine) as session:
        names = session.exec(select(Person.display_name)).all()
    assert names.count("Lisa Andersson Lindberg") == 1
    # "Helen SundstromHetta" (an owner in 2016) is the same person as "Helén Sundström Hetta".
    helens = [n for n in names if n.replace(" ", "").casefold().startswith("hel")]
    assert len(helens) == 1


def test_plain_fixture_notes_owners_and_groups(engine: Engine) -> None:
    result = _load(engine, (FIXTURES / "plain-2019-11-06.txt").read_text(encoding="utf-8"))
    with Session(engine) as session:
        rows = _actions_by_item(session, result.meeting_id)
        assert rows[1] == ("3.1", date(2019, 11, 15), ["Kansliet"])
        kansliet = session.exec(select(Person).where(Person.display_name == "Kansliet")).one()
        assert kansliet.platform_user_id is None  # a group is a name-only person
        notes = session.exec(select(ActionNote).order_by(col(ActionNote.note_date))).all()
        assert [(n.note_date, n.text) for n in notes] == [
            (date(2019, 10, 16), "Nämndssammanträde den 23 oktober, frågan lyfts där."),
            (date(2019, 10, 29), "Klart i Umeå, återrapporteras i december."),
            (date(2020, 1, 12), "Fem av sju kommuner har svarat."),
        ]
        item = session.exec(select(AgendaItem).where(AgendaItem.number == "3.1")).one()
        assert item.attachments == ["Budget 2020 förslag.xlsx", "Budget 2020 kommentarer.docx"]


def test_a_later_export_of_the_same_meeting_only_adds_the_new_note(engine: Engine) -> None:
    text = (FIXTURES / "plain-2019-11-06.txt").read_text(encoding="utf-8")
    _load(engine, text)
    before = _counts(engine)
    later = text.replace(
        "2020-01-12: Fem av sju kommuner har svarat.",
        "2020-01-12: Fem av sju kommuner har svarat.\n\n2020-01-19: Alla har svarat.",
    )
    result = _load(engine, later)
    assert (result.notes, result.actions, result.decisions) == (1, 0, 0)
    after = _counts(engine)
    assert after["ActionNote"] == before["ActionNote"] + 1
    assert after["Action"] == before["Action"]


def test_series_option_keeps_meetings_apart(engine: Engine) -> None:
    text = (FIXTURES / "plain-2019-11-06.txt").read_text(encoding="utf-8")
    a = _load(engine, text, series="KC-möte")
    b = _load(engine, text, series="URR")
    assert a.meeting_id != b.meeting_id and b.meeting_created
