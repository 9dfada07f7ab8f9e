"""Neutral replies as Adaptive Cards: what a Teams user sees and what the buttons send back."""

from __future__ import annotations

from bot.teams.cards import MAX_LINES, card, command_from_data, fallback_text
from commands.reply import Button, ButtonKind, Line, Reply


def _reply(lines: int = 1, **kwargs: object) -> Reply:
    buttons = (
        Button("Klar", "action done #1", ButtonKind.RUN, primary=True),
        Button("Nytt datum", "action due #1", ButtonKind.PICK_DATE),
        Button("Anteckning", "action note #1", ButtonKind.NOTE),
    )
    return Reply(
        "Dina öppna åtgärder",
        tuple(Line(f"#{n} Boka lokal", buttons, action_number=n) for n in range(1, lines + 1)),
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_card_has_the_headline_lines_and_three_buttons() -> None:
    rendered = card(_reply())
    assert rendered["type"] == "AdaptiveCard" and rendered["version"] == "1.5"
    assert rendered["body"][0]["text"] == "Dina öppna åtgärder"
    assert rendered["body"][1]["text"] == "#1 Boka lokal"
    done, new_date, note = rendered["body"][2]["actions"]
    assert (done["type"], done["verb"], done["style"]) == (
        "Action.Execute",
        "motesbot.run",
        "positive",
    )
    assert new_date["type"] == "Action.ShowCard"
    assert new_date["card"]["body"][0]["type"] == "Input.Date"
    assert note["card"]["body"][0]["type"] == "Input.Text"
    assert rendered["fallbackText"] == fallback_text(_reply())


def test_every_input_of_a_card_has_its_own_id() -> None:
    # Teams merges all inputs of a card into the clicked action's data.
    rendered = card(_reply(lines=3))
    ids = [
        action["card"]["body"][0]["id"]
        for item in rendered["body"]
        if item["type"] == "ActionSet"
        for action in item["actions"]
        if action["type"] == "Action.ShowCard"
    ]
    assert len(ids) == 6 and len(set(ids)) == 6


def test_inputs_come_back_as_the_command_argument() -> None:
    assert command_from_data(
        {"command": "action due #1", "input": "in0_1", "in0_1": "2026-12-10"}
    ) == (
        "action due #1",
        "2026-12-10",
    )
    assert command_from_data({"command": "action due #1", "input": "in0_1"}) == (
        "action due #1",
        "",
    )
    assert command_from_data({"command": "action done #1"}) == ("action done #1", None)
    assert command_from_data({"something": "else"}) is None
    assert command_from_data("junk") is None


def test_errors_are_marked_and_long_lists_are_cut_with_a_note() -> None:
    assert card(Reply("Fel", error=True))["body"][0]["color"] == "Attention"
    rendered = card(_reply(lines=MAX_LINES + 5, lang="en"))
    assert "5 more lines" in rendered["body"][-1]["text"]
    assert "#65 Boka lokal" in fallback_text(_reply(lines=MAX_LINES + 5))
