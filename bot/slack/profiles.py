"""Slack users as people: users.info profiles, cached in memory and in storage, refreshed when stale.

This module only reads storage (through :mod:`commands.profiles`); a fetched profile
travels on the request, and the pipeline stores it with the request's own transaction.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.slack.errors import is_permanent
from commands.profiles import known_profiles, profile_changed
from commands.request import UserRef

log = logging.getLogger("motesbot.slack.profiles")

PLATFORM = "slack"
# A profile older than this is fetched again; user_change events refresh it sooner.
STALE_AFTER = timedelta(days=1)
# Fresh profiles are also kept in memory this long, sparing a database read per mention.
MEMORY_SECONDS = 300.0
USER_MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def mentioned_ids(text: str) -> list[str]:
    """The user ids of the ``<@U…>`` mentions in a text, in order, without repeats."""
    return list(dict.fromkeys(USER_MENTION_RE.findall(text)))


def user_ref_from_slack(user: Mapping[str, Any]) -> UserRef:
    """Turn a users.info ``user`` object (or a user_change event's) into a UserRef."""
    profile = user.get("profile") or {}
    name = (
        profile.get("real_name")
        or user.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or str(user.get("id"))
    )
    return UserRef(
        platform_id=str(user.get("id")),
        name=str(name)[:200],
        timezone=user.get("tz") or None,
        locale=user.get("locale") or None,
        email=profile.get("email") or None,
    )


class Profiles:
    """Resolve Slack user ids to profiles, from storage when fresh, else from users.info."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        """Keep the engine and the clock that decides staleness."""
        self.engine = engine
        self.clock = clock
        self._memory: dict[tuple[str, str], tuple[UserRef, float]] = {}

    async def ref(
        self,
        client: AsyncWebClient,
        team_id: str,
        user_id: str,
        *,
        fallback_name: str = "",
        strict: bool = False,
    ) -> UserRef:
        """Return one user's profile.

        Args:
            client: a client with a bot token of the team.
            team_id: the Slack team.
            user_id: the Slack user id.
            fallback_name: a name to use when Slack cannot be asked (the payload's user_name).
            strict: raise Slack's permanent errors (user_not_found, missing_scope) for a user
                we know nothing about, instead of falling back to the bare id.

        Raises:
            SlackApiError: only when ``strict``.
        """
        wanted = {user_id: (fallback_name, strict)}
        return (await self._resolve(client, team_id, wanted))[user_id]

    async def caller_and_mentions(
        self,
        client: AsyncWebClient,
        team_id: str,
        caller: str,
        mentioned: list[str],
        *,
        fallback_name: str = "",
    ) -> tuple[UserRef, dict[str, UserRef]]:
        """The acting user (never refused) and the mentioned ones (strict), in one read.

        Raises:
            SlackApiError: Slack says a mentioned user does not exist (or we may not ask).
        """
        wanted = {uid: ("", True) for uid in mentioned if uid != caller}
        wanted[caller] = (fallback_name, False)
        found = await self._resolve(client, team_id, wanted)
        me = found.pop(caller)
        return me, found

    def known(
        self, team_id: str, wanted: Iterable[str]
    ) -> tuple[dict[str, UserRef], dict[str, UserRef | None]]:
        """Memory, then storage (one query for all): what is known fresh, and the rest.

        Blocking (it may read the database): call it in a worker thread.

        Returns:
            The fresh profiles; and the stale or unknown users, each with what is stored
            of them (None: nothing), who must be asked of users.info.
        """
        found: dict[str, UserRef] = {}
        now = time.monotonic()
        for uid in wanted:
            remembered = self._memory.get((team_id, uid))
            if remembered is not None and now - remembered[1] < MEMORY_SECONDS:
                found[uid] = remembered[0]
        missing = [uid for uid in wanted if uid not in found]
        if not missing:
            return found, {}
        stored = self._load(team_id, missing)
        ask: dict[str, UserRef | None] = {}
        for uid in missing:
            cached, fresh = stored.get(uid, (None, False))
            if cached is not None and fresh:
                self._memory[(team_id, uid)] = (cached, now)
                found[uid] = cached
            else:
                ask[uid] = cached
        return found, ask

    async def _resolve(
        self, client: AsyncWebClient, team_id: str, wanted: dict[str, tuple[str, bool]]
    ) -> dict[str, UserRef]:
        """Memory, then storage (one query for all), then users.info for what is stale."""
        found, ask = await asyncio.to_thread(self.known, team_id, list(wanted))
        asked = await asyncio.gather(
            *(
                self._fetch(client, team_id, uid, cached, *wanted[uid])
                for uid, cached in ask.items()
            )
        )
        found.update(zip(ask, asked, strict=True))
        return found

    async def _fetch(
        self,
        client: AsyncWebClient,
        team_id: str,
        user_id: str,
        cached: UserRef | None,
        fallback_name: str,
        strict: bool,
    ) -> UserRef:
        try:
            response = await client.users_info(user=user_id, include_locale=True)
        except SlackApiError as err:
            log.warning("users.info %s failed: %s", user_id, err.response.get("error"))
            if strict and cached is None and is_permanent(err):
                raise
            return cached or UserRef(platform_id=user_id, name=fallback_name or user_id)
        except Exception:  # network gave up after the retries: work with what we have
            log.warning("users.info %s failed", user_id, exc_info=True)
            return cached or UserRef(platform_id=user_id, name=fallback_name or user_id)
        ref = user_ref_from_slack(response.get("user") or {"id": user_id})
        self._memory[(team_id, user_id)] = (ref, time.monotonic())
        # The request stores it (and stamps it fresh); this adapter persists nothing.
        return replace(ref, fetched=True)

    async def changed(self, team_id: str, user: Mapping[str, Any]) -> None:
        """A user_change event: update a person we know, and fetch the rest next time.

        People we have never met are not added: a large workspace sends these for everyone.
        """
        self._memory.pop((team_id, str(user.get("id"))), None)
        await asyncio.to_thread(
            profile_changed,
            self.engine,
            platform=PLATFORM,
            workspace=team_id,
            ref=user_ref_from_slack(user),
            at=self.clock(),
        )

    def _load(self, team_id: str, user_ids: list[str]) -> dict[str, tuple[UserRef, bool]]:
        stored = known_profiles(
            self.engine, platform=PLATFORM, workspace=team_id, user_ids=user_ids
        )
        now = self.clock()
        return {
            uid: (ref, fetched is not None and now - fetched < STALE_AFTER)
            for uid, (ref, fetched) in stored.items()
        }
