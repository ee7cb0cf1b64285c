"""user links: one-time links to set a password (invitations and resets)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_link_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_user_link_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_link_token_hash")),
    )
    with op.batch_alter_table("user_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_link_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_user_link_created_by_user_id"), ["created_by_user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("user_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_link_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_link_user_id"))
    op.drop_table("user_link")
