"""Only one process sends: a PostgreSQL session-level advisory lock, or SQLite's one process.

On PostgreSQL the leader holds ``pg_try_advisory_lock(LOCK_KEY)`` on a
connection of its own for as long as it lives; when the process dies, the
server ends its session and the lock is free. Followers try again every few
seconds, so one takes over well within 30 s. On SQLite there is no server to
arbitrate: run one bot process per database file (the usual SQLite set-up);
every process is its own leader, and the delivery table still keeps each
message to one send.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("motesbot.scheduler")

# "MÖTE" in ASCII, as the 64-bit key every Mötesbot process agrees on.
LOCK_KEY = 0x4D_4F_45_54_45_42_4F_54


class Leader:
    """A leadership attempt on one database; call ``acquire`` until it says True."""

    def __init__(self, engine: Engine, *, key: int = LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None
        self.sqlite = engine.dialect.name == "sqlite"

    @property
    def held(self) -> bool:
        """True while this process is the leader (as far as it knows)."""
        return self.sqlite or self._conn is not None

    def acquire(self) -> bool:
        """Try to become (or stay) the leader, without waiting; True if we are.

        A held lock is checked by a round trip, so a leader whose database
        connection broke notices and steps down.
        """
        if self.sqlite:
            return True
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except DBAPIError:
                log.warning("lost the leader connection; stepping down")
                self._drop()
        try:
            conn = self.engine.connect()
        except DBAPIError:
            return False
        try:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
            )
            conn.commit()  # the lock is session-level: it outlives this transaction
        except DBAPIError:
            conn.close()
            return False
        if not got:
            conn.close()
            return False
        self._conn = conn
        log.info("this process is now the scheduler leader")
        return True

    def release(self) -> None:
        """Give up leadership (on shutdown)."""
        if self._conn is None:
            return
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            self._conn.commit()
        except DBAPIError:
            pass
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except DBAPIError:
                pass
