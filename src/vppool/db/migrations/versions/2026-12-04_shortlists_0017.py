"""shortlists: the VPs a client chooses from, and their candidates

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shortlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "sent",
                "chosen",
                "expired",
                name="shortlist_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("first_choice_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("client_note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("chosen_id", sa.Integer(), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sent_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_shortlist_assignment_id_assignment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["chosen_id"],
            ["trust_person.id"],
            name=op.f("fk_shortlist_chosen_id_trust_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_shortlist_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["first_choice_id"],
            ["trust_person.id"],
            name=op.f("fk_shortlist_first_choice_id_trust_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_shortlist_need_id_need"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortlist")),
    )
    with op.batch_alter_table("shortlist", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shortlist_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shortlist_chosen_id"), ["chosen_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shortlist_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shortlist_first_choice_id"), ["first_choice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shortlist_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shortlist_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_shortlist_open_need",
            ["need_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('draft', 'sent')"),
            postgresql_where=sa.text("status IN ('draft', 'sent')"),
        )

    op.create_table(
        "shortlist_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortlist_id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shortlist_id"],
            ["shortlist.id"],
            name=op.f("fk_shortlist_candidate_shortlist_id_shortlist"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_shortlist_candidate_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortlist_candidate")),
        sa.UniqueConstraint(
            "shortlist_id",
            "trust_person_id",
            name=op.f("uq_shortlist_candidate_shortlist_id_trust_person_id"),
        ),
    )
    with op.batch_alter_table("shortlist_candidate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shortlist_candidate_shortlist_id"), ["shortlist_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shortlist_candidate_trust_person_id"), ["trust_person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("shortlist_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shortlist_candidate_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_shortlist_candidate_shortlist_id"))

    op.drop_table("shortlist_candidate")
    with op.batch_alter_table("shortlist", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_shortlist_open_need",
            sqlite_where=sa.text("status IN ('draft', 'sent')"),
            postgresql_where=sa.text("status IN ('draft', 'sent')"),
        )
        batch_op.drop_index(batch_op.f("ix_shortlist_status"))
        batch_op.drop_index(batch_op.f("ix_shortlist_need_id"))
        batch_op.drop_index(batch_op.f("ix_shortlist_first_choice_id"))
        batch_op.drop_index(batch_op.f("ix_shortlist_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_shortlist_chosen_id"))
        batch_op.drop_index(batch_op.f("ix_shortlist_assignment_id"))

    op.drop_table("shortlist")
