"""The modals: a note for an action, a new action, a decision; and reading them back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from commands.forms import ActionForm
from commands.i18n import t

NOTE_CALLBACK = "note_modal"
ACTION_CALLBACK = "action_modal"
DECISION_CALLBACK = "decision_modal"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150]}


def _modal(
    callback_id: str, title: str, lang: str, blocks: list[dict[str, Any]], meta: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title[:24]),
        "submit": _plain(t(lang, "modal_save")),
        "close": _plain(t(lang, "modal_cancel")),
        "private_metadata": json.dumps(meta, ensure_ascii=False)[:3000],
        "blocks": blocks,
    }


def note_modal(command: str, lang: str, meta: dict[str, Any]) -> dict[str, Any]:
    """A modal asking for the text of a note; submitting runs ``command <text>``."""
    block = {
        "type": "input",
        "block_id": "note",
        "label": _plain(
            t(lang, "modal_note_label", command=command.split()[-1] if command else "")
        ),
        "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
    }
    return _modal(
        NOTE_CALLBACK, t(lang, "modal_note_title"), lang, [block], {**meta, "command": command}
    )


def action_modal(
    lang: str,
    meta: dict[str, Any],
    *,
    items: list[tuple[int, str]],
    text: str = "",
    link: str | None = None,
) -> dict[str, Any]:
    """The new-action form: text, owners, other names, due date, agenda item, link."""
    text_element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "text",
        "multiline": True,
        "max_length": 2000,
    }
    if text:
        text_element["initial_value"] = text[:2000]
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": "text",
            "label": _plain(t(lang, "modal_action_text")),
            "element": text_element,
        },
        {
            "type": "input",
            "block_id": "owners",
            "optional": True,
            "label": _plain(t(lang, "modal_action_owners")),
            "element": {"type": "multi_users_select", "action_id": "users"},
        },
        {
            "type": "input",
            "block_id": "names",
            "optional": True,
            "label": _plain(t(lang, "modal_action_names")),
            "hint": _plain(t(lang, "modal_action_names_hint")),
            "element": {"type": "plain_text_input", "action_id": "names"},
        },
        {
            "type": "input",
            "block_id": "due",
            "optional": True,
            "label": _plain(t(lang, "modal_action_due")),
            "element": {"type": "datepicker", "action_id": "date"},
        },
    ]
    if items:
        blocks.append(
            {
                "type": "input",
                "block_id": "item",
                "optional": True,
                "label": _plain(t(lang, "modal_action_item")),
                "element": {
                    "type": "static_select",
                    "action_id": "item",
                    "options": [
                        {"text": _plain(label[:75]), "value": str(item_id)}
                        for item_id, label in items[:100]
                    ],
                },
            }
        )
    if link:
        blocks.append(
            {
                "type": "input",
                "block_id": "link",
                "optional": True,
                "label": _plain(t(lang, "modal_action_link")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "link",
                    "initial_value": link[:3000],
                },
            }
        )
    return _modal(ACTION_CALLBACK, t(lang, "modal_action_title"), lang, blocks, meta)


def decision_modal(lang: str, meta: dict[str, Any]) -> dict[str, Any]:
    """The log-a-decision form: the text and the meeting's channel."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": "text",
            "label": _plain(t(lang, "modal_decision_text")),
            "element": {
                "type": "plain_text_input",
                "action_id": "text",
                "multiline": True,
                "max_length": 3000,
                "placeholder": _plain(t(lang, "modal_decision_hint")),
            },
        },
        {
            "type": "input",
            "block_id": "channel",
            "optional": True,
            "label": _plain(t(lang, "modal_decision_channel")),
            "element": {
                "type": "conversations_select",
                "action_id": "channel",
                "default_to_current_conversation": True,
                "filter": {"include": ["public", "private"], "exclude_bot_users": True},
            },
        },
    ]
    return _modal(DECISION_CALLBACK, t(lang, "modal_decision_title"), lang, blocks, meta)


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The JSON we stored in a view's private_metadata."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return meta if isinstance(meta, dict) else {}


def _value(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    return dict((values.get(block) or {}).get(action) or {})


def text_value(view: dict[str, Any], block: str, action: str) -> str:
    """A plain-text input's value ("" when empty)."""
    return str(_value(view, block, action).get("value") or "").strip()


@dataclass(frozen=True)
class DecisionInput:
    """What the decision modal collected."""

    text: str
    channel: str | None


def read_decision(view: dict[str, Any]) -> DecisionInput:
    """Read the decision modal's fields."""
    channel = _value(view, "channel", "channel").get("selected_conversation")
    return DecisionInput(text_value(view, "text", "text"), str(channel) if channel else None)


def read_action(view: dict[str, Any]) -> ActionForm:
    """Read the action modal's fields into the neutral form."""
    users = tuple(str(u) for u in _value(view, "owners", "users").get("selected_users") or [])
    names = tuple(
        n.strip()
        for n in text_value(view, "names", "names").replace(";", ",").split(",")
        if n.strip()
    )
    picked = _value(view, "due", "date").get("selected_date")
    due = date.fromisoformat(picked) if picked else None
    option = _value(view, "item", "item").get("selected_option") or {}
    item = option.get("value")
    return ActionForm(
        text=text_value(view, "text", "text"),
        owner_ids=users,
        owner_names=names,
        due=due,
        item_id=int(item) if item and str(item).isdigit() else None,
        link=text_value(view, "link", "link") or None,
    )
