"""intervision runs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intervision_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "formation",
                "schedule",
                name="intervision_run_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                "cancelled",
                name="intervision_run_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("time_limit_s", sa.Float(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("error_status", sa.Integer(), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_intervision_run_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervision_run")),
    )
    with op.batch_alter_table("intervision_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intervision_run_created_by_user_id"),
            ["created_by_user_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_intervision_run_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intervision_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervision_run_status"))
        batch_op.drop_index(batch_op.f("ix_intervision_run_created_by_user_id"))

    op.drop_table("intervision_run")
