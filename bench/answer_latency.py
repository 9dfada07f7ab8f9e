"""Time-to-answer: what a Slack user waits for, from the command to its answer, vs a bare Bolt floor.

Signed ``/action add …`` slash commands are sent open-loop at fixed rates (scheduled at fixed
intervals whatever the answers do) to

* ours: ``motesbot run`` in its default configuration (one process, scheduler on, durable
  inbox on), on a copy of a pre-filled register (bench/register.py), its Web API calls
  going to bench/slack_stub.py;
* the floor: bench/floor_app.py, a bare Bolt ``AsyncApp`` that acks, inserts one row into the
  same database in a thread and POSTs the answer.

Time-to-answer is from when the request was written to when the answer's POST reached the
``response_url`` (an aiohttp receiver in this process, keyed by a command id in the path).
Floor and ours alternate, ``--reps`` times (3); figures are the medians: p50, p99, p99.9 (ms),
answered/sent, and ``ratio_p99`` = ours p99 / floor p99. A command never answered counts as
slower than any other (a percentile that falls on one is reported as null).

Scenarios (the issue's full set, the default):

* rates 10/s and 40/s for 20 s, 100/s for 30 s; registers of 50,000 actions over 1,000 people
  and 1,000,000 over 100,000; SQLite and PostgreSQL (``BENCH_POSTGRES_URL``, else a throwaway
  cluster like tests/postgres.py's); the scheduler on, its clock at 07:00 on a Tuesday
  (``MOTESBOT_NOW``), so it ticks and reconciles but sends nothing;
* the same at 10/s and 40/s while a 10,000-person morning fan-out runs: the large register
  with 10,000 people owning a due action, ``MOTESBOT_NOW`` at 08:00 (the fixed clock never
  moves, so the fan-out starts when the process starts; the window opens as soon as the
  process answers, and the DMs sent inside it are counted);
* throughput: a burst of 1,000 commands from 100 concurrent clients, ours vs floor
  (commands/s until every one was answered), on SQLite and PostgreSQL.

Targets: p99 at most 2x the floor at 10/s, at most 3x (and under 100 ms) at 40/s; p99.9 under
1 s during the fan-out.

The full set takes about an hour (the estimate is printed first), plus the first build of
each register (1,000,000 actions: about 2 minutes on SQLite; templates are cached, see
bench/register.py).
``--quick`` runs small registers, 3-second windows and one repetition (about 3 minutes) for
development and smoke tests.

Usage::

    python -m bench.answer_latency                 # the full set
    python -m bench.answer_latency --quick
    python -m bench.answer_latency --backend sqlite --rates 40:20 --no-fanout --no-burst

Each scenario prints a ``ratio_p99=…`` line; ``main(argv)`` returns the figures (run_all).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

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
    median,
    motesbot_command,
    open_loop_offsets,
    percentile,
    ratio,
    signed_headers,
    start,
    stop,
    throwaway_server,
    wait_http,
)
from bench.register import FANOUT_NOW, QUIET_NOW, Size, postgres_copy, sqlite_copy, user_id  # noqa: E402

# Passed by ``bench/run_all.py --quick``.
QUICK_ARGS = ["--quick"]

FULL_RATES = [(10.0, 20.0), (40.0, 20.0), (100.0, 30.0)]
FULL_SIZES = {
    "small": Size(people=1_000, actions=50_000, due_people=1_000),
    "large": Size(people=100_000, actions=1_000_000, due_people=10_000),
}
QUICK_RATES = [(10.0, 3.0), (40.0, 3.0), (100.0, 3.0)]
QUICK_SIZES = {
    "small": Size(people=100, actions=2_000, due_people=100),
    "large": Size(people=2_000, actions=20_000, due_people=2_000),
}
SETTLE_S = 30.0  # after the last ack, how long answers may still come and count
DRAIN_S = 300.0  # then how long to wait for the rest before the next window starts
WARMUP = 10
STARTUP_S = 120.0


# --- the response_url receiver -----------------------------------------------------------------


class Receiver:
    """An aiohttp server in this process that notes when each answer arrives."""

    def __init__(self) -> None:
        """Not listening until :meth:`start`."""
        self.arrivals: dict[tuple[str, int], float] = {}
        self.waiters: dict[str, tuple[set[int], asyncio.Event]] = {}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._runner: web.AppRunner | None = None

    async def _answer(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        tag, number = request.match_info["tag"], int(request.match_info["n"])
        await request.read()
        self.arrivals.setdefault((tag, number), arrived)
        waiting = self.waiters.get(tag)
        if waiting is not None:
            waiting[0].discard(number)
            if not waiting[0]:
                waiting[1].set()
        return web.Response(text="ok")

    def url(self, tag: str, n: int) -> str:
        """The response_url of command ``n`` of run ``tag``."""
        return f"{self.base}/answer/{tag}/{n}"

    def expect(self, tag: str, numbers: set[int]) -> asyncio.Event:
        """An event set when every one of ``numbers`` of ``tag`` has been answered."""
        missing = {n for n in numbers if (tag, n) not in self.arrivals}
        event = asyncio.Event()
        if not missing:
            event.set()
        self.waiters[tag] = (missing, event)
        return event

    async def start(self) -> None:
        """Listen on 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/answer/{tag}/{n}", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()


# --- the load ------------------------------------------------------------------------------------


def command_body(tag: str, n: int, *, people: int, response_url: str) -> str:
    """``/action add`` from a register person, for another one, as Slack form-encodes it."""
    caller = 1 + (n * 7919) % people
    owner = 1 + (n * 104_729 + 1) % people
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "bench",
            "channel_id": "C0BENCH",
            "channel_name": "kc",
            "user_id": user_id(caller),
            "user_name": f"person{caller}",
            "command": "/action",
            "text": f"add Svar {tag} {n} <@{user_id(owner)}> senast 2026-12-18",
            "api_app_id": "A0BENCH",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{tag}.{n}.{time.time_ns()}",
        }
    )


@dataclass
class Window:
    """One measured run of commands against one server."""

    sent: int = 0
    acked: int = 0
    answered: int = 0
    answered_in_ack: int = 0
    seconds: list[float] = field(default_factory=list)  # time-to-answer; inf when unanswered
    lag_s: list[float] = field(default_factory=list)  # written minus scheduled (the generator)
    started_wall: float = 0.0
    ended_wall: float = 0.0
    elapsed_s: float = 0.0  # first write to last answer
    drain_s: float = 0.0  # waiting, after the settle time, for answers that came too late

    def figures(self) -> dict[str, Any]:
        """p50/p99/p99.9 in ms and the counts."""
        return {
            "p50_ms": percentile(self.seconds, 50),
            "p99_ms": percentile(self.seconds, 99),
            "p999_ms": percentile(self.seconds, 99.9),
            "answered": self.answered,
            "sent": self.sent,
            "acked": self.acked,
            "answered_in_ack": self.answered_in_ack,
            "generator_lag_p99_ms": percentile(self.lag_s, 99),
            "drain_s": self.drain_s,
        }


def _trace() -> aiohttp.TraceConfig:
    """Note when each request's headers went out (the request is written right then)."""
    trace = aiohttp.TraceConfig()

    async def written(_session: Any, ctx: SimpleNamespace, _params: Any) -> None:
        info = ctx.trace_request_ctx
        if info is not None and "written" not in info:
            info["written"] = time.perf_counter()

    trace.on_request_headers_sent.append(written)
    return trace


async def _post(
    http: aiohttp.ClientSession, url: str, body: str, info: dict[str, float]
) -> str | None:
    """POST one command; its HTTP answer's body ("" for a bare ack), None when it failed."""
    try:
        async with http.post(
            url, data=body.encode(), headers=signed_headers(body), trace_request_ctx=info
        ) as resp:
            text = await resp.text()
            return text if resp.status == 200 else None
    except (aiohttp.ClientError, TimeoutError):
        return None


async def _collect(
    receiver: Receiver,
    tag: str,
    infos: list[dict[str, float]],
    acks: list[str | None],
    window: Window,
) -> Window:
    # A failed POST or an answer in the ack's body never reaches the response_url.
    numbers = {n for n, a in enumerate(acks) if a is not None and not a.strip()}
    done = receiver.expect(tag, numbers)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), SETTLE_S)
    snapshot = dict(receiver.arrivals)
    window.sent = len(infos)
    window.acked = sum(1 for a in acks if a is not None)
    # An answer in the HTTP body instead of the response_url is the inbox's "try again":
    # counted, but not as answered.
    window.answered_in_ack = sum(1 for a in acks if a and a.strip())
    last = 0.0
    for n, info in enumerate(infos):
        written = info.get("written", info["scheduled"])
        window.lag_s.append(max(0.0, written - info["scheduled"]))
        arrived = snapshot.get((tag, n))
        if arrived is None:
            window.seconds.append(float("inf"))
            continue
        window.answered += 1
        window.seconds.append(max(0.0, arrived - written))
        last = max(last, arrived)
    first = min((i.get("written", i["scheduled"]) for i in infos), default=0.0)
    window.elapsed_s = max(0.0, last - first)
    # Answers later than the settle time count as unanswered, but the next window must not
    # start while this server still works off a backlog.
    began = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), DRAIN_S)
    receiver.waiters.pop(tag, None)
    window.drain_s = round(time.perf_counter() - began, 1)
    return window


async def open_loop(
    url: str, receiver: Receiver, *, tag: str, rate: float, duration: float, people: int
) -> Window:
    """Send ``rate`` commands a second for ``duration`` seconds, on schedule, and time answers."""
    offsets = open_loop_offsets(rate, duration)
    infos: list[dict[str, float]] = [{} for _ in offsets]
    window = Window(started_wall=time.time())
    # No connection cap: a late answer must never hold back the next scheduled send.
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, trace_configs=[_trace()]
    ) as http:
        bodies = [
            command_body(tag, n, people=people, response_url=receiver.url(tag, n))
            for n in range(len(offsets))
        ]
        t0 = time.perf_counter() + 0.05
        tasks = []
        for n, offset in enumerate(offsets):
            due = t0 + offset
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            infos[n]["scheduled"] = due
            tasks.append(asyncio.ensure_future(_post(http, url, bodies[n], infos[n])))
        acks = list(await asyncio.gather(*tasks))
    window.ended_wall = time.time()
    return await _collect(receiver, tag, infos, acks, window)


async def burst(
    url: str, receiver: Receiver, *, tag: str, requests: int, clients: int, people: int
) -> Window:
    """``requests`` commands from ``clients`` concurrent clients, each sending after its last ack."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(requests):
        queue.put_nowait(n)
    infos: list[dict[str, float]] = [{} for _ in range(requests)]
    acks: list[str | None] = [None] * requests
    window = Window(started_wall=time.time())

    async def client() -> None:
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=60), trace_configs=[_trace()]
        ) as http:
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body = command_body(tag, n, people=people, response_url=receiver.url(tag, n))
                infos[n]["scheduled"] = time.perf_counter()
                acks[n] = await _post(http, url, body, infos[n])

    await asyncio.gather(*(client() for _ in range(clients)))
    window.ended_wall = time.time()
    return await _collect(receiver, tag, infos, acks, window)


# --- servers -------------------------------------------------------------------------------------


class Server:
    """One server under test in its own process: ours (motesbot run) or the floor."""

    def __init__(self, kind: str, db: Database, stub: str, workdir: Path, *, now: str) -> None:
        """Start it (see :meth:`ready`)."""
        self.kind = kind
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/slack/events"
        env = child_env(
            DATABASE_URL=db.url,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=f"{stub}/api/",
            PORT=str(self.port),
            HOST="127.0.0.1",
            LOG_LEVEL="WARNING",
            MOTESBOT_NOW=now,
        )
        if kind == "ours":
            args = motesbot_command("run")
        else:
            args = [sys.executable, "-m", "bench.floor_app", "--port", str(self.port),
                    "--database-url", db.url, "--api-url", f"{stub}/api/"]  # fmt: skip
        self.log = workdir / f"{kind}-{self.port}.log"
        self.proc = start(args, env=env, log=self.log)

    async def ready(self) -> None:
        """Wait for /healthz (the process may first open a large register)."""
        try:
            await wait_http(f"{self.base}/healthz", self.proc, STARTUP_S)
        except RuntimeError as err:
            tail = self.log.read_text(errors="replace")[-600:]
            raise RuntimeError(f"{self.kind} did not start: {err}; log: {tail}") from err

    async def stop(self) -> None:
        """SIGTERM (it finishes acknowledged work), off the event loop."""
        await asyncio.to_thread(stop, self.proc)


@contextlib.asynccontextmanager
async def servers(
    kinds: tuple[str, ...], db: Database, stub: str, workdir: Path, *, now: str
) -> AsyncIterator[dict[str, Server]]:
    """Start the servers, wait until they answer, stop them afterwards."""
    started = {kind: Server(kind, db, stub, workdir, now=now) for kind in kinds}
    try:
        for server in started.values():
            await server.ready()
        yield started
    finally:
        for server in started.values():
            await server.stop()


# --- scenarios -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """What to run."""

    backends: list[str]
    sizes: dict[str, Size]
    rates: list[tuple[float, float]]
    fanout_rates: list[float]
    fanout_duration: float
    fanout_register: Size
    burst_requests: int
    burst_clients: int
    burst_size: str
    reps: int

    def estimate_s(self) -> float:
        """A rough wall time of the whole plan (startup, warm-up, windows, settling, restarts)."""
        # Floor and ours; at 100/s ours may build a backlog it then works off (about 2x).
        per_window = sum(2 * (d + 3.0) + (2 * d if r > 40 else 0.0) for r, d in self.rates)
        total = 0.0
        for _backend in self.backends:
            for name in self.sizes:
                total += 20.0 + self.reps * per_window
                if name == self.burst_size and self.burst_requests:
                    total += self.reps * 2 * (self.burst_requests / 60.0 + 3.0)
            for _rate in self.fanout_rates:
                total += self.reps * (2 * (self.fanout_duration + 3.0) + 30.0)
        return total


def target(rate: float, fanout: bool) -> dict[str, Any]:
    """The issue's targets for a scenario."""
    if fanout:
        return {"ours_p999_ms_under": 1000.0}
    if rate <= 10:
        return {"ratio_p99_at_most": 2.0}
    if rate <= 40:
        return {"ratio_p99_at_most": 3.0, "ours_p99_ms_under": 100.0}
    return {}


def summarise(ours: list[Window], floor: list[Window], goal: dict[str, Any]) -> dict[str, Any]:
    """Medians over the repetitions, the ratio and whether the targets are met."""
    out: dict[str, Any] = {}
    for name, runs in (("ours", ours), ("floor", floor)):
        figures = [w.figures() for w in runs]
        out[name] = {
            "p50_ms": median([f["p50_ms"] for f in figures]),
            "p99_ms": median([f["p99_ms"] for f in figures]),
            "p999_ms": median([f["p999_ms"] for f in figures]),
            "answered": sum(f["answered"] for f in figures),
            "sent": sum(f["sent"] for f in figures),
            "answered_in_ack": sum(f["answered_in_ack"] for f in figures),
            "generator_lag_p99_ms": max((f["generator_lag_p99_ms"] or 0.0) for f in figures),
            "p99_ms_each": [f["p99_ms"] for f in figures],
        }
    out["ratio_p99"] = ratio(out["ours"]["p99_ms"], out["floor"]["p99_ms"])
    out["target"] = goal
    checks = []
    if "ratio_p99_at_most" in goal:
        checks.append(
            out["ratio_p99"] is not None and out["ratio_p99"] <= goal["ratio_p99_at_most"]
        )
    if "ours_p99_ms_under" in goal:
        p99 = out["ours"]["p99_ms"]
        checks.append(p99 is not None and p99 < goal["ours_p99_ms_under"])
    if "ours_p999_ms_under" in goal:
        p999 = out["ours"]["p999_ms"]
        checks.append(p999 is not None and p999 < goal["ours_p999_ms_under"])
    if checks:
        checks.append(out["ours"]["answered"] == out["ours"]["sent"])
    out["meets_target"] = all(checks) if checks else None
    return out


def report(name: str, figures: dict[str, Any]) -> None:
    """One line per scenario, ``ratio_p99=`` first."""
    o, f = figures["ours"], figures["floor"]
    extra = ""
    if "fanout_dms_in_window" in figures:
        extra = (
            f" dms_in_window={figures['fanout_dms_in_window']}"
            f" dms_before={figures['fanout_dms_before_window']}"
            f" fanout_outlasted_window={figures['fanout_outlasted_window']}"
        )
    print(
        f"ratio_p99={figures['ratio_p99']} scenario={name} "
        f"ours_p50={o['p50_ms']} ours_p99={o['p99_ms']} ours_p999={o['p999_ms']} "
        f"floor_p50={f['p50_ms']} floor_p99={f['p99_ms']} floor_p999={f['p999_ms']} "
        f"answered={o['answered']}/{o['sent']} floor_answered={f['answered']}/{f['sent']} "
        f"meets_target={figures['meets_target']}{extra}",
        flush=True,
    )


class Bench:
    """One run of the plan: the stub, the receiver, the databases, the figures."""

    def __init__(self, plan: Plan, workdir: Path) -> None:
        """Nothing runs until :meth:`run`."""
        self.plan = plan
        self.workdir = workdir
        self.receiver = Receiver()
        self.stub = ""
        self.pg_url: str | None = os.environ.get("BENCH_POSTGRES_URL")
        self.figures: dict[str, Any] = {"scenarios": {}, "throughput": {}, "register_build_s": {}}
        self._runs = 0

    def tag(self, label: str) -> str:
        """A fresh run tag (the path segment of its response_urls)."""
        self._runs += 1
        return f"{label}{self._runs}"

    @contextlib.contextmanager
    def database(self, backend: str, size: Size, name: str) -> Iterator[Database]:
        """A fresh copy of the register of ``size`` on ``backend``."""
        if backend == "sqlite":
            db, built = sqlite_copy(size, self.workdir, name)
        else:
            assert self.pg_url is not None
            db, built = postgres_copy(size, self.pg_url)
        if built:
            self.figures["register_build_s"][f"{backend}.{size.label}"] = round(built, 1)
            print(f"built the {size.label} register on {backend} in {built:.0f} s", flush=True)
        try:
            yield db
        finally:
            db.close()

    async def warm(self, server: Server, people: int) -> None:
        """A few commands first (auth.test, connections, caches): not measured."""
        await open_loop(
            server.url,
            self.receiver,
            tag=self.tag("warm"),
            rate=10,
            duration=WARMUP / 10,
            people=people,
        )

    async def fixed_rates(self, backend: str, size_name: str) -> None:
        """Every rate on one register: floor and ours alternate, reps times."""
        size = self.plan.sizes[size_name]
        with self.database(backend, size, f"{size_name}-{backend}") as db:
            async with servers(("floor", "ours"), db, self.stub, self.workdir, now=QUIET_NOW) as up:
                for server in up.values():
                    await self.warm(server, size.people)
                for rate, duration in self.plan.rates:
                    runs: dict[str, list[Window]] = {"floor": [], "ours": []}
                    for _ in range(self.plan.reps):
                        for kind in ("floor", "ours"):
                            runs[kind].append(
                                await open_loop(
                                    up[kind].url,
                                    self.receiver,
                                    tag=self.tag(kind),
                                    rate=rate,
                                    duration=duration,
                                    people=size.people,
                                )
                            )
                    name = f"{backend}.{size.label}.{rate:g}rps"
                    figures = summarise(runs["ours"], runs["floor"], target(rate, False))
                    figures.update(backend=backend, register=size.label, rate=rate,
                                   duration_s=duration, scheduler="on")  # fmt: skip
                    self.figures["scenarios"][name] = figures
                    report(name, figures)
                if size_name == self.plan.burst_size and self.plan.burst_requests:
                    await self.throughput(backend, size, up)

    async def throughput(self, backend: str, size: Size, up: dict[str, Server]) -> None:
        """Bursts of commands from many clients: commands/s until every one was answered."""
        runs: dict[str, list[Window]] = {"floor": [], "ours": []}
        for _ in range(self.plan.reps):
            for kind in ("floor", "ours"):
                runs[kind].append(
                    await burst(
                        up[kind].url,
                        self.receiver,
                        tag=self.tag(f"burst{kind}"),
                        requests=self.plan.burst_requests,
                        clients=self.plan.burst_clients,
                        people=size.people,
                    )
                )
        out: dict[str, Any] = {"requests": self.plan.burst_requests,
                               "clients": self.plan.burst_clients, "register": size.label}  # fmt: skip
        for kind, windows in runs.items():
            rates = [w.answered / w.elapsed_s if w.elapsed_s else None for w in windows]
            out[f"{kind}_commands_per_s"] = median(rates)
            out[f"{kind}_all_answered"] = all(w.answered == w.sent for w in windows)
            out[f"{kind}_p99_ms"] = median([w.figures()["p99_ms"] for w in windows])
        out["ratio"] = ratio(out["ours_commands_per_s"], out["floor_commands_per_s"])
        self.figures["throughput"][backend] = out
        print(
            f"throughput backend={backend} ours={out['ours_commands_per_s']} cmd/s "
            f"floor={out['floor_commands_per_s']} cmd/s all_answered={out['ours_all_answered']}",
            flush=True,
        )

    async def fanout(self, backend: str) -> None:
        """Fixed rates while the morning DMs of ``due_people`` people go out."""
        size = self.plan.fanout_register
        duration = self.plan.fanout_duration
        with self.database(backend, size, f"fanout-floor-{backend}") as floor_db:
            async with servers(("floor",), floor_db, self.stub, self.workdir, now=QUIET_NOW) as fl:
                await self.warm(fl["floor"], size.people)
                for rate in self.plan.fanout_rates:
                    runs: dict[str, list[Window]] = {"floor": [], "ours": []}
                    dms: list[int] = []
                    dms_before: list[int] = []
                    running: list[bool] = []
                    for rep in range(self.plan.reps):
                        runs["floor"].append(
                            await open_loop(
                                fl["floor"].url,
                                self.receiver,
                                tag=self.tag("ffloor"),
                                rate=rate,
                                duration=duration,
                                people=size.people,
                            )
                        )
                        # A fresh copy each time: yesterday's DMs are recorded as sent.
                        with self.database(backend, size, f"fanout-{backend}-{rep}") as db:
                            launched = time.time()
                            async with servers(
                                ("ours",), db, self.stub, self.workdir, now=FANOUT_NOW
                            ) as up:
                                # The fan-out is under way from the start; warm up inside it.
                                await self.warm(up["ours"], size.people)
                                window = await open_loop(
                                    up["ours"].url,
                                    self.receiver,
                                    tag=self.tag("fours"),
                                    rate=rate,
                                    duration=duration,
                                    people=size.people,
                                )
                                inside, before, outlasted = await self.dms_between(window, launched)
                                dms.append(inside)
                                dms_before.append(before)
                                running.append(outlasted)
                                runs["ours"].append(window)
                    name = f"{backend}.fanout-{size.due_people}.{size.label}.{rate:g}rps"
                    figures = summarise(runs["ours"], runs["floor"], target(rate, True))
                    figures.update(backend=backend, register=size.label, rate=rate,
                                   duration_s=duration, fanout_people=size.due_people,
                                   fanout_dms_in_window=dms,
                                   fanout_dms_before_window=dms_before,
                                   fanout_outlasted_window=running)  # fmt: skip
                    self.figures["scenarios"][name] = figures
                    report(name, figures)

    async def guarded(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        """Run one group of scenarios; a failure is recorded and the others still run."""
        try:
            await work
        except Exception as err:
            self.figures["scenarios"][name] = {
                "status": "failed",
                "reason": f"{type(err).__name__}: {err}"[:600],
            }
            print(f"{name} failed: {type(err).__name__}: {err}", file=sys.stderr, flush=True)

    async def dms_between(self, window: Window, since: float) -> tuple[int, int, bool]:
        """DMs the stub received while the window's commands were sent, before them (since
        the server started), and whether they still came in its last second (the fan-out
        outlasted the window)."""
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{self.stub}/_stub/calls", params={"posts": "1"}) as resp,
        ):
            calls = await resp.json()
        times = calls.get("post_times", [])
        inside = sum(1 for t in times if window.started_wall <= t <= window.ended_wall)
        before = sum(1 for t in times if since <= t < window.started_wall)
        return inside, before, any(t >= window.ended_wall - 1.0 for t in times)

    async def run(self) -> dict[str, Any]:
        """Everything in the plan; PostgreSQL scenarios are skipped (with the reason) if needed."""
        stub_port = free_port()
        self.stub = f"http://127.0.0.1:{stub_port}"
        stub_proc = start(
            [sys.executable, "-m", "bench.slack_stub", "--port", str(stub_port)],
            env=child_env(),
            log=self.workdir / "stub.log",
        )
        cleanup: list[Any] = []
        await self.receiver.start()
        try:
            await wait_http(f"{self.stub}/_stub/calls", stub_proc, 30)
            for backend in self.plan.backends:
                if backend == "postgresql" and self.pg_url is None:
                    try:
                        self.pg_url, cleanup = await asyncio.to_thread(throwaway_server)
                    except Exception as err:
                        self.figures["postgresql"] = {"status": "skipped", "reason": str(err)}
                        print(f"PostgreSQL skipped: {err}", file=sys.stderr)
                        continue
                for size_name in self.plan.sizes:
                    await self.guarded(
                        f"{backend}.{size_name}", self.fixed_rates(backend, size_name)
                    )
                if self.plan.fanout_rates:
                    await self.guarded(f"{backend}.fanout", self.fanout(backend))
        finally:
            await self.receiver.stop()
            stop(stub_proc)
            Database("", "", cleanup).close()
        return self.figures


def parse(argv: list[str] | None) -> tuple[Plan, argparse.Namespace]:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="bench.answer_latency", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="small registers, 3-second windows")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"],
                        help="repeatable; default both (--quick: sqlite)")  # fmt: skip
    parser.add_argument("--size", action="append", choices=["small", "large"],
                        help="registers to run the fixed rates on; repeatable; default both")  # fmt: skip
    parser.add_argument("--rates", help="RATE:SECONDS,… (default 10:20,40:20,100:30)")
    parser.add_argument("--fanout-rates", help="rates during the fan-out (default 10,40)")
    parser.add_argument("--fanout-duration", type=float, default=None, help="seconds (20)")
    parser.add_argument("--no-fanout", action="store_true")
    parser.add_argument("--no-burst", action="store_true")
    parser.add_argument("--reps", type=int, default=None, help="default 3 (--quick: 1)")
    parser.add_argument("--burst", type=int, default=None, help="commands per burst (1000)")
    parser.add_argument("--clients", type=int, default=None, help="clients of a burst (100)")
    parser.add_argument("--output", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    sizes = dict(QUICK_SIZES if args.quick else FULL_SIZES)
    rates = QUICK_RATES if args.quick else FULL_RATES
    if args.rates:
        rates = [(float(r), float(d)) for r, d in (p.split(":") for p in args.rates.split(","))]
    fanout_rates = [10.0, 40.0]
    if args.fanout_rates:
        fanout_rates = [float(r) for r in args.fanout_rates.split(",")]
    backends = args.backend or (["sqlite"] if args.quick else ["sqlite", "postgresql"])
    plan = Plan(
        backends=backends,
        sizes={k: v for k, v in sizes.items() if not args.size or k in args.size},
        rates=rates,
        fanout_rates=[] if args.no_fanout else fanout_rates,
        fanout_duration=args.fanout_duration or (3.0 if args.quick else 20.0),
        fanout_register=sizes["large"],
        burst_requests=0 if args.no_burst else (args.burst or (200 if args.quick else 1000)),
        burst_clients=args.clients or (20 if args.quick else 100),
        burst_size="small",
        reps=args.reps or (1 if args.quick else 3),
    )
    return plan, args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the plan, print a ``ratio_p99=`` line per scenario, return the figures."""
    plan, args = parse(argv)
    estimate = plan.estimate_s()
    print(
        f"answer_latency: {len(plan.backends)} backend(s), registers "
        f"{', '.join(s.label for s in plan.sizes.values())}, rates "
        f"{', '.join(f'{r:g}/s x {d:g} s' for r, d in plan.rates)}, fan-out at "
        f"{', '.join(f'{r:g}/s' for r in plan.fanout_rates) or 'none'}, {plan.reps} reps; "
        f"estimated {estimate / 60:.0f} min (plus the first build of a register)",
        flush=True,
    )
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="motesbot-answer-"))
    figures = asyncio.run(Bench(plan, workdir).run())
    figures["estimated_s"] = round(estimate)
    figures["elapsed_s"] = round(time.perf_counter() - started)
    figures["logs"] = str(workdir)
    figures["quick"] = bool(args.quick)
    if args.output:
        args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"answer_latency: done in {figures['elapsed_s'] / 60:.1f} min", flush=True)
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
