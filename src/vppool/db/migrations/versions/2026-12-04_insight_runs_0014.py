"""insight runs: recruitment analyses and what-if scenarios worked out in the background

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "recruitment",
                "scenario",
                name="insight_run_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                "cancelled",
                name="insight_run_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("decided_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("matching_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_insight_run_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["matching_run_id"],
            ["matching_run.id"],
            name=op.f("fk_insight_run_matching_run_id_matching_run"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_run")),
    )
    with op.batch_alter_table("insight_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insight_run_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_insight_run_matching_run_id"), ["matching_run_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_insight_run_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("insight_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insight_run_status"))
        batch_op.drop_index(batch_op.f("ix_insight_run_matching_run_id"))
        batch_op.drop_index(batch_op.f("ix_insight_run_created_by_user_id"))

    op.drop_table("insight_run")
