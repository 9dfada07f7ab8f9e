"""/meeting minutes in Teams: a card with download buttons; the links serve the documents."""

from __future__ import annotations

import io
import itertools
import socket
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import docx
import pytest
from aiohttp import web
from sqlalchemy.engine import Engine

from bot.file_links import install_file_routes
from bot.settings import Settings
from bot.teams.config import load_teams_config
from bot.teams.routes import teams_installer
from bot.web import create_app
from storage import shared_files
from storage.db import transaction
from tests.bot.slack.helpers import exported
from tests.bot.teams.conftest import BOT, NOW, SDK_WARNINGS, SVEN, Teams
from tests.bot.teams.connector_stub import ConnectorStub

pytestmark = SDK_WARNINGS

MD = "minnesanteckningar-kc-mote-2026-12-10.md"
DOCX = "minnesanteckningar-kc-mote-2026-12-10.docx"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def teams_web(sqlite_engine: Engine, stub: tuple[ConnectorStub, str]) -> AsyncIterator[Teams]:
    """Teams (anonymous) and the file links on one app whose PUBLIC_URL is its own address."""
    connector, service_url = stub
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=str(sqlite_engine.url), motesbot_now=NOW, public_url=url)
    config = load_teams_config({"TEAMS_ANONYMOUS": "true"})
    assert config is not None
    app = create_app(settings, sqlite_engine, [install_file_routes, teams_installer(config)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    async with aiohttp.ClientSession() as http:
        yield Teams(url, service_url + "/", connector, http, sqlite_engine, itertools.count(1))
    await runner.cleanup()


async def _say(teams: Teams, text: str) -> str:
    """@Mötesbot <text> in the KC channel; returns the bot's answer (plain text)."""
    before = len(teams.stub.messages())
    status, _ = await teams.post(
        teams.message(
            SVEN, f"<at>Mötesbot</at> {text}", conversation=teams.channel(), mentions=[BOT]
        )
    )
    assert status in (200, 202)
    [answer] = teams.stub.messages()[before:]
    return str(answer.body.get("text") or "")


async def _held_meeting(teams: Teams) -> None:
    await teams.post(teams.install_team(SVEN))
    for line in (
        "meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
        "meeting start --ja",
        "meeting punkt 1 Budget 2027",
        "action add Skicka budgeten till kommunerna senast 2026-12-01",
        "decision add Kommunchefsgruppen beslutar att godkänna budgeten",
        "meeting punkt 2 Övriga frågor",
        "action add Boka lokal",
        "decision add Kommunchefsgruppen beslutar att nästa möte hålls i Vännäs",
        "meeting avsluta",
    ):
        answer = await _say(teams, line)
        assert "Skriv:" not in answer and "Hittar" not in answer, (line, answer)


def _download_buttons(card: dict[str, Any]) -> dict[str, str]:
    return {a["title"]: a["url"] for a in card.get("actions", []) if a["type"] == "Action.OpenUrl"}


async def test_minutes_card_links_download_the_documents(teams_web: Teams) -> None:
    teams = teams_web
    await _held_meeting(teams)

    answer = await _say(teams, "meeting protokoll")

    card = teams.stub.cards()[-1]
    buttons = _download_buttons(card)
    assert set(buttons) == {"Ladda ner Markdown (.md)", "Ladda ner Word (.docx)"}
    md_url, docx_url = buttons["Ladda ner Markdown (.md)"], buttons["Ladda ner Word (.docx)"]
    assert md_url.startswith(f"{teams.url}/files/") and md_url.endswith(f"/{MD}")
    assert docx_url.endswith(f"/{DOCX}")
    assert md_url.split("/")[-2] != docx_url.split("/")[-2]  # one token per file
    assert len(md_url.split("/")[-2]) >= 40  # unguessable
    # The plain-text fallback carries the links too, and says they expire.
    assert md_url in answer and docx_url in answer and "24 timmar" in answer

    async with teams.http.get(docx_url) as response:
        assert response.status == 200
        assert response.content_type == (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        assert DOCX in response.headers["Content-Disposition"]
        word = docx.Document(io.BytesIO(await response.read()))
    assert [c.text for c in word.tables[0].rows[0].cells] == ["Åtgärd", "Slutdatum", "Ansvarig"]
    async with teams.http.get(md_url) as response:
        assert response.status == 200
        markdown = await response.text()
    assert "## 1. Budget 2027" in markdown
    actions = [a for ws in exported(teams.engine)["workspaces"] for a in ws["actions"]]
    assert len(actions) == 2
    for action in actions:
        assert f"#{action['number']} {action['text']}" in markdown
    assert "B1 Kommunchefsgruppen beslutar att godkänna budgeten" in markdown
    assert "B2 Kommunchefsgruppen beslutar att nästa möte hålls i Vännäs" in markdown

    # A token with another file's name, or a made-up token, opens nothing.
    token = md_url.split("/")[-2]
    async with teams.http.get(f"{teams.url}/files/{token}/{DOCX}") as response:
        assert response.status == 404
    async with teams.http.get(f"{teams.url}/files/{'x' * 43}/{MD}") as response:
        assert response.status == 404


async def test_an_expired_link_is_gone(teams_web: Teams) -> None:
    yesterday = datetime.fromisoformat(NOW) - timedelta(hours=24, minutes=1)
    almost = datetime.fromisoformat(NOW) - timedelta(hours=23)
    with transaction(teams_web.engine) as session:
        old = shared_files.share(
            session, filename=MD, mime_type="text/markdown", content=b"# gammal", at=yesterday
        )
        fresh = shared_files.share(
            session, filename=MD, mime_type="text/markdown", content=b"# ny", at=almost
        )

    async with teams_web.http.get(f"{teams_web.url}/files/{old}/{MD}") as response:
        assert response.status == 404
        assert "gått ut" in await response.text()
    async with teams_web.http.get(f"{teams_web.url}/files/{fresh}/{MD}") as response:
        assert response.status == 200
        assert await response.text() == "# ny"
