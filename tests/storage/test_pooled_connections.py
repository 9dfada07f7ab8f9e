"""PostgreSQL: a pooled connection that the server has closed is never handed out."""

from __future__ import annotations

import time

from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import make_engine
from tests.conftest import Transcript

# The other sessions on the test's database: the bot's pool.
_OTHERS = (
    " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND backend_type = 'client backend'"
)


def test_a_session_the_server_ended_is_replaced_before_a_command_uses_it(
    postgres_engine: Engine,
) -> None:
    """An administrator (or idle_session_timeout) ends the bot's idle session: no error."""
    console = Transcript(postgres_engine)
    assert not console.send("/action add Ring Anna").error
    admin_engine = make_engine(postgres_engine.url.render_as_string(hide_password=False))
    with admin_engine.connect() as admin:
        # Every session of the bot's pool, as a server ending idle sessions would.
        ended = admin.execute(
            text("SELECT count(pg_terminate_backend(pid))" + _OTHERS)
        ).scalar_one()
        admin.commit()
        assert ended >= 1
        # pg_terminate_backend only asks: wait until the sessions have ended.
        for _ in range(500):
            left = admin.execute(text("SELECT count(*)" + _OTHERS))
            admin.commit()
            if left.scalar_one() == 0:
                break
            time.sleep(0.01)
    admin_engine.dispose()

    reply = console.send("/action add Boka lokal")
    assert not reply.error, reply.as_text()
    assert "#2" in reply.headline
