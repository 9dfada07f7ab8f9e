"""The yearly report request answered in Teams: the card's form files a report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.teams.cards import card
from commands.assignment_followup import report_buttons
from commands.reply import Line, Reply
from storage.backup import export_data
from storage.db import transaction
from storage.models import Assignment
from tests.bot.teams.conftest import NOW, SDK_WARNINGS, SVEN, Teams

pytestmark = SDK_WARNINGS


def _show_cards(payload: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in payload["body"]:
        if item.get("type") == "ActionSet":
            found.extend(a for a in item["actions"] if a["type"] == "Action.ShowCard")
    return found


async def test_report_form_on_the_card_files_a_report(teams: Teams) -> None:
    await teams.post(teams.message(SVEN, "arbetsgrupp ny Näringslivsgruppen @mig"))
    await teams.post(teams.message(SVEN, "uppdrag ny Rally VM @Näringslivsgruppen"))
    assert "Uppdrag U1 registrerat" in teams.stub.texts()[-1]
    with transaction(teams.engine) as session:
        assignment = session.get(Assignment, 1)
        assert assignment is not None
        request = Reply(
            "Årlig avrapportering", (Line("U1 Rally VM", report_buttons(assignment, "sv")),)
        )
    forms = _show_cards(card(request))
    assert [f["title"] for f in forms] == ["Utfört", "Pågår", "Behöver ändras"]
    changed = forms[2]["card"]
    field = changed["body"][0]["id"]
    await teams.post(
        teams.card_action(SVEN, changed["actions"][0], inputs={field: "Ny inriktning behövs"})
    )
    with transaction(teams.engine) as session:
        data = export_data(session, exported_at=datetime.fromisoformat(NOW))
    [stored] = data["workspaces"][0]["assignments"]
    assert [(r["status"], r["text"]) for r in stored["reports"]] == [
        ("ändrat", "Ny inriktning behövs")
    ]
