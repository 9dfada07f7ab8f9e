"""Every sentence exists in both languages."""

from __future__ import annotations

import pytest

from commands import registry
from commands.dispatch import handle  # noqa: F401  (registers every subcommand)
from commands.i18n import MESSAGES, messages_missing_translation, register_messages, t


def test_every_message_has_swedish_and_english() -> None:
    assert messages_missing_translation() == []


def test_every_subcommand_has_help_in_both_languages() -> None:
    for subs in registry.SUBCOMMANDS.values():
        for sub in subs:
            assert set(sub.usage) == {"sv", "en"} and set(sub.summary) == {"sv", "en"}, sub.name


def test_subcommand_words_do_not_collide() -> None:
    for command, subs in registry.SUBCOMMANDS.items():
        words = [w for sub in subs for w in sub.words]
        assert len(words) == len(set(words)), command


def test_register_refuses_half_translations() -> None:
    with pytest.raises(ValueError):
        register_messages({"half": {"sv": "bara svenska"}})
    assert "half" not in MESSAGES
    assert t("en", "btn_done") == "Done" and t("xx", "btn_done") == "Klar"
