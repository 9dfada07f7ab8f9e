"""perf: indexes for the command path and the scheduler (lists, counts, sweeps)

Revision ID: 0011_perf
Revises: 0010_inbox
Create Date: 2026-12-02 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_perf"
down_revision: str | Sequence[str] | None = "0010_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The list order (due date, then number) served by the index itself.
    # Plain index statements (no table rebuild), so a big register upgrades quickly.
    op.drop_index("ix_action_open_due", table_name="action")
    op.create_index(
        "ix_action_open_due", "action", ["workspace_id", "status", "history", "due_date", "number"]
    )
    op.create_index("ix_action_created_by", "action", ["created_by_id"])
    op.create_index("ix_decision_supersedes", "decision", ["supersedes_id"])
    op.create_index("ix_meeting_status_start", "meeting", ["status", "starts_at"])
    op.create_index("ix_delivery_occasion", "delivery", ["occasion"])
    op.create_index("ix_delivery_workspace_status", "delivery", ["workspace_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_delivery_workspace_status", table_name="delivery")
    op.drop_index("ix_delivery_occasion", table_name="delivery")
    op.drop_index("ix_meeting_status_start", table_name="meeting")
    op.drop_index("ix_decision_supersedes", table_name="decision")
    op.drop_index("ix_action_created_by", table_name="action")
    op.drop_index("ix_action_open_due", table_name="action")
    op.create_index(
        "ix_action_open_due", "action", ["workspace_id", "status", "history", "due_date"]
    )
