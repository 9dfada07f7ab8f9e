"""action search: full-text search over actions' texts, as over decisions'

PostgreSQL: a GIN expression index on to_tsvector('swedish', text).
SQLite: an FTS5 table over action.text, kept in sync by triggers.

Revision ID: 0013_action_search
Revises: 0012_away_from
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_action_search"
down_revision: str | Sequence[str] | None = "0012_away_from"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_action_fts_swedish ON action "
            "USING gin (to_tsvector('swedish', text))"
        )
    elif dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS action_fts USING fts5("
            "text, content='action', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS action_fts_ai AFTER INSERT ON action BEGIN "
            "INSERT INTO action_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS action_fts_ad AFTER DELETE ON action BEGIN "
            "INSERT INTO action_fts(action_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS action_fts_au AFTER UPDATE OF text ON action BEGIN "
            "INSERT INTO action_fts(action_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); "
            "INSERT INTO action_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        op.execute("INSERT INTO action_fts(action_fts) VALUES ('rebuild')")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_action_fts_swedish")
    elif dialect == "sqlite":
        for trigger in ("action_fts_ai", "action_fts_ad", "action_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS action_fts")
