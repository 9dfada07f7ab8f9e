"""Every sentence exists in both catalogues, and every text the code asks for exists."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from commands import registry
from commands.dispatch import handle  # noqa: F401  (registers every subcommand)
from commands.i18n import catalogue, has, messages_missing_translation, t, tn

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    p for pkg in ("bot", "commands", "scheduler", "storage") for p in (ROOT / pkg).rglob("*.py")
]


def _literal_keys() -> set[tuple[str, str]]:
    """Every ``t(lang, "key")`` / ``tn(lang, "key", n)`` / ``CommandError("key")`` with a literal key."""
    found: set[tuple[str, str]] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = node.args
            if name in ("t", "tn", "error_reply") and len(args) >= 2:
                key = args[1]
            elif name == "CommandError" and args:
                key = args[0]
            else:
                continue
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found.add((f"{path.relative_to(ROOT)}:{node.lineno}", key.value))
    return found


def test_every_message_has_swedish_and_english() -> None:
    assert messages_missing_translation() == []


def test_every_text_the_code_asks_for_is_in_the_catalogue() -> None:
    missing = sorted(f"{where}: {key}" for where, key in _literal_keys() if not has(key))
    assert missing == []


def test_both_languages_have_the_same_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    sv = {str(m.id): m.string for m in catalogue("sv") if m.id}
    en = {str(m.id): m.string for m in catalogue("en") if m.id}
    differ = []
    for key, text in sv.items():
        sv_texts = text if isinstance(text, tuple) else (text,)
        en_texts = en[key] if isinstance(en[key], tuple) else (en[key],)
        if set().union(*map(fields, sv_texts)) != set().union(*map(fields, en_texts)):
            differ.append(key)
    assert differ == []


def test_every_subcommand_has_help_in_both_languages() -> None:
    for subs in registry.SUBCOMMANDS.values():
        for sub in subs:
            for lang in ("sv", "en"):
                assert sub.usage(lang).startswith("/"), sub.name
                assert sub.summary(lang), sub.name


def test_subcommand_words_do_not_collide() -> None:
    for command, subs in registry.SUBCOMMANDS.items():
        words = [w for sub in subs for w in sub.words]
        assert len(words) == len(set(words)), command


def test_language_fallback_and_plurals() -> None:
    assert t("en", "btn_done") == "Done" and t("xx", "btn_done") == "Klar"
    assert re.fullmatch(r"1 \w+", tn("sv", "n_messages", 1))
    assert tn("sv", "n_messages", 1) == "1 meddelande"
    assert tn("sv", "n_messages", 2) == "2 meddelanden"
    assert tn("en", "n_messages", 1) == "1 message"
    assert tn("en", "n_messages", 3) == "3 messages"
