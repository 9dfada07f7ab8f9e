"""The command table: top-level commands, their subcommands and their words in both languages."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from commands.context import Ctx
from commands.i18n import t
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
    "assignment": "assignment",
    "assignments": "assignment",
    "uppdrag": "assignment",
    "uppdragen": "assignment",
    "workgroup": "workgroup",
    "workgroups": "workgroup",
    "arbetsgrupp": "workgroup",
    "arbetsgrupper": "workgroup",
}


@dataclass(frozen=True)
class Sub:
    """One subcommand: its canonical name, the words that call it, its help."""

    command: str
    name: str
    words: tuple[str, ...]
    handler: Handler
    read_only: bool = False

    def usage(self, lang: str) -> str:
        """The usage line, from the catalogue (``help_<command>_<name>_usage``)."""
        return t(lang, f"help_{self.command}_{self.name}_usage")

    def summary(self, lang: str) -> str:
        """The one-sentence help, from the catalogue (``help_<command>_<name>_summary``)."""
        return t(lang, f"help_{self.command}_{self.name}_summary")


SUBCOMMANDS: dict[str, list[Sub]] = {}


def subcommand(
    command: str,
    name: str,
    *,
    words: tuple[str, ...],
    read_only: bool = False,
) -> Callable[[Handler], Handler]:
    """Register a handler for ``/<command> <word> …``.

    Args:
        command: the canonical top-level command ("action").
        name: the canonical subcommand name ("add").
        words: every word that calls it, Swedish and English, lower case. Its help
            texts are the catalogue's ``help_<command>_<name>_usage`` and ``…_summary``.
        read_only: it only shows things; an adapter may show its reply again later
            (a Teams list card refreshed after a click) and nothing needs refreshing.

    Returns:
        A decorator that registers and returns the handler.
    """

    def register(handler: Handler) -> Handler:
        sub = Sub(command, name, (name, *words), handler, read_only)
        SUBCOMMANDS.setdefault(command, []).append(sub)
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
