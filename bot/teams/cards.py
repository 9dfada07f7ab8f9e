"""Neutral replies rendered as Adaptive Cards (schema 1.5) with Action.Execute buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from commands.i18n import t, tn
from commands.reply import Button, ButtonKind, Line, Reply

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
# Verbs our invoke handler answers; the command itself travels in ``data``.
VERB_RUN = "motesbot.run"
VERB_DATE = "motesbot.date"
VERB_NOTE = "motesbot.note"
VERB_PREFIX = "motesbot."
# Teams rejects cards over ~28 KB; a reply longer than this many lines is cut with a note.
MAX_LINES = 60
MAX_TEXT = 2000


def _text_block(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text[:MAX_TEXT], "wrap": True, **extra}


def _execute(
    title: str, verb: str, data: dict[str, str], *, primary: bool = False
) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
    if primary:
        action["style"] = "positive"
    return action


def button_action(
    button: Button, *, lang: str, input_id: str, view: str | None = None
) -> dict[str, Any]:
    """One neutral button as an Adaptive Card action.

    RUN runs its command at once; PICK_DATE and NOTE open an inline card with an
    input whose value the invoke carries back under ``input_id`` (unique per card,
    because Teams merges every input of the card into the action's data).
    """
    extra = {"view": view} if view else {}
    if button.kind == ButtonKind.RUN:
        data = {"command": button.command, **extra}
        return _execute(button.label, VERB_RUN, data, primary=button.primary)
    if button.kind == ButtonKind.PICK_DATE:
        field: dict[str, Any] = {
            "type": "Input.Date",
            "id": input_id,
            "label": t(lang, "teams_pick_date"),
            "isRequired": True,
        }
        verb = VERB_DATE
    else:
        field = {
            "type": "Input.Text",
            "id": input_id,
            "placeholder": t(lang, "teams_note_placeholder"),
            "isMultiline": True,
            "maxLength": 1000,
            "isRequired": True,
        }
        verb = VERB_NOTE
    submit = _execute(
        t(lang, "teams_save"),
        verb,
        {"command": button.command, "input": input_id, **extra},
        primary=True,
    )
    return {
        "type": "Action.ShowCard",
        "title": button.label,
        "card": {"type": "AdaptiveCard", "body": [field], "actions": [submit]},
    }


def _line_items(line: Line, *, lang: str, index: int, view: str | None) -> list[dict[str, Any]]:
    if line.heading:
        return [_text_block(line.text, weight="Bolder", spacing="Medium")]
    items = [_text_block(line.text, spacing="Small")]
    if line.buttons:
        actions = [
            button_action(b, lang=lang, input_id=f"in{index}_{n}", view=view)
            for n, b in enumerate(line.buttons)
        ]
        items.append({"type": "ActionSet", "actions": actions})
    return items


# What a download button calls a file, by its extension.
_KIND_NAMES = {"docx": "Word (.docx)", "md": "Markdown (.md)", "pdf": "PDF"}


def download_label(filename: str, lang: str) -> str:
    """ "Ladda ner Word (.docx)" for a file name."""
    ext = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    return t(lang, "teams_download", name=_KIND_NAMES.get(ext, filename))


def card(
    reply: Reply, *, view: str | None = None, links: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """Render a reply as an Adaptive Card.

    Args:
        reply: the neutral reply.
        view: the read-only command that produced it ("action list"), carried by
            every button so the card can be shown again, updated, after a click.
        links: (file name, download URL) of the reply's documents, shown as
            Action.OpenUrl buttons.
    """
    headline: dict[str, Any] = _text_block(reply.headline, weight="Bolder", size="Medium")
    if reply.error:
        headline["color"] = "Attention"
    body: list[dict[str, Any]] = [headline]
    shown = reply.lines[:MAX_LINES]
    for index, line in enumerate(shown):
        body.extend(_line_items(line, lang=reply.lang, index=index, view=view))
    if len(reply.lines) > len(shown):
        more = tn(reply.lang, "teams_more_lines", len(reply.lines) - len(shown))
        body.append(_text_block(more, isSubtle=True))
    result: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "fallbackText": fallback_text(reply, links=links),
        "msteams": {"width": "Full"},
    }
    if links:
        result["actions"] = [
            {"type": "Action.OpenUrl", "title": download_label(name, reply.lang), "url": url}
            for name, url in links
        ]
    return result


def fallback_text(reply: Reply, *, links: Sequence[tuple[str, str]] = ()) -> str:
    """The plain text of a reply: the activity text, notifications and old clients."""
    text = reply.as_text()
    if links:
        # Links last, so a cut long reply still shows them.
        tail = "\n".join(f"{name}: {url}" for name, url in links)
        return f"{text[: 3990 - len(tail)]}\n{tail}"
    return text[:4000]


def view_from_data(data: Any) -> str | None:
    """The read-only command a button's card came from, if any."""
    view = data.get("view") if isinstance(data, dict) else None
    return view.strip() if isinstance(view, str) and view.strip() else None


def command_from_data(data: Any) -> tuple[str, str | None] | None:
    """Read the command an Action.Execute carries, with the value typed into its input.

    Returns:
        (command, typed value or None) — None when the data is not ours.
    """
    if not isinstance(data, dict):
        return None
    command = data.get("command")
    if not isinstance(command, str) or not command.strip():
        return None
    input_id = data.get("input")
    if not isinstance(input_id, str):
        return command.strip(), None
    value = data.get(input_id)
    return command.strip(), (value.strip() if isinstance(value, str) else "")
