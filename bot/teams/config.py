"""Teams configuration: the SDK's standard environment, plus our explicit anonymous mode."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.settings import environment

log = logging.getLogger("motesbot.teams")

# The SDK's names for the bot's Entra ID app registration (single-tenant, client secret).
CLIENT_ID_ENV = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"
CLIENT_SECRET_ENV = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET"
TENANT_ID_ENV = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID"
ANONYMOUS_ENV = "TEAMS_ANONYMOUS"
_TRUE = frozenset({"1", "true", "yes", "on", "ja"})


class TeamsConfigError(RuntimeError):
    """The Teams settings contradict each other; the message says how to fix them."""


@dataclass(frozen=True)
class TeamsConfig:
    """How the Teams endpoint authenticates.

    Attributes:
        anonymous: no JWT validation and no outbound tokens — development and tests only.
        client_id: the bot's app (client) id; None in anonymous mode.
        sdk: the SDK configuration (``load_configuration_from_env`` shape).
    """

    anonymous: bool
    client_id: str | None
    sdk: dict[str, Any]


__all__ = ["TeamsConfig", "TeamsConfigError", "environment", "load_teams_config"]


def load_teams_config(env: Mapping[str, str] | None = None) -> TeamsConfig | None:
    """Read the Teams settings.

    Args:
        env: the variables (default: ``.env`` and the process environment).

    Returns:
        The configuration, or None when Teams is not configured at all.

    Raises:
        TeamsConfigError: anonymous mode asked for while credentials are set, or
            credentials incomplete.
    """
    values = environment(env)
    anonymous = values.get(ANONYMOUS_ENV, "").strip().casefold() in _TRUE
    client_id = values.get(CLIENT_ID_ENV, "").strip() or None
    secret = values.get(CLIENT_SECRET_ENV, "").strip() or None
    tenant = values.get(TENANT_ID_ENV, "").strip() or None
    if anonymous:
        if client_id or secret:
            # Refuse rather than guess: a production bot must never drop JWT checks.
            raise TeamsConfigError(
                f"{ANONYMOUS_ENV}=true är bara för utveckling och får inte kombineras med "
                f"{CLIENT_ID_ENV}/{CLIENT_SECRET_ENV}. Ta bort den ena."
            )
        sdk = {"CONNECTIONS": {"SERVICE_CONNECTION": {"SETTINGS": {"ANONYMOUS_ALLOWED": True}}}}
        return TeamsConfig(anonymous=True, client_id=None, sdk=sdk)
    if not client_id:
        return None
    if not secret or not tenant:
        raise TeamsConfigError(
            f"Teams: {CLIENT_ID_ENV} är satt men {CLIENT_SECRET_ENV} och {TENANT_ID_ENV} "
            "behövs också (se docs/teams.md)."
        )
    sdk_env = {k: v for k, v in values.items() if k.startswith(("CONNECTIONS__", "CONNECTIONSMAP"))}
    from microsoft_agents.activity import load_configuration_from_env  # heavy; only when needed

    sdk = load_configuration_from_env(sdk_env)
    return TeamsConfig(anonymous=False, client_id=client_id, sdk=sdk)


def warn_anonymous() -> None:
    """Say loudly that incoming requests are not authenticated."""
    banner = "!" * 72
    log.warning(
        "\n%s\nTEAMS_ANONYMOUS=true: /api/messages tar emot OAUTENTISERADE anrop.\n"
        "Endast för lokal utveckling och tester – aldrig i drift.\n%s",
        banner,
        banner,
    )
