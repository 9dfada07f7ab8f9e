"""Real Bot Framework tokens are accepted, and the usual bad ones refused, over HTTP.

The tokens are signed here with a local RSA key, as the Bot Connector signs them: issuer
``https://api.botframework.com``, our app id as audience, the channel's ``serviceurl``. The
only thing replaced is the SDK's download of Bot Framework's signing keys (PyJWKClient's
fetch, for the address the SDK hard-codes), which returns our key set. Everything else is the
production path: our web app, the SDK's JWT validation with our app id and tenant, our
serviceUrl check, the turn, and the reply to the connector stub.

To answer, the SDK needs an outbound token too. The bot is configured for a user-assigned
managed identity, whose token endpoint (App Service's ``IDENTITY_ENDPOINT``) the connector
stub serves, so no request leaves the machine.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWKClient
from jwt.algorithms import RSAAlgorithm
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.teams.config import CLIENT_ID_ENV, CLIENT_SECRET_ENV, TENANT_ID_ENV, load_teams_config
from bot.teams.routes import teams_installer
from bot.web import create_app
from storage.db import transaction
from storage.models import Action, ConversationRef
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

pytestmark = SDK_WARNINGS

ISSUER = "https://api.botframework.com"
# Where the SDK fetches Bot Framework's signing keys (Microsoft's documented address).
BOT_FRAMEWORK_KEYS = "https://login.botframework.com/v1/.well-known/keys"
KEY_ID = "motesbot-test-key"
AUTH_TYPE_ENV = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHTYPE"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_set() -> dict[str, Any]:
    public = json.loads(RSAAlgorithm.to_jwk(_KEY.public_key()))
    public.update(kid=KEY_ID, use="sig", alg="RS256", endorsements=["msteams"])
    return {"keys": [public]}


def token(service_url: str, **changes: Any) -> str:
    """A token as the Bot Connector issues it, with some claims or the key id changed."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": BOT_APP_ID,
        "serviceurl": service_url,
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + 3600,
    }
    kid = changes.pop("kid", KEY_ID)
    key = changes.pop("key", _KEY)
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def key_downloads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace PyJWKClient's HTTP fetch by our key set; record which addresses were asked."""
    asked: list[str] = []

    def fetch_data(self: PyJWKClient) -> Any:
        asked.append(self.uri)
        if self.uri != BOT_FRAMEWORK_KEYS:
            raise jwt.PyJWKClientConnectionError(f"no network in tests: {self.uri}")
        return _key_set()

    monkeypatch.setattr(PyJWKClient, "fetch_data", fetch_data)
    return asked


@pytest.fixture
async def secured(
    sqlite_engine: Engine,
    stub: tuple[ConnectorStub, str],
    key_downloads: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Teams]:
    """Our web app with real JWT validation for our app id and tenant."""
    connector, service_url = stub
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{service_url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "test-identity-header")
    config = load_teams_config(
        {
            CLIENT_ID_ENV: BOT_APP_ID,
            CLIENT_SECRET_ENV: "unused-with-managed-identity",
            TENANT_ID_ENV: TENANT,
            AUTH_TYPE_ENV: "UserManagedIdentity",
        }
    )
    assert config is not None and not config.anonymous
    app = create_app(make_settings(sqlite_engine), sqlite_engine, [teams_installer(config)])
    runner, url = await _start(app)
    async with aiohttp.ClientSession() as http:
        yield Teams(url, service_url + "/", connector, http, sqlite_engine, itertools.count(1))
    await runner.cleanup()


def _bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def _stored(engine: Engine) -> tuple[int, int]:
    """(actions, personal conversation references) in the register."""
    with transaction(engine) as session:
        actions = len(session.exec(select(Action)).all())
        refs = session.exec(select(ConversationRef).where(ConversationRef.kind == "personal"))
        return actions, len(refs.all())


async def test_a_bot_framework_token_is_accepted_and_the_reply_reaches_teams(
    secured: Teams, key_downloads: list[str]
) -> None:
    message = secured.message(SVEN, "action add Boka lokal senast 2026-12-05")
    status, _ = await secured.post(message, headers=_bearer(token(secured.service_url)))

    assert status in (200, 202)
    assert BOT_FRAMEWORK_KEYS in key_downloads
    [reply] = secured.stub.messages()
    assert "#1" in reply.body["text"]
    assert reply.conversation_id == f"a:1personal-chat-{SVEN.aad}"
    # The reply carries the outbound token, not the incoming one.
    assert reply.authorization == f"Bearer {secured.stub.issued_tokens[0]}"
    assert _stored(secured.engine) == (1, 1)


@pytest.mark.parametrize(
    "case",
    [
        "expired beyond the leeway",
        "wrong audience",
        "unknown key id",
        "signed by another key",
        "serviceurl of another server",
        "no serviceurl",
    ],
)
async def test_bad_tokens_are_refused_and_nothing_is_stored(secured: Teams, case: str) -> None:
    now = int(time.time())
    service_url = secured.service_url
    bad = {
        # The SDK allows 300 s of clock skew; this one ran out 301 s ago and then some.
        "expired beyond the leeway": token(service_url, exp=now - 400, iat=now - 4000, nbf=None),
        "wrong audience": token(service_url, aud="11111111-2222-3333-4444-555555555555"),
        "unknown key id": token(service_url, kid="some-other-key"),
        "signed by another key": token(service_url, key=_OTHER_KEY),
        "serviceurl of another server": token("https://attacker.example/teams/"),
        "no serviceurl": token(service_url, serviceurl=None),
    }[case]
    message = secured.message(SVEN, "action add Boka lokal senast 2026-12-05")

    status, _ = await secured.post(message, headers=_bearer(bad))

    expected = 403 if "serviceurl" in case else 401
    assert status == expected, case
    assert secured.stub.calls == []
    assert _stored(secured.engine) == (0, 0)


async def test_an_expired_token_within_the_leeway_is_still_accepted(secured: Teams) -> None:
    now = int(time.time())
    late = token(secured.service_url, exp=now - 200, iat=now - 3800, nbf=None)
    status, _ = await secured.post(
        secured.message(SVEN, "action add Boka lokal"), headers=_bearer(late)
    )
    assert status in (200, 202)
    assert _stored(secured.engine) == (1, 1)


async def test_the_service_url_claim_may_differ_only_by_a_trailing_slash(secured: Teams) -> None:
    claim = secured.service_url.rstrip("/")
    status, _ = await secured.post(
        secured.message(SVEN, "action add Boka lokal"), headers=_bearer(token(claim))
    )
    assert status in (200, 202)
    assert "#1" in secured.stub.texts()[-1]
