"""Schema migrations through Alembic, callable from code and the CLI."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """Build an Alembic config for a database URL, with no ini file needed."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# Objects made in raw SQL by migrations 0004 and 0013 (full-text search over decisions and
# actions): the models do not describe them, so autogenerate and schema comparisons must
# leave them alone.
RAW_SQL_OBJECT_PREFIXES = ("decision_fts", "ix_decision_fts", "action_fts", "ix_action_fts")

# Replicas that start together on an empty PostgreSQL would each try to create the schema and
# all but one would fail on the duplicate tables; this transaction-level lock makes them take
# turns (the later ones find the schema at its head and do nothing). Not the scheduler's key.
MIGRATION_LOCK_KEY = 0x4D_4F_54_45_4D_49_47_52


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic ``include_object`` hook: skip the objects only raw SQL knows about.

    Pass it to ``MigrationContext.configure(conn, opts={"include_object": include_object})``
    when comparing the database with the models.
    """
    return not (name or "").startswith(RAW_SQL_OBJECT_PREFIXES)


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (the one head).

    Args:
        engine: the engine whose database is upgraded.
    """
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision against the given (upgraded) database."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
