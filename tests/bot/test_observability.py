"""Structured logs, /metrics and the request log, seen from outside: over real HTTP."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine

from bot import observability
from bot.settings import Settings
from bot.web import create_app
from commands import metrics
from commands.dispatch import handle
from commands.request import Request, UserRef
from tests.conftest import NOW, Transcript


@pytest.fixture
def log_output(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Our root handler, JSON, writing into a buffer; removed afterwards."""
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    handler = observability.setup_logging(Settings(), stream=buffer)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


def json_lines(buffer: io.StringIO) -> list[dict[str, object]]:
    """Every line written so far, each parsed as JSON (fails on a non-JSON line)."""
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.fixture
async def server(sqlite_engine: Engine) -> AsyncIterator[TestServer]:
    """The real web app on a random port of 127.0.0.1."""
    app = create_app(Settings(), sqlite_engine)
    srv = TestServer(app, host="127.0.0.1")
    await srv.start_server()
    yield srv
    await srv.close()


async def scrape(srv: TestServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """GET /metrics and index every sample by name and labels."""
    async with ClientSession() as http, http.get(srv.make_url("/metrics")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        body = await resp.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def commands_total(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], outcome: str
) -> float:
    key = ("motesbot_commands_total", (("command", "action"), ("outcome", outcome)))
    return samples.get(key, 0.0)


def test_json_lines_carry_the_extra_fields(log_output: io.StringIO) -> None:
    logging.getLogger("motesbot.test").warning(
        "saw %s", "it", extra={"workspace": "T1", "count": 3}
    )
    (line,) = json_lines(log_output)
    assert line["msg"] == "saw it"
    assert line["level"] == "WARNING"
    assert line["logger"] == "motesbot.test"
    assert line["workspace"] == "T1" and line["count"] == 3
    assert str(line["ts"]).endswith("+00:00")


def test_an_exception_is_one_json_line_with_its_traceback(log_output: io.StringIO) -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("motesbot.test").exception("failed")
    (line,) = json_lines(log_output)
    assert "ValueError: boom" in str(line["exc"])


def test_the_shell_logs_plain_text_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    buffer = io.StringIO()
    handler = observability.setup_logging(Settings(), stream=buffer)
    try:
        logging.getLogger("motesbot.test").warning("plain")
    finally:
        logging.getLogger().removeHandler(handler)
    assert buffer.getvalue().rstrip().endswith("WARNING motesbot.test plain")


async def test_metrics_count_commands_by_outcome(server: TestServer, console: Transcript) -> None:
    before = await scrape(server)
    assert not console.send('/action add Ring Anna @"Karin Berg" till fredag').error
    assert not console.send("/action list").error
    assert console.send("/action done #999").error
    assert console.send("/action flurb").error
    after = await scrape(server)
    assert commands_total(after, "ok") - commands_total(before, "ok") == 2
    assert commands_total(after, "user_error") - commands_total(before, "user_error") == 2
    # Every outcome is exported from the start, so that alerts can be written on them.
    for outcome in metrics.Outcome:
        assert ("motesbot_commands_total", (("command", "agenda"), ("outcome", outcome))) in after
    count = ("motesbot_command_duration_seconds_count", (("command", "action"),))
    assert after[count] - before.get(count, 0.0) == 4


async def test_scheduled_sends_and_leadership_appear_in_metrics(
    server: TestServer, log_output: io.StringIO
) -> None:
    before = await scrape(server)
    observability.record_scheduled_send("reminder", "sent", seconds=0.12, recipient="U1")
    observability.record_scheduled_send("reminder", "failed")
    observability.set_leader(True)
    after = await scrape(server)
    sent = ("motesbot_scheduled_sends_total", (("kind", "reminder"), ("outcome", "sent")))
    assert after[sent] - before.get(sent, 0.0) == 1
    assert after[("motesbot_leader", ())] == 1
    observability.set_leader(False)
    assert (await scrape(server))[("motesbot_leader", ())] == 0
    sends = [line for line in json_lines(log_output) if line["logger"] == "motesbot.scheduler.send"]
    assert sends[0]["kind"] == "reminder" and sends[0]["outcome"] == "sent"
    assert sends[0]["latency_ms"] == 120.0 and sends[0]["recipient"] == "U1"


async def test_one_json_line_per_request(server: TestServer, log_output: io.StringIO) -> None:
    async with ClientSession() as http:
        async with http.get(server.make_url("/healthz")) as resp:
            assert resp.status == 200
        async with http.get(server.make_url("/nowhere?token=abc")) as resp:
            assert resp.status == 404
    lines = [line for line in json_lines(log_output) if line["logger"] == "motesbot.http"]
    assert [(x["method"], x["path"], x["status"], x["outcome"]) for x in lines] == [
        ("GET", "/healthz", 200, "ok"),
        ("GET", "/nowhere", 404, "client_error"),
    ]
    assert all(isinstance(x["latency_ms"], float) for x in lines)
    samples = await scrape(server)
    key = (
        "motesbot_http_requests_total",
        (("method", "GET"), ("route", "/healthz"), ("status", "200")),
    )
    assert samples[key] >= 1


def test_a_broken_metrics_observer_never_breaks_a_command(console: Transcript) -> None:
    class Broken:
        def command(self, command: str, outcome: str, seconds: float) -> None:
            raise RuntimeError("metrics backend down")

        def scheduled_send(self, kind: str, outcome: str, seconds: float | None) -> None:
            raise RuntimeError("metrics backend down")

        def leader(self, is_leader: bool) -> None:
            raise RuntimeError("metrics backend down")

    broken = Broken()
    metrics.subscribe(broken)
    try:
        reply = console.send("/action add Skriv protokoll")
    finally:
        metrics.unsubscribe(broken)
    assert not reply.error


async def test_a_failing_route_is_logged_as_an_exception(
    sqlite_engine: Engine, log_output: io.StringIO
) -> None:
    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("bug")

    def install_broken(app: web.Application, settings: Settings, engine: Engine) -> None:
        app.router.add_get("/broken", broken)

    srv = TestServer(create_app(Settings(), sqlite_engine, [install_broken]), host="127.0.0.1")
    await srv.start_server()
    try:
        async with ClientSession() as http, http.get(srv.make_url("/broken")) as resp:
            assert resp.status == 500
    finally:
        await srv.close()
    (line,) = [x for x in json_lines(log_output) if x["logger"] == "motesbot.http"]
    assert (line["path"], line["status"], line["outcome"]) == ("/broken", 500, "exception")


def test_a_repeated_delivery_counts_as_duplicate(sqlite_engine: Engine) -> None:
    first = Request(
        platform="slack",
        workspace="T1",
        user=UserRef(platform_id="U1", name="Anna"),
        channel="C1",
        command="action",
        text="add Ring Karin",
        now=NOW,
        idempotency_key="Ev123",
    )
    before = dict(metrics.COMMANDS)
    assert not handle(first, engine=sqlite_engine).error
    handle(first, engine=sqlite_engine)
    counted = {k: v - before.get(k, 0) for k, v in metrics.COMMANDS.items()}
    assert counted[("action", "ok")] == 1
    assert counted[("action", "duplicate")] == 1


def test_the_web_app_switches_to_json_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    buffer = io.StringIO()
    handler = observability.setup_logging(Settings(), stream=buffer)
    try:
        observability.prefer_json(Settings())
        logging.getLogger("motesbot.test").warning("now json")
        assert json_lines(buffer)[-1]["msg"] == "now json"
        # An explicit LOG_FORMAT=text wins.
        monkeypatch.setenv("LOG_FORMAT", "text")
        handler = observability.setup_logging(Settings(), stream=buffer)
        observability.prefer_json(Settings())
        logging.getLogger("motesbot.test").warning("still text")
        assert buffer.getvalue().rstrip().endswith("WARNING motesbot.test still text")
    finally:
        logging.getLogger().removeHandler(handler)
