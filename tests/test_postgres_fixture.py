"""Smoke tests for the PostgreSQL fixtures in ``tests/postgres.py``."""

from __future__ import annotations

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def test_postgres_url_is_a_fresh_usable_database(postgres_url: str) -> None:
    """The per-test database accepts connections, DDL and DML."""
    url = make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    assert url.database is not None and url.database.startswith("motesbot_test_")

    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("select version()").fetchone()
        assert row is not None
        assert str(row[0]).startswith("PostgreSQL")

        count = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'public'"
        ).fetchone()
        assert count == (0,)

        conn.execute("create table smoke (id serial primary key, title text not null)")
        conn.execute("insert into smoke (title) values (%s)", ("Beslut: köp fika",))
        assert conn.execute("select title from smoke").fetchall() == [("Beslut: köp fika",)]
        conn.execute("drop table smoke")
        conn.commit()


def test_db_url_opens_with_sqlalchemy(db_url: str) -> None:
    """Both backends of ``db_url`` can be opened with SQLAlchemy."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar_one() == 1
    finally:
        engine.dispose()
