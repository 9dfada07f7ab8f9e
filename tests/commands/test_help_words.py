"""Help at every level, in the words the user typed, with Swedish examples and right plurals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from commands import registry
from commands.i18n import catalogue, t, tn
from tests.conftest import Transcript

CATALOGUES = Path(__file__).resolve().parents[2] / "commands" / "locale"
ENGLISH_SUBWORDS = r"(add|list|done|reopen|note|due|assign|edit|cancel|show|new|item|series|move|search|start|end|next|digest)"


@pytest.mark.parametrize("line", ["/hjälp", "hjälp", "/help", "/?"])
def test_help_alone_lists_the_command_families(console: Transcript, line: str) -> None:
    reply = console.send(line)
    assert not reply.error
    text = reply.as_text()
    assert text.startswith("Mötesbot – kommandon")
    for name in ("/åtgärd (/action)", "/beslut (/decision)", "/möte (/meeting)"):
        assert name in text
    assert "/dagordning (/agenda)" in text
    assert "/åtgärd klar #12" in text and "/möte ny KC-möte" in text
    assert "/möte serie hjälp" in text


def test_help_alone_in_english(console: Transcript) -> None:
    text = console.text("/help", lang="en")
    assert text.startswith("Mötesbot – commands")
    assert "/action – Actions" in text and "/action done #12" in text


def test_help_of_a_family_uses_the_word_typed(console: Transcript) -> None:
    swedish = console.text("/åtgärd hjälp")
    assert swedish.startswith("Hjälp: /åtgärd")
    assert "/åtgärd ny <text>" in swedish and "/åtgärd klar #12" in swedish
    assert "/action" not in swedish
    assert "Alla kommandon: /hjälp" in swedish
    english_word = console.text("/action hjälp")
    assert "/action ny <text>" in english_word and "/action klar #12" in english_word
    assert console.text("/hjälp åtgärd") == swedish
    # "/action" alone is the family's help too (Slack opens the form instead).
    assert console.text("/action").startswith("Hjälp: /action")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/meeting series hjälp", "/meeting serie ny <namn>"),
        ("/möte serie hjälp", "/möte serie ny <namn>"),
        ("/möte serie ny hjälp", "/möte serie ny <namn>"),
        ("/action add hjälp", "/action ny <text>"),
        ("/åtgärd klar hjälp", "/åtgärd klar #12"),
        ("/beslut sök hjälp", "/beslut sök <ord>"),
        ("/dagordning ny ?", "/dagordning ny [nr] <ärende>"),
        ("/meeting punkt help", "/meeting punkt 3.1"),
    ],
)
def test_help_works_at_every_level_and_stores_nothing(
    console: Transcript, line: str, expected: str
) -> None:
    reply = console.send(line)
    assert not reply.error, reply.as_text()
    assert reply.as_text().startswith("Hjälp:")
    assert expected in reply.as_text()
    assert "hjälp" in reply.lines[-1].text  # "Alla underkommandon: /möte hjälp"
    assert "Inga åtgärder" in console.text("/action lista alla")
    assert "Inga åtgärder" in console.text("/action lista historik")


def test_a_text_that_merely_contains_the_word_is_an_action(console: Transcript) -> None:
    reply = console.send("/action ny Hjälp Anna med flytten senast 2026-12-01")
    assert not reply.error and "registrerad" in reply.headline
    assert "Hjälp Anna med flytten" in console.text("/action lista alla")


def test_swedish_errors_show_swedish_examples(console: Transcript) -> None:
    assert "/action klar #12" in console.text("/action klar")
    assert "/action notera #12" in console.text("/action notera")
    assert "/action datum #12" in console.text("/action datum")
    assert "/action ny Ring Anna" in console.text("/action ny")
    assert "/action done #12" in console.text("/action done", lang="en")


def test_no_swedish_text_shows_an_english_subcommand() -> None:
    """Every Swedish message with an example command uses the Swedish words."""
    pattern = re.compile(rf"(/|@Mötesbot )(action|meeting|decision|agenda) {ENGLISH_SUBWORDS}\b")
    offenders = [
        str(m.id)
        for m in catalogue("sv")
        if m.id
        for text in (m.string if isinstance(m.string, tuple) else (m.string,))
        if pattern.search(text)
    ]
    assert offenders == []


def test_no_bracketed_plural_endings_in_any_catalogue() -> None:
    bracketed = re.compile(r"\w\((n|er|ar|or|s|en|na|e|t)\)")
    for path in CATALOGUES.rglob("*.po"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("msgstr"):
                assert not bracketed.search(line), f"{path.name}:{number}: {line}"


@pytest.mark.parametrize(
    ("key", "one", "many"),
    [
        ("console_errors", "1 kommando gav fel.", "2 kommandon gav fel."),
        ("tick_sent", "1 meddelande skickat", "2 meddelanden skickade"),
        ("tick_would_send", "1 meddelande skulle skickas", "2 meddelanden skulle skickas"),
        ("n_messages", "1 meddelande", "2 meddelanden"),
    ],
)
def test_swedish_plurals(key: str, one: str, many: str) -> None:
    assert tn("sv", key, 1) == one
    assert tn("sv", key, 2) == many


def test_a_series_of_one_meeting_says_one(console: Transcript) -> None:
    text = tn("sv", "series_created", 1, series="KC", rule="r", span="08:30–12:00", until="31 dec")
    assert "1 möte planerat" in text
    many = console.text("/möte serie ny KC-möte varje månad andra torsdagen 08:30-12:00 Stadshuset")
    assert re.search(r"\d+ möten planerade", many), many


def test_every_family_has_its_texts() -> None:
    for family in registry.FAMILIES:
        for lang in ("sv", "en"):
            assert "{command}" not in t(lang, f"help_family_{family}", command="/x")
    for sub in ("done", "reopen", "note", "due", "assign", "edit", "cancel", "show"):
        assert t("sv", f"word_action_{sub}") and t("en", f"word_action_{sub}") == sub
