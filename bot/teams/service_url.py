"""The check the SDK leaves out: the token's ``serviceurl`` claim names the activity's serviceUrl.

Bot Framework's rules for a request from the Bot Connector (Authentication with the Bot
Connector API, "Connector to bot", step "Verify the JWT token") require, besides issuer,
audience, lifetime and signature — which the SDK checks — that the token carry a
``serviceUrl`` claim equal to the ``serviceUrl`` at the root of the activity. The bot sends
its replies, with its own bearer token, to that URL; without the check a token captured
from one request could carry an activity that points the bot at any server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SERVICE_URL_CLAIM = "serviceurl"
# Tokens the Bot Connector issues to bots (public cloud and US Government).
BOT_FRAMEWORK_ISSUERS = frozenset({"https://api.botframework.com", "https://api.botframework.us"})


def _normal(url: str) -> str:
    # Teams sends "https://smba.trafficmanager.net/emea/" with the trailing slash; the claim
    # has been seen both ways. Host names are case-insensitive.
    return url.strip().rstrip("/").casefold()


def service_url_refused(claims: Mapping[str, Any], service_url: object) -> bool:
    """Tell whether a validated token must be refused for the activity it came with.

    Args:
        claims: the token's verified claims (empty in the anonymous development mode).
        service_url: the ``serviceUrl`` of the activity in the request body.

    Returns:
        True when the token is a Bot Connector token (or names a serviceurl at all) and
        that claim is missing or differs from the activity's serviceUrl.
    """
    claimed = claims.get(SERVICE_URL_CLAIM)
    if claimed is None and claims.get("iss") not in BOT_FRAMEWORK_ISSUERS:
        return False  # no channel token: anonymous development mode, or agent-to-agent
    if not isinstance(claimed, str) or not isinstance(service_url, str) or not service_url:
        return True
    return _normal(claimed) != _normal(service_url)
