"""commands.run: one pipeline, typed results, duplicates only by key, errors never swallowed."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from commands import Outcome, Request, UserRef, run
from commands.dispatch import handle
from commands.forms import ActionForm
from storage import inbox
from storage.models import Action, Person, ProcessedEvent, Workspace
from tests.conftest import NOW

SARA = UserRef(platform_id="U0SEK", name="Sara Sekreterare", locale="sv-SE")


def request(line: str, **extra: object) -> Request:
    command, _, rest = line.lstrip("/").partition(" ")
    fields: dict[str, object] = {
        "platform": "slack",
        "workspace": "T0UMEA",
        "user": SARA,
        "channel": "CKC",
        "command": command,
        "text": rest,
        "now": NOW,
        **extra,
    }
    return Request(**fields)  # type: ignore[arg-type]


def count(engine: Engine, model: type[object]) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())  # type: ignore[call-overload]


def test_a_change_says_what_it_changed_and_a_list_is_read_only(sqlite_engine: Engine) -> None:
    added = run(request("/action add Ring Anna senast fredag"), engine=sqlite_engine)
    assert added.outcome == Outcome.OK and not added.read_only
    assert (added.command, added.subcommand) == ("action", "add")
    assert added.changes.action_numbers == (1,)
    listed = run(request("/action list alla"), engine=sqlite_engine)
    assert listed.outcome == Outcome.OK and listed.read_only and not listed.changes
    helped = run(request("/åtgärd hjälp"), engine=sqlite_engine)
    assert helped.read_only and helped.subcommand == "help"
    bad = run(request("/action done #99"), engine=sqlite_engine)
    assert bad.outcome == Outcome.USER_ERROR and bad.reply.error and not bad.changes


def test_a_form_is_the_subcommands_structured_input(sqlite_engine: Engine) -> None:
    form = ActionForm(text="Skriv  protokoll", owner_names=("Kansliet",), due=date(2026, 12, 4))
    result = run(request("/action add", form=form), engine=sqlite_engine)
    assert result.outcome == Outcome.OK and result.reply.headline == "Åtgärd #1 registrerad"
    assert "Skriv protokoll — ansvarig: Kansliet" in result.reply.as_text()
    # A private chat's owner rule holds for forms too: no owner given means mine.
    private = run(
        request("/action add", form=ActionForm(text="Läs bilagan"), private=True),
        engine=sqlite_engine,
    )
    assert "ansvarig: Sara Sekreterare" in private.reply.as_text()
    past = run(
        request("/action add", form=ActionForm(text="X", due=date(2026, 11, 1))),
        engine=sqlite_engine,
    )
    assert past.outcome == Outcome.USER_ERROR and count(sqlite_engine, Action) == 2


def test_a_redelivery_is_recognised_by_its_key_only(sqlite_engine: Engine) -> None:
    first = request("/action add Boka lokal", idempotency_key="Ev1")
    assert run(first, engine=sqlite_engine).outcome == Outcome.OK
    again = run(first, engine=sqlite_engine)
    assert again.outcome == Outcome.DUPLICATE and not again.reply.error
    # The same words under another key are a new action, not a duplicate.
    assert run(replace(first, idempotency_key="Ev2"), engine=sqlite_engine).outcome == Outcome.OK
    assert count(sqlite_engine, Action) == 2
    assert handle(first, engine=sqlite_engine).headline == "Det här har redan tagits emot."


def test_a_delivery_with_an_inbox_row_is_told_apart_by_that_row(sqlite_engine: Engine) -> None:
    row = inbox.record(
        sqlite_engine,
        platform="slack",
        key="cmd:Tr1",
        workspace="T0UMEA",
        kind="command",
        payload={"text": "add Boka lokal"},
        reply_to=None,
        at=NOW,
    )
    first = request("/action add Boka lokal", idempotency_key="cmd:Tr1", inbox_id=row.item_id)
    assert run(first, engine=sqlite_engine).outcome == Outcome.OK
    # The same row run again (a sweep that took it from a process thought dead): nothing
    # new is stored, and the row keeps the first answer.
    again = run(first, engine=sqlite_engine)
    assert again.outcome == Outcome.DUPLICATE and not again.reply.error
    assert count(sqlite_engine, Action) == 1
    with Session(sqlite_engine) as session:
        stored = inbox.get(session, item_id=row.item_id)
        assert stored is not None and stored.answer is not None
        assert "registrerad" in stored.answer
        # The row is the record of the delivery: no second record beside it.
        assert session.exec(select(ProcessedEvent)).all() == []


def _nothing_stored(engine: Engine, actions: int = 0) -> None:
    assert count(engine, Action) == actions
    with Session(engine) as session:
        keys = session.exec(select(ProcessedEvent.event_id)).all()
        assert "Ev-broken" not in keys


def test_a_constraint_violation_is_an_internal_error_with_an_id(
    sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    # A real constraint in the database, not a stand-in for our code: every new action fails.
    with sqlite_engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER no_actions BEFORE INSERT ON action "
                "BEGIN SELECT RAISE(ABORT, 'no actions today'); END"
            )
        )
    caplog.set_level(logging.ERROR, logger="motesbot.commands")
    broken = request("/action add Ring Anna", idempotency_key="Ev-broken")
    result = run(broken, engine=sqlite_engine)

    assert result.outcome == Outcome.INTERNAL_ERROR and result.reply.error
    assert result.error_id and re.fullmatch(r"[0-9a-f]{4}", result.error_id)
    assert result.reply.headline == (
        f"Något gick fel — ingenting sparades (fel-id {result.error_id})."
    )
    # Logged once, with the id the user can quote.
    logged = [r for r in caplog.records if result.error_id in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None
    # Nothing stored: no action, no delivery key, not even the first-time caller.
    _nothing_stored(sqlite_engine)
    assert count(sqlite_engine, Person) == 0 and count(sqlite_engine, Workspace) == 0
    # Not mistaken for a redelivery: the same delivery fails the same way again.
    assert run(broken, engine=sqlite_engine).outcome == Outcome.INTERNAL_ERROR
    english = run(replace(broken, lang="en"), engine=sqlite_engine)
    assert english.reply.headline.startswith("Something went wrong — nothing was saved (error id ")


def test_a_unique_index_conflict_is_not_a_duplicate(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE UNIQUE INDEX ix_test_one_text ON action (text)"))
    assert run(request("/action add Ring Anna", idempotency_key="Ev-a"), engine=engine).ok
    clash = run(request("/action add Ring Anna", idempotency_key="Ev-b"), engine=engine)
    assert clash.outcome == Outcome.INTERNAL_ERROR
    assert f"(fel-id {clash.error_id})" in clash.reply.headline
    assert count(engine, Action) == 1
    with Session(engine) as session:
        assert "Ev-b" not in session.exec(select(ProcessedEvent.event_id)).all()
