"""uppdrag: responsible parties, assignments, their reports, actions and yearly follow-ups

Revision ID: 0009_uppdrag
Revises: 0008_lifecycle
Create Date: 2026-12-02 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009_uppdrag"
down_revision: str | Sequence[str] | None = "0008_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _str(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "responsible_party",
        sa.Column("name", _str(200), nullable=False),
        sa.Column("kind", _str(16), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_table(
        "party_member",
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["responsible_party.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("party_id", "person_id"),
    )
    op.create_table(
        "party_chair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("municipality", _str(100), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["party_id"], ["responsible_party.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("party_id", "year"),
    )
    op.create_table(
        "assignment",
        sa.Column("text", _str(4000), nullable=False),
        sa.Column("status", _str(16), nullable=False),
        sa.Column("section", _str(300), nullable=True),
        sa.Column("origin", _str(300), nullable=True),
        sa.Column("period", _str(32), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("source_ref", _str(200), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "number"),
        sa.UniqueConstraint("workspace_id", "source_ref"),
    )
    op.create_table(
        "assignment_party",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["responsible_party.id"]),
        sa.PrimaryKeyConstraint("assignment_id", "party_id"),
    )
    op.create_index(
        "ix_assignment_party_party", "assignment_party", ["party_id", "assignment_id"], unique=False
    )
    op.create_table(
        "assignment_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str(16), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=False),
        sa.Column("text", _str(4000), nullable=False),
        sa.Column("status", _str(16), nullable=True),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["responsible_party.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_assignment_report",
        "assignment_report",
        ["assignment_id", "report_date", "id"],
        unique=False,
    )
    op.create_table(
        "assignment_action",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"]),
        sa.PrimaryKeyConstraint("action_id"),
    )
    op.create_index("ix_assignment_action", "assignment_action", ["assignment_id"], unique=False)
    op.create_table(
        "assignment_followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["series_id"], ["meeting_series.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id"),
    )


def downgrade() -> None:
    op.drop_table("assignment_followup")
    op.drop_index("ix_assignment_action", table_name="assignment_action")
    op.drop_table("assignment_action")
    op.drop_index("ix_assignment_report", table_name="assignment_report")
    op.drop_table("assignment_report")
    op.drop_index("ix_assignment_party_party", table_name="assignment_party")
    op.drop_table("assignment_party")
    op.drop_table("assignment")
    op.drop_table("party_chair")
    op.drop_table("party_member")
    op.drop_table("responsible_party")
