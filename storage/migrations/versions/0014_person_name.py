"""person_name: people's folded names and words, so that look-ups by name use an index

A look-up by name read every person of the workspace and compared in Python (SQLite's
lower() leaves å, ä and ö alone); with 100,000 people that is most of a command. The
rows are derived from person.display_name (storage/person_names.py keeps them in step)
and filled here for the people there already are.

Revision ID: 0014_person_name
Revises: 0013_action_search
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.person_names import rebuild

revision: str = "0014_person_name"
down_revision: str | Sequence[str] | None = "0013_action_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "person_name",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("word", _KEY, nullable=False),
        sa.Column("word_ascii", _KEY, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", "position"),
    )
    op.create_index(
        "ix_person_name_word", "person_name", ["workspace_id", "word", "person_id"], unique=False
    )
    op.create_index(
        "ix_person_name_ascii",
        "person_name",
        ["workspace_id", "word_ascii", "person_id"],
        unique=False,
    )
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_person_name_ascii", table_name="person_name")
    op.drop_index("ix_person_name_word", table_name="person_name")
    op.drop_table("person_name")
