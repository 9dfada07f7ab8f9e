"""Look-ups by name go through the index of folded names, which follows every rename."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage import people
from storage.db import make_engine, transaction
from storage.migrate import alembic_config, upgrade
from storage.workspaces import get_or_create_workspace

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _workspace(engine: Engine) -> int:
    with transaction(engine) as session:
        ws = get_or_create_workspace(session, platform="slack", external_id="T0NAMES", at=AT)
        assert ws.id is not None
        return ws.id


def _names(engine: Engine, ws: int, query: str) -> list[str]:
    with transaction(engine) as session:
        return [p.display_name for p in people.match_name(session, workspace_id=ws, query=query)]


def test_a_new_name_is_found_and_the_old_one_is_not(engine: Engine) -> None:
    ws = _workspace(engine)
    with transaction(engine) as session:
        people.upsert_chat_user(
            session, workspace_id=ws, platform_user_id="U1", display_name="Åsa Berg", at=AT
        )
    # Her profile changes name (she married): the next command knows her by the new one.
    with transaction(engine) as session:
        people.upsert_chat_user(
            session, workspace_id=ws, platform_user_id="U1", display_name="Åsa Lind", at=AT
        )
    assert _names(engine, ws, "lind") == ["Åsa Lind"]
    assert _names(engine, ws, "asa") == ["Åsa Lind"]  # an English keyboard
    assert _names(engine, ws, "berg") == []


def test_among_thousands_of_people_the_one_named_is_found(engine: Engine) -> None:
    ws = _workspace(engine)
    with transaction(engine) as session:
        for n in range(3000):
            people.get_or_create_by_name(session, workspace_id=ws, name=f"Person {n:04d}", at=AT)
        for name in ("Helén Ek", "Anna Berg", "Annika Berg", "Anna"):
            people.get_or_create_by_name(session, workspace_id=ws, name=name, at=AT)
    assert _names(engine, ws, "helen") == ["Helén Ek"]
    assert _names(engine, ws, "ANNA") == ["Anna"]  # the whole name wins over "Anna Berg"
    assert _names(engine, ws, "berg") == ["Anna Berg", "Annika Berg"]
    assert _names(engine, ws, "anna b") == ["Anna Berg"]
    assert _names(engine, ws, "person 0042") == ["Person 0042"]
    # A name thousands share is ambiguous; the answer is bounded, not the register.
    assert len(_names(engine, ws, "person")) == people.MATCH_LIMIT
    with transaction(engine) as session:
        found = people.find_by_name(session, workspace_id=ws, name="anna berg")
        assert found is not None and found.display_name == "Anna Berg"
        alikes = people.look_alikes(session, workspace_id=ws, name="Helen Ek")
        assert [p.display_name for p in alikes] == ["Helén Ek"]


def test_the_upgrade_indexes_the_names_people_already_have(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    engine = make_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0013_action_search")
    ws = _workspace(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (workspace_id, display_name, reminders_enabled,"
                " reminder_time, created_at) VALUES (:ws, 'Örjan Åberg', 1, '08:00:00', :at)"
            ),
            {"ws": ws, "at": AT},
        )
    upgrade(engine)
    assert _names(engine, ws, "åberg") == ["Örjan Åberg"]
    assert _names(engine, ws, "orjan") == ["Örjan Åberg"]
    engine.dispose()
