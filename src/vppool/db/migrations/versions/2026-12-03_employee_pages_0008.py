"""employee pages and public profiles (amended before release: an id key like every table)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "employee_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_employee_page_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee_page")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_employee_page_organisation_id")),
        sa.UniqueConstraint("token", name=op.f("uq_employee_page_token")),
    )
    with op.batch_alter_table("employee_page", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employee_page_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "public_profile",
        sa.Column("introduction", sqlmodel.sql.sqltypes.AutoString(length=800), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_public_profile_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_profile")),
        sa.UniqueConstraint("trust_person_id", name=op.f("uq_public_profile_trust_person_id")),
    )
    with op.batch_alter_table("public_profile", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_profile_trust_person_id"), ["trust_person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("public_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_profile_trust_person_id"))

    op.drop_table("public_profile")
    with op.batch_alter_table("employee_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employee_page_organisation_id"))

    op.drop_table("employee_page")
