"""Full-text search over the texts of decisions and actions (migrations 0004 and 0013)."""

from __future__ import annotations

import re
from typing import TypeVar

from sqlalchemy import text
from sqlmodel import Session, col, select

from storage.models import Action, Decision

Searchable = TypeVar("Searchable", Action, Decision)

_WORD_RE = re.compile(r"[\w-]+", re.UNICODE)
# The tables with a full-text index (migrations 0004 and 0013): the names are ours, never typed.
_SEARCHABLE = frozenset({"decision", "action"})


def matching_ids(
    session: Session, /, *, table: str, workspace_id: int, terms: list[str], limit: int
) -> list[int]:
    """The ids of a workspace's rows of ``table`` whose text has every term, best first.

    PostgreSQL ranks with full-text search in the Swedish configuration (a GIN expression
    index on ``to_tsvector('swedish', text)``); SQLite with FTS5 (bm25), each term a prefix.
    Ties go to the newest (highest number).
    """
    assert table in _SEARCHABLE
    if session.get_bind().dialect.name == "postgresql":
        sql = text(
            f"SELECT t.id FROM {table} t, plainto_tsquery('swedish', :q) AS q "
            "WHERE t.workspace_id = :ws AND to_tsvector('swedish', t.text) @@ q "
            "ORDER BY ts_rank(to_tsvector('swedish', t.text), q) DESC, t.number DESC "
            "LIMIT :limit"
        )
        params: dict[str, object] = {"q": " ".join(terms), "ws": workspace_id, "limit": limit}
    else:
        sql = text(
            f"SELECT t.id FROM {table}_fts f JOIN {table} t ON t.id = f.rowid "
            f"WHERE {table}_fts MATCH :m AND t.workspace_id = :ws "
            f"ORDER BY bm25({table}_fts), t.number DESC LIMIT :limit"
        )
        params = {"m": " ".join(f'"{t}"*' for t in terms), "ws": workspace_id, "limit": limit}
    return [int(row[0]) for row in session.execute(sql, params)]


def terms(words: list[str]) -> list[str]:
    """Letters and digits only: nothing the user types can break the query syntax."""
    terms: list[str] = []
    for word in words:
        terms.extend(t for t in _WORD_RE.findall(word.replace("-", " ")) if t)
    return terms[:20]


def find(
    session: Session, model: type[Searchable], /, *, workspace_id: int, words: list[str], limit: int
) -> list[Searchable]:
    """The workspace's records of ``model`` whose text has every word, best match first."""
    wanted = terms(words)
    if not wanted:
        return []
    table = str(model.__tablename__)
    ids = matching_ids(session, table=table, workspace_id=workspace_id, terms=wanted, limit=limit)
    if not ids:
        return []
    found = {r.id: r for r in session.exec(select(model).where(col(model.id).in_(ids)))}
    return [found[i] for i in ids if i in found]
