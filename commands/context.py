"""What a handler works with: the transaction, the caller, the language and the clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from commands.i18n import lang_of
from commands.request import Request, UserRef
from storage import people
from storage.models import MeetingSeries, Person, Workspace
from storage.workspaces import get_or_create_workspace

DEFAULT_PUBLIC_URL = "http://localhost:3000"


@dataclass(frozen=True)
class Config:
    """The settings commands need, read once by the adapter (bot/settings.py) and passed down.

    Attributes:
        public_url: where users reach the bot's web server (calendar feed links).
    """

    public_url: str = DEFAULT_PUBLIC_URL

    @property
    def base_url(self) -> str:
        """The public URL without a trailing slash."""
        return self.public_url.rstrip("/")


@dataclass
class Ctx:
    """Everything one command needs; built once per request."""

    session: Session
    request: Request
    workspace: Workspace
    caller: Person
    lang: str
    tz: ZoneInfo
    # The command ended with the confirmation marker (commands/confirm.py).
    confirmed: bool = False
    config: Config = Config()
    # The chat users this request ensured, by platform id (a mention is not looked up twice).
    known_people: dict[str, Person] = field(default_factory=dict)

    @property
    def ws_id(self) -> int:
        """The workspace's primary key."""
        assert self.workspace.id is not None
        return self.workspace.id

    @property
    def caller_id(self) -> int:
        """The caller's primary key."""
        assert self.caller.id is not None
        return self.caller.id

    @property
    def typed_command(self) -> str:
        """The command as the person typed it ("/åtgärd"): an example in it works where they are."""
        return f"/{self.request.command.lstrip('/')}"

    @property
    def now(self) -> datetime:
        """The injected clock, in UTC."""
        return self.request.now.astimezone(UTC)

    @property
    def today(self) -> date:
        """Today's date where the caller is."""
        return self.request.now.astimezone(self.tz).date()

    def series_tz(self, series: MeetingSeries | None) -> ZoneInfo:
        """Return a series' time zone, else the caller's."""
        return zone(series.timezone) if series is not None else self.tz


def zone(name: str | None, default: str = "Europe/Stockholm") -> ZoneInfo:
    """Return a ZoneInfo, falling back to the default for unknown names."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def build_ctx(session: Session, request: Request, config: Config | None = None) -> Ctx:
    """Find or create the workspace, ensure the caller and mentioned people, pick language and zone.

    This is the only place a request's people are written: adapters pass the profiles
    they resolved on the request and persist nothing themselves.
    """
    ws = get_or_create_workspace(
        session, platform=request.platform, external_id=request.workspace, at=request.now
    )
    assert ws.id is not None
    known: dict[str, Person] = {}
    # The caller and every mention in one query, not one each.
    accounts = [request.user.platform_id or ""]
    accounts += [ref.platform_id or user_id for user_id, ref in request.mentions.items()]
    found = people.by_platform_ids(
        session, workspace_id=ws.id, platform_user_ids=[a for a in accounts if a]
    )
    if request.user.platform_id:
        caller = ensure_user(session, request, ws.id, request.user, found)
        known[request.user.platform_id] = caller
    else:
        caller = people.get_or_create_by_name(
            session, workspace_id=ws.id, name=request.user.name, at=request.now
        )
    for user_id, ref in request.mentions.items():
        if ref.platform_id and ref.platform_id != request.user.platform_id:
            known[ref.platform_id] = ensure_user(session, request, ws.id, ref, found)
        elif not ref.platform_id and user_id:
            known[user_id] = ensure_user(
                session, request, ws.id, UserRef(platform_id=user_id, name=ref.name), found
            )
    lang = request.lang or lang_of(caller.locale, ws.language)
    tz = zone(caller.timezone or ws.timezone)
    return Ctx(
        session, request, ws, caller, lang, tz, config=config or Config(), known_people=known
    )


def ensure_user(
    session: Session,
    request: Request,
    workspace_id: int,
    ref: UserRef,
    looked_up: Mapping[str, Person] | None = None,
) -> Person:
    """Create or refresh the person of a chat account from the profile the adapter resolved.

    ``looked_up``: the people this transaction already read by account id (see
    :func:`storage.people.by_platform_ids`); without it the person is looked up here.
    """
    assert ref.platform_id is not None
    person = people.upsert_chat_user(
        session,
        workspace_id=workspace_id,
        platform_user_id=ref.platform_id,
        display_name=ref.name,
        timezone=ref.timezone,
        locale=ref.locale,
        email=ref.email,
        at=request.now,
        looked_up=looked_up,
    )
    if ref.fetched:
        people.stamp_profile(
            session,
            workspace=request.workspace,
            platform_user_id=ref.platform_id,
            at=request.now,
        )
    return person
