"""Commands that need a "yes" first, and the marker that gives it.

A command that would do something the user probably did not mean (a new person
whose name differs from an existing one only by accents, a series name typed
almost right, a meeting started hours off its time) stores nothing and asks.
The question shows the exact command to type again with the marker ``--ja``
(``--yes`` in English; either works in both languages) at its end, and offers
a button that runs that same text, so typing and clicking do the same thing.
"""

from __future__ import annotations

import re

from commands.context import Ctx
from commands.errors import NeedsConfirmation
from commands.i18n import t
from commands.reply import Button, ButtonKind, Line, Reply

# Phones turn "--" into an en or em dash; accept what they send.
_MARKER_RE = re.compile(r"(?:^|\s)(?:--|—|–)\s?(?:ja|yes)\s*$", re.IGNORECASE)
MARKER = {"sv": "--ja", "en": "--yes"}


def split_marker(text: str) -> tuple[str, bool]:
    """Take a trailing confirmation marker off a command's text.

    Returns:
        The text without it, and whether it was there.
    """
    match = _MARKER_RE.search(text)
    if match is None:
        return text, False
    return text[: match.start()].rstrip(), True


def command_line(ctx: Ctx, text: str | None = None) -> str:
    """The request as a command line, ``action add …`` (no slash), optionally with new text."""
    body = ctx.request.text.strip() if text is None else text
    body, _ = split_marker(body)
    return f"{ctx.request.command.lstrip('/')} {body}".strip()


def offer(ctx: Ctx, question: str, options: list[tuple[str, str]]) -> NeedsConfirmation:
    """Build a question answered by running one of some commands (the first is the likely one).

    Args:
        ctx: the request's context.
        question: the headline.
        options: (label, command line without slash) of each way on.

    Returns:
        The exception to raise; nothing of the command is stored.
    """
    lines = tuple(
        Line(
            t(ctx.lang, "confirm_option", label=label, command=f"/{line}"),
            (Button(label, line, ButtonKind.RUN, primary=n == 0),),
        )
        for n, (label, line) in enumerate(options)
    )
    return NeedsConfirmation(Reply(question, lines, lang=ctx.lang))


def ask(
    ctx: Ctx, question: str, *, yes_label: str, alternatives: tuple[tuple[str, str], ...] = ()
) -> NeedsConfirmation:
    """Build the question for a command that needs a yes.

    Args:
        ctx: the request's context.
        question: the headline ("Menade du KC-möte?").
        yes_label: what the confirmed command does ("Skapa ny serie ”KC möte”").
        alternatives: (label, command line) of other ways out, such as the
            same command with the existing name.

    Returns:
        The exception to raise; the dispatcher rolls the transaction back.
    """
    confirmed = f"{command_line(ctx)} {MARKER.get(ctx.lang, MARKER['sv'])}"
    lines = [
        Line(
            t(ctx.lang, "confirm_option", label=label, command=f"/{command}"),
            (Button(label, command, ButtonKind.RUN, primary=n == 0),),
        )
        for n, (label, command) in enumerate(alternatives)
    ]
    lines.append(
        Line(
            t(ctx.lang, "confirm_option", label=yes_label, command=f"/{confirmed}"),
            (Button(yes_label, confirmed, ButtonKind.RUN, primary=not alternatives),),
        )
    )
    return NeedsConfirmation(Reply(question, tuple(lines), lang=ctx.lang))
