"""What the benchmarks share: signing, percentiles, open-loop schedules, processes, databases.

Not a benchmark itself (``bench/run_all.py`` skips it). Pure parts (``sign``,
``percentile``, ``open_loop_offsets``, ``ratio``, ``median``) are unit-tested in
``tests/proof/test_bench_harness.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIGNING_SECRET = "load-test-signing-secret"
BOT_TOKEN = "xoxb-test"
TEAM_ID = "T0LOAD"  # the team bench/slack_stub.py's auth.test names


# --- pure figures -----------------------------------------------------------------------------


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's request signature: ``v0=`` + HMAC-SHA256 of ``v0:{ts}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(body: str, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The headers Slack sends with a form-encoded, signed request, timestamped now."""
    ts = int(time.time())
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts, secret),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (nearest rank, 0 < q <= 100) of seconds, in ms (2 decimals).

    ``inf`` stands for a request that was never answered: when the percentile falls on one,
    the answer is None (the figure does not exist), never a flattering number.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    value = ordered[min(rank, len(ordered)) - 1]
    return None if math.isinf(value) else round(value * 1000, 2)


def open_loop_offsets(rate: float, duration: float) -> list[float]:
    """When each request of an open-loop load is due, in seconds after the start.

    Fixed intervals, whatever the answers do: ``rate * duration`` requests, ``1/rate`` apart.
    """
    if rate <= 0 or duration <= 0:
        return []
    return [i / rate for i in range(round(rate * duration))]


def ratio(ours: float | None, floor: float | None) -> float | None:
    """ours / floor, 3 decimals; None when either figure is missing or the floor is 0."""
    if ours is None or floor is None or floor <= 0:
        return None
    return round(ours / floor, 3)


def median(values: Sequence[float | None]) -> float | None:
    """The median of the figures that exist; None when a repetition lacks one.

    A missing figure (unanswered requests) must not vanish into a median of the others.
    """
    if not values or any(v is None for v in values):
        return None
    return round(statistics.median([v for v in values if v is not None]), 3)


# --- processes --------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child: ours, minus libpq/Slack/Mötesbot overrides, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "SLACK_", "MOTESBOT_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def motesbot_command(*args: str) -> list[str]:
    """``motesbot …`` as a command line with this interpreter."""
    return [sys.executable, "-c", "from bot.cli import main; main()", *args]


def start(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a long-running child with its output in ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            args, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )


def stop(proc: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL after ``timeout`` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MiB; None where /proc is missing."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


async def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until ``url`` answers 200, or fail if the process exits first."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with code {proc.returncode} before {url}")
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


# --- databases --------------------------------------------------------------------------------


@dataclass
class Database:
    """A database for one run, and how to get rid of it."""

    backend: str
    url: str
    cleanup: list[Callable[[], Any]] = field(default_factory=list)

    def close(self) -> None:
        """Drop/stop whatever was created for the run."""
        for step in reversed(self.cleanup):
            try:
                step()
            except Exception as err:  # cleaning up must not hide the figures
                print(f"cleanup failed: {err}", file=sys.stderr)
        self.cleanup.clear()


def sqlite_database(workdir: Path, name: str = "load.db") -> Database:
    """A fresh SQLite file (removed afterwards, with its WAL)."""
    path = workdir / name

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return Database("sqlite", f"sqlite:///{path}", [remove])


def throwaway_server() -> tuple[str, list[Callable[[], Any]]]:
    """Start a private PostgreSQL cluster (tests/postgres.py's); its URL and how to remove it."""
    from tests.postgres import SYSTEM_USER, ThrowawayCluster, find_server_bin_dir

    bin_dir = find_server_bin_dir()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries found; set BENCH_POSTGRES_URL")
    cluster = ThrowawayCluster(
        bin_dir=bin_dir,
        base_dir=Path(tempfile.mkdtemp(prefix="motesbot-bench-pg-")),
        run_as=SYSTEM_USER if os.geteuid() == 0 else None,
    )
    cluster.start()
    return cluster.url, [cluster.remove, cluster.stop]


def _conninfo(server_url: str) -> str:
    from sqlalchemy.engine import make_url

    server = make_url(server_url).set(drivername="postgresql")
    return server.render_as_string(hide_password=False)


def postgres_database(server_url: str, *, template: str | None = None) -> Database:
    """A fresh database on the server at ``server_url`` (a copy of ``template``), dropped after."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"motesbot_bench_{uuid.uuid4().hex[:10]}"
    conninfo = _conninfo(server_url)
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')

    def drop() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    server = make_url(server_url).set(drivername="postgresql+psycopg")
    url = server.set(database=name).render_as_string(hide_password=False)
    return Database("postgresql", url, [drop])


def postgres_has_database(server_url: str, name: str) -> bool:
    """True when the server has a database of that name."""
    import psycopg

    with psycopg.connect(_conninfo(server_url), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        return row is not None


def postgres_rename(server_url: str, old: str, new: str) -> None:
    """Rename a database (the finished template takes its final name only when complete)."""
    import psycopg

    with psycopg.connect(_conninfo(server_url), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
