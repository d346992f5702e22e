"""automatic_merges: merges the batch deduplication made on the score alone, marked

Issue 22, item 4: every automatic merge is listed for the authority to sample
and audit, with unmerge one click away. The evidence that decided each one is
its review pair's weights; this marks which merges no person decided, and
indexes them newest first.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "merges",
        sa.Column("automatic", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_merges_automatic_merged_at", "merges", ["automatic", "merged_at"])


def downgrade() -> None:
    op.drop_index("ix_merges_automatic_merged_at", table_name="merges")
    with op.batch_alter_table("merges", recreate="never") as batch:  # in place, as 0016
        batch.drop_column("automatic")
