"""Incoming tokens are validated by the SDK; the anonymous mode is explicit and guarded."""

from __future__ import annotations

import itertools
import logging

import aiohttp
import jwt
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.teams.config import (
    ANONYMOUS_ENV,
    CLIENT_ID_ENV,
    CLIENT_SECRET_ENV,
    TENANT_ID_ENV,
    TeamsConfigError,
    load_teams_config,
)
from bot.teams.routes import teams_installer
from bot.web import create_app
from storage.db import transaction
from storage.models import Action, ConversationRef, Workspace
from tests.bot.teams.conftest import (
    BOT_APP_ID,
    SDK_WARNINGS,
    SVEN,
    TENANT,
    Teams,
    _start,
    make_settings,
)
from tests.bot.teams.connector_stub import ConnectorStub

CREDENTIALS = {
    CLIENT_ID_ENV: BOT_APP_ID,
    CLIENT_SECRET_ENV: "not-a-real-secret",
    TENANT_ID_ENV: TENANT,
}

pytestmark = SDK_WARNINGS


def test_nothing_configured_means_no_teams() -> None:
    assert load_teams_config({}) is None
    assert load_teams_config({ANONYMOUS_ENV: "false"}) is None


def test_anonymous_is_refused_next_to_credentials() -> None:
    with pytest.raises(TeamsConfigError, match="bara för utveckling"):
        load_teams_config({ANONYMOUS_ENV: "true", **CREDENTIALS})


def test_incomplete_credentials_are_explained() -> None:
    with pytest.raises(TeamsConfigError, match="CLIENTSECRET"):
        load_teams_config({CLIENT_ID_ENV: BOT_APP_ID})


def test_credentials_configure_jwt_validation() -> None:
    config = load_teams_config(CREDENTIALS)
    assert config is not None and not config.anonymous and config.client_id == BOT_APP_ID


async def test_anonymous_mode_warns_loudly(
    sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_teams_config({ANONYMOUS_ENV: "true"})
    assert config is not None and config.anonymous
    with caplog.at_level(logging.WARNING, logger="motesbot.teams"):
        create_app(make_settings(sqlite_engine), sqlite_engine, [teams_installer(config)])
    assert "OAUTENTISERADE" in caplog.text


async def test_bad_tokens_are_rejected_and_nothing_is_stored(
    sqlite_engine: Engine, stub: tuple[ConnectorStub, str]
) -> None:
    connector, service_url = stub
    config = load_teams_config(CREDENTIALS)
    assert config is not None
    app = create_app(make_settings(sqlite_engine), sqlite_engine, [teams_installer(config)])
    runner, url = await _start(app)
    unsigned = jwt.encode({"aud": BOT_APP_ID, "iss": "https://api.botframework.com"}, "x" * 32)
    try:
        async with aiohttp.ClientSession() as http:
            teams = Teams(
                url, service_url + "/", connector, http, sqlite_engine, itertools.count(1)
            )
            install = teams.install_personal(SVEN)
            message = teams.message(SVEN, "action add Boka lokal senast 2026-12-05")
            for headers in (
                {},
                {"Authorization": "Bearer not-a-jwt"},
                {"Authorization": "Basic dXNlcjpwdw=="},
                {"Authorization": f"Bearer {unsigned}"},
            ):
                for activity in (install, message):
                    status, _ = await teams.post(activity, headers=headers)
                    assert status == 401, headers
    finally:
        await runner.cleanup()
    assert connector.calls == []
    with transaction(sqlite_engine) as session:
        assert session.exec(select(Action)).all() == []
        assert session.exec(select(ConversationRef)).all() == []
        assert session.exec(select(Workspace)).all() == []
