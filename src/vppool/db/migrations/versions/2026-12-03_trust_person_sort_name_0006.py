"""trust person sort name: lists sort Dutch family names without their particle

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from vppool.names import person_sort_key

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trust_person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sort_name",
                sqlmodel.sql.sqltypes.AutoString(length=400),
                nullable=False,
                server_default="",
            )
        )
    people = sa.table(
        "trust_person",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("sort_name", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(people.c.id, people.c.first_name, people.c.last_name))
    for key, first_name, last_name in rows.all():
        connection.execute(
            people.update()
            .where(people.c.id == key)
            .values(sort_name=person_sort_key(first_name, last_name))
        )
    with op.batch_alter_table("trust_person", schema=None) as batch_op:
        batch_op.alter_column("sort_name", server_default=None)
        batch_op.create_index(batch_op.f("ix_trust_person_sort_name"), ["sort_name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trust_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_person_sort_name"))
        batch_op.drop_column("sort_name")
