"""Structured input: what chat platforms collect in forms rather than in a typed line.

A form (a Slack modal, a Teams card) yields fields, not a command line: the owners come as
platform user ids plus free-text names, the due date as a date, the agenda item as an id. A
form travels on :attr:`commands.request.Request.form` through the same pipeline as a typed
command (:func:`commands.pipeline.run`); the subcommand reads it instead of parsing text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ActionForm:
    """An action as a form collects it (``/action add`` reads it).

    Attributes:
        text: what is to be done.
        owner_ids: platform user ids of owners with an account.
        owner_names: free-text names of owners without one ("Anna Berg", "Kansliet").
        due: the due date, if any.
        item_id: the agenda item chosen, if any; else the running meeting's current item.
        link: where it came from (a message permalink), kept as the first note.
    """

    text: str
    owner_ids: tuple[str, ...] = ()
    owner_names: tuple[str, ...] = ()
    due: date | None = None
    item_id: int | None = None
    link: str | None = None
