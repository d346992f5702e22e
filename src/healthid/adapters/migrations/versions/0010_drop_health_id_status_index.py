"""health_ids: no index on status

Nothing looks Health IDs up by status (they are found by SI number or by
person), yet every ID the sync establishes paid for an entry in this index: at a
million persons, a million index inserts for no reader.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_health_ids_status", table_name="health_ids")


def downgrade() -> None:
    op.create_index("ix_health_ids_status", "health_ids", ["status"])
