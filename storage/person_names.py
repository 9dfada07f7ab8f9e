"""Keep ``person_name`` (the folded names that look-ups by name search) in step with people.

Every write of a person through the ORM (a new person, a changed display name) rewrites
that person's rows in the same flush, so a name is findable in the transaction that
gave it. Importing this module installs the mapper events; :mod:`storage.db` does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper

from storage.models import Person, PersonName
from storage.names import fold

# As long as the column: a folded name can grow (æ → ae, ß → ss).
_MAX = 200
_BATCH = 5000


def name_key(text: str, *, ascii_: bool = False) -> str:
    """A name or word as ``person_name`` keeps it: spaces collapsed, folded, cut to the column.

    ``ascii_``: å, ä and ö read as a and o (the ``word_ascii`` column).
    """
    return fold(" ".join(text.split()), keep_swedish=not ascii_)[:_MAX]


def name_rows(*, person_id: int, workspace_id: int, display_name: str) -> list[dict[str, Any]]:
    """The ``person_name`` rows of one person: the whole name, then each of its words."""
    words = display_name.split()
    parts = [display_name, *(words if len(words) > 1 else [])]
    return [
        {
            "person_id": person_id,
            "position": position,
            "workspace_id": workspace_id,
            "word": name_key(part),
            "word_ascii": name_key(part, ascii_=True),
        }
        for position, part in enumerate(parts)
    ]


def rebuild(connection: Connection) -> int:
    """Derive every person's rows afresh, for people written past the ORM (bulk loads).

    Returns:
        How many people were indexed.
    """
    connection.execute(delete(PersonName))
    people = connection.execute(
        select(Person.id, Person.workspace_id, Person.display_name)  # type: ignore[call-overload]
    ).all()
    rows: list[dict[str, Any]] = []
    for person_id, workspace_id, display_name in people:
        rows.extend(
            name_rows(person_id=person_id, workspace_id=workspace_id, display_name=display_name)
        )
        if len(rows) >= _BATCH:
            connection.execute(insert(PersonName), rows)
            rows = []
    if rows:
        connection.execute(insert(PersonName), rows)
    return len(people)


def _write(connection: Connection, person: Person) -> None:
    assert person.id is not None
    rows = name_rows(
        person_id=person.id, workspace_id=person.workspace_id, display_name=person.display_name
    )
    connection.execute(insert(PersonName), rows)


@event.listens_for(Person, "after_insert")
def _person_inserted(_mapper: Mapper[Person], connection: Connection, person: Person) -> None:
    _write(connection, person)


@event.listens_for(Person, "after_update")
def _person_updated(_mapper: Mapper[Person], connection: Connection, person: Person) -> None:
    if not inspect(person).attrs.display_name.history.has_changes():
        return
    connection.execute(delete(PersonName).where(PersonName.person_id == person.id))  # type: ignore[arg-type]
    _write(connection, person)
