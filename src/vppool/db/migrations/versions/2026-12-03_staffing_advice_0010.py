"""staffing advice

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staffing_advice",
        sa.Column("trust_persons", sa.Integer(), nullable=False),
        sa.Column("both_genders", sa.Boolean(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.Column("internal_backup", sa.Boolean(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_version", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_staffing_advice_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_staffing_advice_updated_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staffing_advice")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_staffing_advice_organisation_id")),
    )
    with op.batch_alter_table("staffing_advice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staffing_advice_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_staffing_advice_updated_by_user_id"),
            ["updated_by_user_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("staffing_advice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staffing_advice_updated_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_staffing_advice_organisation_id"))

    op.drop_table("staffing_advice")
