"""Load: signed slash commands from many concurrent clients against ``motesbot run``.

For each backend (SQLite file, PostgreSQL) it:

1. creates a fresh database and runs ``motesbot db upgrade``;
2. pre-fills it with ``--prefill`` actions (bulk insert, one workspace);
3. starts ``motesbot run`` as a subprocess, talking to a local stub of the Slack
   Web API (``bench/slack_stub.py``), and waits for ``/healthz``;
4. sends ``--requests`` slash commands ``/action add Load test N …``, form-encoded
   and signed exactly as Slack does (v0 HMAC-SHA256 over ``v0:{ts}:{body}``), from
   ``--concurrency`` concurrent clients, each with a ``response_url`` on the stub;
5. waits (``--settle``, at most 30 s) until every acknowledged command has been
   answered through ``response_url``, then stops the bot;
6. counts errors, lost commands (no stored action), duplicates, acknowledgements
   and answers within Slack's 3 seconds, p50/p99 latency, the Web API calls the
   bot made, and its peak memory.

Side by side in the same run: the HTTP floor (the same requests against an
endpoint that does nothing) and the stand-in (``bench/stand_in.py``: the command
core behind a minimal signed endpoint), so the bot's latency is reported next to
both floors.

``main(argv) -> dict`` is what ``bench/run_all.py`` calls. Run alone:
``python -m bench.load --backend sqlite --requests 200``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM_ID,
    Database,
    child_env,
    free_port,
    peak_rss_mb,
    percentile,
    postgres_database,
    sign,
    sqlite_database,
    start,
    stop,
    throwaway_server,
    wait_http,
)

__all__ = ["SIGNING_SECRET", "main", "percentile", "sign", "slash_body"]

CHANNEL_ID = "C0LOAD"
TEXT_RE = re.compile(r"Load test (\d+)\b")
SLACK_DEADLINE_S = 3.0


def slash_body(n: int, *, user: int, stub: str) -> str:
    """The form body Slack POSTs for ``/action add Load test n …``."""
    fields = {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "load",
        "channel_id": CHANNEL_ID,
        "channel_name": "kc",
        "user_id": f"U0LOAD{user:03d}",
        "user_name": f"load{user:03d}",
        "command": "/action",
        "text": f"add Load test {n} kontrollera registret",
        "api_app_id": "A0LOAD",
        "is_enterprise_install": "false",
        "response_url": f"{stub}/response/{n}",
        "trigger_id": f"{n}.{user}.{uuid.uuid4().hex}",
    }
    return urlencode(fields)


def prefill(url: str, count: int) -> float:
    """Insert ``count`` actions in one workspace with bulk inserts; return the seconds taken."""
    from sqlalchemy import insert, update

    from storage.db import make_engine, transaction
    from storage.models import Action, Workspace
    from storage.workspaces import get_or_create_workspace

    started = time.perf_counter()
    now = datetime.now(UTC)
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            ws = get_or_create_workspace(session, platform="slack", external_id=TEAM_ID, at=now)
            ws_id = ws.id
        table = Action.__table__  # type: ignore[attr-defined]
        chunk = 5000
        with engine.begin() as conn:
            for start in range(1, count + 1, chunk):
                rows = [
                    {
                        "workspace_id": ws_id,
                        "number": n,
                        "text": f"Befintlig åtgärd {n}",
                        "status": "done" if n % 3 == 0 else "open",
                        "due_date": date(2026, 1, 1) + timedelta(days=n % 400),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start, min(start + chunk, count + 1))
                ]
                conn.execute(insert(table), rows)
            conn.execute(
                update(Workspace.__table__)  # type: ignore[attr-defined]
                .where(Workspace.__table__.c.id == ws_id)  # type: ignore[attr-defined]
                .values(next_action_no=count + 1)
            )
    finally:
        engine.dispose()
    return time.perf_counter() - started


def stored_texts(url: str) -> Counter[int]:
    """How many stored actions carry each ``Load test N``."""
    from sqlalchemy import select

    from storage.db import make_engine
    from storage.models import Action

    engine = make_engine(url)
    found: Counter[int] = Counter()
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Action.text).where(Action.text.like("Load test %")))  # type: ignore[attr-defined]
            for (text,) in rows:
                match = TEXT_RE.search(text)
                if match:
                    found[int(match.group(1))] += 1
    finally:
        engine.dispose()
    return found


# --- processes --------------------------------------------------------------------------------


def motesbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a ``motesbot`` CLI command to completion."""
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )


# --- the load ---------------------------------------------------------------------------------


@dataclass
class Shot:
    """One request and what came back."""

    n: int
    sent: float  # wall clock, comparable with the stub's response_url times
    ack_s: float | None = None
    status: int | None = None
    body: str = ""
    error: str | None = None


async def fire(
    url: str, *, stub: str, requests: int, concurrency: int, signed: bool = True
) -> list[Shot]:
    """Send ``requests`` slash commands from ``concurrency`` clients, each with its own session."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(1, requests + 1):
        queue.put_nowait(n)
    shots: list[Shot] = []
    timeout = aiohttp.ClientTimeout(total=30)

    async def client(user: int) -> None:
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body = slash_body(n, user=user, stub=stub)
                ts = int(time.time())
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
                if signed:
                    headers["X-Slack-Request-Timestamp"] = str(ts)
                    headers["X-Slack-Signature"] = sign(body, ts)
                shot = Shot(n, time.time())
                started = time.perf_counter()
                try:
                    async with http.post(url, data=body.encode(), headers=headers) as resp:
                        shot.body = await resp.text()
                        shot.status = resp.status
                    shot.ack_s = time.perf_counter() - started
                except (aiohttp.ClientError, TimeoutError) as err:
                    shot.error = type(err).__name__
                shots.append(shot)

    await asyncio.gather(*(client(u) for u in range(concurrency)))
    return shots


async def stub_calls(http: aiohttp.ClientSession, stub: str) -> dict[str, Any]:
    """What the stub recorded."""
    async with http.get(f"{stub}/_stub/calls") as resp:
        data: dict[str, Any] = await resp.json()
        return data


async def run_backend(
    db: Database, opts: argparse.Namespace, stub: str, workdir: Path, server: str
) -> dict[str, Any]:
    """The whole measurement on one database."""
    result: dict[str, Any] = {
        "server": server,
        "backend": db.backend,
        "requests": opts.requests,
        "concurrency": opts.concurrency,
        "prefilled_actions": opts.prefill,
    }
    port = free_port()
    env = child_env(
        DATABASE_URL=db.url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=f"{stub}/api/",
        PORT=str(port),
        HOST="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    motesbot("db", "upgrade", env=env)
    result["prefill_s"] = round(prefill(db.url, opts.prefill), 1)

    log = workdir / f"{server}-{db.backend}.log"
    command = (
        [sys.executable, "-m", "bench.stand_in"]
        if server == "stand-in"
        else [sys.executable, "-c", "from bot.cli import main; main()", "run"]
    )
    bot = start(command, env=env, log=log)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            await wait_http(f"{base}/healthz", bot, opts.startup_timeout)
        except RuntimeError as err:
            tail = log.read_text(errors="replace")[-800:]
            result.update(
                status="failed",
                reason=f"{server} did not serve HTTP ({err}); is the Slack adapter merged? "
                + (f" Log tail: {tail.strip()[-300:]}" if tail.strip() else ""),
            )
            return result

        async with aiohttp.ClientSession() as http, http.post(f"{stub}/_stub/reset"):
            pass
        started = time.perf_counter()
        shots = await fire(
            base + opts.path, stub=stub, requests=opts.requests, concurrency=opts.concurrency
        )
        elapsed = time.perf_counter() - started
        result["peak_rss_mb"] = peak_rss_mb(bot.pid)
        # An adapter that acknowledges first answers later through response_url: wait until
        # every acknowledged command has been answered (or --settle runs out) before
        # stopping the bot, so that work still in its queue is not counted as lost.
        waiting = {s.n for s in shots if s.status == 200 and not s.body.strip()}
        settle_started = time.perf_counter()
        async with aiohttp.ClientSession() as http:
            while True:
                calls = await stub_calls(http, stub)
                if not waiting - {int(k) for k in calls.get("responses", {})}:
                    break
                if time.perf_counter() - settle_started > opts.settle:
                    break
                await asyncio.sleep(0.2)
        result["settle_s"] = round(time.perf_counter() - settle_started, 1)
        result["drained_rps"] = round(len(shots) / (time.perf_counter() - started), 1)
    finally:
        stop(bot)

    responses: dict[str, list[float]] = calls.get("responses", {})
    answer_s: list[float] = []
    errors = 0
    for shot in shots:
        if shot.error or shot.status != 200 or shot.ack_s is None:
            errors += 1
            continue
        if shot.body.strip():
            answer_s.append(shot.ack_s)  # the reply came in the HTTP answer itself
        elif responses.get(str(shot.n)):
            answer_s.append(min(responses[str(shot.n)]) - shot.sent)
        else:
            answer_s.append(float("inf"))  # acknowledged, never answered
    stored = stored_texts(db.url)
    acks = [s.ack_s for s in shots if s.ack_s is not None]
    result.update(
        status="ok",
        errors=errors,
        lost=sum(1 for n in range(1, opts.requests + 1) if stored[n] == 0),
        duplicated=sum(c - 1 for c in stored.values() if c > 1),
        acked_within_3s=sum(1 for s in acks if s <= SLACK_DEADLINE_S),
        answered_within_3s=sum(1 for s in answer_s if s <= SLACK_DEADLINE_S),
        ack_p50_ms=percentile(acks, 50),
        ack_p99_ms=percentile(acks, 99),
        answer_p50_ms=percentile([s for s in answer_s if s != float("inf")], 50),
        answer_p99_ms=percentile([s for s in answer_s if s != float("inf")], 99),
        throughput_rps=round(len(shots) / elapsed, 1) if elapsed else None,
        slack_api_calls=sum(calls.get("api", {}).values()),
        slack_api_calls_by_method=dict(sorted(calls.get("api", {}).items())),
    )
    return result


async def measure_floor(stub: str, opts: argparse.Namespace) -> dict[str, Any]:
    """The same requests against an endpoint that does nothing: what HTTP and the clients cost."""
    shots = await fire(
        f"{stub}/floor", stub=stub, requests=opts.requests, concurrency=opts.concurrency
    )
    acks = [s.ack_s for s in shots if s.ack_s is not None]
    return {"p50_ms": percentile(acks, 50), "p99_ms": percentile(acks, 99)}


async def run_one(
    backend: str, server: str, opts: argparse.Namespace, stub: str, workdir: Path, pg: str | None
) -> dict[str, Any]:
    """One server on one fresh database."""
    if backend == "postgresql" and pg is None:
        return {"status": "skipped", "reason": "no PostgreSQL server"}
    db = sqlite_database(workdir) if backend == "sqlite" else postgres_database(str(pg))
    try:
        return await run_backend(db, opts, stub, workdir, server)
    except Exception as err:
        return {"server": server, "status": "failed", "reason": f"{type(err).__name__}: {err}"}
    finally:
        db.close()


def compare(real: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    """The bot's latency as a multiple of the stand-in's (the core's floor)."""
    out: dict[str, Any] = {}
    for key in ("answer_p50_ms", "answer_p99_ms"):
        a, b = real.get(key), floor.get(key)
        if isinstance(a, int | float) and isinstance(b, int | float) and b > 0:
            out[key.replace("answer_", "ratio_").replace("_ms", "")] = round(a / b, 2)
    return out


async def _main(opts: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="motesbot-load-"))
    stub_port = free_port()
    stub = f"http://127.0.0.1:{stub_port}"
    stub_proc = start(
        [sys.executable, "-m", "bench.slack_stub", "--port", str(stub_port)],
        env=child_env(),
        log=workdir / "stub.log",
    )
    cleanup: list[Any] = []
    results: dict[str, Any] = {}
    try:
        await wait_http(f"{stub}/_stub/calls", stub_proc, 30)
        results["http_floor"] = await measure_floor(stub, opts)
        pg = opts.postgres
        if "postgresql" in opts.backend and pg is None:
            try:
                pg, cleanup = throwaway_server()
            except Exception as err:
                print(f"PostgreSQL skipped: {err}", file=sys.stderr)
        for backend in opts.backend:
            runs = {
                server.replace("-", "_"): await run_one(backend, server, opts, stub, workdir, pg)
                for server in opts.server
            }
            if "stand_in" in runs and "motesbot" in runs:
                runs["motesbot"].update(compare(runs["motesbot"], runs["stand_in"]))
            results[backend] = runs
    finally:
        stop(stub_proc)
        Database("", "", cleanup).close()
    results["logs"] = str(workdir)
    return results


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--prefill", type=int, default=100_000)
    parser.add_argument(
        "--backend",
        action="append",
        choices=["sqlite", "postgresql"],
        help="repeatable; default: both",
    )
    parser.add_argument("--postgres", metavar="URL", help="a server to create the database on")
    parser.add_argument("--path", default="/slack/events", help="the slash command endpoint")
    parser.add_argument(
        "--server",
        action="append",
        choices=["motesbot", "stand-in"],
        help="motesbot run (the real bot) and/or bench/stand_in.py (a minimal endpoint on the "
        "same core, the floor); repeatable; default: both",
    )
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    parser.add_argument(
        "--settle",
        type=float,
        default=30.0,
        help="at most this long, wait for replies posted later to response_url",
    )
    opts = parser.parse_args(argv)
    opts.backend = opts.backend or ["sqlite", "postgresql"]
    opts.server = opts.server or ["stand-in", "motesbot"]
    return opts


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the load test; return the figures per backend."""
    return asyncio.run(_main(parse(argv)))


if __name__ == "__main__":
    import json

    print(json.dumps(main(sys.argv[1:]), indent=2, default=str))
