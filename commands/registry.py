"""The command table: top-level commands, their subcommands and their words in both languages."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
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
    "atgard": "action",  # typed without å and ä, as Slack's command names are spelled
    "atgarder": "action",
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
    # "/hjälp" alone lists the command families.
    "hjälp": "help",
    "hjalp": "help",
    "help": "help",
    "?": "help",
}

# Typed after any command or subcommand ("/meeting series hjälp"), these ask for its help.
HELP_WORDS = frozenset({"hjälp", "hjalp", "help", "?"})

# The command families in the order the help lists them, with their Swedish words.
FAMILIES: tuple[str, ...] = ("action", "decision", "meeting", "agenda", "assignment", "workgroup")
SWEDISH_WORDS: dict[str, str] = {
    "action": "åtgärd",
    "decision": "beslut",
    "meeting": "möte",
    "agenda": "dagordning",
    "assignment": "uppdrag",
    "workgroup": "arbetsgrupp",
}
# Slack knows only the slash commands its manifest registers (manifest.yml); a test keeps
# the two in step. "/åtgärd" and "/möte" are not among them (see README, Slack).
SLACK_COMMANDS = frozenset(
    {"action", "decision", "meeting", "agenda", "beslut", "dagordning", "uppdrag", "arbetsgrupp"}
)


@dataclass(frozen=True)
class Sub:
    """One subcommand: its canonical name, the words that call it, its help."""

    command: str
    name: str
    words: tuple[str, ...]
    handler: Handler
    read_only: bool = False
    topics: frozenset[str] = frozenset()
    filters: frozenset[str] = frozenset()

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
    topics: frozenset[str] = frozenset(),
    filters: frozenset[str] = frozenset(),
) -> Callable[[Handler], Handler]:
    """Register a handler for ``/<command> <word> …``.

    Args:
        command: the canonical top-level command ("action").
        name: the canonical subcommand name ("add").
        words: every word that calls it, Swedish and English, lower case. Its help
            texts are the catalogue's ``help_<command>_<name>_usage`` and ``…_summary``.
        read_only: it only shows things; an adapter may show its reply again later
            (a Teams list card refreshed after a click) and nothing needs refreshing.
        topics: the words of its own subcommands ("ny", "visa" of ``/meeting series``), so
            that "``/meeting series ny hjälp``" is a request for help too.
        filters: words of its own argument that people also type without the subcommand
            ("/åtgärd mina" for "/åtgärd lista mina"); a subcommand's own word wins.

    Returns:
        A decorator that registers and returns the handler.
    """

    def register(handler: Handler) -> Handler:
        sub = Sub(command, name, (name, *words), handler, read_only, topics, filters)
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


def filtered(command: str, word: str) -> Sub | None:
    """Return the subcommand whose argument a word is, typed on its own ("mina")."""
    wanted = word.casefold()
    for sub in SUBCOMMANDS.get(command, []):
        if wanted in sub.filters:
            return sub
    return None


SUGGEST_CUTOFF = 0.75


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a typo is a letter or two off from (:data:`SUGGEST_CUTOFF`), if any."""
    close = difflib.get_close_matches(word.casefold(), list(candidates), n=1, cutoff=SUGGEST_CUTOFF)
    return close[0] if close else None


def suggest(command: str, word: str, lang: str = "en") -> str | None:
    """Return the closest subcommand word to a typo, if any is close.

    Close means a letter or two off ("klr", "lsita", "tilldla" score 0.8 and more): at 0.6,
    "Anna" (a sentence starting with a name) was offered as "anteckna" and "tillbaka" as
    "tilldela". In Swedish a subcommand's English name is offered by its first Swedish
    word ("inte" is near "note": "notera").
    """
    subs = SUBCOMMANDS.get(command, [])
    candidates = [w for sub in subs for w in sub.words]
    typed = word.casefold()
    close = closest(typed, candidates)
    if close is not None:
        named = next((sub for sub in subs if sub.name == close and len(sub.words) > 1), None)
        return named.words[1] if named is not None and lang == "sv" else close
    # Two letters score 0.5 with one wrong ("nu" for "ny", the keys side by side).
    if len(typed) == 2:
        for candidate in candidates:
            if (
                len(candidate) == 2
                and sum(a != b for a, b in zip(typed, candidate, strict=True)) == 1
            ):
                return candidate
    return None


def suggest_command(word: str) -> str | None:
    """Return the command name closest to a typo ("åtgräd" → "åtgärd"), if any is close."""
    typed = word.lstrip("/").casefold()
    close = difflib.get_close_matches(typed, list(COMMAND_WORDS), n=1, cutoff=0.6)
    return close[0] if close else None


# The words of COMMAND_WORDS that are English; every other one is a Swedish way to type it.
ENGLISH_COMMAND_WORDS = frozenset(
    {"action", "actions", "decision", "decisions", "meeting", "agenda", "help", "?"}
    | {"assignment", "assignments", "workgroup", "workgroups"}
)


def typed_in_swedish(command: str) -> bool:
    """Whether the command was typed by a Swedish name ("/åtgärd", "/mote", "/beslut")."""
    word = command.lstrip("/").casefold()
    return canonical_command(word) is not None and word not in ENGLISH_COMMAND_WORDS


def canonical_command(word: str) -> str | None:
    """Map "åtgärd", "/action" ... to the canonical command name ("help" for "hjälp")."""
    return COMMAND_WORDS.get(word.lstrip("/").casefold() or word.casefold())


def asks_help(sub: Sub, rest: str) -> bool:
    """True when the words after a subcommand ask for its help, not for the command itself.

    "hjälp" alone, or after one of the subcommand's own words ("``serie ny hjälp``"); a
    text that merely contains the word ("Hjälp Anna med flytten") is an ordinary text.
    """
    parts = rest.casefold().split()
    if not parts or parts[-1] not in HELP_WORDS:
        return False
    return len(parts) == 1 or (len(parts) == 2 and parts[0] in sub.topics)


def command_name(command: str, *, lang: str, platform: str) -> str:
    """The slash command to show in an example: Swedish where the platform knows it.

    Console and Teams read every word of ``COMMAND_WORDS``; Slack only its registered ones.
    """
    word = SWEDISH_WORDS.get(command, command)
    if platform == "slack":
        # Only registered commands exist there: the one in the user's language if Slack
        # knows it, else the other ("/uppdrag" is registered, "/assignment" is not).
        preferred, other = (word, command) if lang == "sv" else (command, word)
        return f"/{preferred}" if preferred in SLACK_COMMANDS else f"/{other}"
    return f"/{word}" if lang == "sv" else f"/{command}"
