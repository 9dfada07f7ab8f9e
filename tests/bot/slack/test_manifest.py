"""manifest.yml declares exactly what the app listens for and the scopes OAuth asks for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.slack.listeners import GLOBAL_SHORTCUT, MESSAGE_SHORTCUT, SLASH_COMMANDS
from bot.slack.oauth import BOT_SCOPES

MANIFEST = Path(__file__).resolve().parents[3] / "manifest.yml"


def _manifest() -> dict[str, Any]:
    return dict(yaml.safe_load(MANIFEST.read_text(encoding="utf-8")))


def test_manifest_matches_the_app() -> None:
    manifest = _manifest()
    features = manifest["features"]
    assert features["bot_user"]["display_name"] == "Mötesbot"
    commands = {c["command"]: c for c in features["slash_commands"]}
    assert set(commands) == set(SLASH_COMMANDS)
    assert all(c["url"].endswith("/slack/events") and c["usage_hint"] for c in commands.values())
    shortcuts = {s["callback_id"]: s for s in features["shortcuts"]}
    assert shortcuts[MESSAGE_SHORTCUT]["type"] == "message"
    assert shortcuts[MESSAGE_SHORTCUT]["name"] == "Skapa åtgärd"
    assert shortcuts[GLOBAL_SHORTCUT]["type"] == "global"
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "app_home_opened",
        "user_change",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is False
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
