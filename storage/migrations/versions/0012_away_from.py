"""away_from: an away period can start later ("borta 20 december – 6 januari")

Revision ID: 0012_away_from
Revises: 0011_perf
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_away_from"
down_revision: str | Sequence[str] | None = "0011_perf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: a plain ALTER on both SQLite and PostgreSQL, no table rebuild.
    op.add_column("person", sa.Column("away_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("away_from")
