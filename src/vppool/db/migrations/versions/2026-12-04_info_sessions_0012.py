"""information sessions at client sites: requested by the client, booked with a VP and a time

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "info_session",
        sa.Column(
            "kind",
            sa.Enum(
                "information",
                "team_meeting",
                "introduction",
                name="info_session_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("audience", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("preferred_trust_person_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "booked",
                "cancelled",
                name="info_session_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("trust_person_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("travel_minutes", sa.Integer(), nullable=False),
        sa.Column("requested_by_user_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 15 AND 480", name=op.f("ck_info_session_duration")
        ),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_info_session_period")),
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at > starts_at", name=op.f("ck_info_session_times")
        ),
        sa.CheckConstraint("travel_minutes >= 0", name=op.f("ck_info_session_travel_nonnegative")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_info_session_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["preferred_trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_info_session_preferred_trust_person_id_trust_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_info_session_requested_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_info_session_site_id_site"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_info_session_trust_person_id_trust_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_session")),
    )
    with op.batch_alter_table("info_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_info_session_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_info_session_preferred_trust_person_id"),
            ["preferred_trust_person_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_info_session_requested_by_user_id"),
            ["requested_by_user_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_info_session_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_info_session_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_info_session_trust_person_id"), ["trust_person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("info_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_info_session_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_info_session_status"))
        batch_op.drop_index(batch_op.f("ix_info_session_site_id"))
        batch_op.drop_index(batch_op.f("ix_info_session_requested_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_info_session_preferred_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_info_session_organisation_id"))

    op.drop_table("info_session")
