"""inbox: notifications read in the application, the user's language and e-mail choices

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import vppool.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=2), nullable=False, server_default="nl")
        )
        batch.add_column(sa.Column("email_off", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("notification") as batch:
        batch.add_column(
            sa.Column("by_email", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("read_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("link", sa.String(length=300), nullable=True))
        batch.create_index("ix_notification_inbox", ["recipient_user_id", "read_at"])


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_index("ix_notification_inbox")
        batch.drop_column("link")
        batch.drop_column("read_at")
        batch.drop_column("by_email")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("email_off")
        batch.drop_column("language")
