"""manifest.yml declares exactly what the app listens for, within Slack's limits.

The limits are those of Slack's app manifest reference (and its published JSON schema,
slackapi/manifest-schema): a bot user's display name of a-z 0-9 . _ - (at most 80), an
app name of at most 35 characters, a description of at most 140, a long description of
175 to 4,000, shortcut names of at most 24 and their descriptions of at most 150,
slash commands of 2 to 32 characters starting with "/", at most 50 of them. The scopes
are checked against every Web API method and event the code under bot/slack uses, so a
new call without its scope fails here instead of in a customer's workspace.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.slack.listeners import GLOBAL_SHORTCUT, MESSAGE_SHORTCUT, SLASH_COMMANDS
from bot.slack.oauth import BOT_SCOPES
from commands import registry

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / "manifest.yml"

# Web API method (as the Python SDK names it) → the bot scopes it needs (none: no scope).
METHOD_SCOPES: dict[str, set[str]] = {
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_getPermalink": set(),
    "conversations_open": {"im:write"},  # 1:1 DMs only
    "files_upload_v2": {"files:write"},
    "users_conversations": {"channels:read", "groups:read"},  # public and private channels
    # profile.email is only returned with users:read.email.
    "users_info": {"users:read", "users:read.email"},
    "views_open": set(),
    "views_publish": set(),
}
EVENT_SCOPES: dict[str, set[str]] = {
    "app_mention": {"app_mentions:read"},
    "message": {"im:history"},  # subscribed as message.im
    "app_home_opened": set(),
    "user_change": {"users:read"},
    # Lifecycle events come to every app, with no scope of their own.
    "app_uninstalled": set(),
    "tokens_revoked": set(),
}
_CALL_RE = re.compile(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(")
_EVENT_RE = re.compile(r"app\.event\(\"([a-z_.]+)\"\)")


def _manifest() -> dict[str, Any]:
    return dict(yaml.safe_load(MANIFEST.read_text(encoding="utf-8")))


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "slack").glob("*.py"))


def test_manifest_matches_the_app() -> None:
    manifest = _manifest()
    features = manifest["features"]
    assert manifest["display_information"]["name"] == "Mötesbot"
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


def test_manifest_is_within_slacks_limits() -> None:
    manifest = _manifest()
    info = manifest["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert 1 <= len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])
    bot = manifest["features"]["bot_user"]["display_name"]
    assert re.fullmatch(r"[a-z0-9._-]{1,80}", bot), bot
    for shortcut in manifest["features"]["shortcuts"]:
        assert 1 <= len(shortcut["name"]) <= 24
        assert 1 <= len(shortcut["description"]) <= 150
        assert 1 <= len(shortcut["callback_id"]) <= 255
    commands = manifest["features"]["slash_commands"]
    assert 1 <= len(commands) <= 50
    for command in commands:
        # Plain a-z: the reference documents no other letters for a command's name.
        assert re.fullmatch(r"/[a-z][a-z0-9_-]{0,30}", command["command"]), command["command"]
        assert 1 <= len(command["description"]) <= 2000
        assert 1 <= len(command["usage_hint"]) <= 1000
    assert all(len(s) <= 50 for s in manifest["oauth_config"]["scopes"]["bot"])


def test_every_web_api_call_and_event_has_its_scope() -> None:
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    source = _sources()
    methods = set(_CALL_RE.findall(source))
    assert methods, "no Web API calls found: the pattern is stale"
    unmapped = methods - set(METHOD_SCOPES)
    assert unmapped == set(), f"map these methods to their scopes: {unmapped}"
    for method in methods:
        assert METHOD_SCOPES[method] <= scopes, method
    events = set(_EVENT_RE.findall(source))
    assert events == set(EVENT_SCOPES)
    for event in events:
        assert EVENT_SCOPES[event] <= scopes, event
    # Slash commands and shortcuts need the commands scope.
    assert "commands" in scopes


def test_the_help_names_only_commands_slack_knows() -> None:
    registered = {c.lstrip("/") for c in SLASH_COMMANDS}
    assert registered == set(registry.SLACK_COMMANDS)
    assert all(registry.canonical_command(c) in registry.FAMILIES for c in registered)
    for family in registry.FAMILIES:
        for lang in ("sv", "en"):
            name = registry.command_name(family, lang=lang, platform="slack")
            assert name.lstrip("/") in registered
