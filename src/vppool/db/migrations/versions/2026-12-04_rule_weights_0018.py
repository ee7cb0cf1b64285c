"""rule weights: the provider's soft-rule weights, read by the matcher over its defaults

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rule_weight",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_rule_weight_updated_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rule_weight")),
    )
    with op.batch_alter_table("rule_weight", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rule_weight_updated_by_user_id"), ["updated_by_user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rule_weight", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_weight_updated_by_user_id"))
    op.drop_table("rule_weight")
