"""The command table: top-level commands, their subcommands and their words in both languages."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from commands.context import Ctx
from commands.reply import Reply

Handler = Callable[[Ctx, str], Reply]

COMMAND_WORDS: dict[str, str] = {
    "action": "action",
    "actions": "action",
    "åtgärd": "action",
    "åtgärder": "action",
    "decision": "decision",
    "decisions": "decision",
    "beslut": "decision",
    "meeting": "meeting",
    "möte": "meeting",
    "mote": "meeting",
    "agenda": "agenda",
    "dagordning": "agenda",
}


@dataclass(frozen=True)
class Sub:
    """One subcommand: its canonical name, the words that call it, its help."""

    command: str
    name: str
    words: tuple[str, ...]
    handler: Handler
    usage: dict[str, str]
    summary: dict[str, str]


SUBCOMMANDS: dict[str, list[Sub]] = {}


def subcommand(
    command: str,
    name: str,
    *,
    words: tuple[str, ...],
    usage: dict[str, str],
    summary: dict[str, str],
) -> Callable[[Handler], Handler]:
    """Register a handler for ``/<command> <word> …``.

    Args:
        command: the canonical top-level command ("action").
        name: the canonical subcommand name ("add").
        words: every word that calls it, Swedish and English, lower case.
        usage: usage line per language.
        summary: one-sentence help per language.

    Returns:
        A decorator that registers and returns the handler.
    """

    def register(handler: Handler) -> Handler:
        SUBCOMMANDS.setdefault(command, []).append(
            Sub(command, name, (name, *words), handler, usage, summary)
        )
        return handler

    return register


def find(command: str, word: str) -> Sub | None:
    """Return the subcommand a word calls."""
    wanted = word.casefold()
    for sub in SUBCOMMANDS.get(command, []):
        if wanted in sub.words:
            return sub
    return None


def suggest(command: str, word: str) -> str | None:
    """Return the closest subcommand word to a typo, if any is close."""
    candidates = [w for sub in SUBCOMMANDS.get(command, []) for w in sub.words]
    close = difflib.get_close_matches(word.casefold(), candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def canonical_command(word: str) -> str | None:
    """Map "åtgärd", "/action" ... to the canonical command name."""
    return COMMAND_WORDS.get(word.lstrip("/").casefold())
