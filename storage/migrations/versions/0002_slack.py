"""slack: profile freshness, and slack-sdk's installation and OAuth state stores

Revision ID: 0002_slack
Revises: 0001_initial
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

revision: str = "0002_slack"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _slack_sdk_metadata() -> sa.MetaData:
    # The stores define their own tables; building them here keeps the schema exactly
    # what slack-sdk reads and writes, with no hand-written copy to drift.
    metadata = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(
        metadata, SQLAlchemyInstallationStore.default_installations_table_name
    )
    SQLAlchemyInstallationStore.build_bots_table(
        metadata, SQLAlchemyInstallationStore.default_bots_table_name
    )
    SQLAlchemyOAuthStateStore.build_oauth_states_table(
        metadata, SQLAlchemyOAuthStateStore.default_table_name
    )
    return metadata


def upgrade() -> None:
    op.create_table(
        "slack_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "user_id"),
    )
    _slack_sdk_metadata().create_all(bind=op.get_bind())


def downgrade() -> None:
    _slack_sdk_metadata().drop_all(bind=op.get_bind())
    op.drop_table("slack_profile")
