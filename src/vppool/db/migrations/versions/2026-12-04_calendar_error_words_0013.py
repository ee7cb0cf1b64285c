"""calendar_source.last_error_words: why a calendar could not be read, as a message id with values

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_source") as batch:
        batch.add_column(sa.Column("last_error_words", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calendar_source") as batch:
        batch.drop_column("last_error_words")
