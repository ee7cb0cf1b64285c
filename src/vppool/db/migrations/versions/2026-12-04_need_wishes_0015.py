"""need wishes: gender, languages, sector, locality, way of working, conditions, choosing

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LISTS = ("wish_genders", "wish_languages", "wish_sectors", "hard_wishes")
_CHOICES = {"wish_locality": ("local", "central"), "wish_mode": ("in_person", "remote")}


def upgrade() -> None:
    with op.batch_alter_table("need") as batch:
        for name in _LISTS:
            batch.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))
        for name, values in _CHOICES.items():
            kind = sa.Enum(*values, name=name, native_enum=False, length=20, create_constraint=True)
            batch.add_column(sa.Column(name, kind, nullable=True))
        batch.add_column(
            sa.Column("client_chooses", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("need") as batch:
        for name in _CHOICES:
            batch.drop_constraint(name, type_="check")
    with op.batch_alter_table("need") as batch:
        for name in ("client_chooses", *_CHOICES, *_LISTS):
            batch.drop_column(name)
