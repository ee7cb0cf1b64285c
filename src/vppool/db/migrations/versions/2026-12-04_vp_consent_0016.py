"""vp consent: placements asked of the VP, declined with a reason

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = ("proposed", "confirmed", "ended", "cancelled")
_AFTER = ("proposed", "asked", "confirmed", "declined", "ended", "cancelled")


def _statuses(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.drop_constraint("assignment_status", type_="check")
        batch.create_check_constraint("assignment_status", _statuses(_AFTER))
        batch.add_column(sa.Column("decline_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE assignment SET status = 'cancelled' WHERE status IN ('asked', 'declined')")
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("decline_reason")
        batch.drop_constraint("assignment_status", type_="check")
        batch.create_check_constraint("assignment_status", _statuses(_BEFORE))
