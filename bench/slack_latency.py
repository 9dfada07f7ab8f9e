"""Time-to-acknowledge of signed ``/action add`` requests: Mötesbot vs a bare Bolt app.

Slack's three seconds are about the HTTP answer to its POST, so that is what is timed. Two
servers run as separate processes on the same aiohttp + Bolt stack, each on a random port of
127.0.0.1, both talking to one local stub of the Slack Web API:

(a) Mötesbot (``motesbot run``'s own code path) on a SQLite database pre-filled with 100,000
    actions; its answer goes out afterwards through the response_url to the stub;
(b) the same with the durable inbox switched off (``MOTESBOT_INBOX_ENABLED=false``, a
    measurement switch only), so the difference is what recording each command before its
    ack costs (issue 11: it must stay far inside Slack's 3 s);
(c) the floor: a bare Bolt ``AsyncApp`` whose ``/action`` handler only acknowledges.

Usage::

    python bench/slack_latency.py [-n 500] [-c 20] [--actions 100000]

The last line printed is ``ratio_p99=<ours/floor>`` (target: at most 1.5); before it, the ack
p50/p99 of each server and what the inbox adds. ``main(argv)`` returns the figures as a dict
for ``bench/run_all.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench.harness import child_env, free_port, percentile, sign, start, wait_http  # noqa: E402
from tests.bot.slack.slack_stub import TEAM, SlackStub  # noqa: E402

# Passed by ``bench/run_all.py --quick``.
QUICK_ARGS = ["-n", "150", "--actions", "5000", "--rounds", "3"]
KINDS = ("floor", "ours", "ours-noinbox")

SECRET = "bench-signing-secret"
NOW = "2026-11-23T09:00:00+01:00"
WARMUP = 20


def prefill(url: str, count: int) -> None:
    """Create the schema and bulk-insert ``count`` actions with SQLAlchemy core."""
    from sqlalchemy import insert

    from storage import person_names
    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.models import Action, ActionOwner, Person, Workspace

    engine = make_engine(url)
    upgrade(engine)
    at = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    with engine.begin() as conn:
        ws_id = conn.execute(
            insert(Workspace.__table__).values(  # type: ignore[attr-defined]
                platform="slack",
                external_id=TEAM,
                name="Bench",
                language="sv",
                timezone="Europe/Stockholm",
                next_action_no=count + 1,
                next_decision_no=1,
                created_at=at,
            )
        ).inserted_primary_key[0]
        person_ids = []
        for uid, name in (("U0SEK", "Sara Sekreterare"), ("U0LISA", "Lisa Andersson")):
            person_ids.append(
                conn.execute(
                    insert(Person.__table__).values(  # type: ignore[attr-defined]
                        workspace_id=ws_id,
                        display_name=name,
                        platform_user_id=uid,
                        reminders_enabled=True,
                        reminder_time=datetime(2026, 1, 1, 8).time(),
                        created_at=at,
                    )
                ).inserted_primary_key[0]
            )
        person_names.rebuild(conn)
        batch = 10_000
        for start in range(1, count + 1, batch):
            numbers = range(start, min(start + batch, count + 1))
            conn.execute(
                insert(Action.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "workspace_id": ws_id,
                        "number": n,
                        "text": f"Åtgärd nummer {n}",
                        "due_date": date(2026, 1 + n % 12, 1 + n % 28),
                        "status": "open" if n % 3 else "done",
                        "created_by_id": person_ids[0],
                        "created_at": at,
                        "updated_at": at,
                    }
                    for n in numbers
                ],
            )
        first_id = conn.exec_driver_sql("SELECT min(id) FROM action").scalar_one()
        conn.execute(
            insert(ActionOwner.__table__),  # type: ignore[attr-defined]
            [
                {"action_id": first_id + i, "person_id": person_ids[i % 2], "position": 0}
                for i in range(count)
            ],
        )
    engine.dispose()


# -- the two servers (run in child processes) -----------------------------------------------


def _settings(stub_url: str, db_url: str, port: int, *, inbox: bool = True) -> Any:
    from bot.settings import Settings

    return Settings(
        database_url=db_url,
        port=port,
        host="127.0.0.1",
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=stub_url,
        motesbot_now=NOW,
        # Command latency is measured here; the scheduler's fan-out has its own benchmark
        # (fanout.py), and a replica can run without it (SCHEDULER_ENABLED=false).
        scheduler_enabled=False,
        motesbot_inbox_enabled=inbox,
    )


def serve_ours(stub_url: str, db_url: str, port: int, *, inbox: bool = True) -> None:
    """Mötesbot exactly as ``motesbot run`` serves Slack (optionally without the inbox)."""
    from bot.server import run_server
    from storage.db import make_engine

    settings = _settings(stub_url, db_url, port, inbox=inbox)
    run_server(settings, make_engine(db_url))


def serve_floor(stub_url: str, db_url: str, port: int) -> None:
    """A bare Bolt AsyncApp on the same aiohttp app, adapter and client; it only acks."""
    from slack_bolt.async_app import AsyncApp

    from bot.slack.clients import web_client
    from bot.slack.routes import slack_routes
    from bot.web import create_app, serve
    from storage.db import make_engine

    settings = _settings(stub_url, db_url, port)

    async def main() -> None:
        bolt = AsyncApp(
            signing_secret=SECRET,
            client=web_client(settings, settings.slack_bot_token),
            process_before_response=False,
        )

        async def only_ack(ack: Any) -> None:
            await ack()

        bolt.command("/action")(only_ack)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        app = create_app(settings, make_engine(db_url), [slack_routes(bolt)])

        async def wait() -> None:
            await stop.wait()

        await serve(app, host="127.0.0.1", port=port, stop=wait())

    asyncio.run(main())


# -- the load ---------------------------------------------------------------------------------


def _signed(body: str) -> dict[str, str]:
    ts = int(time.time())
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts, SECRET),
    }


def _body(stub: SlackStub, i: int, tag: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": "CKC",
            "channel_name": "kc",
            "user_id": "U0SEK",
            "user_name": "sara",
            "command": "/action",
            "text": f"add Uppgift {tag}{i} <@U0LISA> senast 2026-12-05",
            "api_app_id": "A0BENCH",
            "response_url": stub.response_url(f"{tag}{i}"),
            "trigger_id": f"{tag}.{i}.{time.time_ns()}",
        }
    )


async def _load(url: str, stub: SlackStub, n: int, c: int, tag: str) -> tuple[list[float], int]:
    """Ack times, and how many commands were answered in the ack itself (no response_url).

    Only the inbox's "try again" (its write failed) comes back in the ack's body.
    """
    times: list[float] = []
    in_ack = 0
    gate = asyncio.Semaphore(c)
    connector = aiohttp.TCPConnector(limit=c)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(i: int) -> None:
            body = _body(stub, i, tag)
            async with gate:
                began = time.perf_counter()
                async with http.post(url, data=body, headers=_signed(body)) as resp:
                    text = await resp.read()
                    elapsed = time.perf_counter() - began
                if resp.status != 200:
                    raise RuntimeError(f"{tag}: HTTP {resp.status}")
                times.append(elapsed)
                if text.strip():
                    nonlocal in_ack
                    in_ack += 1

        await asyncio.gather(*(one(i) for i in range(n)))
    return times, in_ack


def _pct(values: list[float], q: float) -> float:
    return percentile(values, q) or 0.0


class _Server:
    """One server under test, in its own process (its output in a log file)."""

    def __init__(self, kind: str, stub: SlackStub, db_url: str, workdir: Path) -> None:
        self.kind = kind
        self.port = free_port()
        self.log = workdir / f"{kind}.log"
        args = [sys.executable, str(Path(__file__).resolve()), "--serve", kind,
                "--port", str(self.port), "--stub", stub.api_url, "--db", db_url]  # fmt: skip
        # A log file, never a pipe nobody reads: a full pipe would stall the server.
        self.proc = start(args, env=child_env(LOG_LEVEL="ERROR"), log=self.log)
        self.url = f"http://127.0.0.1:{self.port}/slack/events"

    async def ready(self) -> None:
        try:
            await wait_http(f"http://127.0.0.1:{self.port}/healthz", self.proc, 60)
        except RuntimeError as err:
            raise RuntimeError(f"{err}: {self.log.read_text(errors='replace')[-600:]}") from err

    async def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            # Not blocking the loop: the stub must answer while the server finishes its work.
            await asyncio.to_thread(self.proc.wait, 30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _run(n: int, c: int, actions: int, db_url: str | None, rounds: int) -> dict[str, Any]:
    stub = SlackStub()
    await stub.start()
    with tempfile.TemporaryDirectory() as tmp:
        url = db_url or f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        await asyncio.to_thread(prefill, url, actions)
        prefill_s = time.perf_counter() - started
        running = {kind: _Server(kind, stub, url, Path(tmp)) for kind in KINDS}
        try:
            for server in running.values():
                await server.ready()
            answers = 0
            refused: dict[str, int] = {kind: 0 for kind in KINDS}
            for kind, server in running.items():
                _, in_ack = await _load(server.url, stub, WARMUP, min(c, WARMUP), f"{kind}-warm")
                if kind != "floor":
                    answers += WARMUP - in_ack
            await stub.wait_for("response_url", answers, timeout=120)
            # Alternate batches so every server sees the same machine; after each batch of
            # ours, wait until all its answers went out (the work after the ack is real).
            acks: dict[str, list[float]] = {kind: [] for kind in KINDS}
            answered_s = 0.0
            size = max(1, n // rounds)
            for r in range(rounds):
                count = size if r < rounds - 1 else n - size * (rounds - 1)
                for kind, server in running.items():
                    started = time.perf_counter()
                    times, in_ack = await _load(server.url, stub, count, c, f"{kind}{r}-")
                    acks[kind] += times
                    refused[kind] += in_ack
                    if kind != "floor":
                        answers += count - in_ack
                        await stub.wait_for("response_url", answers, timeout=300)
                        if kind == "ours":
                            answered_s += time.perf_counter() - started
        finally:
            for server in running.values():
                await server.stop()
    await stub.stop()
    ours, floor, bare = acks["ours"], acks["floor"], acks["ours-noinbox"]
    result = {
        "n": n,
        "concurrency": c,
        "actions_in_db": actions,
        "prefill_seconds": round(prefill_s, 1),
        "ours_p50_ms": round(_pct(ours, 50), 2),
        "ours_p99_ms": round(_pct(ours, 99), 2),
        "ours_noinbox_p50_ms": round(_pct(bare, 50), 2),
        "ours_noinbox_p99_ms": round(_pct(bare, 99), 2),
        "floor_p50_ms": round(_pct(floor, 50), 2),
        "floor_p99_ms": round(_pct(floor, 99), 2),
        "ours_mean_ms": round(statistics.mean(ours) * 1000, 2),
        "floor_mean_ms": round(statistics.mean(floor) * 1000, 2),
        "ours_all_answered_seconds": round(answered_s, 1),
        # Commands whose inbox write failed: told "try again" in the ack, not run.
        "ours_refused_in_ack": refused["ours"],
    }
    result["inbox_adds_p50_ms"] = round(result["ours_p50_ms"] - result["ours_noinbox_p50_ms"], 2)
    result["inbox_adds_p99_ms"] = round(result["ours_p99_ms"] - result["ours_noinbox_p99_ms"], 2)
    result["ratio_p99"] = round(result["ours_p99_ms"] / result["floor_p99_ms"], 3)
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark (or, with --serve, one of its servers) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-n", "--requests", type=int, default=500)
    parser.add_argument("-c", "--concurrency", type=int, default=20)
    parser.add_argument("--actions", type=int, default=100_000, help="actions pre-filled")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--rounds", type=int, default=5, help="alternating batches per server")
    parser.add_argument("--serve", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--stub", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve == "floor":
        serve_floor(args.stub, args.db, args.port)
        return {}
    if args.serve:
        serve_ours(args.stub, args.db, args.port, inbox=args.serve == "ours")
        return {}
    result = asyncio.run(
        _run(args.requests, args.concurrency, args.actions, args.database_url, args.rounds)
    )
    print(
        f"slack_latency: {result['n']} signed /action add at concurrency {result['concurrency']}, "
        f"{result['actions_in_db']} actions in the database (time to HTTP ack)"
    )
    print(
        f"ours   p50={result['ours_p50_ms']:.2f} ms  p99={result['ours_p99_ms']:.2f} ms  "
        f"(the answers via response_url within {result['ours_all_answered_seconds']} s"
        f"; {result['ours_refused_in_ack']} refused in the ack: the inbox write failed)"
    )
    print(
        f"ours without inbox  p50={result['ours_noinbox_p50_ms']:.2f} ms  "
        f"p99={result['ours_noinbox_p99_ms']:.2f} ms  (the inbox adds "
        f"p50 {result['inbox_adds_p50_ms']:+.2f} ms, p99 {result['inbox_adds_p99_ms']:+.2f} ms)"
    )
    print(f"floor  p50={result['floor_p50_ms']:.2f} ms  p99={result['floor_p99_ms']:.2f} ms")
    print(f"ratio_p99={result['ratio_p99']}")
    return result


if __name__ == "__main__":
    main()
