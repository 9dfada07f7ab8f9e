"""What the tests read back: the stored register (as the JSON export shows it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from storage import backup
from storage.db import transaction
from tests.conftest import NOW


def exported(engine: Engine) -> dict[str, Any]:
    """The document ``motesbot export --format json`` would print."""
    with transaction(engine) as session:
        return backup.export_data(session, exported_at=NOW)


def slack_actions(engine: Engine) -> list[dict[str, Any]]:
    """Every action of every Slack workspace."""
    return [
        action
        for ws in exported(engine)["workspaces"]
        if ws["platform"] == "slack"
        for action in ws["actions"]
    ]


def slack_people(engine: Engine) -> dict[str, dict[str, Any]]:
    """The Slack workspace's people by platform user id."""
    return {
        p["platform_user_id"]: p
        for ws in exported(engine)["workspaces"]
        if ws["platform"] == "slack"
        for p in ws["people"]
        if p["platform_user_id"]
    }
