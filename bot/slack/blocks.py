"""Neutral replies rendered as Slack Block Kit, with a plain-text fallback."""

from __future__ import annotations

from typing import Any

from commands.reply import Button, ButtonKind, Reply

# Block Kit limits: a section's text is at most 3000 characters, a message at most 50 blocks.
MAX_SECTION = 3000
MAX_BLOCKS = 50

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
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": button.label[:75]},
        "action_id": f"{RUN_ACTION if button.kind == ButtonKind.RUN else NOTE_ACTION}:{button.command}",
        "value": button.command,
    }
    if button.primary:
        element["style"] = "primary"
    return element


def blocks(reply: Reply) -> list[dict[str, Any]]:
    """Render a reply as Block Kit blocks."""
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
        if len(result) >= MAX_BLOCKS - 1:
            break
        text = _mrkdwn_escape(line.text)[:MAX_SECTION]
        if line.heading:
            result.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}})
            continue
        result.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
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
