"""The floor of time-to-answer: a bare Bolt ``AsyncApp`` that does the least a slash command needs.

It acknowledges ``/action``, inserts one row (sqlite3 or psycopg, in ``asyncio.to_thread``,
one connection per worker thread) into a table of its own in the *same* database Mötesbot
uses, and POSTs the answer to the command's ``response_url``. The same stack as
``motesbot run`` (aiohttp, slack-bolt, one process), none of Mötesbot's work.

Run by ``bench/answer_latency.py``::

    python -m bench.floor_app --port N --database-url URL --api-url http://stub/api/

Signing secret and bot token are bench/harness.py's.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from slack_bolt.async_app import AsyncApp  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bench.harness import BOT_TOKEN, SIGNING_SECRET  # noqa: E402

TABLE = "bench_floor_answer"


class Rows:
    """Insert one row per command, with a connection per thread (as a pool would hand out)."""

    def __init__(self, url: str) -> None:
        """Create the floor's table in the database at ``url`` (a SQLAlchemy URL)."""
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.target = url.split(":///", 1)[1]
        else:
            from sqlalchemy.engine import make_url

            self.target = (
                make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
            )
        self._local = threading.local()
        key = "INTEGER PRIMARY KEY" if self.sqlite else "BIGSERIAL PRIMARY KEY"
        self.insert(f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, text TEXT, at REAL)", ())

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.sqlite:
                # The pragmas Mötesbot's engine sets (storage/db.py), so both pay the same.
                conn = sqlite3.connect(self.target, timeout=10, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            else:
                import psycopg

                conn = psycopg.connect(self.target, autocommit=True)
            self._local.conn = conn
        return conn

    def insert(self, sql: str, params: tuple[Any, ...]) -> None:
        """Run one statement and commit it (autocommit)."""
        self._conn().execute(sql, params)

    def answer(self, text: str) -> None:
        """Store the command's row."""
        mark = "?" if self.sqlite else "%s"
        self.insert(f"INSERT INTO {TABLE} (text, at) VALUES ({mark}, {mark})", (text, time.time()))


def build(rows: Rows, api_url: str) -> web.Application:
    """The Bolt app on aiohttp, with /healthz for the harness."""
    bolt = AsyncApp(
        signing_secret=SIGNING_SECRET,
        client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url),
        process_before_response=False,
    )
    session: dict[str, ClientSession] = {}

    @bolt.command("/action")
    async def action(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        text = str(body.get("text", ""))
        await asyncio.to_thread(rows.answer, text)
        if "http" not in session:
            session["http"] = ClientSession()
        payload = {"response_type": "ephemeral", "text": f"Sparad: {text}"}
        async with session["http"].post(str(body["response_url"]), json=payload) as resp:
            await resp.read()

    app = bolt.web_app(path="/slack/events")

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def close(_app: web.Application) -> None:
        if "http" in session:
            await session["http"].close()

    app.router.add_get("/healthz", healthz)
    app.on_cleanup.append(close)
    return app


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args(argv)
    web.run_app(
        build(Rows(args.database_url), args.api_url),
        host="127.0.0.1",
        port=args.port,
        print=None,
        access_log=None,
    )


if __name__ == "__main__":
    main()
