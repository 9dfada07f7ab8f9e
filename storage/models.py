"""The register's tables, as SQLModel models.

``XBase`` holds a table's plain fields, ``X`` is the table. What leaves the
process (the JSON export) is written by storage/backup.py from the tables.
Statuses and roles are enums; their columns are plain strings of the enum's
values (``EnumText``), read back as the enum. Datetimes are naive UTC; dates
are plain dates.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import JSON, Column, Dialect, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E]):
    """A StrEnum kept as its value in a plain VARCHAR (no database enum type to migrate)."""

    impl = String(16)
    cache_ok = True

    def __init__(self, enum: type[E]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


class MeetingStatus(StrEnum):
    """Lifecycle of a meeting."""

    PLANNED = "planned"
    RUNNING = "running"
    ENDED = "ended"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class ActionStatus(StrEnum):
    """Lifecycle of an action."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ParticipantRole(StrEnum):
    """How someone took part in a meeting (from the minutes' header)."""

    PARTICIPANT = "deltagare"
    VOTING = "beslutande"
    ORGANIZER = "organisator"
    OTHER = "ovriga"
    ABSENT = "franvaro"
    SUBSTITUTE = "ersattare"


class DeliveryStatus(StrEnum):
    """Where a scheduled message is: claimed by a sender, sent, to retry, or given up."""

    CLAIMED = "claimed"
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


class Workspace(SQLModel, table=True):
    """A Slack team, a Teams tenant, or the console."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    name: str = Field(default="", max_length=200)
    language: str = Field(default="sv", max_length=8)
    timezone: str = Field(default="Europe/Stockholm", max_length=64)
    next_action_no: int = Field(default=1)
    next_decision_no: int = Field(default=1)
    created_at: datetime
    # Set when the app was removed from the workspace (Slack app_uninstalled / tokens_revoked):
    # the register is kept, scheduled messages to it are recorded as failed, not sent.
    uninstalled_at: datetime | None = None


class PersonBase(SQLModel):
    """Fields shared by every view of a person."""

    display_name: str = Field(max_length=200)
    platform_user_id: str | None = Field(default=None, max_length=128)
    timezone: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)
    email: str | None = Field(default=None, max_length=254)


class Person(PersonBase, table=True):
    """Someone who owns actions or presents items; may have no chat account."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "platform_user_id"),
        Index("ix_person_workspace_name", "workspace_id", "display_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    reminders_enabled: bool = Field(default=True)
    reminder_time: time = Field(default=time(8, 0))
    # The away period's first day (None: it has begun) and last day, both inclusive.
    away_from: date | None = None
    away_until: date | None = None
    created_at: datetime


# Bytes in code point order on PostgreSQL too, so that a prefix is one range of the index.
_NAME_KEY = String(200).with_variant(String(200, collation="C"), "postgresql")


class PersonName(SQLModel, table=True):
    """A person's name as people type it, kept for look-ups by name that use an index.

    Position 0 is the whole name, 1 and on its words (for a name of several words);
    ``word`` is :func:`storage.names.fold` of it, ``word_ascii`` the same with å, ä and ö
    read as a and o. Derived from ``Person.display_name`` whenever it is written.
    """

    __tablename__ = "person_name"
    __table_args__ = (
        Index("ix_person_name_word", "workspace_id", "word", "person_id"),
        Index("ix_person_name_ascii", "workspace_id", "word_ascii", "person_id"),
    )

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    workspace_id: int
    word: str = Field(sa_type=_NAME_KEY)
    word_ascii: str = Field(sa_type=_NAME_KEY)


class MeetingSeriesBase(SQLModel):
    """Fields shared by every view of a meeting series."""

    name: str = Field(max_length=200)
    channel_id: str | None = Field(default=None, max_length=128)
    place: str | None = Field(default=None, max_length=300)
    start_time: time | None = None
    end_time: time | None = None
    timezone: str = Field(default="Europe/Stockholm", max_length=64)
    rrule: str | None = Field(default=None, max_length=500)
    digest_days_before: int = Field(default=2)
    digest_time: time = Field(default=time(9, 0))
    digest_on_morning: bool = Field(default=False)


class MeetingSeries(MeetingSeriesBase, table=True):
    """A recurring body such as "KC-möte", bound to a channel."""

    __tablename__ = "meeting_series"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        Index("ix_series_channel", "workspace_id", "channel_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    created_at: datetime


class MeetingBase(SQLModel):
    """Fields shared by every view of a meeting."""

    starts_at: datetime
    ends_at: datetime | None = None
    place: str | None = Field(default=None, max_length=300)
    status: MeetingStatus = Field(default=MeetingStatus.PLANNED, sa_type=EnumText(MeetingStatus))
    title: str | None = Field(default=None, max_length=300)


class Meeting(MeetingBase, table=True):
    """One occurrence of a series."""

    __table_args__ = (
        Index("ix_meeting_series_start", "series_id", "starts_at"),
        Index("ix_meeting_workspace_start", "workspace_id", "starts_at"),
        # The scheduler's sweeps: planned or running meetings by start, across workspaces.
        Index("ix_meeting_status_start", "status", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    series_id: int | None = Field(default=None, foreign_key="meeting_series.id")
    current_item_id: int | None = None
    approved_by_id: int | None = Field(default=None, foreign_key="person.id")
    approved_at: datetime | None = None
    created_at: datetime


class MeetingParticipant(SQLModel, table=True):
    """A person's role at a meeting."""

    __tablename__ = "meeting_participant"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    role: ParticipantRole = Field(
        default=ParticipantRole.PARTICIPANT, sa_type=EnumText(ParticipantRole), primary_key=True
    )
    municipality: str | None = Field(default=None, max_length=100)
    title: str | None = Field(default=None, max_length=100)


class AgendaItemBase(SQLModel):
    """Fields shared by every view of an agenda item."""

    number: str = Field(max_length=16)
    title: str = Field(max_length=500)
    presenter_name: str | None = Field(default=None, max_length=200)
    description: str | None = None
    notes: str | None = None
    attachments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AgendaItem(AgendaItemBase, table=True):
    """An ärende of a meeting; meeting_id is empty while only proposed for a series."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        Index("ix_item_meeting", "meeting_id", "sort_key"),
        Index("ix_item_series_pending", "series_id", "meeting_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    series_id: int | None = Field(default=None, foreign_key="meeting_series.id")
    sort_key: str = Field(default="", max_length=64)
    presenter_id: int | None = Field(default=None, foreign_key="person.id")
    proposed_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class ActionBase(SQLModel):
    """Fields shared by every view of an action."""

    text: str = Field(max_length=2000)
    due_date: date | None = None
    status: ActionStatus = Field(default=ActionStatus.OPEN, sa_type=EnumText(ActionStatus))


class Action(ActionBase, table=True):
    """An åtgärd: who does what by when."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        UniqueConstraint("workspace_id", "source_ref"),
        # history sits before due_date so the morning fan-out (open, not history, due before
        # a day) and `/action lista historik` are both one range scan of this index.
        # number ends it so a whole list (due date, then number) is read in index order
        # and stops at its page instead of sorting every open action.
        Index("ix_action_open_due", "workspace_id", "status", "history", "due_date", "number"),
        Index("ix_action_meeting", "meeting_id", "item_id"),
        # "/action lista": what the caller logged, besides what they own.
        Index("ix_action_created_by", "created_by_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    item_id: int | None = Field(default=None, foreign_key="agenda_item.id")
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    done_by_id: int | None = Field(default=None, foreign_key="person.id")
    done_at: datetime | None = None
    updated_at: datetime
    source_ref: str | None = Field(default=None, max_length=200)
    # Imported from minutes of a meeting held long before the import and untouched since:
    # kept in the record and the minutes, but no reminders, status requests, digests or
    # default lists. Any change by a person clears it.
    history: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class ActionOwner(SQLModel, table=True):
    """Link between an action and one of its owners."""

    __tablename__ = "action_owner"
    __table_args__ = (Index("ix_action_owner_person", "person_id", "action_id"),)

    action_id: int = Field(foreign_key="action.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    position: int = Field(default=0)


class ActionNote(SQLModel, table=True):
    """A dated follow-up on an action; history, never replaces its text."""

    __tablename__ = "action_note"
    __table_args__ = (Index("ix_note_action", "action_id", "note_date", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id")
    note_date: date
    text: str = Field(max_length=4000)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class DecisionBase(SQLModel):
    """Fields shared by every view of a decision."""

    text: str = Field(max_length=4000)


class Decision(DecisionBase, table=True):
    """A beslut; read-only once its meeting is approved."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        UniqueConstraint("workspace_id", "source_ref"),
        Index("ix_decision_meeting", "meeting_id", "item_id"),
        Index("ix_decision_supersedes", "supersedes_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    item_id: int | None = Field(default=None, foreign_key="agenda_item.id")
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime
    supersedes_id: int | None = Field(default=None, foreign_key="decision.id")
    source_ref: str | None = Field(default=None, max_length=200)


class AuditEvent(SQLModel, table=True):
    """Who changed which record when, with its state before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id")
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    at: datetime
    entity: str = Field(max_length=32)
    entity_id: int
    op: str = Field(max_length=32)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class ProcessedEvent(SQLModel, table=True):
    """A delivery id already handled (Slack event_id, Teams activity id): retries do nothing."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    event_id: str = Field(max_length=200)
    at: datetime


class Delivery(SQLModel, table=True):
    """A scheduled message, claimed before sending so it goes out exactly once."""

    __table_args__ = (
        UniqueConstraint("kind", "recipient", "occasion"),
        Index("ix_delivery_status", "status", "claimed_at"),
        # A tick reads what was settled for its occasions; a reinstall retries a workspace's.
        Index("ix_delivery_occasion", "occasion"),
        Index("ix_delivery_workspace_status", "workspace_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id")
    kind: str = Field(max_length=32)
    recipient: str = Field(max_length=200)
    occasion: str = Field(max_length=100)
    status: DeliveryStatus = Field(default=DeliveryStatus.CLAIMED, sa_type=EnumText(DeliveryStatus))
    claimed_by: str | None = Field(default=None, max_length=200)
    claimed_at: datetime
    sent_at: datetime | None = None
    attempts: int = Field(default=0)
    error: str | None = Field(default=None, max_length=1000)


class ConversationRef(SQLModel, table=True):
    """Where to reach a person or channel proactively (Teams conversation reference)."""

    __tablename__ = "conversation_ref"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    kind: str = Field(max_length=16)
    key: str = Field(max_length=300)
    reference: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class CalendarToken(SQLModel, table=True):
    """An unguessable token that serves one calendar feed until revoked."""

    __tablename__ = "calendar_token"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    kind: str = Field(max_length=16)
    target_id: int
    created_at: datetime
    revoked_at: datetime | None = None


# --- Slack (issue 3) -------------------------------------------------------------------------
# slack-sdk's installation and OAuth state tables are created by migration 0002_slack from the
# stores' own table definitions; only our profile-freshness record is a model of ours.


class SlackProfile(SQLModel, table=True):
    """When a Slack user's profile (name, time zone, locale) was last fetched with users.info."""

    __tablename__ = "slack_profile"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    fetched_at: datetime | None = None


# --- Scheduler (issue 4): which dates of a series' rule have become meetings ---------------------


class SeriesOccurrence(SQLModel, table=True):
    """One date of a series' recurrence rule that was turned into a meeting.

    Kept even when the meeting is later moved or cancelled, so extending the
    planning horizon never recreates an occurrence someone moved away.
    """

    __tablename__ = "series_occurrence"
    __table_args__ = (UniqueConstraint("series_id", "occurrence_date"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="meeting_series.id")
    occurrence_date: date
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    created_at: datetime


# --- Shared files (issue 6): documents served at an expiring link ---------------------------------


class SharedFile(SQLModel, table=True):
    """A generated document (minutes) downloadable at ``/files/<token>/<filename>`` until expiry.

    Only a SHA-256 of the token is stored, so the table alone does not open any link.
    """

    __tablename__ = "shared_file"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    filename: str = Field(max_length=200)
    mime_type: str = Field(max_length=200)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    expires_at: datetime = Field(index=True)


# --- Uppdrag (issue 13): working groups' assignments and their yearly follow-up ------------------


class AssignmentStatus(StrEnum):
    """Where an assignment (uppdrag) stands; only the KC group's verdict changes it."""

    ONGOING = "pågår"
    DONE = "utfört"
    CLOSED = "avslutat"
    CHANGED = "ändrat"
    DORMANT = "vilande"


class PartyKind(StrEnum):
    """What kind of responsible party an assignment has."""

    GROUP = "group"  # an arbetsgrupp such as Näringslivsgruppen
    ROLE = "role"  # a post such as Kanslichef
    ORGANISATION = "organisation"  # an outside body such as RISE


class ReportKind(StrEnum):
    """Who wrote an entry in an assignment's history."""

    REPORT = "report"  # the group's own report, with a proposed status
    VERDICT = "verdict"  # the KC group's assessment, which sets the status


class ResponsiblePartyBase(SQLModel):
    """Fields shared by every view of a responsible party."""

    name: str = Field(max_length=200)
    kind: str = Field(default=PartyKind.GROUP.value, max_length=16)
    contact_id: int | None = Field(default=None, foreign_key="person.id")


class ResponsibleParty(ResponsiblePartyBase, table=True):
    """A working group, a role or an outside organisation that carries assignments."""

    __tablename__ = "responsible_party"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class PartyMember(SQLModel, table=True):
    """A member of a working group."""

    __tablename__ = "party_member"

    party_id: int = Field(foreign_key="responsible_party.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    position: int = Field(default=0)


class PartyChair(SQLModel, table=True):
    """Who chairs a group in a year (the host municipality's representative, värdkommun)."""

    __tablename__ = "party_chair"
    __table_args__ = (UniqueConstraint("party_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="responsible_party.id")
    year: int
    municipality: str | None = Field(default=None, max_length=100)
    person_id: int | None = Field(default=None, foreign_key="person.id")


class AssignmentBase(SQLModel):
    """Fields shared by every view of an assignment."""

    text: str = Field(max_length=4000)
    status: str = Field(default=AssignmentStatus.ONGOING.value, max_length=16)
    section: str | None = Field(default=None, max_length=300)
    origin: str | None = Field(default=None, max_length=300)
    period: str | None = Field(default=None, max_length=32)


class Assignment(AssignmentBase, table=True):
    """An uppdrag: a task that lives for years, shown as ``U7``."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        UniqueConstraint("workspace_id", "source_ref"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    decision_id: int | None = Field(default=None, foreign_key="decision.id")
    source_ref: str | None = Field(default=None, max_length=200)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    updated_at: datetime


class AssignmentParty(SQLModel, table=True):
    """Link between an assignment and one of its responsible parties."""

    __tablename__ = "assignment_party"
    __table_args__ = (Index("ix_assignment_party_party", "party_id", "assignment_id"),)

    assignment_id: int = Field(foreign_key="assignment.id", primary_key=True)
    party_id: int = Field(foreign_key="responsible_party.id", primary_key=True)
    position: int = Field(default=0)


class AssignmentReport(SQLModel, table=True):
    """A dated entry in an assignment's history: a group's report or the KC group's verdict."""

    __tablename__ = "assignment_report"
    __table_args__ = (Index("ix_assignment_report", "assignment_id", "report_date", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id")
    kind: str = Field(default=ReportKind.REPORT.value, max_length=16)
    report_date: date
    text: str = Field(max_length=4000)
    status: str | None = Field(default=None, max_length=16)
    party_id: int | None = Field(default=None, foreign_key="responsible_party.id")
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class AssignmentAction(SQLModel, table=True):
    """An action carried out under an assignment (an action belongs to at most one)."""

    __tablename__ = "assignment_action"
    __table_args__ = (Index("ix_assignment_action", "assignment_id"),)

    action_id: int = Field(foreign_key="action.id", primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id")


class AssignmentFollowUp(SQLModel, table=True):
    """The meeting of a series at which the year's reports on assignments are followed up."""

    __tablename__ = "assignment_followup"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    series_id: int = Field(foreign_key="meeting_series.id")
    meeting_id: int = Field(foreign_key="meeting.id", unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class InboxStatus(StrEnum):
    """Where an incoming unit of work stands."""

    PENDING = "pending"  # recorded and acknowledged, not yet processed
    CLAIMED = "claimed"  # a process is working on it (until ``claimed_until``)
    DONE = "done"  # processed; its change (if any) committed in the same transaction
    FAILED = "failed"  # given up after retries; the sender was told


class InboxItem(SQLModel, table=True):
    """One acknowledged command, event or click, recorded before the acknowledgement.

    The key is the platform's redelivery key (Slack event id or trigger id, Teams
    activity id), so a resent delivery finds the same row. Done rows are deleted after
    a retention period: the payload holds personal data and the inbox is no register.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "key"),
        Index("ix_inbox_status", "status", "claimed_until"),
        Index("ix_inbox_done_at", "done_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    key: str = Field(max_length=200)
    workspace: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    reply_to: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    received_at: datetime
    status: str = Field(default=InboxStatus.PENDING.value, max_length=16)
    claimed_by: str | None = Field(default=None, max_length=200)
    claimed_until: datetime | None = None
    attempts: int = Field(default=0)
    answer: str | None = Field(default=None, max_length=40000)
    answered_at: datetime | None = None
    done_at: datetime | None = None
    error: str | None = Field(default=None, max_length=1000)
