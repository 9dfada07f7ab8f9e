"""Teams over real HTTP: activities POSTed to /api/messages, replies caught by the connector stub."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from storage.backup import export_data
from storage.db import transaction
from storage.models import ConversationRef
from tests.bot.teams.conftest import EMMA, LISA, NOW, SVEN, TENANT, Teams


def _buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in card["body"]:
        if item.get("type") == "ActionSet":
            found.extend(item["actions"])
    return found


def _refs(teams: Teams) -> list[tuple[str, str, dict[str, Any]]]:
    with transaction(teams.engine) as session:
        rows = session.exec(select(ConversationRef)).all()
        return [(r.kind, r.key, r.reference) for r in rows]


def _actions(teams: Teams) -> list[dict[str, Any]]:
    from datetime import datetime

    with transaction(teams.engine) as session:
        data = export_data(session, exported_at=datetime.fromisoformat(NOW))
    return [a for ws in data["workspaces"] for a in ws["actions"]]


async def test_install_then_add_then_done(teams: Teams) -> None:
    status, _ = await teams.post(teams.install_personal(SVEN))
    assert status in (200, 202)
    assert "Mötesbot" in teams.stub.texts()[0]
    assert [(k, key) for k, key, _ in _refs(teams)] == [("personal", SVEN.aad)]

    status, _ = await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    assert status in (200, 202)
    reply = teams.stub.messages()[-1]
    assert "#1" in reply.body["text"]
    assert reply.conversation_id == f"a:1personal-chat-{SVEN.aad}"
    card = teams.stub.cards()[-1]
    assert card["version"] == "1.5" and "#1" in card["body"][1]["text"]

    actions = _actions(teams)
    assert [a["text"] for a in actions] == ["Boka lokal"]
    assert actions[0]["due_date"] == "2026-12-05"

    done = next(b for b in _buttons(card) if b["type"] == "Action.Execute")
    assert done["title"] == "Klar"
    status, body = await teams.post(teams.card_action(SVEN, done))
    assert status == 200
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "klar" in body["value"]["body"][0]["text"]
    assert _actions(teams)[0]["status"] == "done"
