"""archive jobs' queued_at: the time a leaver's archiving was queued, for jobs queued before it

An adopted scenario's "VP leaves" queues a job that archives the VP after their last day;
since 2026-12-04 the job carries ``queued_at`` and leaves alone a VP whom a planner took back
after it was queued. Jobs queued before then lack it and would archive such a VP anyway:
they get their job's own creation time (when the scenario was adopted).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The job table as this migration knows it (not the models: they may change later).
_job = sa.table(
    "job",
    sa.column("id", sa.Integer),
    sa.column("task", sa.String),
    sa.column("status", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_job.c.id, _job.c.payload, _job.c.created_at).where(
            _job.c.task == "trust_person_archive", _job.c.status.in_(("queued", "running"))
        )
    ).all()
    for job_id, payload, created_at in rows:
        if not isinstance(payload, dict) or "queued_at" in payload:
            continue
        # SQLite gives the stored UTC time back without its zone.
        created = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        queued_at = created.astimezone(UTC).isoformat()
        bind.execute(
            _job.update()
            .where(_job.c.id == job_id)
            .values(payload={**payload, "queued_at": queued_at})
        )


def downgrade() -> None:
    """Nothing to undo: the key is harmless to the code of the revisions before."""
