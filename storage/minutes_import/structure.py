"""The neutral structure a minutes file is read into (no database, no layout details)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time


@dataclass
class ParsedParticipant:
    """One person in the header, with how they took part."""

    name: str
    role: str  # a storage.models.ParticipantRole value
    municipality: str | None = None
    title: str | None = None


@dataclass
class ParsedNote:
    """A dated follow-up note on an action."""

    day: date
    text: str


@dataclass
class ParsedAction:
    """An åtgärd as printed: text, due date (or none), owner (or none), notes."""

    text: str
    due: date | None = None
    owner: str | None = None
    notes: list[ParsedNote] = field(default_factory=list)


@dataclass
class ParsedItem:
    """An ärende with everything printed under it."""

    number: str
    title: str
    presenter: str | None = None
    attachments: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)


@dataclass
class ParsedMeeting:
    """One file of minutes."""

    title: str | None = None
    day: date | None = None
    start: time | None = None
    end: time | None = None
    place: str | None = None
    participants: list[ParsedParticipant] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        """How many actions the file holds."""
        return sum(len(i.actions) for i in self.items)

    @property
    def decision_count(self) -> int:
        """How many decisions the file holds."""
        return sum(len(i.decisions) for i in self.items)

    @property
    def note_count(self) -> int:
        """How many follow-up notes the file holds."""
        return sum(len(a.notes) for i in self.items for a in i.actions)
