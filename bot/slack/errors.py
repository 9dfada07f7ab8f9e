"""Slack API errors turned into a sentence the user can act on, in their language."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from commands.i18n import t

# Errors that will not go away by retrying the same call.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "user_disabled",
        "missing_scope",
        "not_authed",
        "invalid_auth",
        "token_revoked",
        "token_expired",
        "no_permission",
        "restricted_action",
        "cannot_dm_bot",
        "msg_too_long",
        "invalid_blocks",
        "channel_is_archived",
    }
)

_KEY = {
    "channel_not_found": "slack_not_in_channel",
    "not_in_channel": "slack_not_in_channel",
    "is_archived": "slack_archived",
    "channel_is_archived": "slack_archived",
    "user_not_found": "slack_user_not_found",
    "users_not_found": "slack_user_not_found",
    "account_inactive": "slack_user_not_found",
    "user_disabled": "slack_user_not_found",
    "missing_scope": "slack_missing_scope",
    "not_authed": "slack_auth",
    "invalid_auth": "slack_auth",
    "token_revoked": "slack_auth",
    "token_expired": "slack_auth",
}


def error_code(err: SlackApiError) -> str:
    """The ``error`` field of a failed Slack call (``not_in_channel``, ...)."""
    try:
        return str(err.response.get("error") or "unknown_error")
    except Exception:  # a malformed response still deserves a message
        return "unknown_error"


def explain(err: SlackApiError, lang: str) -> str:
    """A short sentence saying what went wrong and what to do about it."""
    code = error_code(err)
    key = _KEY.get(code)
    if key == "slack_missing_scope":
        needed = ""
        try:
            needed = str(err.response.get("needed") or "")
        except Exception:
            needed = ""
        return t(lang, key, scope=needed or "?")
    if key is not None:
        return t(lang, key)
    return t(lang, "slack_other", error=code[:60])


def is_permanent(err: SlackApiError) -> bool:
    """Tell whether retrying the same call cannot help."""
    return error_code(err) in PERMANENT
