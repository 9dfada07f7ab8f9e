"""Secrets and tokens never reach the log output, whoever logs them and in whatever format."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import Engine

from bot import observability
from bot.settings import Settings
from bot.web import create_app
from tests.conftest import Transcript

# Every secret carries the marker, so one search finds any leak, whole or in part.
MARK = "SeCrEt"
BOT_TOKEN = f"xoxb-1111-2222-{MARK}BoT"
USER_TOKEN = f"xoxp-3333-4444-{MARK}UsEr"
APP_TOKEN = f"xapp-1-A555-{MARK}ApP"
SIGNING_SECRET = f"{MARK}Signing0123456789abcdef"
CLIENT_SECRET = f"{MARK}Client-42-abcdef"
DB_PASSWORD = f"hunter2{MARK}pw"
BEARER = f"eyJhbGciOiJSUzI1NiJ9.{MARK}.c2ln"
TYPED_TOKEN = f"xoxb-9999-typed-{MARK}"
TYPED_PASSWORD = f"Typed{MARK}pw"


@pytest.fixture(params=["json", "text"])
def captured(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[io.StringIO]:
    """Everything the process logs, at DEBUG, SQL statements and their parameters included."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_CLIENT_ID", "123.456")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("LOG_FORMAT", str(request.param))
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    handler = observability.setup_logging(Settings(), stream=buffer)
    # SQLAlchemy logs every statement with its parameters: the text users type.
    sql_logger = logging.getLogger("sqlalchemy.engine")
    sql_level = sql_logger.level
    sql_logger.setLevel(logging.INFO)
    yield buffer
    sql_logger.setLevel(sql_level)
    root.removeHandler(handler)
    root.setLevel(level)


async def test_no_secret_is_ever_logged(
    captured: io.StringIO, sqlite_engine: Engine, console: Transcript
) -> None:
    # Users paste secrets into commands (and SQLAlchemy logs the parameters).
    assert not console.send(f"/action add Byt ut token {TYPED_TOKEN}").error
    assert not console.send(f"/action add Nytt lösenord password={TYPED_PASSWORD}").error
    console.send(f"/action done {BOT_TOKEN}")

    # Requests carry tokens in headers, query strings and bodies.
    srv = TestServer(create_app(Settings(), sqlite_engine), host="127.0.0.1")
    await srv.start_server()
    try:
        async with ClientSession() as http:
            headers = {"Authorization": f"Bearer {BEARER}", "X-Slack-Signature": "v0=" + "ab" * 32}
            async with http.get(srv.make_url(f"/healthz?token={BOT_TOKEN}"), headers=headers):
                pass
            async with http.post(
                srv.make_url(f"/slack/{USER_TOKEN}"), data={"token": BOT_TOKEN}, headers=headers
            ):
                pass
    finally:
        await srv.close()

    # Libraries log what they like.
    lib = logging.getLogger("slack_bolt.App")
    lib.debug("signing secret is %s", SIGNING_SECRET)
    lib.debug("client secret %s for app %s", CLIENT_SECRET, APP_TOKEN)
    lib.info("headers", extra={"headers": {"Authorization": f"Bearer {BEARER}"}})
    logging.getLogger("sqlalchemy.pool").warning(
        "cannot connect to postgresql+psycopg://motesbot:%s@db.internal:5432/motesbot",
        DB_PASSWORD,
    )
    logging.getLogger("slack_sdk.web").debug("Sending a request - token: %s", USER_TOKEN)
    try:
        raise RuntimeError(f"invalid_auth for {BOT_TOKEN} (client_secret={CLIENT_SECRET})")
    except RuntimeError:
        logging.getLogger("slack_bolt.oauth").exception("install failed")

    output = captured.getvalue()
    # The log did record all of it, only without the secrets.
    assert "INSERT INTO action" in output
    assert "/healthz" in output and "install failed" in output and "invalid_auth" in output
    assert "xoxb-***" in output and "***" in output
    leaks = [line for line in output.splitlines() if MARK in line]
    assert leaks == []


def test_redactor_patterns() -> None:
    redact = observability.Redactor().redact
    assert redact("Authorization: Bearer abc.def.ghi") == "Authorization: ***"
    assert redact("use bearer abcdefgh now") == "use bearer *** now"
    assert redact("postgresql://u:p4ss@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact("token=xoxb-1-2-abc&x=1") == "token=***&x=1"
    assert redact('{"client_secret": "zzzz"}') == '{"client_secret": "***"}'
    assert redact("see http://127.0.0.1:8080/a@b") == "see http://127.0.0.1:8080/a@b"
    assert redact("/action add Ring Anna om B3") == "/action add Ring Anna om B3"
