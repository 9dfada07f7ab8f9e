"""one head: join the branches 0002-0005 so every later migration has one parent

Revision ID: 0006_one_head
Revises: 0002_slack, 0003_scheduler, 0004_minutes, 0005_shared_files
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence

revision: str = "0006_one_head"
down_revision: str | Sequence[str] | None = (
    "0002_slack",
    "0003_scheduler",
    "0004_minutes",
    "0005_shared_files",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the branches are only joined."""


def downgrade() -> None:
    """Nothing to change."""
