"""quota_counters: identifiable reads counted per caller per minute

The hourly lookup quotas were a count of the caller's audit events, checked
before the lookup was recorded: two concurrent requests could both see room for
one more. A counter row per caller and minute, incremented with an upsert in the
lookup's own transaction, queues concurrent requests on the row instead.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quota_counters",
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "bucket", name="pk_quota_counters"),
    )


def downgrade() -> None:
    op.drop_table("quota_counters")
