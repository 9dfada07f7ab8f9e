"""action history: actions imported from old minutes stay quiet until someone changes them

Revision ID: 0007_action_history
Revises: 0009_uppdrag
Create Date: 2026-12-02 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_action_history"
down_revision: str | Sequence[str] | None = "0009_uppdrag"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows are ordinary actions: the server default fills them in as not history.
    with op.batch_alter_table("action") as batch:
        batch.add_column(
            sa.Column("history", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # history joins the open-due index before due_date, so the morning fan-out skips the
    # history rows inside the index instead of reading them from the table.
    op.drop_index("ix_action_open_due", table_name="action")
    op.create_index(
        "ix_action_open_due",
        "action",
        ["workspace_id", "status", "history", "due_date"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_action_open_due", table_name="action")
    op.create_index(
        "ix_action_open_due", "action", ["workspace_id", "status", "due_date"], unique=False
    )
    with op.batch_alter_table("action") as batch:
        batch.drop_column("history")
