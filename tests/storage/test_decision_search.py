"""The decision register's full-text search on SQLite (FTS5) and PostgreSQL (Swedish)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from storage import decisions as repo
from storage.db import transaction
from storage.workspaces import get_or_create_workspace

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

TEXTS = [
    "Kommunchefsgruppen beslutar att godkänna budgeten för 2020.",
    "Regionrådet informeras om kommunchefsgruppens prioriteringar.",
    "Budget och budgetuppföljning: budgeten följs upp i mars, budgeten justeras i maj.",
    "Business Arena: Umeåregionen deltar med en gemensam monter.",
]


def _seed(engine: Engine) -> tuple[int, int]:
    with transaction(engine) as session:
        ws = get_or_create_workspace(session, platform="console", external_id="a", at=AT)
        other = get_or_create_workspace(session, platform="console", external_id="b", at=AT)
        assert ws.id is not None and other.id is not None
        for text in TEXTS:
            repo.create_decision(session, workspace_id=ws.id, text=text, at=AT, recorded_by_id=None)
        repo.create_decision(
            session,
            workspace_id=other.id,
            text="Budgeten i den andra arbetsytan.",
            at=AT,
            recorded_by_id=None,
        )
        return ws.id, other.id


def _search(engine: Engine, ws: int, *words: str) -> list[str]:
    with transaction(engine) as session:
        return [d.text for d in repo.search_decisions(session, workspace_id=ws, words=list(words))]


def test_budget_finds_budgeten_best_match_first(engine: Engine) -> None:
    ws, _ = _seed(engine)
    found = _search(engine, ws, "budget")
    assert found[0] == TEXTS[2]  # mentions the budget most often
    assert set(found) == {TEXTS[0], TEXTS[2]}


def test_every_word_must_match_and_other_workspaces_stay_out(engine: Engine) -> None:
    ws, other = _seed(engine)
    assert _search(engine, ws, "business", "arena") == [TEXTS[3]]
    assert _search(engine, ws, "business", "budget") == []
    assert _search(engine, other, "budget") == ["Budgeten i den andra arbetsytan."]


def test_query_syntax_cannot_break_the_search(engine: Engine) -> None:
    ws, _ = _seed(engine)
    assert _search(engine, ws, '"budget', "OR", "*") in ([], [TEXTS[2], TEXTS[0]], [TEXTS[2]])
    assert _search(engine, ws, "(", ")") == []
    assert _search(engine, ws) == []


def test_new_and_changed_decisions_are_searchable(engine: Engine) -> None:
    ws, _ = _seed(engine)
    with transaction(engine) as session:
        d = repo.create_decision(
            session,
            workspace_id=ws,
            text="Samordnad larmhantering utvärderas.",
            at=AT,
            recorded_by_id=None,
        )
    assert _search(engine, ws, "larmhantering") == ["Samordnad larmhantering utvärderas."]
    with transaction(engine) as session:
        found = repo.get_decision(session, workspace_id=ws, number=d.number)
        assert found is not None
        found.text = "Trygghetslarm utvärderas."
        session.add(found)
    assert _search(engine, ws, "larmhantering") == []
    assert _search(engine, ws, "trygghetslarm") == ["Trygghetslarm utvärderas."]
