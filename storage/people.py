"""People: chat users and name-only owners."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import and_, bindparam
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.models import Person, PersonName, SlackProfile, Workspace
from storage.person_names import name_key


def get_person(session: Session, /, *, workspace_id: int, person_id: int) -> Person | None:
    """Return a person of the workspace by primary key."""
    person = session.get(Person, person_id)
    return person if person is not None and person.workspace_id == workspace_id else None


def by_platform_id(
    session: Session, /, *, workspace_id: int, platform_user_id: str
) -> Person | None:
    """Return the person with a chat account id, or None."""
    stmt = select(Person).where(
        Person.workspace_id == workspace_id, Person.platform_user_id == platform_user_id
    )
    return session.exec(stmt).first()


# The statements of every command are built once: building one costs more than running it.
_BY_PLATFORM_IDS = select(Person).where(
    col(Person.workspace_id) == bindparam("workspace"),
    col(Person.platform_user_id).in_(bindparam("ids", expanding=True)),
)


def by_platform_ids(
    session: Session, /, *, workspace_id: int, platform_user_ids: Iterable[str]
) -> dict[str, Person]:
    """The people with these chat account ids (those that exist), in one query."""
    wanted = list(dict.fromkeys(platform_user_ids))
    if not wanted:
        return {}
    found = session.exec(_BY_PLATFORM_IDS, params={"workspace": workspace_id, "ids": wanted})
    return {str(p.platform_user_id): p for p in found}


def upsert_chat_user(
    session: Session,
    /,
    *,
    workspace_id: int,
    platform_user_id: str,
    display_name: str,
    at: datetime,
    timezone: str | None = None,
    locale: str | None = None,
    email: str | None = None,
    looked_up: Mapping[str, Person] | None = None,
) -> Person:
    """Return the person for a chat account, creating or refreshing the cached profile.

    A name-only person with the same display name and no account is adopted, so
    owners logged before someone joined the workspace become theirs.

    ``looked_up`` is what :func:`by_platform_ids` found for this and other accounts in
    this transaction; an account missing from it is not in the database.
    """
    if looked_up is not None:
        person = looked_up.get(platform_user_id)
    else:
        person = by_platform_id(
            session, workspace_id=workspace_id, platform_user_id=platform_user_id
        )
    if person is None:
        person = _name_only(session, workspace_id=workspace_id, name=display_name)
        if person is not None:
            person.platform_user_id = platform_user_id
    if person is None:
        person = Person(
            workspace_id=workspace_id,
            platform_user_id=platform_user_id,
            display_name=display_name,
            created_at=at,
        )
    # Only what differs is set: an attribute set to its own value still makes the person
    # dirty, and a dirty person is flushed before the command's next query.
    if display_name and person.display_name != display_name:
        person.display_name = display_name
    if timezone and person.timezone != timezone:
        person.timezone = timezone
    if locale and person.locale != locale:
        person.locale = locale
    if email and person.email != email:
        person.email = email
    # A known person whose profile is unchanged needs no flush (every command has one or two).
    if person.id is None or session.is_modified(person):
        session.add(person)
        session.flush()
    return person


# Past this many, a name is simply ambiguous: a reply names the first few of them.
MATCH_LIMIT = 50
# Above every character: a prefix's range of the index ends here.
_LAST = "\U0010ffff"


def _named(
    session: Session, /, *, workspace_id: int, name: str, ascii_: bool = False
) -> list[Person]:
    """People whose whole name folds as ``name`` does, at most :data:`MATCH_LIMIT`."""
    column = col(PersonName.word_ascii) if ascii_ else col(PersonName.word)
    key = name_key(name, ascii_=ascii_)
    stmt = (
        select(Person)
        .join(PersonName, col(PersonName.person_id) == col(Person.id))
        .where(
            col(PersonName.workspace_id) == workspace_id,
            column == key,
            col(PersonName.position) == 0,
        )
        .order_by(column, col(PersonName.person_id))
        .limit(MATCH_LIMIT)
    )
    return list(session.exec(stmt))


def _name_only(session: Session, /, *, workspace_id: int, name: str) -> Person | None:
    wanted = name.casefold()
    for person in _named(session, workspace_id=workspace_id, name=name):
        if person.platform_user_id is None and person.display_name.casefold() == wanted:
            return person
    return None


def get_or_create_by_name(
    session: Session, /, *, workspace_id: int, name: str, at: datetime
) -> Person:
    """Return the person with exactly this display name (any case), creating a name-only one."""
    person = find_by_name(session, workspace_id=workspace_id, name=name)
    if person is not None:
        return person
    person = Person(workspace_id=workspace_id, display_name=name, created_at=at)
    session.add(person)
    session.flush()
    return person


def people_in(session: Session, /, *, workspace_id: int) -> list[Person]:
    """Return every person of a workspace, by name (for exports and imports, not commands)."""
    stmt = (
        select(Person)
        .where(Person.workspace_id == workspace_id)
        .order_by(col(Person.display_name), col(Person.id))
    )
    return list(session.exec(stmt))


def names_of(session: Session, /, *, person_ids: Iterable[int]) -> dict[int, str]:
    """The display names of these people, by id (those that exist)."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    stmt = core_select(col(Person.id), col(Person.display_name)).where(col(Person.id).in_(wanted))
    return {int(row[0]): str(row[1]) for row in session.execute(stmt)}


def match_name(session: Session, /, *, workspace_id: int, query: str) -> list[Person]:
    """Find people whose display name, or one of its words, starts with ``query``.

    Case and accents do not matter (``helen`` finds Helén). An exact match of the
    whole name wins over prefixes. When nothing matches, å, ä and ö are read as
    a and o too, for English keyboards (``ake`` finds Åke). At most
    :data:`MATCH_LIMIT` people are returned, by name; the search is one range of an
    index of folded names and words (``person_name``), whatever the workspace's size.
    """
    for ascii_ in (False, True):
        q = name_key(query, ascii_=ascii_)
        if not q:
            return []
        column = col(PersonName.word_ascii) if ascii_ else col(PersonName.word)
        stmt = (
            select(Person, column, col(PersonName.position))
            .join(PersonName, col(PersonName.person_id) == col(Person.id))
            .where(
                col(PersonName.workspace_id) == workspace_id,
                column >= q,
                column < q + _LAST,
            )
            .order_by(column, col(PersonName.person_id))
            .limit(MATCH_LIMIT * 2)
        )
        rows = list(session.exec(stmt))
        exact = [p for p, word, position in rows if position == 0 and word == q]
        found = exact or list({p.id: p for p, _word, _position in rows}.values())
        if found:
            return sorted(found, key=lambda p: (p.display_name, p.id or 0))[:MATCH_LIMIT]
    return []


def look_alikes(session: Session, /, *, workspace_id: int, name: str) -> list[Person]:
    """People whose name equals ``name`` but for accents (not just case): "Helen" ~ "Helén"."""
    return [
        p
        for p in _named(session, workspace_id=workspace_id, name=name, ascii_=True)
        if p.display_name.casefold() != name.casefold()
    ]


def find_by_name(session: Session, /, *, workspace_id: int, name: str) -> Person | None:
    """Return the person with exactly this display name, any case, or None."""
    wanted = name.casefold()
    for person in _named(session, workspace_id=workspace_id, name=name):
        if person.display_name.casefold() == wanted:
            return person
    return None


def stamp_profile(
    session: Session, /, *, workspace: str, platform_user_id: str, at: datetime | None
) -> None:
    """Record when a chat user's profile was last fetched from the platform (None: stale)."""
    stamp = session.exec(
        select(SlackProfile).where(
            SlackProfile.team_id == workspace, SlackProfile.user_id == platform_user_id
        )
    ).first()
    if stamp is None:
        stamp = SlackProfile(team_id=workspace, user_id=platform_user_id)
    stamp.fetched_at = at
    session.add(stamp)
    session.flush()


_STORED_PROFILES = (
    core_select(
        col(Person.platform_user_id),
        col(Person.display_name),
        col(Person.timezone),
        col(Person.locale),
        col(Person.email),
        col(SlackProfile.fetched_at),
    )
    .join(Workspace, col(Workspace.id) == col(Person.workspace_id))
    .outerjoin(
        SlackProfile,
        and_(
            col(SlackProfile.team_id) == bindparam("workspace"),
            col(SlackProfile.user_id) == col(Person.platform_user_id),
        ),
    )
    .where(
        col(Workspace.platform) == bindparam("platform"),
        col(Workspace.external_id) == bindparam("workspace"),
        col(Person.platform_user_id).in_(bindparam("ids", expanding=True)),
    )
)


def stored_profiles(
    conn: Connection,
    /,
    *,
    platform: str,
    workspace: str,
    platform_user_ids: Sequence[str],
) -> list[tuple[str, str, str | None, str | None, str | None, datetime | None]]:
    """Several chat users' stored profiles in one query, for a workspace's external id.

    Each row: platform user id, display name, time zone, locale, e-mail, when fetched.
    On a plain connection (no objects are loaded): adapters read this before every
    command that is not in their memory.
    """
    params = {"platform": platform, "workspace": workspace, "ids": list(platform_user_ids)}
    return [
        (str(uid), name, tz, locale, email, fetched)
        for uid, name, tz, locale, email, fetched in conn.execute(_STORED_PROFILES, params).all()
    ]


def is_away(away_from: date | None, away_until: date | None, day: date) -> bool:
    """Whether an away period (first and last day, both inclusive) covers ``day``.

    Args:
        away_from: the first day away; None when the period has begun.
        away_until: the last day away; None when nobody is away.
        day: the day in the person's own time zone.
    """
    if away_until is None or away_until < day:
        return False
    return away_from is None or away_from <= day
