"""A PostgreSQL server a test may stop and start again, for fault tests.

``tests/postgres.py`` shares one server for the whole session; stopping it
would break every other test. This module gives one test a cluster of its
own, on its own port, that it can kill (``stop``, immediate mode, as in a
crash or a failover) and bring back on the same port (``restart``).

Use the ``stoppable_postgres`` fixture (register ``tests.pg_control`` in
``pytest_plugins`` or import the fixture into the test module).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.postgres import (
    DRIVERNAME,
    SYSTEM_USER,
    ThrowawayCluster,
    find_server_bin_dir,
)

DATABASE = "motesbot"


class StoppableCluster(ThrowawayCluster):
    """A throwaway cluster with a database of its own that can go down and come back."""

    @property
    def database_url(self) -> str:
        """SQLAlchemy URL of the test database (``motesbot``)."""
        return make_url(self.url).set(database=DATABASE).render_as_string(hide_password=False)

    def create_database(self) -> None:
        """Create the test database, and make commits survive a crash.

        The shared test server runs with ``synchronous_commit = off``, which may
        lose the last commits on an immediate shutdown; a fault test must see
        exactly what was committed, as on a production server.
        """
        conninfo = make_url(self.url).set(drivername="postgresql")
        with psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{DATABASE}"')
            c.execute("ALTER SYSTEM SET synchronous_commit = on")
            c.execute("SELECT pg_reload_conf()")

    def restart(self) -> None:
        """Start the stopped server again on the same port (clients reconnect by themselves)."""
        self._pg_ctl_start()

    def running(self) -> bool:
        """Whether the postmaster is up (its pid file exists)."""
        return (self.data_dir / "postmaster.pid").exists()


@pytest.fixture
def stoppable_postgres() -> Iterator[StoppableCluster]:
    """A private PostgreSQL server for one test, with an empty ``motesbot`` database.

    Skipped when no server binaries exist (failing in CI, like ``tests/postgres.py``).

    Yields:
        The running cluster; ``.stop()`` kills it, ``.restart()`` brings it back.
    """
    bin_dir = find_server_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL server binaries not found; cannot run the fault test."
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    cluster = StoppableCluster(
        bin_dir=bin_dir,
        base_dir=Path(tempfile.mkdtemp(prefix="motesbot-pgfault-")),
        run_as=SYSTEM_USER if os.geteuid() == 0 else None,
    )
    try:
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.stop()
        cluster.remove()


__all__ = ["DRIVERNAME", "StoppableCluster", "stoppable_postgres"]
