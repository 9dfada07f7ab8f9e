"""Neutral replies rendered as Slack Block Kit, with a plain-text fallback."""

from __future__ import annotations

import hashlib
from typing import Any

from commands.reply import Button, ButtonKind, Reply

# Block Kit limits: a section's text is at most 3000 characters, a message at most 50 blocks.
MAX_SECTION = 3000
MAX_BLOCKS = 50

# An element's action_id is at most 255 characters, a button's value at most 2000.
MAX_ACTION_ID = 255
MAX_VALUE = 2000

RUN_ACTION = "run_command"
DATE_ACTION_PREFIX = "pick_date"
NOTE_ACTION = "open_note"


def _mrkdwn_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def button_element(button: Button) -> dict[str, Any]:
    """One neutral button as a Block Kit element.

    A RUN button carries its command as ``value``; a PICK_DATE button becomes a
    date picker whose ``action_id`` carries the command (pickers have no value);
    a NOTE button opens a modal for the note's text.
    """
    if button.kind == ButtonKind.PICK_DATE:
        return {
            "type": "datepicker",
            "action_id": f"{DATE_ACTION_PREFIX}:{button.command}",
            "placeholder": {"type": "plain_text", "text": button.label},
        }
    action_id = f"{RUN_ACTION if button.kind == ButtonKind.RUN else NOTE_ACTION}:{button.command}"
    if len(action_id) > MAX_ACTION_ID and button.kind == ButtonKind.RUN:
        # A RUN button's command travels in its value; the id only has to be unique.
        digest = hashlib.sha1(button.command.encode("utf-8")).hexdigest()[:12]
        action_id = f"{action_id[: MAX_ACTION_ID - 13]}~{digest}"
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": button.label[:75]},
        "action_id": action_id,
        "value": button.command[:MAX_VALUE],
    }
    if button.primary:
        element["style"] = "primary"
    return element


def blocks(reply: Reply, *, max_blocks: int = MAX_BLOCKS) -> list[dict[str, Any]]:
    """Render a reply as Block Kit blocks (at most ``max_blocks``; App Home allows 100)."""
    result: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{_mrkdwn_escape(reply.headline)[: MAX_SECTION - 2]}*",
            },
        }
    ]
    for line in reply.lines:
        if len(result) >= max_blocks - 1:
            break
        text = _mrkdwn_escape(line.text)[:MAX_SECTION]
        if line.heading:
            result.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}})
            continue
        section: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        if line.action_number is not None:
            # Lets a button click find and replace just this action's blocks.
            section["block_id"] = f"s{line.action_number}-{len(result)}"
        result.append(section)
        if line.buttons:
            result.append(
                {
                    "type": "actions",
                    "block_id": f"a{line.action_number}-{len(result)}",
                    "elements": [button_element(b) for b in line.buttons],
                }
            )
    return result


def fallback_text(reply: Reply) -> str:
    """The plain text Slack shows in notifications and where blocks cannot render."""
    return reply.as_text()[:3900]


def action_number_of(block: dict[str, Any]) -> int | None:
    """The action a rendered block belongs to (from its block_id), if any."""
    block_id = str(block.get("block_id") or "")
    head, _, _ = block_id.partition("-")
    if len(head) > 1 and head[0] in "sa" and head[1:].isdigit():
        return int(head[1:])
    return None


def replace_action(original: list[dict[str, Any]], reply: Reply) -> list[dict[str, Any]] | None:
    """Swap the blocks of the action a reply is about for its new rendering.

    A click on "Klar" in a list of ten actions should change that one action and
    leave the other nine as they were.

    Returns:
        The new block list, or None when the original has no blocks of that action
        (the caller then replaces the whole message).
    """
    fresh = blocks(reply)
    by_number: dict[int, list[dict[str, Any]]] = {}
    for block in fresh:
        number = action_number_of(block)
        if number is not None:
            by_number.setdefault(number, []).append(block)
    if len(by_number) != 1:
        return None
    ((number, replacement),) = by_number.items()
    result: list[dict[str, Any]] = []
    replaced = False
    for block in original:
        if action_number_of(block) == number:
            if not replaced:
                result.extend(replacement)
                replaced = True
            continue
        result.append(block)
    return _renumbered(result) if replaced else None


def _renumbered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # block_ids must be unique within a message; re-derive the position suffix.
    result = []
    for position, block in enumerate(items):
        number = action_number_of(block)
        if number is not None:
            block = {**block, "block_id": f"{block['block_id'][0]}{number}-{position}"}
        result.append(block)
    return result


def home_view(reply: Reply) -> dict[str, Any]:
    """A reply as an App Home tab view."""
    return {"type": "home", "blocks": blocks(reply, max_blocks=100)}
