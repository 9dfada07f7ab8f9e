"""minutes: full-text search over decisions

PostgreSQL: a GIN expression index on to_tsvector('swedish', text).
SQLite: an FTS5 table over decision.text, kept in sync by triggers.

Revision ID: 0004_minutes
Revises: 0001_initial
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_minutes"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_decision_fts_swedish ON decision "
            "USING gin (to_tsvector('swedish', text))"
        )
    elif dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS decision_fts USING fts5("
            "text, content='decision', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS decision_fts_ai AFTER INSERT ON decision BEGIN "
            "INSERT INTO decision_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS decision_fts_ad AFTER DELETE ON decision BEGIN "
            "INSERT INTO decision_fts(decision_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS decision_fts_au AFTER UPDATE OF text ON decision BEGIN "
            "INSERT INTO decision_fts(decision_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); "
            "INSERT INTO decision_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        op.execute("INSERT INTO decision_fts(decision_fts) VALUES ('rebuild')")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_decision_fts_swedish")
    elif dialect == "sqlite":
        for trigger in ("decision_fts_ai", "decision_fts_ad", "decision_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS decision_fts")
